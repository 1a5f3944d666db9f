from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopedQuerySet(models.QuerySet):
    """Reads go through `for_user(user)`: what that user may see, and nothing else.

    A record outside the scope is simply absent, so a view that looks it up answers 404, exactly as
    for a record that does not exist.
    """

    def for_user(self, user):
        raise NotImplementedError(f"{self.model.__name__} must say who may read it")


class EvidenceFile(models.Model):
    """A file a unit filed to show a deadline met (core.evidence). The app adds the record it belongs to
    and the file field, with its own label and folder."""

    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class RecordEvent(models.Model):
    """A step in a record's history, append-only. The app adds the record and the `kind` (its choices)."""

    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.get_kind_display()}"
