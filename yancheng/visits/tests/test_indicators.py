"""The visits' indicators equal counts taken here from the rows this test makes — visits on both sides
of November's bounds in Asia/Shanghai, other units, other counties, refused and pending requests, a
check-in on a refused request — and agree with the protection ledger's figures for the same month."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest

from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract
from yancheng.enterprise_requests import ledger
from yancheng.visits.choices import Direction, Kind, Purpose, RequestStatus, ScanMethod
from yancheng.visits.models import (
    CheckEvent,
    NoPassReport,
    Pass,
    Rating,
    Visit,
    Visitor,
    VisitRequest,
    VisitRules,
)
from yancheng.visits.tests.conftest import local

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
NOW = local(2026, 12, 6, 10)
# Starts around the month's bounds: 23:30 on 30 November is November; 00:10 on 1 December is not, though
# it is still 30 November in UTC; 00:00 on 1 November is, though it is 31 October in UTC.
STARTS = [
    local(2026, 11, 30, 23, 30),
    local(2026, 12, 1, 0, 10),
    local(2026, 11, 1, 0, 0),
    local(2026, 10, 31, 23, 59),
    local(2026, 11, 15, 9),
    local(2026, 11, 20, 14),
    local(2026, 12, 5, 9),
]
_serial = iter(range(1, 10_000_000))


@pytest.fixture
def world(users, hengyang):
    """60 visits at random: each with one to three units' requests (approved, refused, pending), some
    checked in, some rated, some still under way at NOW; and no-pass reports around the bounds."""
    rules = VisitRules.current()
    rules.min_ratings_shown = 1
    rules.save()
    officials = {"samr": users[Role.UNIT_OFFICIAL], "eco": users["other_official"]}
    enterprises = hengyang["enterprises"]
    rng = random.Random(13)
    made = []  # (enterprise key, starts, ended, rating or None, [(unit, status, checked in)])
    for _n in range(60):
        starts = rng.choice(STARTS)
        ended = rng.random() < 0.8
        ends = starts + timedelta(hours=2) if ended else NOW + timedelta(hours=1)
        key = rng.choice(["a", "b"])
        visit = Visit.objects.create(
            enterprise=enterprises[key], starts_at=starts, ends_at=ends, year=starts.year
        )
        parts = []
        for unit in rng.sample(["samr", "eco"], rng.choice([1, 1, 2])):
            status = rng.choice([RequestStatus.APPROVED] * 3 + [RequestStatus.REFUSED, RequestStatus.PENDING])
            checked = rng.random() < 0.6
            _request(visit, officials[unit], status, checked)
            parts.append((unit, status, checked))
        rating = rng.randint(1, 5) if rng.random() < 0.5 else None
        if rating is not None:
            Rating.objects.create(
                visit=visit, overall=rating, conduct=5, necessity=5, efficiency=5, integrity=5,
                rated_by=users[Role.ENTERPRISE_USER],
            )  # fmt: skip
        made.append((key, starts, ended, rating, parts))
    reports = []
    for _n in range(12):
        unit, key, occurred = rng.choice(["samr", "eco", None]), rng.choice(["a", "b"]), rng.choice(STARTS)
        NoPassReport.objects.create(
            enterprise=enterprises[key], unit=hengyang["units"][unit] if unit else None, occurred_at=occurred,
            visitors_text="两名自称检查人员", description="未出示通行码", reported_by=users[Role.ENTERPRISE_USER],
            submission_key=uuid.uuid4().hex,
        )  # fmt: skip
        reports.append((unit, key, occurred))
    return {"visits": made, "reports": reports, "units": hengyang["units"], "regions": hengyang["regions"]}


def _request(visit, official, status, checked):
    request = VisitRequest.objects.create(
        visit=visit, unit=official.person.unit, purpose=Purpose.INSPECTION, kind=Kind.PLANNED, filed_by=official,
        submission_key=uuid.uuid4().hex, status=status,
    )  # fmt: skip
    visitor = Visitor.objects.create(request=request, user=official)
    green = Pass.objects.create(visitor=visitor, token="t", short_code=f"P{next(_serial):08d}")
    if checked:
        CheckEvent.objects.create(
            green_pass=green,
            direction=Direction.IN,
            method=ScanMethod.VISITOR_SCANS_ENTERPRISE,
            recorded_by=official,
        )


def _in_november(moment: datetime) -> bool:
    return date(2026, 11, 1) <= moment.astimezone(local(2026, 1, 1).tzinfo).date() <= date(2026, 11, 30)


REGION_OF = {"a": "zhuhui", "b": "leiyang"}


def _expected(world):
    """{(grouping, subject key): {indicator: (numerator, denominator)}}, counted from the rows."""
    out = {}

    def add(group, name, part, whole=1):
        totals = out.setdefault(group, {}).setdefault(name, [0, 0])
        totals[0] += part
        totals[1] += whole

    for key, starts, ended, rating, parts in world["visits"]:
        if not _in_november(starts):
            continue
        approved = [(unit, checked) for unit, status, checked in parts if status == RequestStatus.APPROVED]
        joint = len(approved) >= 2
        for unit, checked in approved:
            add(("unit", unit), "joint", joint)
            if ended:
                add(("unit", unit), "compliance", checked)
            if rating is not None:
                add(("unit", unit), "rating", rating)
        if approved:
            region = ("region", REGION_OF[key])
            add(region, "joint", joint)
            if ended:
                add(region, "compliance", any(checked for _u, checked in approved))
            if rating is not None:
                add(region, "rating", rating)
    for unit, key, occurred in world["reports"]:
        if _in_november(occurred):
            if unit:
                add(("unit", unit), "no_pass", 1)
            add(("region", REGION_OF[key]), "no_pass", 1)
    return out


def _subjects(world, grouping):
    if grouping == Grouping.UNIT:
        return {world["units"][k].pk: k for k in ("samr", "eco", "gov")}
    return {world["regions"][k].code: k for k in ("zhuhui", "leiyang", "city")}


@pytest.mark.parametrize("grouping", [Grouping.UNIT, Grouping.REGION])
def test_each_visit_indicator_equals_the_counts_of_the_raw_rows(world, grouping):
    expected = _expected(world)
    subjects = _subjects(world, grouping)
    codes = {
        "compliance": "visits.pass_compliance",
        "joint": "visits.joint_share",
        "rating": "visits.mean_rating",
        "no_pass": "visits.no_pass_reports",
    }
    for name, code in codes.items():
        assert expected[(grouping.value, "zhuhui" if grouping == Grouping.REGION else "samr")][name][1] > 1
        got = check_contract(get(code), grouping, list(subjects), NOVEMBER, NOW)
        for subject, key in subjects.items():
            part, whole = expected.get((grouping.value, key), {}).get(name, (0, 0))
            figure = got[subject]
            if name == "no_pass":
                assert (figure.value, figure.count) == (part, part), (code, key)
            elif name == "rating":
                assert (figure.numerator, figure.denominator) == ((part, whole) if whole else (None, None))
                assert figure.value == (part / whole if whole else None), (code, key)
            else:
                assert (figure.numerator, figure.denominator) == ((part, whole) if whole else (None, None))
                assert figure.value == (100 * part / whole if whole else None), (code, key)


def test_the_unit_figures_agree_with_the_protection_ledger(world):
    rows = {row.unit_id: row for row in ledger.compute(NOVEMBER.start, NOVEMBER.end, now=NOW)}
    units = [world["units"][k].pk for k in ("samr", "eco")]
    compliance = get("visits.pass_compliance").compute("unit", units, NOVEMBER, now=NOW)
    rating = get("visits.mean_rating").compute("unit", units, NOVEMBER, now=NOW)
    no_pass = get("visits.no_pass_reports").compute("unit", units, NOVEMBER, now=NOW)
    for unit in units:
        row = rows[unit]
        assert compliance[unit].value == (
            None if row.checkin_compliance is None else pytest.approx(100 * row.checkin_compliance)
        )
        assert rating[unit].value == row.average_rating
        assert no_pass[unit].value == row.no_pass_reports


def test_the_records_are_the_visits_counted_and_a_rating_below_the_minimum_is_not_shown(world):
    samr = world["units"]["samr"].pk
    compliance = get("visits.pass_compliance")
    records = list(compliance.records("unit", samr, NOVEMBER, now=NOW))
    assert records and all(_in_november(v.starts_at) and v.ends_at <= NOW for v in records)
    assert {VisitRequest.objects.get(pk=v.request_id).unit_id for v in records} == {samr}
    rules = VisitRules.current()
    rules.min_ratings_shown = 10_000
    rules.save()
    figure = get("visits.mean_rating").compute("unit", [samr], NOVEMBER, now=NOW)[samr]
    assert (figure.value, figure.numerator) == (None, None) and figure.count > 0
    assert not get("visits.mean_rating").records_shown_to_subject
