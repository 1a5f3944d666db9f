"""The register's hash covers the whole record: whoever writes the database directly (the append-only
trigger bypassed) and changes any column of an entry, of the chain's head or of a mortgage right, is
named by `verify_register`, entry or right and column."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from yancheng.mortgage.models import REGISTER_SCHEME, Application, MortgageRight, RegisterEntry

from .conftest import filed, filing_for, make_unit


def bypassing_triggers(sql: str, params=()) -> None:
    """What someone with the database's files or a superuser can do: write past the append-only rule."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        else:
            for verb in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS mortgage_registerentry_no_{verb}")
        cursor.execute(sql, params)


def faults() -> list[str]:
    try:
        call_command("verify_register")
    except CommandError as error:
        return str(error).splitlines()[1:]
    return []


@pytest.fixture
def chain(bank, other_bank, clerk, hengyang):
    """Three mortgages on three units, the first one cancelled: four entries."""
    units = [make_unit(hengyang["regions"]["zhuhui"], 60 + n) for n in range(4)]
    rights = [filed(bank, by=clerk, filing=filing_for(unit)).mortgage_right for unit in units[:3]]
    cancelling = filing_for(units[0], operation="cancellation", cancels_id=rights[0].pk)
    cancellation = filed(bank, by=clerk, filing=cancelling)
    assert faults() == []
    entries = list(RegisterEntry.objects.order_by("seq"))
    assert [e.scheme for e in entries] == [REGISTER_SCHEME] * 4
    return {"entries": entries, "rights": rights, "spare_unit": units[3], "cancellation": cancellation}


def entry_change(column, chain):
    later = timezone.now() + timedelta(days=3)
    values = {
        "kind": "cancellation",
        "at": later,
        "property_unit_id": chain["spare_unit"].pk,
        "application_id": chain["cancellation"].pk,
        "payload": '{"amount": "1.00"}',
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
        "scheme": 1,
    }
    return values[column]


@pytest.mark.parametrize(
    "column", ["kind", "at", "property_unit_id", "application_id", "payload", "prev_hash", "hash", "scheme"]
)
def test_each_column_of_an_entry_changed_is_named(chain, column):
    victim = chain["entries"][1]
    bypassing_triggers(
        f"UPDATE mortgage_registerentry SET {column} = %s WHERE id = %s",  # noqa: S608 (a column of the test's list)
        [entry_change(column, chain), victim.pk],
    )
    named = column.removesuffix("_id")
    assert faults() == [f"第 2 条记载（id={victim.pk}）：{named} 被改动"]


def test_an_entry_moved_out_of_its_place_is_named(chain):
    victim = chain["entries"][1]
    bypassing_triggers("UPDATE mortgage_registerentry SET seq = 99 WHERE id = %s", [victim.pk])
    found = "\n".join(faults())
    assert f"（id={victim.pk}）：seq" in found


def test_a_deleted_entry_is_named(chain):
    bypassing_triggers("DELETE FROM mortgage_registerentry WHERE id = %s", [chain["entries"][1].pk])
    right = chain["rights"][1]  # recorded by the deleted entry
    assert faults() == [
        f"第 3 条记载（id={chain['entries'][2].pk}）：此前第 2–2 条记载被删除",
        f"抵押权 #{right.pk}（{right.property_unit.number} 第1顺位）：登记簿中没有它的登簿记载（不经登簿写入）",
    ]


def test_a_changed_head_is_named(chain):
    bypassing_triggers("UPDATE mortgage_registerhead SET hash = %s", ["d" * 64])
    assert faults() == ["链尾：与最后一条记载不符（记载被删除，或链尾被改动）"]


def right_change(column, chain, other_bank):
    values = {
        "rank": 7,
        "amount": "1.00",
        "bank_id": other_bank.pk,
        "kind": "maximum",
        "term_start": date(2001, 1, 1),
        "term_end": date(2099, 1, 1),
        "recorded_at": timezone.now() - timedelta(days=300),
        "property_unit_id": chain["spare_unit"].pk,
        "application_id": chain["cancellation"].pk,
        "cancelled_at": timezone.now(),
    }
    return values[column]


@pytest.mark.parametrize(
    "column",
    [
        "rank",
        "amount",
        "bank_id",
        "kind",
        "term_start",
        "term_end",
        "recorded_at",
        "property_unit_id",
        "application_id",
        "cancelled_at",
    ],
)
def test_each_column_of_a_right_changed_is_named(chain, other_bank, column):
    right = chain["rights"][1]  # in force
    MortgageRight.objects.filter(pk=right.pk).update(**{column: right_change(column, chain, other_bank)})
    right.refresh_from_db()
    where = f"抵押权 #{right.pk}（{right.property_unit.number} 第{right.rank}顺位）"
    assert faults() == [f"{where}：{column.removesuffix('_id')} 被改动；与登记簿记载不符"]


def test_a_cancelled_right_made_to_look_in_force_is_named(chain):
    cancelled = chain["rights"][0]
    MortgageRight.objects.filter(pk=cancelled.pk).update(cancelled_at=None)
    assert faults() == [
        f"抵押权 #{cancelled.pk}（{cancelled.property_unit.number} 第1顺位）：cancelled_at 被改动；与登记簿记载不符"
    ]


def test_a_right_written_beside_the_register_is_named(chain, bank, clerk):
    unit = chain["spare_unit"]
    # An identity checked 40 days ago is a question for a person: the application waits.
    stale = timezone.now() - timedelta(days=40)
    waiting = filed(bank, by=clerk, filing=filing_for(unit, identity_verified_at=stale))
    assert waiting.status != "recorded"
    forged = MortgageRight.objects.create(
        property_unit=unit, rank=1, bank=bank, kind="ordinary", amount=1, term_start=date(2026, 1, 1),
        term_end=date(2027, 1, 1), application=Application.objects.get(pk=waiting.pk), recorded_at=timezone.now(),
    )  # fmt: skip
    assert faults() == [
        f"抵押权 #{forged.pk}（{unit.number} 第1顺位）：登记簿中没有它的登簿记载（不经登簿写入）"
    ]
