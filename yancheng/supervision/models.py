"""Supervision items (督办件): an instruction given to a lead unit and its cooperating units, each with its
own part (an Assignment), a deadline and a reporting cadence; signed for, reported on, requested closed
with evidence and closed (销号) by the supervision office. One-click dispatch (Dispatch) gives many
units one item each. Lights (red, yellow, green) and lateness are derived on read (lights.py)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import EvidenceFile, RecordEvent, ScopedQuerySet
from yancheng.core.roles import Role, has_role

from .choices import Cadence, EventKind, FileKind, Part, Source, State


class SupervisionRules(models.Model):
    """The supervision office's settings; one row, the defaults until it is first saved."""

    sign_within_hours = models.PositiveSmallIntegerField(
        _("签收时限（工作小时）"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text=_("交办后须在多少个工作小时内签收，超时未签收即为超时，进入催办。"),
    )
    yellow_days = models.PositiveSmallIntegerField(
        _("黄灯预警（工作日）"),
        default=3,
        validators=[MaxValueValidator(20)],
        help_text=_("距办理时限不足多少个工作日时亮黄灯。"),
    )

    class Meta:
        verbose_name = _("督查规则")
        verbose_name_plural = _("督查规则")

    def __str__(self):
        return str(_("督查规则"))

    @classmethod
    def current(cls) -> "SupervisionRules":
        """The saved rules, or the defaults until they are saved (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


def sees_every_item(user) -> bool:
    return has_role(user, Role.SUPERVISION_OFFICE, Role.LEADER, Role.ADMINISTRATOR)


class ItemQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The offices and leaders see every item; a unit sees the items it has a part in."""
        if sees_every_item(user):
            return self
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        if person is None or not person.unit_id or not has_role(user, Role.UNIT_OFFICIAL):
            return self.none()
        return self.filter(pk__in=Assignment.objects.filter(unit_id=person.unit_id).values("item_id"))


class Dispatch(models.Model):
    """One instruction sent to many units at once (一键调度): each got its own item."""

    title = models.CharField(_("调度事项"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调度人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("调度时间"))
    recipients = models.CharField(_("调度范围"), max_length=200)  # 全部县市区政府, or 选定的 12 个单位

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一键调度")
        verbose_name_plural = _("一键调度")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def receipts(self):
        """(each unit's part, with its unit, in unit order; the counts read, signed for, reported): what
        the receipts table and the API show."""
        parts = Assignment.objects.filter(item__dispatch=self).select_related("unit").order_by("unit__code")
        totals = parts.aggregate(
            units=models.Count("pk"),
            read=models.Count("pk", filter=models.Q(read_at__isnull=False)),
            signed=models.Count("pk", filter=models.Q(signed_at__isnull=False)),
            reported=models.Count("pk", filter=models.Q(first_report_at__isnull=False)),
        )
        return parts, totals


class Item(models.Model):
    # The office's own number (衡督〔2026〕15号), when it gives one: an Excel import's key.
    number = models.CharField(_("督办编号"), max_length=40, blank=True)
    title = models.CharField(_("督办事项"), max_length=200)
    content = models.TextField(_("督办内容"))
    source = models.CharField(_("督办来源"), max_length=20, choices=Source)
    source_text = models.CharField(_("来源说明"), max_length=200, blank=True)  # 市政府第12次常务会议纪要
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        "core.Person",
        verbose_name=_("责任领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("办理时限"))
    # The end of due_on in Asia/Shanghai, as the ladder and the lights compare it with now.
    deadline_at = models.DateTimeField(_("办理时限（截止时刻）"), editable=False)
    cadence = models.CharField(_("反馈频次"), max_length=10, choices=Cadence, default=Cadence.NONE)
    state = models.CharField(_("状态"), max_length=20, choices=State, default=State.ASSIGNED)
    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("一键调度"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="items",
    )  # fmt: skip
    # The record a red figure pointed at (a lagging project, an overdue commitment, a unit), if any.
    linked_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")
    figure = models.CharField(_("预警指标"), max_length=200, blank=True)  # 持码率 62%（2026年11月）
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("交办时间"))
    close_requested_at = models.DateTimeField(_("申请办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办件")
        verbose_name_plural = _("督办件")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["state", "deadline_at"]),
            models.Index(fields=["lead_unit", "due_on"]),
            models.Index(fields=["linked_type", "linked_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="one_item_a_number"
            )
        ]

    def __str__(self):
        return self.title


class Assignment(models.Model):
    """One unit's part of an item (交办到单位): its receipt — read, signed for, last reported."""

    item = models.ForeignKey(
        Item, verbose_name=_("督办件"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey("core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("承办类别"), max_length=20, choices=Part)
    task = models.TextField(_("具体任务"), blank=True)
    # The moment sign_within_hours working hours after the assignment (workdays.add_working_hours).
    sign_by = models.DateTimeField(_("签收时限"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    first_report_at = models.DateTimeField(_("首次反馈时间"), null=True, blank=True)
    last_report_at = models.DateTimeField(_("最近反馈时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办单位")
        verbose_name_plural = _("交办单位")
        ordering = ["item", "-kind", "pk"]  # the lead unit first ("lead" > "cooperating")
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="one_assignment_a_unit")]
        indexes = [
            models.Index(fields=["unit", "item"]),
            models.Index(fields=["signed_at", "sign_by"]),
        ]

    def __str__(self):
        return f"{self.item} · {self.unit}"


class Report(models.Model):
    """A unit's progress report (反馈) on its part."""

    item = models.ForeignKey(Item, verbose_name=_("督办件"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("进展情况"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("反馈时间"))

    class Meta:
        verbose_name = _("进展反馈")
        verbose_name_plural = _("进展反馈")
        ordering = ["item", "at", "pk"]

    def __str__(self):
        return self.text[:40]


def file_path(instance, filename):
    return f"supervision/{instance.item_id}/{filename}"


class ItemFile(EvidenceFile):
    """A file of an item: the office's attachment, a report's material, or the closing evidence."""

    item = models.ForeignKey(Item, verbose_name=_("督办件"), on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类别"), max_length=20, choices=FileKind)
    report = models.ForeignKey(
        Report, verbose_name=_("反馈"), null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("文件"), upload_to=file_path)

    class Meta:
        verbose_name = _("督办件材料")
        verbose_name_plural = _("督办件材料")
        ordering = ["item", "pk"]


class ItemEvent(RecordEvent):
    """The item's history, append-only."""

    item = models.ForeignKey(Item, verbose_name=_("督办件"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("督办件办理记录")
        verbose_name_plural = _("督办件办理记录")
        ordering = ["item", "at", "pk"]
