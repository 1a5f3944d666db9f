"""An open problem past its deadline climbs the escalation ladder as the clock moves: the step reached
is derived, the worker sends each step once; evidence takes it off, a return puts it back, a reopening
starts it over on the new deadline."""

from datetime import date

import pytest

from yancheng.core import clock, ladder
from yancheng.core.models import LadderStep, Rung
from yancheng.core.roles import Role
from yancheng.problems import actions, tasks
from yancheng.problems.ladders import PROBLEM
from yancheng.problems.models import ProblemEvent

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


def _reached(problem):
    problem.refresh_from_db()
    step = ladder.reached(PROBLEM, problem, clock.now())
    return None if step is None else Rung(step.rung)


def _sent(problem):
    return list(LadderStep.objects.filter(kind="problem", object_id=problem.pk).order_by("at", "rung"))


def test_the_ladder_is_climbed_as_the_clock_moves_and_each_step_is_sent_once(
    at, make_project, problem, users
):
    # Due Friday 11 December 2026; eco answers for it; the project's leader is users[LEADER].
    p = problem(make_project(leader=users[Role.LEADER].person), due_on=date(2026, 12, 11))
    at(2026, 12, 10, 10)  # one working day left
    assert _reached(p) == Rung.REMINDER and tasks.escalate() == 1
    at(2026, 12, 16, 9)  # the third working day late: no worker ran since
    assert _reached(p) == Rung.SUPERVISION_ORDER
    assert tasks.escalate() == 2 and tasks.escalate() == 0  # the notice and the order, once
    # Waiting for its next step, the problem is not even read by a pass (the query leaves it out).
    assert not ladder.candidates(PROBLEM, at(2026, 12, 17, 18)).exists()
    at(2026, 12, 18, 9)
    assert list(ladder.candidates(PROBLEM, clock.now())) == [p]
    assert _reached(p) == Rung.LIAISON_LETTER and tasks.escalate() == 1
    rows = _sent(p)
    assert [r.rung for r in rows] == [Rung.REMINDER, Rung.NOTICE, Rung.SUPERVISION_ORDER, Rung.LIAISON_LETTER]
    assert rows[1].number.startswith("衡发改清督") and rows[1].number != rows[2].number
    assert {u.username for u in rows[1].recipients.all()} == {users["other_official"].username}
    assert {u.username for u in rows[3].recipients.all()} == {users[Role.LEADER].username}
    assert ProblemEvent.objects.filter(problem=p, kind="escalated").count() == 4


def test_evidence_takes_it_off_a_return_puts_it_back_and_a_reopening_starts_over(
    at, make_project, problem, users
):
    owner, eco = users[Role.ENTERPRISE_USER], users["other_official"]
    p = problem(make_project(), due_on=date(2026, 12, 4))
    at(2026, 12, 8, 9)
    actions.resolve(p, by=eco, files=[evidence_file()])
    assert _reached(p) is None and tasks.escalate() == 0  # late, but filed: nothing to chase
    actions.return_problem(p, by=owner, reason="未整改到位")
    assert _reached(p) == Rung.NOTICE and tasks.escalate() == 1
    actions.close(actions.resolve(p, by=eco, files=[evidence_file()]), by=owner)
    actions.reopen(p, by=owner, reason="回访发现反弹", due_on=date(2026, 12, 31))
    assert _reached(p) is None and tasks.escalate() == 0  # the new deadline is far off
    at(2027, 1, 5, 9)
    assert _reached(p) == Rung.NOTICE and tasks.escalate() == 1  # the new deadline's notice, sent anew
    assert [r.rung for r in _sent(p)] == [Rung.NOTICE, Rung.NOTICE]
