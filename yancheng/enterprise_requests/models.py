from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import ScopedQuerySet
from yancheng.core.roles import Role, roles_of

from .choices import DEFAULT_DEADLINES, Escalation, EventKind, RequestKind, Satisfaction

OVERSEERS = frozenset(
    {Role.BUSINESS_ENVIRONMENT_OFFICE, Role.LEADER, Role.SUPERVISION_OFFICE, Role.ADMINISTRATOR}
)


class KindDeadline(models.Model):
    """How many working days a unit has to accept and to reply, per kind of request."""

    kind = models.CharField(_("类别"), max_length=20, choices=RequestKind, unique=True)
    accept_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"))
    reply_days = models.PositiveSmallIntegerField(_("答复时限（工作日）"))

    class Meta:
        verbose_name = _("诉求办理时限")
        verbose_name_plural = _("诉求办理时限")

    def __str__(self):
        return f"{self.get_kind_display()}：{self.accept_days}/{self.reply_days}"

    @classmethod
    def for_kind(cls, kind: str) -> "KindDeadline":
        """The office's limits for a kind, or the defaults until it sets them (reading never writes)."""
        return cls.in_force()[kind]

    @classmethod
    def in_force(cls) -> dict[str, "KindDeadline"]:
        """Every kind's limits in one query: the office's rows, the defaults for the kinds it has not set."""
        stored = {row.kind: row for row in cls.objects.all()}
        return {
            kind.value: stored.get(kind.value) or cls(kind=kind.value, accept_days=accept, reply_days=reply)
            for kind, (accept, reply) in DEFAULT_DEADLINES.items()
        }


class RoutingRule(models.Model):
    """Sends new requests to a unit by kind, region and industry; the first matching rule by priority wins."""

    priority = models.PositiveSmallIntegerField(_("优先级（小者优先）"), default=100)
    kind = models.CharField(_("类别"), max_length=20, choices=RequestKind, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("区县"), null=True, blank=True, on_delete=models.CASCADE
    )
    industry = models.CharField(_("行业"), max_length=50, blank=True)
    unit = models.ForeignKey("core.Unit", verbose_name=_("责任单位"), on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        ordering = ["priority", "id"]

    def __str__(self):
        return f"{self.priority}: → {self.unit}"

    def matches(self, request) -> bool:
        enterprise = request.enterprise
        return (
            (not self.kind or self.kind == request.kind)
            and (self.region_id is None or self.region_id == enterprise.region_id)
            and (not self.industry or self.industry == enterprise.industry)
        )


class RequestQuerySet(ScopedQuerySet):
    def for_user(self, user):
        roles = roles_of(user)
        if roles & OVERSEERS:
            return self
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        if person is None:
            return self.none()
        q = models.Q(pk__in=[])
        if Role.ENTERPRISE_USER in roles and person.enterprise_id:
            q |= models.Q(enterprise_id=person.enterprise_id)
        if Role.UNIT_OFFICIAL in roles and person.unit_id:
            q |= models.Q(unit_id=person.unit_id)
        return self.filter(q)


class EnterpriseRequest(models.Model):
    """An enterprise's request (诉求). Deadlines are stored when it is filed; its state is derived from
    them when read (see state.py), so it holds whether or not the worker has run."""

    enterprise = models.ForeignKey(
        "core.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="requests"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=RequestKind)
    subject = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("内容"))
    visit = models.ForeignKey(
        "visits.Visit", verbose_name=_("相关访企活动"), null=True, blank=True, on_delete=models.SET_NULL
    )
    filed_at = models.DateTimeField(_("提交时间"), db_index=True)
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)

    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_requests",
    )
    routed_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    transferred_from = models.ForeignKey(
        "core.Unit",
        verbose_name=_("原责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    accept_deadline = models.DateTimeField(_("受理期限"))
    reply_deadline = models.DateTimeField(_("答复期限"))
    extended_deadline = models.DateTimeField(_("延期后答复期限"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("申请延期（工作日）"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    extension_pending = models.BooleanField(_("延期待批"), default=False)

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    satisfaction = models.CharField(_("评价"), max_length=20, choices=Satisfaction, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("重新办理时间"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["unit", "filed_at"]), models.Index(fields=["enterprise", "filed_at"])]

    def __str__(self):
        return self.subject

    @property
    def effective_reply_deadline(self):
        return self.extended_deadline or self.reply_deadline


class RequestEvent(models.Model):
    """The request's history, step by step, never rewritten."""

    request = models.ForeignKey(
        EnterpriseRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("环节"), max_length=30, choices=EventKind)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["at", "id"]

    def __str__(self):
        return self.get_kind_display()


def attachment_path(instance, filename):
    return f"requests/{instance.request_id}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(
        EnterpriseRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        RequestEvent, verbose_name=_("办理环节"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.name


class EscalationStep(models.Model):
    """A rung of the ladder reached for a request; one row per rung, so the worker never repeats it."""

    request = models.ForeignKey(EnterpriseRequest, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=Escalation)
    at = models.DateTimeField()
    # The reply deadline this step is about: a reopened request climbs the ladder afresh.
    deadline = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "level", "deadline"], name="one_step_per_deadline")
        ]

    def __str__(self):
        return self.get_level_display()


class LedgerThresholds(models.Model):
    """Where a unit becomes one to hold to account in the bulletin (configurable by the office)."""

    min_checkin_compliance = models.DecimalField(
        _("签到率不低于"), max_digits=4, decimal_places=3, default=0.9
    )
    min_average_rating = models.DecimalField(_("平均评分不低于"), max_digits=3, decimal_places=2, default=4.0)
    max_no_pass_reports = models.PositiveSmallIntegerField(_("无码入企报告不超过"), default=0)
    min_accept_on_time = models.DecimalField(
        _("按时受理率不低于"), max_digits=4, decimal_places=3, default=0.9
    )
    min_reply_on_time = models.DecimalField(
        _("按时答复率不低于"), max_digits=4, decimal_places=3, default=0.9
    )
    min_satisfaction = models.DecimalField(_("满意率不低于"), max_digits=4, decimal_places=3, default=0.8)

    class Meta:
        verbose_name = _("问责阈值")
        verbose_name_plural = _("问责阈值")

    def __str__(self):
        return str(_("问责阈值"))

    @classmethod
    def current(cls) -> "LedgerThresholds":
        """The office's thresholds, or the defaults until it first saves (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
