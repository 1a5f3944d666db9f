"""The major-project ledger's indicators (core.indicators), by the ledger's own rules:

- completion rate (投资完成率): figures.completion, the completion page's function — the investment
  completed in the period's year up to the period's last month (reports in force) ÷ the year plans of
  the subject's projects (responsible unit, county, or 联系市领导 for a cadre);
- reports on time (月报按时报送率): of the months of the period a project owed a report for
  (reporting.py: due by the N-th working day of the next month; a report filed counts whatever the
  project's stage, a missing one while the project reports and once its deadline has passed), those
  whose report was filed by the deadline (a returned report does not count; its corrected filing does,
  when it came in time).
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import (
    BigIntegerField,
    Case,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core import workdays
from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, flag, register

from . import figures, reporting
from .choices import Grouping as LedgerGrouping
from .models import AnnualPlan, MonthlyReport, Project, ProjectRules

FIELD = {Grouping.UNIT: "responsible_unit_id", Grouping.REGION: "region_id", Grouping.PERSON: "leader_id"}
LEDGER_GROUPING = {
    Grouping.UNIT: LedgerGrouping.UNIT,
    Grouping.REGION: LedgerGrouping.REGION,
    Grouping.PERSON: LedgerGrouping.LEADER,
}


def _projects(grouping, ids):
    return Project.objects.filter(among(FIELD[grouping], ids))


def _link(project) -> str:
    return reverse("projects:detail", args=[project.pk])


# --- completion rate ----------------------------------------------------------------------------


def completion_figures(grouping, ids, period, now):
    rows = figures.completion(
        _projects(grouping, ids), period.start.year, period.end.month, LEDGER_GROUPING[grouping]
    )
    return {
        row.key: Figure(
            None if row.rate is None else float(row.rate), row.completed, row.planned, row.projects
        )
        for row in rows
    }


def completion_records(grouping, subject, period, now):
    year = period.start.year
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")[:1]
    done = (
        MonthlyReport.objects.in_force()
        .filter(project=OuterRef("pk"), year=year, month__lte=period.end.month)
        .order_by()
        .values("project")
        .annotate(total=Sum("completed_investment"))
        .values("total")
    )
    return (
        _projects(grouping, [subject])
        .annotate(
            whole=Coalesce(Subquery(plan), Value(0), output_field=BigIntegerField()),
            part=Coalesce(Subquery(done), Value(0), output_field=BigIntegerField()),
        )
        .annotate(counted=flag(Q(part__gt=0)))
    )


register(
    Indicator(
        code="projects.completion_rate",
        name=_("重大项目投资完成率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(FIELD),
        sources=(
            "projects.Project",
            "projects.AnnualPlan",
            "projects.MonthlyReport",
            "core.Region",
            "core.Unit",
            "core.Person",
        ),
        description=_("本年度截至本期末月的累计完成投资（月报现行版本）占项目年度计划投资的比例。"),
        figures=completion_figures,
        rows=completion_records,
        link=_link,
    )
)


# --- reports on time ----------------------------------------------------------------------------


def _report_months(grouping, ids, period, now) -> dict[int, tuple]:
    """{project id: (subject, months owed, months on time)}, for the projects that owed any: three
    queries (the rules, the projects, their reports) and the calendar's, whatever the number."""
    rules = ProjectRules.current()
    months = [(m.start.year, m.start.month) for m in period.months()]
    # A month's report is due within the next month (N ≤ 23 working days); one calendar read covers all.
    with workdays.covering(period.start, period.end + timedelta(days=62)):
        deadlines = {month: reporting.due_at(*month, rules) for month in months}
    field = FIELD[grouping]
    projects = _projects(grouping, ids).only("pk", field, "stage", "entered_on")
    first_filed = {
        (row["project"], row["month"]): row["first"]
        for row in MonthlyReport.objects.filter(
            project__in=_projects(grouping, ids).values("pk"),
            year=period.start.year,
            month__gte=period.start.month,
            month__lte=period.end.month,
            state__in=reporting.FILED_STATES,
        )
        .order_by()
        .values("project", "month")
        .annotate(first=Min("filed_at"))
    }
    found = {}
    for project in projects:
        owed = on_time = 0
        for (year, month), due in deadlines.items():
            filed = first_filed.get((project.pk, month))
            if filed is not None or (reporting.expects_report(project, year, month) and now > due):
                owed += 1
                on_time += filed is not None and filed <= due
        if owed:
            found[project.pk] = (getattr(project, field), owed, on_time)
    return found


def reports_figures(grouping, ids, period, now):
    totals = defaultdict(lambda: [0, 0, 0])
    for subject, owed, on_time in _report_months(grouping, ids, period, now).values():
        total = totals[subject]
        total[0], total[1], total[2] = total[0] + on_time, total[1] + owed, total[2] + 1
    return {key: Figure.ratio(part, whole, count=n) for key, (part, whole, n) in totals.items()}


def _by_value(numbers: dict[int, int]) -> Case:
    """A project's number as an annotation: one WHEN per distinct number (at most 13), not per project."""
    ids_of = defaultdict(list)
    for pk, number in numbers.items():
        ids_of[number].append(pk)
    whens = [When(pk__in=pks, then=Value(number)) for number, pks in sorted(ids_of.items())]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def reports_records(grouping, subject, period, now):
    months = _report_months(grouping, [subject], period, now)
    return (
        Project.objects.filter(pk__in=list(months))
        .annotate(
            whole=_by_value({pk: owed for pk, (_s, owed, _t) in months.items()}),
            part=_by_value({pk: on_time for pk, (_s, _o, on_time) in months.items()}),
        )
        .annotate(counted=flag(Q(part=F("whole"))))
    )


register(
    Indicator(
        code="projects.reports_on_time",
        name=_("项目月报按时报送率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset({Grouping.UNIT, Grouping.REGION}),
        sources=(
            "projects.Project",
            "projects.MonthlyReport",
            "projects.ProjectRules",
            "core.Unit",
            "core.CalendarOverride",
        ),
        description=_("本期各月应报的项目月报中，在次月规定工作日截止前报送的比例（按项目·月计）。"),
        figures=reports_figures,
        rows=reports_records,
        link=_link,
    )
)
