"""The big-data view's figures kept on write (architecture: summaries for screens — a screen never
scans): ``FunnelCell`` rows per year, grouping, group and stage, moved in the same transaction as
every action that changes what the funnel counts (a filing, a step, a transfer), and recounted from
the leads and transfers after a bulk load (``rebuild``, the ``investment_recount`` command).

What a lead adds to the cells is one function (``_measures``), so that a step moves them by exactly
the difference between the lead's contribution before and after it, and a recount gives the same."""

from collections import Counter
from functools import cache

from django.db import IntegrityError, transaction
from django.db.models import F

from yancheng.core import clock

from .choices import FUNNEL, Stage
from .funnel import GROUPS, INTENDED, STAGE_DATES, measure_names
from .models import FunnelCell, InvestmentRules, Lead, Transfer

ALL = "all"  # the grouping of the row for all (its one group's key "")
MEASURES = ("count", "amount", "reached", "days", "timed")


@cache
def groupings() -> dict[str, str | None]:
    """{grouping: the lead's attribute naming its group (None: all)}."""
    found = {ALL: None}
    for group, (_label, field, _name) in GROUPS.items():
        found[group] = Lead._meta.get_field(field).attname
    return found


def _facts() -> tuple[str, ...]:
    """What a lead's contribution is made of: its stage dates, amounts and groups."""
    groups = [attname for attname in groupings().values() if attname]
    return (*STAGE_DATES.values(), "contracted_amount", "counted_amount", *groups)


def _measures(lead: dict, transfers) -> Counter:
    """{(year, stage, measure): n} the lead adds, ``transfers`` its (amount, day received)."""
    got = Counter()
    dates = {stage: lead[field] for stage, field in STAGE_DATES.items()}
    for stage, day in dates.items():
        if day is not None:
            got[day.year, stage, "count"] += 1
            if stage != Stage.FUNDED:
                amount = lead["contracted_amount"] if stage in INTENDED else lead["counted_amount"]
                got[day.year, stage, "amount"] += amount
    for amount, day in transfers:
        got[day.year, Stage.FUNDED, "amount"] += amount
    # The conversion, over the year's pool: reached a stage (or a later one), days from the one before.
    cohort = dates[Stage.POOLED].year
    for n, stage in enumerate(FUNNEL):
        if any(dates[later] for later in FUNNEL[n:]):
            got[cohort, stage, "reached"] += 1
    for before, after in zip(FUNNEL, FUNNEL[1:], strict=False):
        if dates[before] and dates[after]:
            got[cohort, after, "days"] += (dates[after] - dates[before]).days
            got[cohort, after, "timed"] += 1
    return got


def _spread(lead: dict, measures: Counter, into: Counter) -> None:
    """The lead's measures into each grouping's cells: {(grouping, year, key, stage, measure): n}."""
    for grouping, attname in groupings().items():
        value = lead[attname] if attname else None
        key = "" if value is None else str(value)
        for (year, stage, measure), n in measures.items():
            into[grouping, year, key, stage, measure] += n


def contribution(lead) -> Counter:
    """What the lead (as saved, with its transfers) adds to the cells."""
    facts = {name: getattr(lead, name) for name in _facts()}
    transfers = Transfer.objects.filter(lead_id=lead.pk).values_list("amount", "received_on")
    into = Counter()
    _spread(facts, _measures(facts, transfers), into)
    return into


def update(lead, before: Counter | None = None) -> None:
    """In the action's transaction, after it saved ``lead``: the cells moved by what the lead adds now
    less what it added ``before`` (its ``contribution`` read before the change; none for a new lead)."""
    delta = contribution(lead)
    delta.subtract(before or Counter())
    cells: dict[tuple, dict] = {}
    for (grouping, year, key, stage, measure), n in delta.items():
        if n:
            cells.setdefault((grouping, year, key, stage), {})[measure] = n
    now = clock.now()
    for cell in sorted(cells):  # one order for every transaction: two steps never wait on each other
        _add(dict(zip(("grouping", "year", "key", "stage"), cell, strict=True)), cells[cell], now)


def _add(where: dict, changes: dict, now) -> None:
    moved = {measure: F(measure) + n for measure, n in changes.items()}
    if FunnelCell.objects.filter(**where).update(**moved, as_of=now):
        return
    try:
        with transaction.atomic():  # a savepoint: a cell made meanwhile by another step is updated
            FunnelCell.objects.create(**where, **changes, as_of=now)
    except IntegrityError:
        FunnelCell.objects.filter(**where).update(**moved, as_of=now)


def recount() -> dict[tuple, dict]:
    """Every cell counted from the leads and their transfers: {(grouping, year, key, stage): {measure:
    n}}, the cells with nothing left out."""
    transfers: dict[int, list] = {}
    for lead_id, amount, day in Transfer.objects.values_list("lead_id", "amount", "received_on").iterator():
        transfers.setdefault(lead_id, []).append((amount, day))
    into = Counter()
    for lead in Lead.objects.values("pk", *_facts()).iterator(chunk_size=5000):
        _spread(lead, _measures(lead, transfers.get(lead["pk"], ())), into)
    cells: dict[tuple, dict] = {}
    for (grouping, year, key, stage, measure), n in into.items():
        if n:
            cells.setdefault((grouping, year, key, stage), dict.fromkeys(MEASURES, 0))[measure] = n
    return cells


def stored() -> dict[tuple, dict]:
    """The cells as kept, those all zero left out (as ``recount`` leaves them)."""
    found = {}
    for cell in FunnelCell.objects.values("grouping", "year", "key", "stage", *MEASURES):
        if any(cell[measure] for measure in MEASURES):
            found[cell["grouping"], cell["year"], cell["key"], cell["stage"]] = {m: cell[m] for m in MEASURES}
    return found


def rebuild() -> int:
    """The cells recounted (after the leads were written in bulk, bypassing the actions)."""
    now = clock.now()
    cells = [
        FunnelCell(grouping=grouping, year=year, key=key, stage=stage, as_of=now, **measures)
        for (grouping, year, key, stage), measures in recount().items()
    ]
    with transaction.atomic():
        FunnelCell.objects.all().delete()
        FunnelCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


def refresh() -> None:
    """What the actions keep, recounted after leads were written in bulk (the demo, the bench, the
    ``investment_recount`` command): each lead's ``funds_behind_after``, and the cells."""
    Lead.objects.mark_funds_behind(InvestmentRules.current().funds_margin)
    rebuild()


class Kept:
    """The funnel read from the cells: every lead's, for who sees every lead. Answers as funnel.Live."""

    def __init__(self):
        self._read: dict[tuple, dict] = {}

    def _cells(self, year: int, group: str | None) -> dict[str, dict]:
        """{key: {(year, stage): cell}} of the grouping, for the year and the year before."""
        if (year, group) not in self._read:
            found: dict[str, dict] = {}
            cells = FunnelCell.objects.filter(grouping=group or ALL, year__in=(year, year - 1))
            for key, when, stage, *measures in cells.values_list("key", "year", "stage", *MEASURES):
                found.setdefault(key, {})[when, stage] = dict(zip(MEASURES, measures, strict=True))
            self._read[year, group] = found
        return self._read[year, group]

    def rows(self, year: int, group: str | None) -> list[dict]:
        def measures(cells: dict) -> dict:
            row = dict.fromkeys(measure_names(year), 0)
            for (when, stage), cell in cells.items():
                row[f"{stage}_{when}_n"] = cell["count"]
                if stage != Stage.FUNDED:
                    row[f"{stage}_{when}_amount"] = cell["amount"]
            return row

        found = self._cells(year, group)
        if group is None:
            return [measures(found.get("", {}))]
        _title, field, name = GROUPS[group]
        values = {key: _value(field, key) for key in found}
        if name:  # named groups in their names' order, as the database sorts them; no group last
            names = dict(
                Lead._meta.get_field(field)
                .related_model.objects.filter(pk__in=[v for v in values.values() if v is not None])
                .order_by("name")
                .values_list("pk", "name")
            )
            order = {value: n for n, value in enumerate(names)}
            keys = sorted(found, key=lambda k: order.get(values[k], len(order)))
            return [{field: values[k], name: names.get(values[k]), **measures(found[k])} for k in keys]
        return [{field: values[k], **measures(found[k])} for k in sorted(found)]

    def funds(self, year: int, group: str | None) -> dict:
        field = GROUPS[group][1] if group else None
        return {
            (_value(field, key) if field else None): {
                when: cell["amount"] for (when, stage), cell in cells.items() if stage == Stage.FUNDED
            }
            for key, cells in self._cells(year, group).items()
        }

    def cohort(self, year: int) -> dict:
        cells = self._cells(year, None).get("", {})
        got = {}
        for stage in FUNNEL:
            cell = cells.get((year, stage), dict.fromkeys(MEASURES, 0))
            got[f"{stage}_n"] = cell["reached"]
            got[f"{stage}_days"] = cell["days"] / cell["timed"] if cell["timed"] else None
        return got


def _value(field: str, key: str):
    """A group's value from its key: a unit's id or a county's code as the lead holds it, else the text."""
    if not key:
        return None
    found = Lead._meta.get_field(field)
    return found.target_field.to_python(key) if found.is_relation else key
