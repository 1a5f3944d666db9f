"""Problems closed on time: the indicator equals counts taken here from the rows this test makes (due
inside and outside November, other units, other responsible people, other counties, waiting for the
raiser's confirmation past the deadline)."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract
from yancheng.problems.models import Problem

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


@pytest.fixture
def world(make_project, ledger, users, at):
    now = at(2026, 12, 2, 10)
    rng = random.Random(8)
    people = {"eco": users["other_official"].person, "samr": users[Role.UNIT_OFFICIAL].person, None: None}
    projects = {"zhuhui": make_project(region="zhuhui"), "leiyang": make_project(region="leiyang")}
    rows = []
    for n in range(70):
        unit, person, region = (
            rng.choice(["eco", "samr"]),
            rng.choice(list(people)),
            rng.choice(list(projects)),
        )
        due = date(2026, 10, 25) + timedelta(days=rng.randint(0, 45))
        state = rng.choice(["open", "resolved", "closed"])
        resolved = due + timedelta(days=rng.randint(-5, 5)) if state != "open" else None
        Problem.objects.create(
            project=projects[region], description=f"问题{n}", measures="协调", unit=ledger["units"][unit],
            person=people[person], source="owner", raised_on=date(2026, 10, 1), due_on=due,
            deadline_at=datetime.combine(due, datetime.max.time(), tzinfo=timezone.get_default_timezone()),
            state=state, resolved_on=resolved, closed_at=now if state == "closed" else None,
            raised_by=users[Role.ENTERPRISE_USER], raised_at=now, submission_key=uuid.uuid4().hex,
        )  # fmt: skip
        rows.append((unit, person, region, due, state, resolved))
    return {"rows": rows, "now": now, "people": people, **ledger}


def _subjects(world, grouping):
    if grouping == Grouping.UNIT:
        return {world["units"][k].pk: k for k in ("eco", "samr", "gov")}
    if grouping == Grouping.PERSON:
        return {world["people"][k].pk: k for k in ("eco", "samr")}
    return {world["regions"][k].code: k for k in ("zhuhui", "leiyang")}


@pytest.mark.parametrize("grouping", list(Grouping))
def test_closed_on_time_equals_the_counts_of_the_raw_rows(world, grouping):
    today = timezone.localdate(world["now"])
    position = {Grouping.UNIT: 0, Grouping.PERSON: 1, Grouping.REGION: 2}[grouping]
    subjects = _subjects(world, grouping)
    got = check_contract(get("problems.closed_on_time"), grouping, list(subjects), NOVEMBER, world["now"])
    for subject, key in subjects.items():
        mine = [r for r in world["rows"] if r[position] == key and NOVEMBER.contains(r[3])]
        counted = [r for r in mine if r[4] == "closed" or r[3] < today]
        on_time = [r for r in counted if r[4] == "closed" and r[5] <= r[3]]
        figure = got[subject]
        if counted:
            assert (figure.numerator, figure.denominator) == (len(on_time), len(counted)), key
        else:
            assert figure.value is None, key
    assert any(f.denominator for f in got.values())


def test_a_problem_solved_on_time_but_not_yet_confirmed_counts_and_is_not_on_time(world):
    eco = world["units"]["eco"].pk
    records = get("problems.closed_on_time").records("unit", eco, NOVEMBER, now=world["now"])
    waiting = [p for p in records if p.state == "resolved"]
    assert waiting and not any(p.counted for p in waiting)
    assert all(p.due_on < timezone.localdate(world["now"]) for p in waiting)
