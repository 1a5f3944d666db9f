"""The escalation ladder's rows (core/ladder.py holds the rules): the steps sent, their documents'
serials, and the offsets an office has changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rung(models.IntegerChoices):
    """The steps of every ladder on the platform, in the order they are climbed (an app may use a
    subset). Zhejiang's four instruments after a reminder: 提示单 → 督办单 → 联系单 → 报告单."""

    REMINDER = 0, _("到期提醒")
    NOTICE = 1, _("提示单")
    SUPERVISION_ORDER = 2, _("督办单")
    LIAISON_LETTER = 3, _("联系单")
    REPORT = 4, _("报告单")


def document_path(instance, filename):
    return f"ladder/{instance.kind}/{instance.year}/{filename}"


class LadderStep(models.Model):
    """A step sent for a record: one row per (kind, record, rung, deadline), so that however many
    workers run the pass, a step is sent once. A new deadline (an extension, a reopening) is another
    row: the ladder is climbed afresh."""

    kind = models.CharField(_("类别"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("记录"))
    rung = models.PositiveSmallIntegerField(_("催办环节"), choices=Rung)
    deadline = models.DateTimeField(_("期限"))
    at = models.DateTimeField(_("发出时间"))
    # The document number's parts: a serial per kind and year, given in the step's transaction, so
    # numbers have no gaps. None for a step without a document (a reminder).
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    # The document's content, fixed when the step is sent; the .docx is made from it after the step
    # commits (core.tasks.store_ladder_documents, or on the first download), so a pass writes rows only.
    title = models.CharField(_("文书标题"), max_length=200, blank=True)
    addressee = models.CharField(_("主送"), max_length=200, blank=True)
    body = models.TextField(_("正文"), blank=True)
    document = models.FileField(_("文书"), upload_to=document_path, blank=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("送达人"), related_name="ladder_steps", blank=True
    )

    class Meta:
        verbose_name = _("催办文书")
        verbose_name_plural = _("催办文书")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "rung", "deadline"], name="ladder_one_step_per_deadline"
            ),
            models.UniqueConstraint(fields=["kind", "year", "serial"], name="ladder_one_number"),
        ]
        indexes = [models.Index(fields=["kind", "object_id", "deadline"])]

    def __str__(self):
        return self.number or self.get_rung_display()


class LadderSerial(models.Model):
    """The last document serial given for a kind in a year; locked while a step takes the next one."""

    kind = models.CharField(_("类别"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("催办文书序号")
        verbose_name_plural = _("催办文书序号")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="ladder_one_serial_per_year")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


class LadderOffset(models.Model):
    """An office's change to a step's offset (working days relative to the deadline, see core.ladder):
    it wins over the ladder's declared default, with no deploy."""

    kind = models.CharField(_("类别"), max_length=40)
    rung = models.PositiveSmallIntegerField(_("催办环节"), choices=Rung)
    offset = models.SmallIntegerField(_("相对期限的工作日数"))

    class Meta:
        verbose_name = _("催办时点")
        verbose_name_plural = _("催办时点")
        constraints = [models.UniqueConstraint(fields=["kind", "rung"], name="ladder_one_offset_per_step")]

    def __str__(self):
        return f"{self.kind} {self.get_rung_display()}: {self.offset:+d}"
