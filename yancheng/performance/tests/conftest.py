"""Supervision items of two departments in November 2026, and a scheme that scores departments by them."""

from datetime import date, datetime

import pytest

from conftest import SHANGHAI
from yancheng.core.roles import Role
from yancheng.performance import actions
from yancheng.performance.actions import Line
from yancheng.supervision import actions as supervision
from yancheng.supervision.models import Item
from yancheng.supervision.tests.conftest import assign, evidence_file  # noqa: F401  (fixtures)


def closed(item, official, office, requested_at):
    supervision.sign_for(item, by=official)
    item = supervision.request_close(
        Item.objects.get(pk=item.pk), by=official, summary="完成", files=[evidence_file()]
    )
    Item.objects.filter(pk=item.pk).update(close_requested_at=requested_at)
    return supervision.close(item, by=office)


@pytest.fixture
def november(assign, users, at):  # noqa: F811  (the assign fixture imported above)
    """samr: 3 items due in November, 2 closed on time; eco: 2 due, 1 closed on time. Parts signed: samr
    on time for all three, eco for one of two."""
    office, samr, eco = users[Role.SUPERVISION_OFFICE], users[Role.UNIT_OFFICIAL], users["other_official"]
    at(2026, 11, 2, 9)
    items = {
        "samr": [assign(lead="samr", cooperating=(), due_on=date(2026, 11, d)) for d in (10, 20, 27)],
        "eco": [assign(lead="eco", cooperating=(), due_on=date(2026, 11, d)) for d in (12, 25)],
    }
    closed(items["samr"][0], samr, office, datetime(2026, 11, 9, 10, tzinfo=SHANGHAI))
    closed(items["samr"][1], samr, office, datetime(2026, 11, 19, 10, tzinfo=SHANGHAI))
    closed(items["eco"][0], eco, office, datetime(2026, 11, 11, 10, tzinfo=SHANGHAI))
    supervision.sign_for(items["samr"][2], by=samr)
    at(2026, 12, 2, 9)
    return items


@pytest.fixture
def scheme(users):
    return actions.create_scheme(
        by=users[Role.PERFORMANCE_OFFICE], name="市直部门绩效考核", unit_kind="department",
        in_force_from=date(2026, 1, 1), lines=[
            Line("supervision.closed_on_time", 60, 100, 0), Line("supervision.signed_on_time", 40, 100, 50),
        ],
    )  # fmt: skip
