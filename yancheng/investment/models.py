"""Investment attraction (招商引资): leads from the pool to production, counted honestly.

- one record per investor and project: a second unit filing the same one is told who has it and may
  join it as a co-unit (``LeadUnit``);
- a signing counts once, on the day of the first signing (``signed_on`` is never moved);
- an expansion or upgrade of an earlier lead counts only the increase (``counted_amount``);
- funds count only as transfers recorded with their bank receipt; ``funded_total`` is their sum, kept
  in the transaction that records one, never typed.

Warnings are derived on read (warnings.py) from the office's limits in ``InvestmentRules``; the funnel of
the big-data view is read from ``FunnelCell``, kept on write (summary.py)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import EvidenceFile, RecordEvent, ScopedQuerySet
from yancheng.core.reference.industries import DIVISION_CHOICES
from yancheng.core.roles import Role, is_official_of, roles_of
from yancheng.projects.models import OVERSEERS, is_commission

from .choices import EventKind, Source, Stage


class InvestmentRules(models.Model):
    """The investment office's settings; one row, the defaults until it is first saved."""

    office = models.ForeignKey(
        "core.Unit",
        verbose_name=_("招商主管单位（商务局）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pooled_days = models.PositiveSmallIntegerField(
        _("入库预警（天）"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("入库超过多少天仍未进入洽谈即预警。"),
    )
    negotiating_days = models.PositiveSmallIntegerField(
        _("在谈预警（天）"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("洽谈超过多少天仍未签约即预警。"),
    )
    idle_days = models.PositiveSmallIntegerField(
        _("未跟进预警（天）"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("多少天没有任何跟进记录即预警。"),
    )
    funds_margin = models.PositiveSmallIntegerField(
        _("资金到位滞后（百分点）"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("到位资金低于合同约定进度超过此比例即预警，默认 10%。"),
    )

    class Meta:
        verbose_name = _("招商预警规则")
        verbose_name_plural = _("招商预警规则")

    def __str__(self):
        return str(_("招商预警规则"))

    def save(self, *args, **kwargs):
        """Saved with every lead's ``funds_behind_after`` marked again: it depends on the margin."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            Lead.objects.mark_funds_behind(self.funds_margin)

    @classmethod
    def current(cls) -> "InvestmentRules":
        """The saved rules, or the defaults until they are saved (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


def is_investment_office(user) -> bool:
    """An official of the investment office (read once a request)."""
    office = InvestmentRules.objects.filter(pk=1).values_list("office_id", flat=True).first
    return is_official_of(user, office, "_yancheng_investment_office")


def sees_every_lead(user) -> bool:
    """Leaders, the supervision office, the investment office, and the commission (which takes signed
    leads into the major-project ledger)."""
    return bool(roles_of(user) & OVERSEERS) or is_investment_office(user) or is_commission(user)


class LeadQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Who sees every lead (sees_every_lead) sees them all; a unit its own and those it works on
        as a co-unit."""
        if sees_every_lead(user):
            return self
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        if person is None or person.unit_id is None or Role.UNIT_OFFICIAL not in roles_of(user):
            return self.none()
        return self.filter(
            models.Q(unit_id=person.unit_id)
            | models.Q(pk__in=LeadUnit.objects.filter(unit_id=person.unit_id).values("lead_id"))
        )

    def mark_funds_behind(self, margin: int) -> int:
        """Set ``funds_behind_after`` on these leads from their schedule and funds (after a signing, a
        transfer, a change of the margin, a bulk load): the first line due whose cumulative amount the
        funds recorded fall short of by more than ``margin`` percent, or none."""
        short = models.ExpressionWrapper(
            models.F("amount") * (100 - margin) - models.OuterRef("funded_total") * 100,
            output_field=models.BigIntegerField(),
        )
        first = FundsLine.objects.filter(lead=models.OuterRef("pk")).alias(short=short).filter(short__gt=0)
        return self.update(funds_behind_after=models.Subquery(first.order_by("due_on").values("due_on")[:1]))


class Lead(models.Model):
    """An investment lead and, once signed, the investment project (招商项目)."""

    name = models.CharField(_("项目名称"), max_length=100)
    # The investor: a Chinese enterprise by its USCC, any other by name and country.
    investor_name = models.CharField(_("投资方"), max_length=100)
    investor_uscc = models.CharField(_("投资方统一社会信用代码"), max_length=18, blank=True)
    investor_country = models.CharField(_("投资方国家或地区"), max_length=40, default="中国")
    # Who the same investor and project is, whoever types it (actions.identity): the key of one record.
    investor_key = models.CharField(max_length=140, editable=False)
    name_key = models.CharField(max_length=100, editable=False)
    industry = models.CharField(_("行业（国民经济行业分类大类）"), max_length=2, choices=DIVISION_CHOICES)
    source = models.CharField(_("招商方式"), max_length=20, choices=Source)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("县市区"), on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(
        "core.Unit", verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="investment_leads"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("项目内容"), blank=True)
    contracted_amount = models.BigIntegerField(_("合同投资额（元）"))
    # An expansion or upgrade of an earlier lead counts only what it adds.
    expands = models.ForeignKey(
        "self",
        verbose_name=_("扩建或增资的原项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expansions",
    )
    counted_amount = models.BigIntegerField(_("计入招商额（元）"), editable=False)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage, default=Stage.POOLED)
    stage_since = models.DateField(_("进入本阶段日期"))
    pooled_on = models.DateField(_("入库日期"))
    # The day each stage was first reached: the funnel counts a lead in the year it reached a stage.
    negotiating_on = models.DateField(_("洽谈日期"), null=True, blank=True)
    signed_on = models.DateField(_("首次签约日期"), null=True, blank=True)
    start_due_on = models.DateField(_("合同约定开工日期"), null=True, blank=True)
    started_on = models.DateField(_("履约日期"), null=True, blank=True)
    funded_on = models.DateField(_("首笔资金到位日期"), null=True, blank=True)
    producing_on = models.DateField(_("投产日期"), null=True, blank=True)
    dropped_on = models.DateField(_("终止日期"), null=True, blank=True)
    drop_reason = models.CharField(_("终止原因"), max_length=500, blank=True)
    funded_total = models.BigIntegerField(_("累计到位资金（元）"), default=0, editable=False)
    # The due day of the first schedule line the funds fall behind by more than the rules' margin (the
    # schedule is cumulative, so every later line is behind too): the warning holds once that day has
    # passed. Kept by the signing, each transfer and the rules' save (mark_funds_behind), so that the
    # warning is one indexed date, not a join of every lead's schedule.
    funds_behind_after = models.DateField(null=True, blank=True, editable=False)
    last_activity_on = models.DateField(_("最近跟进日期"))
    # The ledger project it became (a signed lead becomes a major project in one step).
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("重大项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investment_lead",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["-pooled_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["investor_key", "name_key"], name="lead_one_record_per_project"),
            models.CheckConstraint(condition=models.Q(contracted_amount__gte=0), name="lead_amount_gte_0"),
            models.CheckConstraint(condition=models.Q(counted_amount__gte=0), name="lead_counted_gte_0"),
        ]
        indexes = [
            models.Index(fields=["stage", "stage_since"]),
            models.Index(fields=["region", "stage"]),
            models.Index(fields=["unit", "stage"]),
            models.Index(fields=["industry", "stage"]),
            models.Index(fields=["pooled_on"]),
            models.Index(fields=["signed_on"]),
            models.Index(fields=["last_activity_on"]),
            # The warnings (warnings.conditions), each a range of one index.
            models.Index(fields=["stage", "start_due_on"]),
            models.Index(fields=["stage", "funds_behind_after"]),
            models.Index(fields=["stage", "last_activity_on"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("investment:detail", args=[self.pk])


class LeadUnit(models.Model):
    """A unit working on another unit's lead (协办单位): it sees the lead and may follow it up."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="co_units")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(_("加入时间"))

    class Meta:
        verbose_name = _("协办单位")
        verbose_name_plural = _("协办单位")
        constraints = [models.UniqueConstraint(fields=["lead", "unit"], name="lead_unit_once")]

    def __str__(self):
        return f"{self.lead} · {self.unit}"


class FundsLine(models.Model):
    """The contract's schedule of funds: by ``due_on``, ``amount`` in all (cumulative) should have
    arrived."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="schedule")
    due_on = models.DateField(_("约定到位日期"))
    amount = models.BigIntegerField(_("累计应到位资金（元）"))

    class Meta:
        verbose_name = _("资金到位计划")
        verbose_name_plural = _("资金到位计划")
        ordering = ["lead", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "due_on"], name="funds_line_once_a_day"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_line_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.due_on} {self.amount}"


class LeadEvent(RecordEvent):
    """The lead's history, append-only: each step with the stage it reached, each transfer with its
    amount."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage, blank=True)

    class Meta:
        verbose_name = _("招商项目记录")
        verbose_name_plural = _("招商项目记录")
        ordering = ["lead", "at", "pk"]
        indexes = [models.Index(fields=["kind", "stage", "at"])]


class Transfer(models.Model):
    """Funds arrived (资金到位), recorded with the bank's receipt."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="transfers")
    event = models.OneToOneField(LeadEvent, on_delete=models.PROTECT, related_name="transfer")
    amount = models.BigIntegerField(_("到位金额（元）"))
    received_on = models.DateField(_("到账日期"))

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        ordering = ["lead", "received_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="transfer_amount_gt_0")]
        indexes = [models.Index(fields=["received_on"])]

    def __str__(self):
        return f"{self.received_on} {self.amount}"


def file_path(instance, filename):
    return f"investment/{instance.event.lead_id}/{filename}"


class LeadFile(EvidenceFile):
    """A step's evidence: the contract, the business licence, the bank receipt."""

    event = models.ForeignKey(LeadEvent, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("材料"), upload_to=file_path)

    class Meta:
        verbose_name = _("招商材料")
        verbose_name_plural = _("招商材料")
        ordering = ["event", "pk"]


class FunnelCell(models.Model):
    """The big-data view's figures, kept on write (summary.py): for a year, a grouping (``all``, or one
    of funnel.GROUPS) and a group, per stage of the funnel: the leads that reached it that year and
    their amount (到位: the transfers received that year); and, of the leads pooled that year, those
    that reached it or later and the days from the stage before, summed over the leads with both."""

    year = models.PositiveSmallIntegerField()
    grouping = models.CharField(max_length=10)
    key = models.CharField(max_length=20, blank=True)  # the group's value ("" for all, or none)
    stage = models.CharField(max_length=20, choices=Stage)
    count = models.IntegerField(default=0)
    amount = models.BigIntegerField(default=0)
    reached = models.IntegerField(default=0)
    days = models.BigIntegerField(default=0)
    timed = models.IntegerField(default=0)
    as_of = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grouping", "year", "key", "stage"], name="funnel_cell_once")
        ]

    def __str__(self):
        return f"{self.year} {self.grouping}={self.key} {self.stage}"
