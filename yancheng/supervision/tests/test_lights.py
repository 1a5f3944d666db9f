"""Red, yellow and green at their boundaries, on working days, as the clock moves: no worker involved.
The list's SQL (annotate, filter_light) and the page's words (reasons) must agree."""

from datetime import date

import pytest

from yancheng.core.roles import Role
from yancheng.supervision import actions, lights
from yancheng.supervision.models import Item, SupervisionRules

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


def light_of(item) -> str | None:
    watch = lights.Watch.at()
    annotated = lights.annotate(Item.objects.filter(pk=item.pk), watch).get()
    if annotated.light:  # the list's filter finds it under the same light
        assert lights.filter_light(Item.objects.all(), annotated.light, watch).filter(pk=item.pk).exists()
    return annotated.light


def words(item) -> list[str]:
    return lights.reasons(Item.objects.prefetch_related("assignments__unit").get(pk=item.pk))


@pytest.fixture
def friday_item(assign, at):
    at(2026, 12, 1, 9)
    return assign(due_on=date(2026, 12, 18))  # a Friday


@pytest.mark.parametrize(
    "moment, light, said",
    [
        ((2026, 12, 14, 23, 59), "green", []),  # Monday: 15th–18th are four working days
        ((2026, 12, 15, 0, 0), "yellow", ["距办理时限还有 3 个工作日"]),
        ((2026, 12, 18, 23, 59), "yellow", ["距办理时限还有 0 个工作日"]),
        ((2026, 12, 19, 0, 0), "red", ["已超过办理时限 1 个工作日"]),  # Saturday
        ((2026, 12, 21, 10, 0), "red", ["已超过办理时限 1 个工作日"]),  # Monday: the first working day late
        ((2026, 12, 22, 10, 0), "red", ["已超过办理时限 2 个工作日"]),
    ],
)
def test_the_light_follows_the_deadline_in_working_days(friday_item, at, moment, light, said):
    at(*moment)
    assert light_of(friday_item) == light
    assert words(friday_item) == said


def test_the_office_sets_when_yellow_starts(friday_item, at):
    SupervisionRules.objects.create(pk=1, yellow_days=5)
    at(2026, 12, 11, 10)  # Friday: 14th–18th are five working days
    assert light_of(friday_item) == "yellow"
    at(2026, 12, 10, 23, 59)
    assert light_of(friday_item) == "green"


def test_a_missing_weekly_report_turns_the_item_red(assign, users, at):
    at(2026, 12, 1, 9)
    item = assign(cooperating=(), due_on=date(2027, 3, 31), cadence="weekly")
    at(2026, 12, 8, 9)
    assert light_of(item) == "green"  # seven days exactly: still in time
    at(2026, 12, 8, 9, 1)
    assert light_of(item) == "red"
    assert words(item) == ["衡阳市市场监督管理局 7 天未反馈进展（要求每周反馈）"]
    actions.sign_for(item, by=users[Role.UNIT_OFFICIAL])
    actions.report(item, by=users[Role.UNIT_OFFICIAL], text="本周排查 30 家")
    assert light_of(item) == "green"
    at(2026, 12, 15, 9, 2)
    assert light_of(item) == "red"


def test_a_monthly_item_may_go_thirty_days(assign, at):
    at(2026, 12, 1, 9)
    item = assign(cooperating=(), due_on=date(2027, 3, 31), cadence="monthly")
    at(2026, 12, 31, 9)
    assert light_of(item) == "green"
    at(2026, 12, 31, 9, 1)
    assert light_of(item) == "red"


def test_a_requested_close_is_judged_by_when_it_was_requested_and_a_closed_item_has_no_light(
    friday_item, users, at
):
    actions.sign_for(friday_item, by=users[Role.UNIT_OFFICIAL])
    at(2026, 12, 18, 16)
    actions.request_close(friday_item, by=users[Role.UNIT_OFFICIAL], summary="完成", files=[evidence_file()])
    at(2026, 12, 28, 10)
    assert light_of(friday_item) == "green"
    item = actions.return_item(friday_item, by=users[Role.SUPERVISION_OFFICE], reason="材料不全")
    assert light_of(item) == "red"
    actions.request_close(item, by=users[Role.UNIT_OFFICIAL], summary="补齐", files=[evidence_file()])
    assert light_of(item) == "red" and words(item) == ["超过办理时限后才申请办结"]
    actions.close(item, by=users[Role.SUPERVISION_OFFICE])
    assert light_of(item) is None and words(item) == []


def test_the_lights_count_every_item_once(assign, at):
    at(2026, 12, 1, 9)
    items = [assign(due_on=date(2026, 12, d)) for d in (2, 3, 18, 31)]
    at(2026, 12, 3, 10)
    watch = lights.Watch.at()
    found = {
        light: set(lights.filter_light(Item.objects.all(), light, watch).values_list("pk", flat=True))
        for light in ["red", "yellow", "green"]
    }
    assert found == {"red": {items[0].pk}, "yellow": {items[1].pk}, "green": {items[2].pk, items[3].pk}}
