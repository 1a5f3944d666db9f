"""The supervision indicators equal counts taken here from the raw rows: closed on time by the lead
unit over the items due in the period, signed on time by each unit over the parts assigned in it; and
the registry's contract (compute for many equals each alone, records are the rows behind the figure)."""

from datetime import date, datetime

import pytest

from conftest import SHANGHAI
from yancheng.core import indicators
from yancheng.core.indicators import Figure, Period
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract
from yancheng.supervision import actions
from yancheng.supervision.models import Item

from .conftest import evidence_file

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


def close(item, users, requested_on):
    official = users[Role.UNIT_OFFICIAL] if item.lead_unit.code == "samr" else users["other_official"]
    actions.sign_for(item, by=official)
    item = actions.request_close(
        Item.objects.get(pk=item.pk), by=official, summary="完成", files=[evidence_file()]
    )
    Item.objects.filter(pk=item.pk).update(close_requested_at=requested_on)
    return actions.close(item, by=users[Role.SUPERVISION_OFFICE])


def test_closed_on_time_counts_the_items_due_in_the_period_by_lead_unit(assign, users, hengyang, at):
    at(2026, 10, 20, 9)
    on_time = assign(lead="samr", cooperating=(), due_on=date(2026, 11, 10))
    late = assign(lead="samr", cooperating=(), due_on=date(2026, 11, 20))
    open_late = assign(lead="samr", cooperating=(), due_on=date(2026, 11, 30))  # still open, past due
    assign(lead="samr", cooperating=(), due_on=date(2026, 12, 1))  # due next month: not counted
    eco = assign(lead="eco", cooperating=("samr",), due_on=date(2026, 11, 5))  # samr only cooperates
    close(on_time, users, datetime(2026, 11, 10, 23, 0, tzinfo=SHANGHAI))
    close(late, users, datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI))
    close(eco, users, datetime(2026, 11, 4, 9, 0, tzinfo=SHANGHAI))
    now = at(2026, 12, 2, 9)
    closed = indicators.get("supervision.closed_on_time")
    units = hengyang["units"]
    found = check_contract(
        closed, "unit", [units["samr"].pk, units["eco"].pk, units["gov"].pk], NOVEMBER, now
    )
    samr = Item.objects.filter(lead_unit=units["samr"], due_on__month=11)
    assert samr.count() == 3 and {on_time.pk, late.pk, open_late.pk} == set(samr.values_list("pk", flat=True))
    assert found[units["samr"].pk] == Figure(100 * 1 / 3, 1, 3, 3)
    assert found[units["eco"].pk] == Figure(100.0, 1, 1, 1)
    assert found[units["gov"].pk] == Figure(None)
    counted = {r.pk: r.counted for r in closed.records("unit", units["samr"].pk, NOVEMBER, now=now)}
    assert counted == {on_time.pk: True, late.pk: False, open_late.pk: False}


def test_signed_on_time_counts_each_units_parts_assigned_in_the_period(assign, users, hengyang, at):
    at(2026, 11, 2, 9)  # a Monday: four office hours to 15:30
    first = assign(lead="samr", cooperating=("eco",), due_on=date(2026, 12, 31))
    actions.sign_for(first, by=users[Role.UNIT_OFFICIAL])  # at 09:00: on time
    at(2026, 11, 30, 16)
    second = assign(lead="samr", cooperating=(), due_on=date(2026, 12, 31))  # due 09:00+ on 1 Dec
    at(2026, 12, 1, 9)
    assign(lead="samr", cooperating=(), due_on=date(2026, 12, 31))  # assigned in December
    at(2026, 12, 3, 9)
    actions.sign_for(second, by=users[Role.UNIT_OFFICIAL])  # late
    now = at(2026, 12, 3, 10)
    signed = indicators.get("supervision.signed_on_time")
    units = hengyang["units"]
    found = check_contract(signed, "unit", [units["samr"].pk, units["eco"].pk], NOVEMBER, now)
    assert found[units["samr"].pk] == Figure(50.0, 1, 2, 2)
    assert found[units["eco"].pk] == Figure(0.0, 0, 1, 1)  # never signed, its hours long gone
    by_county = check_contract(signed, "region", [hengyang["regions"]["city"].pk], NOVEMBER, now)
    assert by_county[hengyang["regions"]["city"].pk] == Figure(100 / 3, 1, 3, 3)
