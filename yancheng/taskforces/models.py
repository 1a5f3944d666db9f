"""Task forces (专班): the task force with its units, members, tasks and timeline (推进时序表); its
check-ins with blockers; its quarterly dispatch meetings and their decisions; the stalls (卡壳) kept as
accountability records; the cadres with their rank, the leader's quarterly assessments and the year's
excellent individuals.

Every deadline is stored as a moment computed on working days when the record is made (the rules then in
force); whether something is overdue or stalled is derived from it when read (stalls.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import RecordEvent, ScopedQuerySet
from yancheng.core.roles import Role, has_role, official_unit

from .choices import Cadence, EventKind, Grade, Kind, Position, Rank, StallKind

# Roles that see every task force and every stall: they run, supervise or score them.
SEE_ALL = (Role.LEADER, Role.SUPERVISION_OFFICE, Role.PERFORMANCE_OFFICE, Role.ADMINISTRATOR)
# Roles that may read any cadre's performance profile besides the cadre.
READ_PROFILES = (Role.LEADER, Role.PERFORMANCE_OFFICE, Role.ADMINISTRATOR)


class TaskForceRules(models.Model):
    """The office's limits, in working days (one row; the admin changes it)."""

    milestone_grace_days = models.PositiveSmallIntegerField(_("节点逾期多少个工作日视为卡壳"), default=5)
    blocker_days = models.PositiveSmallIntegerField(_("卡点多少个工作日未解决视为卡壳"), default=10)
    task_answer_days = models.PositiveSmallIntegerField(_("协办任务须在多少个工作日内响应"), default=3)

    class Meta:
        verbose_name = _("专班规则")
        verbose_name_plural = _("专班规则")

    def __str__(self):
        return str(_("专班规则"))

    @classmethod
    def current(cls) -> "TaskForceRules":
        return cls.objects.order_by("pk").first() or cls()


class TaskForceQuerySet(ScopedQuerySet):
    def for_user(self, user):
        if has_role(user, *SEE_ALL):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(members__cadre__person__user=user)
        unit = official_unit(user)
        if unit is not None:
            mine |= models.Q(lead_unit_id=unit) | models.Q(cooperating_units=unit)
        return self.filter(pk__in=TaskForce.objects.filter(mine).values("pk"))


class TaskForce(models.Model):
    name = models.CharField(_("专班名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind)
    leader = models.ForeignKey(
        "core.Person", verbose_name=_("牵头市领导"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    cooperating_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("配合单位"), blank=True, related_name="+"
    )
    goal = models.TextField(_("总体目标"))
    measures = models.TextField(_("工作措施"), blank=True)
    powers = models.TextField(_("授权事项"), blank=True)
    cadence = models.CharField(_("进展报送频次"), max_length=10, choices=Cadence, default=Cadence.WEEKLY)
    projects = models.ManyToManyField("projects.Project", verbose_name=_("关联重大项目"), blank=True)
    items = models.ManyToManyField("supervision.Item", verbose_name=_("关联督办件"), blank=True)
    leads = models.ManyToManyField("investment.Lead", verbose_name=_("关联招商项目"), blank=True)
    created_at = models.DateTimeField(_("成立时间"))

    objects = TaskForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("专班")
        verbose_name_plural = _("专班")
        ordering = ["kind", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"/taskforces/{self.pk}/"


class CadreQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The profiles a person may read: their own; any, for the leaders and the performance office."""
        if has_role(user, *READ_PROFILES):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(person__user=user)


class Cadre(models.Model):
    """A person as a cadre: their rank decides whether a performance profile is drawn."""

    person = models.OneToOneField(
        "core.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="cadre"
    )
    rank = models.PositiveSmallIntegerField(_("职级"), choices=Rank)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")

    def __str__(self):
        return f"{self.person.full_name}（{self.get_rank_display()}）"

    def get_absolute_url(self):
        return f"/taskforces/cadres/{self.pk}/"


class Member(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="memberships"
    )
    position = models.CharField(_("专班职务"), max_length=10, choices=Position, default=Position.MEMBER)
    duty = models.CharField(_("分工"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        constraints = [models.UniqueConstraint(fields=["task_force", "cadre"], name="one_membership")]

    def __str__(self):
        return f"{self.task_force} · {self.cadre}"


class Milestone(models.Model):
    """A line of the timeline (推进时序表): what is done by when, owned by a unit (and a cadre)."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    planned_on = models.DateField(_("计划完成日期"))
    deadline_at = models.DateTimeField(_("期限"), editable=False)
    # The end of the N-th working day after planned_on (N: the rules when the milestone was set).
    stalls_at = models.DateTimeField(_("卡壳时刻"), editable=False)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        Cadre,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    met_note = models.TextField(_("完成情况"), blank=True)

    class Meta:
        verbose_name = _("时序节点")
        verbose_name_plural = _("时序节点")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["met_at", "stalls_at"])]

    def __str__(self):
        return self.title

    @property
    def on_time(self) -> bool:
        return self.met_at is not None and self.met_at <= self.deadline_at


class Task(models.Model):
    """A task given to a unit (a cooperating unit, mostly): it answers within the rules' working days,
    then finishes it by its date."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    measures = models.TextField(_("措施要求"), blank=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        Cadre, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_at = models.DateTimeField(_("交办时间"))
    answer_by = models.DateTimeField(_("响应期限"), editable=False)
    due_on = models.DateField(_("完成时限"))
    deadline_at = models.DateTimeField(_("完成期限"), editable=False)
    answered_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    answer = models.TextField(_("响应意见"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)

    class Meta:
        verbose_name = _("专班任务")
        verbose_name_plural = _("专班任务")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["answered_at", "answer_by"])]

    def __str__(self):
        return self.title

    @property
    def on_time(self) -> bool:
        return self.done_at is not None and self.done_at <= self.deadline_at


class CheckIn(models.Model):
    """A period's progress (每周 / 每两周): what was done, what is next; its blockers; the leader's read."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="check_ins")
    period_start = models.DateField(_("报送周期起始日"))
    done = models.TextField(_("本期完成"))
    next = models.TextField(_("下步计划"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报送时间"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("阅示人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("阅示时间"), null=True, blank=True)
    comment = models.TextField(_("组长意见"), blank=True)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["task_force", "period_start"], name="one_check_in_a_period")
        ]

    def __str__(self):
        return f"{self.task_force} {self.period_start:%Y-%m-%d}"


class Blocker(models.Model):
    """A difficulty a check-in raises (卡点), put to the unit that must solve it."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="blockers")
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="blockers")
    text = models.TextField(_("卡点问题"))
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("需协调单位"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"))
    stalls_at = models.DateTimeField(_("卡壳时刻"), editable=False)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("解决人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    resolution = models.TextField(_("解决情况"), blank=True)

    class Meta:
        verbose_name = _("卡点")
        verbose_name_plural = _("卡点")
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["resolved_at", "stalls_at"])]

    def __str__(self):
        return self.text[:60]


class Meeting(models.Model):
    """A quarterly dispatch meeting (季度经济形势分析会 / 专班调度会) and its minutes."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("召开日期"))
    minutes = models.TextField(_("会议纪要"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("调度会")
        verbose_name_plural = _("调度会")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.title


class DecisionQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self.filter(meeting__task_force__in=TaskForce.objects.for_user(user))


class Decision(models.Model):
    """A meeting's decision (议定事项), for a unit by a date: it becomes a supervision item in one step
    (the item links back to it)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("议定事项"), max_length=500)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("完成时限"))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:200]

    def get_absolute_url(self):
        return f"/taskforces/{self.meeting.task_force_id}/#decision-{self.pk}"

    def supervision_brief(self) -> dict:
        """What a supervision item made from it starts with (supervision.linking.brief)."""
        meeting = self.meeting
        return {
            "title": self.text[:200],
            "source": "meeting",
            "content": f"{meeting.task_force.name}{meeting.title}（{meeting.held_on:%Y-%m-%d}）议定：{self.text}",
            "source_text": f"{meeting.title}纪要",
            "due_on": self.due_on,
        }


class StallQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self.filter(task_force__in=TaskForce.objects.for_user(user))


class Stall(models.Model):
    """An accountability record (卡壳问责): a unit held a task force up — from when the rule first held
    to when it was solved (open: still stalled). Kept by the worker and by the action that solves it,
    one per milestone, blocker or task."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="stalls")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("卡壳单位"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stalls",
    )
    kind = models.CharField(_("卡壳类型"), max_length=10, choices=StallKind)
    milestone = models.OneToOneField(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="stall"
    )
    blocker = models.OneToOneField(
        Blocker, null=True, blank=True, on_delete=models.CASCADE, related_name="stall"
    )
    task = models.OneToOneField(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="stall")
    started_at = models.DateTimeField(_("卡壳起始"))
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = StallQuerySet.as_manager()

    class Meta:
        verbose_name = _("卡壳记录")
        verbose_name_plural = _("卡壳记录")
        ordering = ["-started_at", "pk"]
        indexes = [models.Index(fields=["unit", "started_at"])]

    def __str__(self):
        return f"{self.task_force} · {self.get_kind_display()}"

    @property
    def source(self):
        return self.milestone or self.blocker or self.task


class Assessment(models.Model):
    """The task-force leader's written assessment of a cadre for a quarter."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    grade = models.CharField(_("评价等次"), max_length=10, choices=Grade)
    text = models.TextField(_("评价意见"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("季度评价")
        verbose_name_plural = _("季度评价")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "quarter", "by"], name="one_assessment_a_quarter"
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.year}Q{self.quarter}"


class Excellent(models.Model):
    """A cadre chosen as an excellent individual (优秀个人) of a year, from the ranked candidates."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="excellent_years")
    year = models.PositiveSmallIntegerField(_("年度"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确定人"), on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(_("确定时间"))

    class Meta:
        verbose_name = _("优秀个人")
        verbose_name_plural = _("优秀个人")
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="excellent_once_a_year")]

    def __str__(self):
        return f"{self.cadre} {self.year}"


class TaskForceEvent(RecordEvent):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind)
    unit = models.ForeignKey("core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("专班记录")
        verbose_name_plural = _("专班记录")
        ordering = ["-at", "-pk"]
