"""The major-project ledger (台账): projects, their year plans, monthly reports and history.

Amounts of money are whole yuan (元) in integer columns, so sums over thousands of reports are exact on
every database; pages and Excel show them in 万元, as the ledgers officials keep do."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Cast, Coalesce, JSONArray
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import ScopedQuerySet
from yancheng.core.reference.industries import DIVISION_CHOICES, section_of
from yancheng.core.roles import Role, is_official_of, roles_of
from yancheng.core.validators import validate_project_code

from .choices import FILED_STATES, EventKind, Level, MilestoneStatus, PlanState, ReportState, Stage

# Roles that read the whole ledger. The development and reform commission's officials do too (their
# unit is named in ProjectRules), and they alone, with administrators, keep the ledger.
OVERSEERS = frozenset({Role.LEADER, Role.SUPERVISION_OFFICE, Role.ADMINISTRATOR})


class ProjectRules(models.Model):
    """The commission's settings for the ledger; one row, the defaults until it is first saved."""

    commission = models.ForeignKey(
        "core.Unit",
        verbose_name=_("项目主管单位（发展改革委）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report_due_workday = models.PositiveSmallIntegerField(
        _("月报截止（次月第几个工作日）"),
        default=5,
        help_text=_("上月月报须在本月第几个工作日结束前报送，默认第 5 个工作日。"),
    )
    deviation_margin = models.PositiveSmallIntegerField(
        _("投资进度预警（百分点）"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("累计完成投资占年度计划的比例低于按月进度超过此数时，项目亮黄灯，默认 20 个百分点。"),
    )

    class Meta:
        verbose_name = _("项目调度规则")
        verbose_name_plural = _("项目调度规则")

    def __str__(self):
        return str(_("项目调度规则"))

    @classmethod
    def current(cls) -> "ProjectRules":
        """The saved rules, or the defaults until they are saved (reading never writes)."""
        return cls.objects.select_related("commission").filter(pk=1).first() or cls(pk=1)


def is_commission(user) -> bool:
    """Whether ``user`` is an official of the development and reform commission (read once a request)."""
    commission = ProjectRules.objects.filter(pk=1).values_list("commission_id", flat=True).first
    return is_official_of(user, commission, "_yancheng_commission")


def sees_whole_ledger(user) -> bool:
    return bool(roles_of(user) & OVERSEERS) or is_commission(user)


def keeps_ledger(user) -> bool:
    """Who imports and edits the ledger, sets plans and moves stages."""
    return Role.ADMINISTRATOR in roles_of(user) or is_commission(user)


class ProjectQuerySet(ScopedQuerySet):
    def for_user(self, user):
        if sees_whole_ledger(user):
            return self
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        if person is None:
            return self.none()
        roles = roles_of(user)
        mine = models.Q(pk__in=[])
        if Role.UNIT_OFFICIAL in roles and person.unit_id:
            mine |= models.Q(responsible_unit_id=person.unit_id) | models.Q(owner_unit_id=person.unit_id)
        if Role.ENTERPRISE_USER in roles and person.enterprise_id:
            mine |= models.Q(owner_enterprise_id=person.enterprise_id)
        return self.filter(mine)


class Project(models.Model):
    code = models.CharField(_("项目代码"), max_length=24, unique=True, validators=[validate_project_code])
    name = models.CharField(_("项目名称"), max_length=100)
    industrial = models.BooleanField(_("产业项目"), default=True)
    industry = models.CharField(_("行业（国民经济行业分类大类）"), max_length=2, choices=DIVISION_CHOICES)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("县市区"), on_delete=models.PROTECT, related_name="projects"
    )
    park = models.ForeignKey(
        "core.Unit",
        verbose_name=_("所在园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_projects",
    )
    # The owner (项目业主) is an enterprise, or for a government project the unit that builds it.
    owner_enterprise = models.ForeignKey(
        "core.Enterprise",
        verbose_name=_("业主企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    owner_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("业主单位（政府投资）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    responsible_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="projects"
    )
    leader = models.ForeignKey(
        "core.Person",
        verbose_name=_("联系市领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    address = models.CharField(_("建设地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    content = models.TextField(_("建设内容"), blank=True)
    starts_on = models.DateField(_("计划开工"))
    completes_on = models.DateField(_("计划竣工"))
    total_investment = models.BigIntegerField(_("总投资（元）"))
    stage = models.CharField(_("建设阶段"), max_length=20, choices=Stage, default=Stage.PREPARATION)
    started_on = models.DateField(_("实际开工"), null=True, blank=True)
    completed_on = models.DateField(_("实际竣工"), null=True, blank=True)
    in_production_on = models.DateField(_("投产日期"), null=True, blank=True)
    # The month a project entered the ledger is the first it owes a report for.
    entered_on = models.DateField(_("入库日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(owner_enterprise__isnull=False) & models.Q(owner_unit__isnull=True))
                | (models.Q(owner_enterprise__isnull=True) & models.Q(owner_unit__isnull=False)),
                name="project_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(total_investment__gte=0), name="project_investment_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "code"]),
            models.Index(fields=["responsible_unit", "code"]),
            models.Index(fields=["stage", "code"]),
        ]

    def __str__(self):
        return self.name

    @property
    def section(self) -> str:
        return section_of(self.industry)

    @property
    def level_labels(self) -> list[str]:
        """The project's levels, highest first (reads the prefetched levels when there are)."""
        order = list(Level.values)
        return [
            str(Level(lv.level).label)
            for lv in sorted(self.levels.all(), key=lambda lv: order.index(lv.level))
        ]

    @property
    def owner(self):
        return self.owner_enterprise or self.owner_unit


class ProjectLevel(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.CharField(_("项目级别"), max_length=20, choices=Level)

    class Meta:
        verbose_name = _("项目级别")
        verbose_name_plural = _("项目级别")
        constraints = [models.UniqueConstraint(fields=["project", "level"], name="project_level_once")]
        indexes = [models.Index(fields=["level", "project"])]

    def __str__(self):
        return self.get_level_display()


class AnnualPlan(models.Model):
    """A project's plan for one year in force (the baseline): the investment to complete, month by
    month, and the milestones to reach. Approving a PlanVersion writes it here (plans.py); the watch,
    the figures and the reports read only this."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    planned_investment = models.BigIntegerField(_("年度计划投资（元）"))
    # Twelve amounts in yuan, January first, summing to planned_investment; null for a plan set before
    # monthly plans were filed (the watch then falls back to an even share of the year).
    monthly_plan = models.JSONField(_("分月计划投资（元）"), null=True, blank=True)
    # Twelve year-to-date amounts in yuan, January first: element m-1 is the investment the reports in
    # force complete from January to month m. Kept by refresh_completed in the same transaction as a
    # report going in force (and when the plan is written), the way Milestone.met_month is, so the watch
    # (deviations.py) reads one figure a plan rather than summing the reports per request. Null until
    # first kept (a plan made by an import or in bulk): the watch then sums the reports itself.
    completed_to_month = models.JSONField(
        _("逐月累计完成投资（元，据月报）"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="one_plan_a_year"),
            models.CheckConstraint(condition=models.Q(planned_investment__gte=0), name="plan_gte_0"),
        ]
        indexes = [models.Index(fields=["year", "project"])]

    def __str__(self):
        return f"{self.project} {self.year}"


class Milestone(models.Model):
    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划完成"))
    # Kept by refresh_met whenever a report goes in force: the watch (deviations.py) reads this column
    # rather than every month's progress rows (66,000 "done" rows at 5,000 projects).
    met_month = models.PositiveSmallIntegerField(
        _("完成月份（据月报）"), null=True, blank=True, editable=False
    )
    # A milestone a later approved version dropped: never deleted, since filed reports point at it, but
    # no longer watched nor offered to new reports. A version naming it again brings it back.
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("计划节点")
        verbose_name_plural = _("计划节点")
        ordering = ["due_on", "id"]
        indexes = [
            # The watch's late milestones: those of the year's plans not met and not retired, by plan
            # and day (past years' unmet milestones stay out of the way of the plans' lookups).
            models.Index(
                fields=["plan", "due_on"],
                condition=models.Q(met_month__isnull=True, retired_at__isnull=True),
                name="milestone_watched_unmet",
            )
        ]

    def __str__(self):
        return self.name


def even_months(total: int) -> list[int]:
    """``total`` yuan spread evenly over twelve months, exact in integers: month m's cumulative amount is
    floor(total·m/12), never ahead of the even share."""
    return [total * m // 12 - total * (m - 1) // 12 for m in range(1, 13)]


class PlanVersion(models.Model):
    """A year plan as filed by the owner (or the ledger keeper) and decided by the commission (备案监督制).
    Never edited once decided: a change is a new version with its reason; the approved one is the
    baseline (written into AnnualPlan and Milestone), the one before it is superseded."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="plan_versions"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("版本"))
    state = models.CharField(_("状态"), max_length=20, choices=PlanState, default=PlanState.FILED)
    planned_investment = models.BigIntegerField(_("年度计划投资（元）"))
    # Twelve amounts in yuan and [{"name", "due_on"}]: a version is a document read whole, never queried
    # by its parts (the baseline's rows are), so it is kept as filed (ADR 0008).
    monthly = models.JSONField(_("分月计划投资（元）"))
    milestones = models.JSONField(_("计划节点"), default=list, blank=True)
    reason = models.CharField(_("变更理由"), max_length=300, blank=True)
    # Null for the versions the migration made from the plans already in force.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("报送时间"))
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("年度计划版本")
        verbose_name_plural = _("年度计划版本")
        ordering = ["project", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "number"], name="plan_version_once"),
            # One version waiting and one baseline a year, whatever two requests do at once.
            models.UniqueConstraint(
                fields=["project", "year"],
                condition=models.Q(state="filed"),
                name="one_plan_version_waiting",
            ),
            models.UniqueConstraint(
                fields=["project", "year"],
                condition=models.Q(state="approved"),
                name="one_plan_version_approved",
            ),
            models.CheckConstraint(condition=models.Q(planned_investment__gte=0), name="plan_version_gte_0"),
        ]

    def __str__(self):
        return f"{self.project} {self.year} v{self.number}"


class ReportQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self.filter(project__in=Project.objects.for_user(user).values("pk"))

    def in_force(self):
        """The reports the figures read: per project and month, the confirmed version in force."""
        return self.filter(in_force=True)


class MonthlyReport(models.Model):
    """A month's report on a project (月度调度). Once confirmed by the responsible unit it is never
    edited: a correction is a new version with its reason, which takes over when confirmed."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    state = models.CharField(_("状态"), max_length=20, choices=ReportState, default=ReportState.SUBMITTED)
    # The confirmed version every figure reads: at most one per project and month (constraint below).
    in_force = models.BooleanField(_("现行版本"), default=False)
    completed_investment = models.BigIntegerField(_("本月完成投资（元）"))
    progress = models.TextField(_("形象进度"))
    problems = models.TextField(_("存在问题"), blank=True)
    correction_reason = models.CharField(_("更正理由"), max_length=300, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报送时间"))
    submission_key = models.CharField(_("提交编号"), max_length=64, unique=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        ordering = ["project", "-year", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "month", "version"], name="report_version_once"
            ),
            models.UniqueConstraint(
                fields=["project", "year", "month"],
                condition=models.Q(in_force=True),
                name="one_report_in_force",
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="report_month_1_12"),
            models.CheckConstraint(
                condition=models.Q(completed_investment__gte=0), name="report_investment_gte_0"
            ),
        ]
        indexes = [
            # The figures sum the reports in force over a year's months (completion, rankings): this
            # index holds all they read, so they never visit the table's rows.
            models.Index(
                fields=["year", "month", "project", "completed_investment"],
                condition=models.Q(in_force=True),
                name="report_in_force_sums",
            ),
            # The same, by project first: for the sums of a few hundred projects (a filtered ledger's
            # summary, a page's lines) PostgreSQL read the whole year of the index above (57,000 rows
            # at 5,000 projects) to keep those; by project it reads theirs only (5-9 -> ~1 ms).
            models.Index(
                fields=["project", "year", "month", "completed_investment"],
                condition=models.Q(in_force=True),
                name="report_in_force_by_project",
            ),
            models.Index(fields=["project", "year", "month"]),
            # The projects that filed a month's report (reporting.overdue_projects, the watch's red
            # set): PostgreSQL read every report of every month for them (62,000 at 5,000 projects,
            # ~9 ms); this holds just the month's filed ones.
            models.Index(
                fields=["year", "month", "project"],
                condition=models.Q(state__in=FILED_STATES),
                name="report_filed_by_month",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.year}-{self.month:02d} v{self.version}"


class MilestoneProgress(models.Model):
    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("月度报告"), on_delete=models.CASCADE, related_name="milestones"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("计划节点"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("完成情况"), max_length=20, choices=MilestoneStatus)

    class Meta:
        verbose_name = _("节点完成情况")
        verbose_name_plural = _("节点完成情况")
        constraints = [
            models.UniqueConstraint(fields=["report", "milestone"], name="milestone_once_a_report")
        ]

    def __str__(self):
        return self.get_status_display()


def photo_path(instance, filename):
    return f"projects/{instance.report.project_id}/{instance.report_id}/{filename}"


class ReportPhoto(models.Model):
    """A site photo of a report, with the time and place its camera wrote into it (EXIF) when it did."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("月度报告"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=photo_path)
    thumbnail = models.ImageField(_("缩略图"), upload_to=photo_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(_("拍摄纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("拍摄经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["report", "id"]

    def __str__(self):
        return self.name


class ProjectEvent(models.Model):
    """The project's history, step by step, never rewritten."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind)
    note = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at"])]

    def __str__(self):
        return self.get_kind_display()


class ReportReminder(models.Model):
    """A reminder sent for a month's missing report: one row per project and month, so it is sent once."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="remind_once_a_month")
        ]

    def __str__(self):
        return f"{self.project_id} {self.year}-{self.month:02d}"


def refresh_met(milestones) -> int:
    """Set each of ``milestones`` (a queryset) to the month of the first report in force that marks it
    done, or none: one UPDATE."""
    first_done = (
        MilestoneProgress.objects.filter(
            milestone=models.OuterRef("pk"), status=MilestoneStatus.DONE, report__in_force=True
        )
        .order_by("report__month")
        .values("report__month")[:1]
    )
    return milestones.update(met_month=models.Subquery(first_done))


def completed_to(month: int, project=None, year=None):
    """The investment the reports in force complete from January to ``month``, for the project and year
    of the outer query's row (an annual plan's, unless ``project`` and ``year`` say otherwise): a
    subquery, null when no report is in force. A whole number on every database (PostgreSQL's SUM of
    bigints is numeric, which would turn the watch's arithmetic around it into numeric too)."""
    project = models.OuterRef("project_id") if project is None else project
    year = models.OuterRef("year") if year is None else year
    return models.Subquery(
        MonthlyReport.objects.filter(in_force=True, project=project, year=year, month__lte=month)
        .order_by()
        .values("project_id")
        .annotate(total=Cast(models.Sum("completed_investment"), models.BigIntegerField()))
        .values("total")[:1],
        output_field=models.BigIntegerField(),
    )


def refresh_completed(plans) -> int:
    """Set each of ``plans`` (a queryset)'s completed_to_month from the reports in force: one UPDATE."""
    months = [Coalesce(completed_to(month), 0) for month in range(1, 13)]
    return plans.update(completed_to_month=JSONArray(*months))
