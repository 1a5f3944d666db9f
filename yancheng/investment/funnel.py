"""The big-data view of investment attraction (大数据分析): the funnel of a year against the year before,
by county, park, sector, source or unit, the conversion between stages and the days spent in each.

A lead counts in a stage in the year it first reached it (its stage dates, never moved); a signing's
amount is the counted amount (an expansion's increase); the funds of a year are the transfers received
in it. Read from the cells kept on write (summary.py) for who sees every lead, else counted in a few
grouped queries over the leads' indexed dates (``Live``)."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, FloatField, Func, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from yancheng.core.reference.industries import SECTIONS, section_of

from .choices import FUNNEL, Source, Stage
from .models import Transfer

STAGE_DATES = {
    Stage.POOLED: "pooled_on",
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.FUNDED: "funded_on",
    Stage.PRODUCING: "producing_on",
}
# What a stage's amount is: the intended investment before the signing, the counted one after.
INTENDED = (Stage.POOLED, Stage.NEGOTIATING)
# A grouping: its label, the field grouped by (the list's filter of the same name takes its value), the
# field that names a group (None: the value's own label).
GROUPS = {
    "region": (_("县市区"), "region", "region__name"),
    "park": (_("园区"), "park", "park__name"),
    "section": (_("行业门类"), "industry", None),
    "source": (_("招商方式"), "source", None),
    "unit": (_("责任单位"), "unit", "unit__name"),
}


def _in(stage, year: int) -> Q:
    return Q(**{f"{STAGE_DATES[stage]}__year": year})


def _measures(year: int) -> dict:
    """Per stage and year: the leads that reached it, and their amount."""
    found = {}
    for stage in FUNNEL:
        for when in (year, year - 1):
            found[f"{stage}_{when}_n"] = Count("pk", filter=_in(stage, when))
            if stage != Stage.FUNDED:
                amount = "contracted_amount" if stage in INTENDED else "counted_amount"
                found[f"{stage}_{when}_amount"] = Sum(amount, filter=_in(stage, when), default=0)
    return found


@dataclass
class Cell:
    count: int
    amount: int
    last_count: int
    last_amount: int


@dataclass
class Row:
    label: str
    value: object  # the group's value, for the drill-down's filter (None: everything)
    cells: dict = field(default_factory=dict)  # stage → Cell

    @property
    def ordered(self) -> list[tuple[str, str, Cell]]:
        """(stage, its label, cell) in the funnel's order, for the pages."""
        return [(stage, stage.label, self.cells[stage]) for stage in FUNNEL]


def _row(label, value, got: dict, funds: dict, year: int) -> Row:
    row = Row(label=label, value=value)
    for stage in FUNNEL:
        if stage == Stage.FUNDED:
            amount, last = funds.get(year, 0), funds.get(year - 1, 0)
        else:
            amount, last = got[f"{stage}_{year}_amount"], got[f"{stage}_{year - 1}_amount"]
        row.cells[stage] = Cell(got[f"{stage}_{year}_n"], amount, got[f"{stage}_{year - 1}_n"], last)
    return row


class Live:
    """The funnel's figures counted from the leads themselves: for a unit's own leads (the cells of
    summary.py are kept for every lead only), and the recount the cells are checked against. ``Kept``
    (summary.py) answers the same three questions from the cells."""

    def __init__(self, leads: QuerySet):
        self.leads = leads

    def rows(self, year: int, group: str | None) -> list[dict]:
        """Each group's measures (``_measures``' names), with its value and name, in the group's order;
        one row for all when ``group`` is None."""
        measures = _measures(year)
        if group is None:
            return [self.leads.aggregate(**measures)]
        _title, key, name = GROUPS[group]
        grouped = self.leads.order_by().values(*([key, name] if name else [key]))
        return list(grouped.annotate(**measures).order_by(name or key))

    def funds(self, year: int, group: str | None) -> dict:
        """{group value (or None): {year: the funds received that year}} from the transfers (each year's
        sum filtered on the day's range, so that the day's index serves and no row's year is computed)."""
        transfers = Transfer.objects.filter(
            lead__in=self.leads.values("pk"), received_on__year__gte=year - 1, received_on__year__lte=year
        ).order_by()
        sums = {
            f"y{when}": Sum("amount", filter=Q(received_on__year=when), default=0)
            for when in (year, year - 1)
        }
        if not group:
            got = transfers.aggregate(**sums)
            return {None: {when: got[f"y{when}"] for when in (year, year - 1)}}
        key = f"lead__{GROUPS[group][1]}"
        return {
            row[key]: {when: row[f"y{when}"] for when in (year, year - 1)}
            for row in transfers.values(key).annotate(**sums)
        }

    def cohort(self, year: int) -> dict:
        """Of the leads pooled in ``year``: ``<stage>_n`` those that reached each stage (or a later one),
        ``<stage>_days`` the mean days from the stage before (over the leads with both dates)."""
        measures = {f"{stage}_n": Count("pk", filter=reached(stage)) for stage in FUNNEL}
        for before, after in zip(FUNNEL, FUNNEL[1:], strict=False):
            measures[f"{after}_days"] = Avg(DaysBetween(STAGE_DATES[before], STAGE_DATES[after]))
        return self.leads.filter(pooled_on__year=year).aggregate(**measures)


def measure_names(year: int) -> list[str]:
    """The names of a row's measures (``<stage>_<year>_n`` and ``_amount``), the funds aside."""
    return list(_measures(year))


def _source(leads):
    return Live(leads) if isinstance(leads, QuerySet) else leads


def funnel(leads, year: int, group: str | None = None) -> list[Row]:
    """The year's funnel (and the year before's) over ``leads`` (a QuerySet, or summary.Kept): one row
    for all, or one a group."""
    return funnel_and_total(leads, year, group)[0]


def funnel_and_total(leads, year: int, group: str | None = None) -> tuple[list[Row], Row]:
    """The funnel's rows (as ``funnel``) and the row for all, summed from the same grouped rows (one
    pass over the leads, not two)."""
    source = _source(leads)
    measures = _measures(year)
    funds = source.funds(year, group)
    if group is None:
        total = _row(str(_("合计")), None, source.rows(year, None)[0], funds.get(None, {}), year)
        return [total], total
    _title, key, name = GROUPS[group]
    rows = source.rows(year, group)
    summed = {measure: sum(r[measure] or 0 for r in rows) for measure in measures}
    money = {when: sum(f.get(when, 0) for f in funds.values()) for when in (year, year - 1)}
    total = _row(str(_("合计")), None, summed, money, year)
    if group == "section":  # divisions summed into their sections
        return _by_section(rows, funds, year, measures), total
    shown = [
        _row(_label(r, key, name), r[key], r, funds.get(r[key], {}), year)
        for r in rows
        if any(r[f"{stage}_{when}_n"] for stage in FUNNEL for when in (year, year - 1))
    ]
    return shown, total


def _label(row: dict, key: str, name: str | None) -> str:
    if row[key] is None:
        return str(_("（未填）"))
    return row[name] if name else str(Source(row[key]).label)


def _by_section(rows, funds: dict, year: int, measures: dict) -> list[Row]:
    summed: dict[str, dict] = {}
    money: dict[str, dict] = {}
    for r in rows:
        letter = section_of(r["industry"])
        into = summed.setdefault(letter, dict.fromkeys(measures, 0))
        for name in measures:
            into[name] += r[name] or 0
        for when, total in funds.get(r["industry"], {}).items():
            money.setdefault(letter, {}).setdefault(when, 0)
            money[letter][when] += total
    return [
        _row(f"{letter} {SECTIONS[letter]}", letter, summed[letter], money.get(letter, {}), year)
        for letter in sorted(summed)
    ]


class DaysBetween(Func):
    """The days from one date to another, in the database's own arithmetic (SQLite's ``julianday``;
    PostgreSQL subtracts dates to days) rather than a Python function called on every row."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST((%(expressions)s) AS double precision)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def __init__(self, before, after, **extra):
        super().__init__(after, before, **extra)


@dataclass
class Step:
    """From one stage to the next, over the leads pooled in the year: how many went on, and the mean
    days it took those that did."""

    stage: str
    label: str
    reached: int
    share: float | None
    days: float | None


def reached(stage) -> Q:
    """Reached ``stage`` or a later one (a signing may come with no talks recorded)."""
    later = FUNNEL[FUNNEL.index(stage) :]
    condition = Q()
    for each in later:
        condition |= Q(**{f"{STAGE_DATES[each]}__isnull": False})
    return condition


def conversion(leads, year: int) -> list[Step]:
    """From stage to stage over the leads pooled in ``year`` (``leads`` a QuerySet, or summary.Kept)."""
    got = _source(leads).cohort(year)
    steps, previous = [], None
    for stage in FUNNEL:
        n = got[f"{stage}_n"]
        days = got.get(f"{stage}_days")
        steps.append(
            Step(
                stage=stage,
                label=str(stage.label),
                reached=n,
                share=None if previous is None else (round(100 * n / previous, 1) if previous else None),
                days=None if days is None else round(days, 1),
            )
        )
        previous = n
    return steps


def drill(leads: QuerySet, stage: str, year: int) -> QuerySet:
    """The leads a funnel cell counts: those that reached ``stage`` in ``year``."""
    return leads.filter(_in(stage, year))
