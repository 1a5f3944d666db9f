"""The mortgage indicators equal counts and medians taken here from the applications this test makes
(received on both sides of November's bounds in Asia/Shanghai, two banks, two counties, recorded by the
machine or by a person, refused, withdrawn, cancellations, certificates not yet signed)."""

import random
import statistics
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract
from yancheng.mortgage.models import Application

from .conftest import make_unit

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


NOW = local(2026, 12, 6, 10)
RECEIVED = [
    local(2026, 11, 30, 23, 30),
    local(2026, 12, 1, 0, 10),
    local(2026, 11, 1, 0, 0),
    local(2026, 10, 31, 23, 59),
    local(2026, 11, 18, 10),
]
OUTCOMES = ["auto", "auto", "auto", "person", "refused", "withdrawn", "to_person", "received"]


@pytest.fixture
def world(bank, other_bank, users, hengyang):
    rng = random.Random(3)
    regions = hengyang["regions"]
    units = {
        "zhuhui": make_unit(regions["zhuhui"], 1),
        "leiyang": make_unit(regions["leiyang"], 2),
        None: None,
    }
    banks = {"bank": bank, "other_bank": other_bank}
    rows = []
    for n in range(80):
        bank_key, region = rng.choice(list(banks)), rng.choice(list(units))
        received, outcome = rng.choice(RECEIVED), rng.choice(OUTCOMES)
        operation = "cancellation" if rng.random() < 0.2 else "mortgage"
        recorded = outcome in ("auto", "person")
        minutes = rng.choice([3, 4, 5, 6, 6, 9, 40, 300]) + rng.random()
        signed = (
            received + timedelta(minutes=minutes) if recorded and operation == "mortgage" and n % 7 else None
        )
        status = {"auto": "recorded", "person": "recorded"}.get(outcome, outcome)
        Application.objects.create(
            bank=banks[bank_key], contract_number=f"C-{uuid.uuid4().hex[:10]}", operation=operation,
            unit_number=units[region].number if units[region] else "430405001002GB99999F00010001",
            property_unit=units[region], mortgagors=[], debtor="李建国", amount=Decimal("100000.00"),
            term_start=date(2026, 12, 1), term_end=date(2046, 11, 30), identity_method="face",
            identity_verified_at=received, filed_by=users[Role.BANK_CLERK], status=status,
            decided_by=users[Role.REGISTRY_OFFICIAL] if outcome in ("person", "refused") else None,
            received_at=received, reviewed_at=None if outcome == "received" else received + timedelta(seconds=5),
            recorded_at=received + timedelta(minutes=1) if recorded else None, certificate_signed_at=signed,
        )  # fmt: skip
        rows.append((bank_key, region, received, outcome, operation, signed))
    return {"rows": rows, "banks": banks, "regions": regions}


def _subjects(world, grouping):
    if grouping == Grouping.UNIT:
        return {world["banks"][k].unit_id: k for k in ("bank", "other_bank")}
    return {world["regions"][k].code: k for k in ("zhuhui", "leiyang", "city")}


@pytest.mark.parametrize("grouping", [Grouping.UNIT, Grouping.REGION])
def test_the_automatic_share_equals_the_counts_of_the_raw_rows(world, grouping):
    position = 0 if grouping == Grouping.UNIT else 1
    subjects = _subjects(world, grouping)
    got = check_contract(get("mortgage.automatic_share"), grouping, list(subjects), NOVEMBER, NOW)
    for subject, key in subjects.items():
        mine = [r for r in world["rows"] if r[position] == key and NOVEMBER.contains(r[2])]
        reviewed = [r for r in mine if r[3] != "received"]
        automatic = [r for r in reviewed if r[3] == "auto"]
        figure = got[subject]
        assert (figure.numerator, figure.denominator) == (
            (len(automatic), len(reviewed)) if reviewed else (None, None)
        ), key
    assert any(f.denominator for f in got.values())


@pytest.mark.parametrize("grouping", [Grouping.UNIT, Grouping.REGION])
def test_the_median_minutes_equal_the_median_of_the_raw_durations(world, grouping):
    position = 0 if grouping == Grouping.UNIT else 1
    subjects = _subjects(world, grouping)
    got = check_contract(get("mortgage.minutes_to_certificate"), grouping, list(subjects), NOVEMBER, NOW)
    for subject, key in subjects.items():
        minutes = [
            (signed - received).total_seconds() / 60
            for bank, region, received, _o, operation, signed in world["rows"]
            if (bank, region)[position] == key and NOVEMBER.contains(received) and signed is not None
        ]
        figure = got[subject]
        if minutes:
            assert figure.value == pytest.approx(statistics.median(minutes)), key
            assert figure.count == len(minutes)
        else:
            assert figure.value is None, key
    assert sum(f.count for f in got.values()) > 4


def test_the_median_of_an_even_and_an_odd_number(bank, users, hengyang):
    unit = make_unit(hengyang["regions"]["zhuhui"], 9)
    for n, minutes in enumerate([10, 2, 6, 4]):
        received = local(2026, 11, 10, 9)
        Application.objects.create(
            bank=bank, contract_number=f"M-{n}", unit_number=unit.number, property_unit=unit, debtor="李建国",
            amount=Decimal(1), term_start=date(2026, 12, 1), term_end=date(2036, 11, 30), identity_method="face",
            identity_verified_at=received, filed_by=users[Role.BANK_CLERK], status="recorded", received_at=received,
            reviewed_at=received, recorded_at=received, certificate_signed_at=received + timedelta(minutes=minutes),
        )  # fmt: skip
    median = get("mortgage.minutes_to_certificate")
    assert median.compute("unit", [bank.unit_id], NOVEMBER, now=NOW)[bank.unit_id].value == pytest.approx(5)
    Application.objects.filter(contract_number="M-0").delete()
    assert median.compute("unit", [bank.unit_id], NOVEMBER, now=NOW)[bank.unit_id].value == pytest.approx(4)
