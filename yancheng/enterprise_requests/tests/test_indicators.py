"""The enterprise requests' indicators equal counts taken here from the rows this test makes (filed on
both sides of November's bounds in Asia/Shanghai, for two units, from two counties, some unrouted, some
still within their time at NOW) and agree with the protection ledger."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract
from yancheng.enterprise_requests import ledger
from yancheng.enterprise_requests.models import EnterpriseRequest

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
NOW = datetime(2026, 12, 6, 10, tzinfo=SHANGHAI)
FILED = [
    datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI),
    datetime(2026, 12, 1, 0, 10, tzinfo=SHANGHAI),
    datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI),
    datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI),
    datetime(2026, 11, 12, 9, tzinfo=SHANGHAI),
    datetime(2026, 11, 26, 15, tzinfo=SHANGHAI),
]
CODES = {
    "accepted": "enterprise_requests.accepted_on_time",
    "replied": "enterprise_requests.replied_on_time",
    "satisfied": "enterprise_requests.satisfaction",
}


def _maybe(rng, moment, spread_hours=120):
    """A moment near ``moment`` (before or after it), or None (not done)."""
    return None if rng.random() < 0.25 else moment + timedelta(hours=rng.randint(-spread_hours, spread_hours))


@pytest.fixture
def world(users, hengyang):
    rng = random.Random(21)
    made = []
    enterprises = {"a": users[Role.ENTERPRISE_USER], "b": users["other_enterprise"]}
    for n in range(80):
        key, filed = rng.choice(["a", "b"]), rng.choice(FILED)
        unit = rng.choice(["samr", "eco", None])
        accept_deadline = filed + timedelta(days=rng.randint(1, 10))  # some still ahead at NOW
        reply_deadline = accept_deadline + timedelta(days=rng.randint(1, 10))
        extended = reply_deadline + timedelta(days=5) if rng.random() < 0.2 else None
        accepted = _maybe(rng, accept_deadline)
        replied = _maybe(rng, extended or reply_deadline) if accepted else None
        replied = replied if replied is None or replied <= NOW else None
        accepted = accepted if accepted is None or accepted <= NOW else None
        satisfaction = rng.choice(["", "satisfied", "basically", "not_satisfied"]) if replied else ""
        EnterpriseRequest.objects.create(
            enterprise=enterprises[key].person.enterprise, filed_by=enterprises[key], kind="demand",
            subject=f"诉求{n}", text="……", filed_at=filed, submission_key=uuid.uuid4().hex,
            unit=hengyang["units"][unit] if unit else None, accept_deadline=accept_deadline,
            reply_deadline=reply_deadline, extended_deadline=extended, accepted_at=accepted, replied_at=replied,
            satisfaction=satisfaction,
        )  # fmt: skip
        made.append(
            (key, unit, filed, accept_deadline, extended or reply_deadline, accepted, replied, satisfaction)
        )
    return {"rows": made, "units": hengyang["units"], "regions": hengyang["regions"]}


def _in_november(moment) -> bool:
    return date(2026, 11, 1) <= timezone.localtime(moment, SHANGHAI).date() <= date(2026, 11, 30)


REGION_OF = {"a": "zhuhui", "b": "leiyang"}


def _expected(rows):
    out = {}
    for key, unit, filed, accept_by, reply_by, accepted, replied, satisfaction in rows:
        if not _in_november(filed):
            continue
        tests = {
            "accepted": (
                accepted is not None or accept_by < NOW,
                accepted is not None and accepted <= accept_by,
            ),
            "replied": (replied is not None or reply_by < NOW, replied is not None and replied <= reply_by),
            "satisfied": (satisfaction != "", satisfaction in ("satisfied", "basically")),
        }
        for group in [("unit", unit)] * bool(unit) + [("region", REGION_OF[key])]:
            for name, (due, on_time) in tests.items():
                totals = out.setdefault((group, name), [0, 0])
                totals[0] += due and on_time
                totals[1] += due
    return out


@pytest.mark.parametrize("grouping", [Grouping.UNIT, Grouping.REGION])
def test_each_request_indicator_equals_the_counts_of_the_raw_rows(world, grouping):
    expected = _expected(world["rows"])
    if grouping == Grouping.UNIT:
        subjects = {world["units"][k].pk: k for k in ("samr", "eco", "gov")}
    else:
        subjects = {world["regions"][k].code: k for k in ("zhuhui", "leiyang", "city")}
    for name, code in CODES.items():
        got = check_contract(get(code), grouping, list(subjects), NOVEMBER, NOW)
        for subject, key in subjects.items():
            part, whole = expected.get(((grouping.value, key), name), (0, 0))
            assert (got[subject].numerator, got[subject].denominator) == (
                (part, whole) if whole else (None, None)
            )
            assert got[subject].value == (100 * part / whole if whole else None), (code, key)
        assert expected[((grouping.value, "zhuhui" if grouping == Grouping.REGION else "samr"), name)][1] > 1


def test_the_unit_figures_agree_with_the_protection_ledger(world):
    rows = {row.unit_id: row for row in ledger.compute(NOVEMBER.start, NOVEMBER.end, now=NOW)}
    units = [world["units"][k].pk for k in ("samr", "eco")]
    pairs = {
        "accepted": "accept_on_time_rate",
        "replied": "reply_on_time_rate",
        "satisfied": "satisfaction_rate",
    }
    for name, attribute in pairs.items():
        figures = get(CODES[name]).compute("unit", units, NOVEMBER, now=NOW)
        for unit in units:
            rate = getattr(rows[unit], attribute)
            assert figures[unit].value == (None if rate is None else pytest.approx(100 * rate)), name


def test_a_request_still_within_its_time_counts_neither_way(world, users, hengyang):
    samr = hengyang["units"]["samr"]
    filed = datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI)
    within = EnterpriseRequest.objects.create(
        enterprise=users[Role.ENTERPRISE_USER].person.enterprise, filed_by=users[Role.ENTERPRISE_USER],
        kind="demand", subject="新诉求", text="……", filed_at=filed, submission_key=uuid.uuid4().hex, unit=samr,
        accept_deadline=NOW + timedelta(days=1), reply_deadline=NOW + timedelta(days=9),
    )  # fmt: skip
    for code in CODES.values():
        assert within not in get(code).records("unit", samr.pk, NOVEMBER, now=NOW)
    later = NOW + timedelta(days=2)
    records = get(CODES["accepted"]).records("unit", samr.pk, NOVEMBER, now=later)
    assert records.get(pk=within.pk).counted is False  # deemed accepted: counted, not on time
