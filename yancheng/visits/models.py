from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core import clock
from yancheng.core.models.base import ScopedQuerySet
from yancheng.core.roles import Role, roles_of

from .choices import CaseStatus, Direction, Kind, Purpose, RequestStatus, ScanMethod, ScanResult, Trigger

# Who sees every visit: the office approves them, leaders and the supervision office watch them.
OVERSEERS = frozenset(
    {Role.BUSINESS_ENVIRONMENT_OFFICE, Role.LEADER, Role.SUPERVISION_OFFICE, Role.ADMINISTRATOR}
)


def _person(user):
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


class VisitRules(models.Model):
    """The rules the business-environment office sets (one row)."""

    lead_working_days = models.PositiveSmallIntegerField(_("计划性访企提前申请（工作日）"), default=3)
    late_filing_hours = models.PositiveSmallIntegerField(_("突发事件事后补报时限（小时）"), default=24)
    cap_per_unit_per_enterprise = models.PositiveSmallIntegerField(
        _("每单位对同一企业年度计划检查上限"), default=2
    )
    cap_per_enterprise = models.PositiveSmallIntegerField(_("每家企业年度计划检查总上限"), default=4)
    quiet_days = models.JSONField(_("无事不扰日（每月几号）"), default=list, blank=True)
    joint_window_days = models.PositiveSmallIntegerField(_("联合检查合并窗口（天）"), default=7)
    auto_approve_research = models.BooleanField(_("调研参观自动批准"), default=True)
    auto_approve_max_visitors = models.PositiveSmallIntegerField(_("自动批准的最多人数"), default=4)
    rating_days = models.PositiveSmallIntegerField(_("评价期限（天）"), default=7)
    min_ratings_shown = models.PositiveSmallIntegerField(_("单位可见评价均值的最少评价数"), default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("访企规则")
        verbose_name_plural = _("访企规则")

    def __str__(self):
        return str(_("访企规则"))

    @classmethod
    def current(cls) -> "VisitRules":
        """The rules in force: the office's row, or the defaults until it first saves (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class VisitQuerySet(ScopedQuerySet):
    def for_user(self, user):
        roles = roles_of(user)
        if roles & OVERSEERS:
            return self
        person = _person(user)
        if person is None:
            return self.none()
        q = models.Q(pk__in=[])
        if Role.UNIT_OFFICIAL in roles and person.unit_id:
            q |= models.Q(requests__unit_id=person.unit_id) | models.Q(requests__visitors__user=user)
        if Role.ENTERPRISE_USER in roles and person.enterprise_id:
            q |= models.Q(enterprise_id=person.enterprise_id)
        return self.filter(q).distinct()


class Visit(models.Model):
    """One visit to an enterprise in one time window: one unit's, or several units' merged (joint visit)."""

    enterprise = models.ForeignKey(
        "core.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits"
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("访企活动")
        verbose_name_plural = _("访企活动")
        ordering = ["-starts_at"]
        # ends_at: the ledger's check-in compliance counts visits whose window ended in a period.
        indexes = [models.Index(fields=["enterprise", "year"]), models.Index(fields=["ends_at"])]

    def __str__(self):
        return f"{self.enterprise} {clock.local_text(self.starts_at, '%Y-%m-%d')}"


class VisitRequestQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self.filter(visit__in=Visit.objects.for_user(user))

    def active(self):
        from .choices import ACTIVE

        return self.filter(status__in=ACTIVE)


class VisitRequest(models.Model):
    """One unit's request to take part in a visit (访企预约); the office approves or refuses it."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="requests")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="visit_requests"
    )
    purpose = models.CharField(_("事由"), max_length=20, choices=Purpose)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind)
    trigger = models.CharField(_("触发原因"), max_length=20, choices=Trigger, blank=True)
    trigger_note = models.CharField(_("触发情况说明"), max_length=500, blank=True)
    items = models.TextField(_("检查事项"), blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    filed_late = models.BooleanField(_("事后补报"), default=False)
    # One form submission makes one request, however often it is sent (double clicks, retries).
    submission_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=20, choices=RequestStatus, default=RequestStatus.PENDING)
    auto_approved = models.BooleanField(_("自动批准"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审批意见"), max_length=500, blank=True)

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("访企预约")
        verbose_name_plural = _("访企预约")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "unit"], name="one_request_per_unit_per_visit")
        ]
        # (filed_at, unit): the ledger counts each unit's requests filed in a period from the index alone
        # (docs/benchmarks.md, protection ledger).
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["filed_at", "unit"], name="visitrequest_filed_unit"),
        ]

    def __str__(self):
        return f"{self.unit} → {self.visit}"


class Visitor(models.Model):
    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="visitors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("访企人员"),
        on_delete=models.PROTECT,
        related_name="visits_as_visitor",
    )
    certificate_no = models.CharField(_("执法证号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("访企人员")
        verbose_name_plural = _("访企人员")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="visitor_once_per_request")]

    def __str__(self):
        person = _person(self.user)
        return person.full_name if person else self.user.get_username()


class Pass(models.Model):
    """A visitor's green pass: the signed token in the QR code, and a short code to read out."""

    visitor = models.OneToOneField(Visitor, on_delete=models.PROTECT, related_name="green_pass")
    token = models.TextField()
    short_code = models.CharField(_("短码"), max_length=9, unique=True)
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("通行码")
        verbose_name_plural = _("通行码")

    def __str__(self):
        return self.short_code


class CheckEvent(models.Model):
    """A check-in or check-out. One of each per pass: scanning twice records nothing new."""

    green_pass = models.ForeignKey(Pass, on_delete=models.PROTECT, related_name="checks")
    direction = models.CharField(_("方向"), max_length=3, choices=Direction)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    method = models.CharField(_("方式"), max_length=20, choices=ScanMethod)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("签到签退")
        verbose_name_plural = _("签到签退")
        constraints = [
            models.UniqueConstraint(fields=["green_pass", "direction"], name="one_check_per_direction")
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.green_pass}"


class ScanAttempt(models.Model):
    """Every scan, good or bad: the record of who tried what, where and when."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("core.Enterprise", null=True, on_delete=models.PROTECT, related_name="+")
    green_pass = models.ForeignKey(Pass, null=True, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction)
    method = models.CharField(max_length=20, choices=ScanMethod)
    result = models.CharField(max_length=20, choices=ScanResult)
    ip = models.GenericIPAddressField(null=True)

    class Meta:
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")

    def __str__(self):
        return f"{self.get_result_display()} {clock.local_text(self.at)}"


class EnterpriseCode(models.Model):
    """The fixed code on an enterprise's gate poster: a URL that visitors scan to check in. Issued by
    actions.enterprise_code, the first time the poster is printed."""

    enterprise = models.OneToOneField("core.Enterprise", on_delete=models.CASCADE, related_name="gate_code")
    code = models.CharField(max_length=16, unique=True)

    class Meta:
        verbose_name = _("企业码")
        verbose_name_plural = _("企业码")

    def __str__(self):
        return self.code


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class RatingQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Never the visiting unit: it sees averages only (see queries.unit_rating_summary)."""
        roles = roles_of(user)
        if roles & OVERSEERS:
            return self
        person = _person(user)
        if Role.ENTERPRISE_USER in roles and person is not None and person.enterprise_id:
            return self.filter(visit__enterprise_id=person.enterprise_id)
        return self.none()


class Rating(models.Model):
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="rating")
    overall = models.PositiveSmallIntegerField(_("总体评价"), validators=SCORE)
    conduct = models.PositiveSmallIntegerField(_("工作作风"), validators=SCORE)
    necessity = models.PositiveSmallIntegerField(_("必要性"), validators=SCORE)
    efficiency = models.PositiveSmallIntegerField(_("效率"), validators=SCORE)
    integrity = models.PositiveSmallIntegerField(_("廉洁"), validators=SCORE)
    flag_repeated = models.BooleanField(_("重复检查"), default=False)
    flag_favours = models.BooleanField(_("吃拿卡要"), default=False)
    flag_no_pass = models.BooleanField(_("未出示通行码"), default=False)
    flag_overstayed = models.BooleanField(_("超时逗留"), default=False)
    comment = models.TextField(_("意见建议"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    overall__range=(1, 5),
                    conduct__range=(1, 5),
                    necessity__range=(1, 5),
                    efficiency__range=(1, 5),
                    integrity__range=(1, 5),
                ),
                name="rating_scores_1_to_5",
            )
        ]

    def __str__(self):
        return f"评价 {self.visit_id}"


class NoPassReportQuerySet(ScopedQuerySet):
    def for_user(self, user):
        roles = roles_of(user)
        if roles & OVERSEERS:
            return self
        person = _person(user)
        if Role.ENTERPRISE_USER in roles and person is not None and person.enterprise_id:
            return self.filter(enterprise_id=person.enterprise_id)
        return self.none()


class NoPassReport(models.Model):
    """An enterprise's report of a visit made without a pass: a case for the office."""

    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit_text = models.CharField(_("单位（自述）"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    visitors_text = models.CharField(_("来访人员"), max_length=200)
    description = models.TextField(_("情况描述"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus, default=CaseStatus.OPEN)
    submission_key = models.CharField(max_length=64, unique=True)

    objects = NoPassReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("无码入企报告")
        verbose_name_plural = _("无码入企报告")
        ordering = ["-reported_at"]

    def __str__(self):
        return f"{self.enterprise} {clock.local_text(self.occurred_at, '%Y-%m-%d')}"


class NoPassReportStep(models.Model):
    """The handling of a no-pass report, step by step (append-only)."""

    report = models.ForeignKey(NoPassReport, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus)
    note = models.TextField(_("处理情况"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.get_status_display()
