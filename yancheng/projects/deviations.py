"""备案监督制's watch: how far a project has strayed from its year plan, derived when read from the plan
and the monthly reports (architecture, habit 4: right whether or not any worker has run).

Three rules, for a project still being prepared or built, on the year of the month being collected:

- a milestone of the year's plan whose planned day has passed and that no report in force marks done
  (red);
- the month's report overdue (red; reporting.overdue_projects, the rule the report reminders use);
- the investment completed to that month behind what the plan's monthly plan (AnnualPlan.monthly_plan,
  the baseline approved in plans.py) sums to by then, by more than the commission's margin
  (ProjectRules.deviation_margin, in percentage points of the year's plan; yellow). A plan without a
  monthly plan is held to an even share of the year.

Milestones a later version retired are not watched.

A project with a red rule is red, else yellow with a yellow rule, else green. One set of annotations
serves the ledger's filter (in SQL, at any size of the ledger) and the words a project's page shows, so
the two cannot disagree.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yancheng.core import clock

from . import reporting
from .choices import REPORTING_STAGES
from .models import AnnualPlan, Milestone, Project, ProjectRules, completed_to

GREEN, YELLOW, RED = "green", "yellow", "red"
LIGHTS = [(GREEN, _lazy("正常")), (YELLOW, _lazy("预警")), (RED, _lazy("偏离"))]


@dataclass(frozen=True)
class Watch:
    """What the rules read: the month being collected, the moment, the margin and when the month's
    report is due. Made once a request (the rules and the calendar read once) and handed to every
    function of the watch it calls."""

    year: int
    month: int
    now: datetime
    margin: int  # percentage points
    due: datetime  # the end of the day the month's report is due
    # {rule: the projects it holds for, over the whole ledger}, once `held` has read them: a page
    # filtered by light reads them for the filter, and its lines are annotated from them.
    sets: dict[str, set[int]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def at(cls, now: datetime | None = None) -> "Watch":
        now = now or clock.now()
        rules = ProjectRules.current()
        year, month = reporting.period_due(now)
        return cls(year, month, now, rules.deviation_margin, reporting.due_at(year, month, rules))


def _late_milestones(watch: Watch):
    """The year's milestones past their day and not marked done in a report in force."""
    return Milestone.objects.filter(
        plan__year=watch.year,
        due_on__lt=timezone.localdate(watch.now),
        met_month__isnull=True,
        retired_at__isnull=True,
    )


class _Amount(Func):
    """The ``index``-th amount of a JSON list of whole yuan on the plan (null past its end or without
    the list), in one extraction. Django's key transforms (KT, and a cast KeyTransform) wrap each in a
    CASE on the element's JSON type, three calls an element on SQLite, which at 5,000 plans and twelve
    months was half of the behind set's time. The lists hold only numbers (plans.py, refresh_completed)."""

    output_field = BigIntegerField()

    def __init__(self, field: str, index: int):
        super().__init__(F(field))
        self.index = int(index)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: jsonb -> n, cast
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql} -> {self.index})::bigint)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({sql}, '$[{self.index}]')", params


class _Among(Func):
    """The row's ``pk`` is one of ``ids``, with the ids as one parameter on PostgreSQL (``= ANY``, an
    array): the filter's sets run to hundreds of ids and every query of the page carries them, and an
    IN list of 625 placeholders cost more to bind (psycopg splits the query at each one), compile and
    plan than the query took to run. SQLite gets the IN list."""

    output_field = BooleanField()

    def __init__(self, ids):
        super().__init__(F("pk"))
        self.ids = sorted(ids)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, self.ids)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "0", params
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)


def _completed_to_month(watch: Watch, project=None):
    """The investment completed from January to the watched month by the reports in force, for the
    annual plan of the outer row (or of ``project``'s, an outer reference, when the outer row is a
    project): the plan's stored year-to-date figure (AnnualPlan.completed_to_month, kept by
    refresh_completed as reports go in force), or, for a plan whose figure is not kept yet or no plan,
    the reports summed. Zero without any."""
    if project is None:
        stored = _Amount("completed_to_month", watch.month - 1)
        project = OuterRef("project_id")
    else:
        kept = AnnualPlan.objects.filter(project=project, year=watch.year).annotate(
            kept=_Amount("completed_to_month", watch.month - 1)
        )
        stored = Subquery(kept.values("kept")[:1])
    return Coalesce(stored, completed_to(watch.month, project=project, year=watch.year), 0)


def _planned_to_month_x12(month: int):
    """Twelve times the investment the baseline plans from January to ``month``: the monthly plan's
    first ``month`` amounts, or for a plan without one the even share planned·month/12 (times twelve, so
    both stay whole numbers)."""
    months = [_Amount("monthly_plan", i) for i in range(month)]
    return Coalesce(
        ExpressionWrapper(sum(months[1:], months[0]) * 12, output_field=BigIntegerField()),
        F("planned_investment") * month,
    )


def _behind_plans(watch: Watch):
    """The year's plans whose investment to the month is behind: completed / planned < planned to the
    month / planned - margin / 100, in integers 100·(12·to_month) - 12·margin·planned - 1200·completed > 0."""
    return (
        AnnualPlan.objects.filter(year=watch.year)
        .annotate(completed=_completed_to_month(watch))
        .annotate(
            gap=ExpressionWrapper(
                _planned_to_month_x12(watch.month) * 100
                - F("planned_investment") * (12 * watch.margin)
                - F("completed") * 1200,
                output_field=BigIntegerField(),
            )
        )
        .filter(gap__gt=0)
    )


def _rules(watch: Watch, scope: list[int] | None = None) -> dict[str, Q]:
    """Each rule as a condition on projects: a semi-join on a set computed once per query; ``scope``
    (project ids) narrows the sets to the projects asked about (a page of 50, one project)."""

    def narrowed(queryset, field="project_id"):
        return queryset if scope is None else queryset.filter(**{f"{field}__in": scope})

    watched = Q(stage__in=REPORTING_STAGES)
    asked = Project.objects.all() if scope is None else Project.objects.filter(pk__in=scope)
    overdue = Q(pk__in=reporting.overdue_projects(asked, watch.now, watch.due).values("pk"))
    late = narrowed(_late_milestones(watch), "plan__project_id").values("plan__project_id")
    return {
        "milestone_late": watched & Q(pk__in=late),
        "report_overdue": overdue,
        "investment_behind": watched & Q(pk__in=narrowed(_behind_plans(watch)).values("project_id")),
    }


def _flag(condition):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _yellow(red: set[int], behind: set[int]) -> set[int]:
    """A project with a red rule is red, else yellow with a yellow rule, else green."""
    return behind - red


def held(watch: Watch) -> dict[str, set[int]]:
    """{rule: the ids of the projects it holds for}, over the whole ledger: a query a rule, the first
    time a watch is asked (the request's filter), then kept on it for the page's lines."""
    if not watch.sets:
        for name, condition in _rules(watch).items():
            watch.sets[name] = set(Project.objects.filter(condition).order_by().values_list("pk", flat=True))
    return watch.sets


def _held_in(watch: Watch, scope: list[int]) -> dict[str, set[int]]:
    """The rules' ids among ``scope``: from the watch's sets when a filter has read them, else in one
    query over the scope."""
    if watch.sets:
        asked = set(scope)
        return {name: ids & asked for name, ids in watch.sets.items()}
    rules = _rules(watch, scope=scope)
    rows = (
        Project.objects.filter(pk__in=scope)
        .annotate(**{name: _flag(condition) for name, condition in rules.items()})
        .order_by()
        .values_list("pk", *rules)
    )
    holds = {name: set() for name in rules}
    for pk, *flags in rows:
        for name, holding in zip(rules, flags, strict=True):
            if holding:
                holds[name].add(pk)
    return holds


def annotate(projects, watch: Watch | None = None, scope: list[int] | None = None):
    """``projects`` with ``milestone_late``, ``report_overdue``, ``investment_behind`` (booleans),
    ``light`` (green, yellow, red), and the year's ``planned_x`` and ``completed_x`` for the words.
    ``scope``: the projects' ids, when the caller has them (else they are read).

    The rules are read first (from the watch's sets when the request's filter has read them, else in
    one query over the scope), and the projects annotated with the ids each holds for: a query
    computing them in place (each rule's sets once for its flag and again for the
    light) cost a page of 50 more in building and compiling the SQL than in running it."""
    watch = watch or Watch.at()
    scope = list(projects.values_list("pk", flat=True)) if scope is None else scope
    holds = _held_in(watch, scope)
    red = holds["milestone_late"] | holds["report_overdue"]
    yellow = _yellow(red, holds["investment_behind"])
    planned = AnnualPlan.objects.filter(project=OuterRef("pk"), year=watch.year).values("planned_investment")
    return projects.annotate(
        **{name: _flag(_Among(ids)) for name, ids in holds.items()},
        light=Case(
            When(_Among(red), then=Value(RED)),
            When(_Among(yellow), then=Value(YELLOW)),
            default=Value(GREEN),
        ),
        planned_x=Subquery(planned[:1]),
        completed_x=_completed_to_month(watch, OuterRef("pk")),
    )


def filter_light(projects, light: str, watch: Watch | None = None):
    """Of ``projects``, those whose light is ``light``. Each rule's projects are read once (``held``,
    three queries, kept on the watch for the page's lines): the ledger counts, pages and sums what it
    filters, and each of those would otherwise recompute the sets. What the later queries are handed is
    one list of ids: the red, the yellow, or for green those to leave out (red or behind)."""
    sets = held(watch or Watch.at())
    red, behind = sets["milestone_late"] | sets["report_overdue"], sets["investment_behind"]
    if light == RED:
        return projects.filter(_Among(red))
    if light == YELLOW:
        return projects.filter(_Among(_yellow(red, behind)))
    return projects.exclude(_Among(red | behind))


def label(light: str) -> str:
    return str(dict(LIGHTS)[light])


def reasons(project, watch: Watch | None = None) -> list[str]:
    """The words beside a project's light: each rule that holds, with its figures. ``project`` comes
    from ``annotate``."""
    watch = watch or Watch.at()
    words = []
    if project.milestone_late:
        for milestone in _late_milestones(watch).filter(plan__project=project).order_by("due_on"):
            words.append(
                _("节点“%(name)s”计划 %(day)s 完成，尚未完成")
                % {"name": milestone.name, "day": milestone.due_on.isoformat()}
            )
    if project.report_overdue:
        words.append(_("%(y)d 年 %(m)d 月月报逾期未报") % {"y": watch.year, "m": watch.month})
    if project.investment_behind:
        done = project.completed_x / project.planned_x * 100
        due = _due_share(project, watch) * 100
        words.append(
            _(
                "截至 %(m)d 月累计完成年度计划投资的 %(done).1f%%，按月进度应达 %(due).1f%%，落后超过 %(margin)d 个百分点"
            )
            % {"m": watch.month, "done": done, "due": due, "margin": watch.margin}
        )
    return words


def _due_share(project, watch: Watch) -> float:
    """The share of the year's plan the baseline plans to have completed by the watched month."""
    plan = AnnualPlan.objects.filter(project=project, year=watch.year).first()
    if plan is None or not plan.monthly_plan or not plan.planned_investment:
        return watch.month / 12
    return sum(plan.monthly_plan[: watch.month]) / plan.planned_investment
