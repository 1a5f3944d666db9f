"""Both ladders of a supervision item as the clock moves: the time to sign for (office hours, then
working days late) and the deadline. The step reached is derived; the worker sends each step once;
signing, a requested close or the close take the record off."""

from datetime import date

import pytest

from yancheng.core import clock, ladder
from yancheng.core.models import LadderStep, Rung
from yancheng.core.roles import Role
from yancheng.supervision import actions, tasks
from yancheng.supervision.ladders import ITEM, SIGN
from yancheng.supervision.models import ItemEvent

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


def rungs(kind, record_id):
    return [
        Rung(r)
        for r in LadderStep.objects.filter(kind=kind, object_id=record_id)
        .order_by("at", "rung")
        .values_list("rung", flat=True)
    ]


def test_a_part_not_signed_for_in_its_hours_climbs_until_signed(assign, users, at):
    at(2026, 12, 1, 9)
    item = assign(cooperating=())
    part = item.assignments.get()
    at(2026, 12, 1, 15, 29)
    assert ladder.reached(SIGN, part, clock.now()) is None and tasks.escalate() == 0
    at(2026, 12, 1, 15, 31)  # four office hours have passed
    assert ladder.reached(SIGN, part, clock.now()).rung == Rung.NOTICE
    assert tasks.escalate() == 1 and tasks.escalate() == 0
    at(
        2026, 12, 3, 9
    )  # two working days late (the day it passed the first): the order to its head and the office
    assert tasks.escalate() == 1
    notice, order = LadderStep.objects.filter(kind="supervision_sign", object_id=part.pk).order_by("rung")
    assert notice.number.startswith("衡督签")
    assert {u.username for u in notice.recipients.all()} == {"official"}
    assert {u.username for u in order.recipients.all()} == {
        "official",
        "supervision",
    }  # no head: its officials
    actions.sign_for(item, by=users[Role.UNIT_OFFICIAL])
    at(2026, 12, 10, 9)
    assert tasks.escalate() == 0  # signed: off the sign ladder, and the deadline is far off
    assert ItemEvent.objects.filter(item=item, kind="escalated", unit=part.unit).count() == 2


def test_the_deadline_ladder_climbs_and_a_requested_close_takes_it_off(assign, users, at):
    leader = users[Role.LEADER]
    at(2026, 12, 1, 9)
    item = assign(cooperating=(), due_on=date(2026, 12, 11), leader=leader.person)
    actions.sign_for(item, by=users[Role.UNIT_OFFICIAL])
    at(2026, 12, 10, 10)
    assert ladder.reached(ITEM, item, clock.now()).rung == Rung.REMINDER and tasks.escalate() == 1
    at(2026, 12, 18, 9)  # the fifth working day late, no worker since
    assert ladder.reached(ITEM, item, clock.now()).rung == Rung.LIAISON_LETTER
    assert tasks.escalate() == 3 and tasks.escalate() == 0
    assert rungs("supervision", item.pk) == [
        Rung.REMINDER,
        Rung.NOTICE,
        Rung.SUPERVISION_ORDER,
        Rung.LIAISON_LETTER,
    ]
    letter = LadderStep.objects.get(kind="supervision", object_id=item.pk, rung=Rung.LIAISON_LETTER)
    assert letter.number.startswith("衡督办") and [u.username for u in letter.recipients.all()] == ["leader"]
    item = actions.request_close(
        item, by=users[Role.UNIT_OFFICIAL], summary="已完成", files=[evidence_file()]
    )
    at(2027, 1, 4, 9)
    assert ladder.reached(ITEM, item, clock.now()) is None and tasks.escalate() == 0
