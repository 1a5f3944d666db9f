from django.db import models
from django.utils.translation import gettext_lazy as _

from .regions import ReferenceQuerySet


class CalendarOverride(models.Model):
    """A day whose status the State Council's notice fixes and the calendar package does not know yet
    (a holiday, or an adjusted working weekend 调休). It wins over the package and the weekday rule."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {'上班' if self.is_workday else '休息'}"
