"""Completion rates and rankings, derived on read from the plans and the reports in force — never
typed, never stored (issue 11 items 4 and 5). Other apps (the dashboard, performance) call these
functions; none reads the tables behind them.

Completion rate = investment completed this year up to a month ÷ the year's planned investment."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core.models import Person, Region, Unit
from yancheng.core.reference.industries import SECTIONS, section_of

from .choices import Grouping, Level
from .models import AnnualPlan, MonthlyReport
from .reporting import month_end

# Each grouping's field, seen from a project.
GROUP_FIELDS = {
    Grouping.LEVEL: "levels__level",
    Grouping.INDUSTRIAL: "industrial",
    Grouping.REGION: "region_id",
    Grouping.PARK: "park_id",
    Grouping.UNIT: "responsible_unit_id",
    Grouping.LEADER: "leader_id",
    Grouping.INDUSTRY: "industry",
}
ALL = "all"


def rate(completed: int, planned: int) -> Decimal | None:
    """Completed ÷ planned as a percentage to one decimal (121.6), None without a plan."""
    if not planned:
        return None
    return (Decimal(completed) * 100 / Decimal(planned)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Completion:
    key: object
    label: str
    projects: int = 0
    planned: int = 0  # yuan
    completed: int = 0  # yuan, year to date

    @property
    def rate(self) -> Decimal | None:
        return rate(self.completed, self.planned)


def _sum_by(queryset, key: str, value: str) -> dict:
    rows = queryset.values(key).annotate(total=Sum(value)).order_by()
    return {row[key]: row["total"] or 0 for row in rows}


def _labels(grouping: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if grouping == Grouping.LEVEL:
        return {k: str(Level(k).label) for k in keys}
    if grouping == Grouping.INDUSTRIAL:
        return {True: _("产业项目"), False: _("非产业项目")}
    if grouping == Grouping.REGION:
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if grouping in (Grouping.PARK, Grouping.UNIT):
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if grouping == Grouping.LEADER:
        return dict(Person.objects.filter(pk__in=keys).values_list("pk", "full_name"))
    return {k: f"{k} {SECTIONS[k]}" for k in keys}


def completion(projects, year: int, through_month: int, by: str | None = None) -> list[Completion]:
    """Completion for ``projects`` (a queryset, already scoped and filtered) in ``year`` up to and including
    ``through_month``, one row per group of ``by`` (a Grouping), or one row for all when ``by`` is None.
    Three grouped queries, whatever the number of projects."""
    key = GROUP_FIELDS[by] if by else None
    plans = _plans(projects, year)
    reports = _reports(projects, year, through_month)
    if key is None:
        row = Completion(ALL, _("合计"))
        row.projects = projects.count()
        row.planned = plans.aggregate(total=Sum("planned_investment"))["total"] or 0
        row.completed = reports.aggregate(total=Sum("completed_investment"))["total"] or 0
        return [row]
    counts = {r[key]: r["n"] for r in projects.values(key).annotate(n=Count("pk", distinct=True)).order_by()}
    planned = _sum_by(plans, f"project__{key}", "planned_investment")
    completed = _sum_by(reports, f"project__{key}", "completed_investment")
    if by == Grouping.INDUSTRY:  # divisions fold into their sections
        counts, planned, completed = (_by_section(d) for d in (counts, planned, completed))
    labels = _labels(by, counts)
    rows = [
        Completion(k, labels.get(k, _("未填写")), n, planned.get(k, 0), completed.get(k, 0))
        for k, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (r.label == _("未填写"), str(r.key)))


def _plans(projects, year: int):
    return AnnualPlan.objects.filter(year=year, project__in=projects.values("pk"))


def _reports(projects, year: int, through_month: int):
    return MonthlyReport.objects.in_force().filter(
        year=year, month__lte=through_month, project__in=projects.values("pk")
    )


def ledger_summary(projects, year: int, through_month: int, count: int) -> tuple[Completion, Decimal | None]:
    """The ledger's line over what it lists: ``completion`` for all (``count``: the projects, which
    the page has counted already) and ``industrial_share``, in two queries instead of their four —
    the year's planned investment read once, by industrial or not, serves both."""
    planned = _planned_by_industrial(projects, year)
    completed = _reports(projects, year, through_month).aggregate(total=Sum("completed_investment"))["total"]
    row = Completion(ALL, _("合计"), count, sum(planned.values()), completed or 0)
    return row, _industrial_share(planned)


def _by_section(values: dict) -> dict:
    folded: dict = defaultdict(int)
    for division, value in values.items():
        folded[section_of(division)] += value
    return dict(folded)


def industrial_share(projects, year: int) -> Decimal | None:
    """The industrial projects' share of the year's planned investment (产业投资占比), as a percentage."""
    return _industrial_share(_planned_by_industrial(projects, year))


def _planned_by_industrial(projects, year: int) -> dict:
    return _sum_by(_plans(projects, year), "project__industrial", "planned_investment")


def _industrial_share(planned: dict) -> Decimal | None:
    return rate(planned.get(True, 0), sum(planned.values()))


# --- rankings (规模榜单) ----------------------------------------------------------------------------

RANKING_GROUPINGS = (Grouping.REGION, Grouping.PARK, Grouping.UNIT)


class Measure:
    COMPLETED = "completed"
    RATE = "rate"
    NEW_STARTS = "new_starts"
    NEW_START_INVESTMENT = "new_start_investment"
    FINISHED = "finished"

    LABELS = {
        COMPLETED: gettext_lazy("完成投资"),
        RATE: gettext_lazy("投资完成率"),
        NEW_STARTS: gettext_lazy("新开工项目数"),
        NEW_START_INVESTMENT: gettext_lazy("新开工项目总投资"),
        FINISHED: gettext_lazy("竣工投产项目数"),
    }


MEASURES = tuple(Measure.LABELS)


@dataclass
class RankingRow:
    key: object
    label: str
    projects: int = 0
    planned: int = 0
    completed: int = 0
    new_starts: int = 0
    new_start_investment: int = 0
    finished: int = 0
    rank: int = 0
    previous_rank: int | None = None

    @property
    def rate(self) -> Decimal | None:
        return rate(self.completed, self.planned)

    @property
    def change(self) -> int | None:
        """Places gained since last month (positive: moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    def value(self, measure: str):
        return getattr(self, measure)


def _ranking_rows(projects, grouping: str, year: int, months: list[int]) -> dict[int, dict]:
    """Each of ``months`` of ``year``: its rows of ``grouping`` (year to date), keyed by the group. Four
    queries whatever the number of months and projects: a month's ranking and last month's beside it
    read the year's reports once."""
    key = GROUP_FIELDS[grouping]
    ids = projects.values("pk")
    start = date(year, 1, 1)
    tallies = {"projects": Count("pk", distinct=True)}
    for month in months:
        end = month_end(year, month)
        started = Q(started_on__range=(start, end))
        finished = Q(completed_on__range=(start, end)) | Q(in_production_on__range=(start, end))
        tallies[f"new_starts_{month}"] = Count("pk", filter=started, distinct=True)
        tallies[f"new_start_investment_{month}"] = Sum("total_investment", filter=started)
        tallies[f"finished_{month}"] = Count("pk", filter=finished, distinct=True)
    groups = {t[key]: t for t in projects.values(key).annotate(**tallies).order_by() if t[key] is not None}
    labels = _labels(grouping, groups)
    planned = _sum_by(
        AnnualPlan.objects.filter(year=year, project__in=ids), f"project__{key}", "planned_investment"
    )
    done: dict = defaultdict(lambda: defaultdict(int))  # group -> month -> completed in that month
    reports = MonthlyReport.objects.in_force().filter(year=year, month__lte=max(months), project__in=ids)
    for row in (
        reports.values(f"project__{key}", "month").annotate(total=Sum("completed_investment")).order_by()
    ):
        done[row[f"project__{key}"]][row["month"]] += row["total"] or 0
    return {
        month: {
            k: RankingRow(
                k,
                labels.get(k, _("未填写")),
                t["projects"],
                planned.get(k, 0),
                sum(total for m, total in done[k].items() if m <= month),
                t[f"new_starts_{month}"],
                t[f"new_start_investment_{month}"] or 0,
                t[f"finished_{month}"],
            )
            for k, t in groups.items()
        }
        for month in months
    }


def _rank(rows, measure: str) -> None:
    """Standard competition ranking (1, 2, 2, 4); a group without a rate ranks last."""

    def score(row):
        value = row.value(measure)
        return Decimal("-1") if value is None else Decimal(value)

    ordered = sorted(rows, key=lambda r: (-score(r), r.label))
    for position, row in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        row.rank = previous.rank if previous is not None and score(previous) == score(row) else position


@dataclass
class Ranking:
    grouping: str
    measure: str
    year: int
    month: int
    rows: list = field(default_factory=list)


def ranking(projects, grouping: str, measure: str, year: int, month: int) -> Ranking:
    """The month's ranking of ``grouping`` by ``measure`` (year to date), with last month's rank beside
    each row (none in January: the year starts afresh)."""
    if grouping not in RANKING_GROUPINGS or measure not in MEASURES:
        raise ValueError(f"unknown ranking {grouping}/{measure}")
    months = [month - 1, month] if month > 1 else [month]
    by_month = _ranking_rows(projects, grouping, year, months)
    current = by_month[month]
    _rank(current.values(), measure)
    if month > 1:
        before = by_month[month - 1]
        _rank(before.values(), measure)
        for key, row in current.items():
            row.previous_rank = before[key].rank
    rows = sorted(current.values(), key=lambda r: (r.rank, r.label))
    return Ranking(grouping, measure, year, month, rows)


def by_project(project_ids, year: int, through_month: int) -> dict[int, Completion]:
    """Each project's planned and completed investment of the year, in two queries for all of them (a
    page of the ledger, an export)."""
    ids = list(project_ids)
    planned = dict(
        AnnualPlan.objects.filter(year=year, project_id__in=ids).values_list(
            "project_id", "planned_investment"
        )
    )
    completed = _sum_by(
        MonthlyReport.objects.in_force().filter(year=year, month__lte=through_month, project_id__in=ids),
        "project_id",
        "completed_investment",
    )
    return {pk: Completion(pk, "", 1, planned.get(pk, 0), completed.get(pk, 0)) for pk in ids}


def monthly(project, year: int) -> list[dict]:
    """One project's year month by month: completed in the month and to date, against the plan."""
    plan = (
        AnnualPlan.objects.filter(project=project, year=year)
        .values_list("planned_investment", flat=True)
        .first()
    )
    done = dict(
        MonthlyReport.objects.in_force()
        .filter(project=project, year=year)
        .values_list("month", "completed_investment")
    )
    rows, running = [], 0
    for month in range(1, 13):
        running += done.get(month, 0)
        rows.append({"month": month, "completed": done.get(month), "to_date": running, "planned": plan})
    return rows
