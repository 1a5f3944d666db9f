"""Commitments: made, fulfilled with evidence, confirmed or disputed by the owner; overdue derived; the
fulfilment rates equal counts made in the test from the raw rows."""

import random
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yancheng.commitments import actions, figures
from yancheng.commitments.models import Commitment, CommitmentEvent
from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role

pytestmark = pytest.mark.django_db


def _file(name="批复.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


@pytest.fixture
def eco_official(users):
    return users["other_official"]  # an official of eco, the committing unit


def test_a_commitment_is_fulfilled_with_evidence_and_confirmed_by_the_owner(
    at, make_project, promise, eco_official, users
):
    project = make_project()  # owned by enterprise a
    c = promise(project)
    assert c.state == "open" and c.promised_to == str(project.owner) and c.made_on == date(2026, 12, 2)
    with pytest.raises(ActionRefused, match="请上传兑现材料"):
        actions.fulfil(c, by=eco_official, files=[])
    with pytest.raises(ActionRefused, match="只有承诺单位"):
        actions.fulfil(c, by=users[Role.UNIT_OFFICIAL], files=[_file()])
    with pytest.raises(ActionRefused, match="不是 PDF"):
        actions.fulfil(c, by=eco_official, files=[_file("a.exe")])
    c = actions.fulfil(c, by=eco_official, files=[_file()], note="已送电")
    assert (c.state, c.fulfilled_on, c.evidence.count()) == ("fulfilled", date(2026, 12, 2), 1)
    with pytest.raises(ActionRefused, match="只有项目业主"):
        actions.confirm(c, by=eco_official)
    c = actions.confirm(c, by=users[Role.ENTERPRISE_USER])
    assert c.state == "confirmed"
    assert list(CommitmentEvent.objects.filter(commitment=c).values_list("kind", flat=True)) == [
        "made",
        "fulfilled",
        "confirmed",
    ]
    assert AuditEntry.objects.filter(action__startswith="commitment_").count() == 3


def test_a_dispute_sends_it_back_and_the_first_fulfilment_no_longer_counts(
    at, make_project, promise, eco_official, users
):
    c = promise(make_project(), due_on=date(2026, 12, 10))
    actions.fulfil(c, by=eco_official, files=[_file()])
    with pytest.raises(ActionRefused, match="异议理由"):
        actions.dispute(c, by=users[Role.ENTERPRISE_USER], reason=" ")
    c = actions.dispute(c, by=users[Role.ENTERPRISE_USER], reason="线路未通电")
    assert (c.state, c.fulfilled_on) == ("disputed", None)
    at(2026, 12, 14, 9)
    assert figures.is_overdue(c, date(2026, 12, 14))
    c = actions.fulfil(c, by=eco_official, files=[_file("送电照片.jpg")])
    actions.confirm(c, by=users[Role.ENTERPRISE_USER])
    [row] = figures.fulfilment(Commitment.objects.all(), "unit", date(2026, 12, 14))
    assert (row.on_time, row.late, row.rate) == (0, 1, 0)  # kept, but after its day


def test_the_same_submission_twice_is_one_commitment(at, make_project, promise):
    project = make_project()
    assert promise(project, key="k1") == promise(project, key="k1")
    assert Commitment.objects.count() == 1


def test_who_may_record_and_a_deadline_in_working_days(at, make_project, ledger, users, eco_official):
    project = make_project()
    make = lambda by, unit, **kw: actions.make(  # noqa: E731
        project, by=by, kind="land", content="供地", unit=ledger["units"][unit], submission_key=str(kw), **kw
    )
    with pytest.raises(ActionRefused):
        make(users[Role.ENTERPRISE_USER], "eco", due_on=date(2026, 12, 31))
    with pytest.raises(ActionRefused):
        make(eco_official, "samr", due_on=date(2026, 12, 31))  # not their unit
    with pytest.raises(ActionRefused, match="不能早于今天"):
        make(users[Role.LEADER], "eco", due_on=date(2026, 12, 1))
    c = make(eco_official, "eco", working_days=5)  # Wednesday 2 December + 5 working days
    assert c.due_on == date(2026, 12, 9)
    assert Commitment.objects.count() == 1


def test_rates_per_unit_and_leader_equal_counts_of_the_raw_rows(
    at, make_project, promise, ledger, users, eco_official
):
    samr_official = users[Role.UNIT_OFFICIAL]
    owner = users[Role.ENTERPRISE_USER]
    officials = {"eco": eco_official, "samr": samr_official}
    leader = users[Role.LEADER].person
    rng = random.Random(7)
    project = make_project()
    rows = []  # (unit, leader?, due, fulfilled day or None, confirmed)
    for n in range(40):
        unit = rng.choice(["eco", "samr"])
        due = date(2026, 12, 2) + timedelta(days=rng.randint(0, 20))
        c = promise(project, unit=unit, due_on=due, leader=leader if n % 3 == 0 else None)
        outcome = rng.choice(["open", "fulfilled", "confirmed"])
        day = None
        if outcome != "open":
            day = due + timedelta(days=rng.randint(-3, 3))
            at(day.year, day.month, day.day, 10)
            if day >= c.made_on:
                actions.fulfil(c, by=officials[unit], files=[_file()])
                if outcome == "confirmed":
                    actions.confirm(c, by=owner)
            else:
                outcome, day = "open", None
            at(2026, 12, 2, 10)
        rows.append((unit, n % 3 == 0, due, day, outcome))
    today = date(2026, 12, 15)
    for by, key_of in (("unit", lambda r: r[0]), ("leader", lambda r: "leader" if r[1] else None)):
        expected = {}
        for row in rows:
            key = key_of(row)
            if key is None:
                continue
            unit, _l, due, day, outcome = row
            counts = expected.setdefault(key, [0, 0, 0, 0])
            if outcome == "confirmed" or due < today:
                counts[0] += 1
            if outcome == "confirmed":
                counts[1 if day <= due else 2] += 1
            if outcome == "open" and due < today:
                counts[3] += 1
        got = {
            r.label: [r.counted, r.on_time, r.late, r.overdue]
            for r in figures.fulfilment(Commitment.objects.all(), by, today)
        }
        names = {
            "eco": ledger["units"]["eco"].name,
            "samr": ledger["units"]["samr"].name,
            "leader": leader.full_name,
        }
        assert got == {names[k]: v for k, v in expected.items()}, by
