"""A register written before entries carried their hash scheme still verifies after the migration, new
entries chain onto it with the scheme that seals every column, and the append-only rule survives.

On PostgreSQL, which changes the schema inside the test's transaction (on SQLite the tables would have to
be flushed after the test, which the append-only audit log and register refuse). That SQLite keeps the
register's triggers through the migration is shown by every SQLite run of
test_recording.py::test_the_register_refuses_updates_and_deletes, on a database built by the migrations."""

import hashlib
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from yancheng.mortgage import actions
from yancheng.mortgage.models import PAYLOAD_ONLY_SCHEME, REGISTER_SCHEME, RegisterEntry, canonical

from .conftest import OWNER, filing_for, make_unit

BEFORE = [("mortgage", "0006_certificate_lookup_misses")]


def _migrate(targets):
    with connection.cursor() as cursor:  # deferred foreign-key checks would block ALTER TABLE
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def record_the_old_way(apps, *, bank, clerk, unit, cancels=None):
    """What recording wrote before the migration: the entry's hash of its payload alone."""
    Application = apps.get_model("mortgage", "Application")
    MortgageRight = apps.get_model("mortgage", "MortgageRight")
    RegisterEntry = apps.get_model("mortgage", "RegisterEntry")
    RegisterHead = apps.get_model("mortgage", "RegisterHead")
    now = timezone.now()
    operation = "cancellation" if cancels else "mortgage"
    app = Application.objects.create(
        bank_id=bank.pk, contract_number=f"OLD-{uuid.uuid4().hex[:8]}", operation=operation,
        unit_number=unit.number, property_unit_id=unit.pk, mortgagors=[{"name": OWNER[0], "id_number": OWNER[1]}],
        debtor=OWNER[0], amount=Decimal("500000.00"), term_start=date(2026, 1, 1), term_end=date(2036, 1, 1),
        identity_method="face", identity_verified_at=now, cancels_id=cancels, filed_by_id=clerk.pk,
        status="recorded", received_at=now, reviewed_at=now, recorded_at=now,
    )  # fmt: skip
    if cancels:
        MortgageRight.objects.filter(pk=cancels).update(cancelled_at=now)
        payload, right = {"operation": "cancellation", "right": cancels}, None
    else:
        right = MortgageRight.objects.create(
            property_unit_id=unit.pk, rank=1, bank_id=bank.pk, kind="ordinary", amount=app.amount,
            term_start=app.term_start, term_end=app.term_end, application_id=app.pk, recorded_at=now,
        )  # fmt: skip
        payload = {
            "operation": "mortgage", "right": right.pk, "rank": 1, "amount": str(app.amount),
            "bank": bank.name, "mortgagors": app.mortgagors,
        }  # fmt: skip
    payload |= {
        "unit": unit.number,
        "application": app.pk,
        "contract": app.contract_number,
        "at": now.isoformat(),
    }
    head, _created = RegisterHead.objects.get_or_create(pk=1)
    sealed = hashlib.sha256(head.hash.encode() + canonical(payload)).hexdigest()
    RegisterEntry.objects.create(
        seq=head.seq + 1, at=now, kind=operation, property_unit_id=unit.pk, application_id=app.pk,
        payload=payload, prev_hash=head.hash, hash=sealed,
    )  # fmt: skip
    head.seq, head.hash = head.seq + 1, sealed
    head.save()
    return right.pk if right else None


@pytest.mark.postgres
def test_a_chain_written_before_the_hash_scheme_still_verifies_and_new_entries_chain_onto_it(
    bank, clerk, hengyang, capsys
):
    zhuhui = hengyang["regions"]["zhuhui"]
    old_unit, new_unit = make_unit(zhuhui, 70), make_unit(zhuhui, 71)
    apps = _migrate(BEFORE)
    try:
        right = record_the_old_way(apps, bank=bank, clerk=clerk, unit=old_unit)
        record_the_old_way(apps, bank=bank, clerk=clerk, unit=old_unit, cancels=right)
    finally:
        _migrate(_latest())
    assert list(RegisterEntry.objects.values_list("scheme", flat=True)) == [PAYLOAD_ONLY_SCHEME] * 2
    call_command("verify_register")
    actions.file_application(bank, by=clerk, filing=filing_for(new_unit))
    call_command("verify_register")
    assert "3 条记载，哈希链无断点" in capsys.readouterr().out
    assert list(RegisterEntry.objects.values_list("scheme", flat=True)) == [1, 1, REGISTER_SCHEME]

    # Still append-only (SQLite rebuilt the table to add the column; its triggers were put back).
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE mortgage_registerentry SET kind = 'mortgage'")
    # And an old entry's columns are still checked against its payload.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        cursor.execute("UPDATE mortgage_registerentry SET kind = 'mortgage' WHERE seq = 2")
    with pytest.raises(CommandError, match="第 2 条记载（id=\\d+）：kind 被改动"):
        call_command("verify_register")
