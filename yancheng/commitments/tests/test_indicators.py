"""Commitments fulfilled on time: the indicator equals counts taken here from the rows this test makes
(due inside and outside November, other units, other leaders, other counties), and the rates page."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from yancheng.commitments import figures
from yancheng.commitments.models import Commitment
from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
STATES = ["open", "fulfilled", "confirmed", "disputed"]


@pytest.fixture
def world(make_project, ledger, users, at):
    now = at(2026, 12, 2, 10)
    rng = random.Random(5)
    leaders = {"leader": users[Role.LEADER].person, "admin": users[Role.ADMINISTRATOR].person, None: None}
    projects = {"zhuhui": make_project(region="zhuhui"), "leiyang": make_project(region="leiyang")}
    rows = []
    for n in range(70):
        unit, leader, region = (
            rng.choice(["eco", "samr"]),
            rng.choice(list(leaders)),
            rng.choice(list(projects)),
        )
        due = date(2026, 10, 25) + timedelta(days=rng.randint(0, 45))  # late October to early December
        state = rng.choice(STATES)
        fulfilled = due + timedelta(days=rng.randint(-5, 5)) if state == "confirmed" else None
        Commitment.objects.create(
            project=projects[region], kind="power", content=f"承诺{n}", unit=ledger["units"][unit],
            leader=leaders[leader], promised_to="业主", made_on=date(2026, 10, 1), due_on=due,
            deadline_at=datetime.combine(due, datetime.max.time(), tzinfo=timezone.get_default_timezone()),
            state=state, fulfilled_on=fulfilled, created_by=ledger["commission"], created_at=now,
            submission_key=uuid.uuid4().hex,
        )  # fmt: skip
        rows.append((unit, leader, region, due, state, fulfilled))
    return {"rows": rows, "now": now, "leaders": leaders, **ledger}


def _subjects(world, grouping):
    if grouping == Grouping.UNIT:
        return {world["units"][k].pk: k for k in ("eco", "samr", "gov")}
    if grouping == Grouping.PERSON:
        return {world["leaders"][k].pk: k for k in ("leader", "admin")}
    return {world["regions"][k].code: k for k in ("zhuhui", "leiyang")}


@pytest.mark.parametrize("grouping", list(Grouping))
def test_fulfilled_on_time_equals_the_counts_of_the_raw_rows(world, grouping):
    today = timezone.localdate(world["now"])
    position = {Grouping.UNIT: 0, Grouping.PERSON: 1, Grouping.REGION: 2}[grouping]
    subjects = _subjects(world, grouping)
    got = check_contract(
        get("commitments.fulfilled_on_time"), grouping, list(subjects), NOVEMBER, world["now"]
    )
    for subject, key in subjects.items():
        mine = [r for r in world["rows"] if r[position] == key and NOVEMBER.contains(r[3])]
        counted = [r for r in mine if r[4] == "confirmed" or r[3] < today]
        on_time = [r for r in counted if r[4] == "confirmed" and r[5] <= r[3]]
        figure = got[subject]
        if counted:
            assert (figure.numerator, figure.denominator) == (len(on_time), len(counted)), key
        else:
            assert figure.value is None, key
    assert any(f.denominator for f in got.values())


@pytest.mark.parametrize("by", ["unit", "leader"])
def test_it_agrees_with_the_rates_page(world, by):
    today = timezone.localdate(world["now"])
    in_november = Commitment.objects.filter(due_on__range=(NOVEMBER.start, NOVEMBER.end))
    page = {row.key: row for row in figures.fulfilment(in_november, by, today)}
    grouping = Grouping.UNIT if by == "unit" else Grouping.PERSON
    got = get("commitments.fulfilled_on_time").compute(grouping, list(page), NOVEMBER, now=world["now"])
    for key, row in page.items():
        assert got[key].value == (None if row.rate is None else pytest.approx(float(row.rate), abs=0.05))
        assert (got[key].numerator or 0, got[key].denominator or 0) == (row.on_time, row.counted)
