"""A commitment past its deadline climbs the escalation ladder step by step as the clock moves: the
step reached is derived (no worker needed to read it), the worker sends each step once."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yancheng.commitments import actions, tasks
from yancheng.commitments.ladders import COMMITMENT
from yancheng.commitments.models import CommitmentEvent
from yancheng.core import clock, ladder
from yancheng.core.models import LadderStep, Rung
from yancheng.core.roles import Role

pytestmark = pytest.mark.django_db


def _reached(commitment):
    step = ladder.reached(COMMITMENT, commitment, clock.now())
    return None if step is None else Rung(step.rung)


def test_the_ladder_is_climbed_as_the_clock_moves_and_each_step_is_sent_once(
    at, make_project, promise, users, ledger
):
    # Due Friday 11 December 2026; the committing unit is eco (official_eco), the leader users[LEADER].
    c = promise(make_project(), due_on=date(2026, 12, 11), leader=users[Role.LEADER].person)
    at(2026, 12, 9, 10)  # Wednesday: two working days left
    assert _reached(c) is None and tasks.escalate() == 0
    at(2026, 12, 10, 10)  # Thursday: one working day left
    assert _reached(c) == Rung.REMINDER and tasks.escalate() == 1
    at(2026, 12, 14, 9)  # Monday: passed (Friday), the first working day late
    assert _reached(c) == Rung.NOTICE  # derived: no worker has run
    at(2026, 12, 16, 9)  # third working day late
    assert _reached(c) == Rung.SUPERVISION_ORDER
    assert tasks.escalate() == 2  # a worker that was down sends the notice and the order at once
    assert tasks.escalate() == 0  # and never again
    at(2026, 12, 18, 9)
    assert _reached(c) == Rung.LIAISON_LETTER and tasks.escalate() == 1
    rows = list(LadderStep.objects.filter(kind="commitment", object_id=c.pk).order_by("rung"))
    assert [r.rung for r in rows] == [Rung.REMINDER, Rung.NOTICE, Rung.SUPERVISION_ORDER, Rung.LIAISON_LETTER]
    assert rows[1].number and rows[1].number != rows[2].number  # numbered instruments
    assert CommitmentEvent.objects.filter(commitment=c, kind="escalated").count() == 4
    # The notice goes to the committing unit, the liaison letter to the leader who made the commitment.
    assert {u.username for u in rows[1].recipients.all()} == {users["other_official"].username}
    assert {u.username for u in rows[3].recipients.all()} == {users[Role.LEADER].username}


def test_evidence_takes_it_off_the_ladder_and_a_dispute_puts_it_back(at, make_project, promise, users):
    c = promise(make_project(), due_on=date(2026, 12, 4))
    pdf = SimpleUploadedFile("验收.pdf", b"%PDF-1.4", content_type="application/pdf")
    at(2026, 12, 8, 9)
    actions.fulfil(c, by=users["other_official"], files=[pdf])
    assert tasks.escalate() == 0  # filed late, but filed: nothing to chase
    actions.dispute(c, by=users[Role.ENTERPRISE_USER], reason="未通电")
    c.refresh_from_db()
    assert _reached(c) == Rung.NOTICE and tasks.escalate() >= 1


def test_a_pass_reads_the_commission_once_for_every_unit_it_writes_to(at, make_project, promise, ledger):
    """The commission's officials are read once a pass, not once for each unit's 督办单; the days late
    are counted once per deadline (a pass of thousands of records shares a few dozen)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = make_project()
    for unit in ("eco", "samr", "gov", "eco"):
        promise(project, unit=unit, due_on=date(2026, 12, 4))
    at(2026, 12, 9, 9)  # third working day late: a notice and a 督办单 each
    with CaptureQueriesContext(connection) as captured:
        assert tasks.escalate() == 8
    rules = [q for q in captured.captured_queries if 'FROM "projects_projectrules"' in q["sql"]]
    assert len(rules) == 1, rules
    rows = LadderStep.objects.filter(kind="commitment", rung=Rung.SUPERVISION_ORDER)
    assert rows.count() == 4 and all(ledger["commission"] in row.recipients.all() for row in rows)
