"""Automatic review and recording: one test per check, idempotent filing, the hash-chained register."""

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conftest import database_fingerprint
from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role
from yancheng.core.validators import make_id_number
from yancheng.mortgage import actions
from yancheng.mortgage.choices import ApplicationStatus
from yancheng.mortgage.models import Application, Encumbrance, MortgageRight, RegisterEntry
from yancheng.mortgage.tests.conftest import OWNER, SPOUSE, filed, filing_for, make_unit

NUMBER = re.compile(r"^湘\(\d{4}\)衡阳市不动产证明第\d{7}号$")


def test_a_clean_property_is_recorded_at_once_with_a_certificate_number(bank, clerk, property_unit):
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    assert app.status == ApplicationStatus.RECORDED
    assert all(check.passed for check in app.checks.all()) and app.checks.count() == 10
    right = MortgageRight.objects.get(application=app)
    assert right.rank == 1 and right.bank == bank and right.amount == Decimal("600000.00")
    assert NUMBER.match(app.certificate.number) and app.certificate.serial == 1
    assert app.received_at <= app.reviewed_at <= app.recorded_at
    entry = RegisterEntry.objects.get(application=app)
    assert entry.seq == 1 and entry.prev_hash == "0" * 64 and entry.payload["unit"] == property_unit.number


def test_the_same_request_sent_again_returns_the_application_it_created(bank, clerk, property_unit):
    filing = filing_for(property_unit)
    first, created = actions.file_application(bank, by=clerk, filing=filing)
    again, created_again = actions.file_application(bank, by=clerk, filing=replace(filing))
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and Application.objects.count() == 1 and MortgageRight.objects.count() == 1


def to_person_on(hengyang, serial):
    return make_unit(hengyang["regions"]["zhuhui"], serial, land_kind="collective")


def test_the_same_contract_with_other_content_while_pending_is_refused_naming_the_holder(
    bank, clerk, hengyang
):
    unit = to_person_on(hengyang, 30)
    first = filed(bank, by=clerk, filing=filing_for(unit, contract_number="HT-1"))
    assert first.status == ApplicationStatus.TO_PERSON
    before = database_fingerprint()
    with pytest.raises(actions.ContractInUse) as refused:
        filed(bank, by=clerk, filing=filing_for(unit, contract_number="HT-1", amount=Decimal("650000.00")))
    assert refused.value.code == "contract_in_use" and refused.value.application == first
    message = refused.value.message
    assert f"第 {first.pk} 号申请" in message and "转人工审核" in message and "撤回" in message
    assert f"/api/v1/mortgage/applications/{first.pk}/withdraw" in message
    assert database_fingerprint() == before


def test_the_same_contract_with_other_content_once_recorded_is_refused_and_not_withdrawable(
    bank, clerk, property_unit
):
    first = filed(bank, by=clerk, filing=filing_for(property_unit, contract_number="HT-2"))
    with pytest.raises(actions.ContractInUse) as refused:
        filed(bank, by=clerk, filing=filing_for(property_unit, contract_number="HT-2", debtor="王秀兰"))
    assert f"第 {first.pk} 号申请" in refused.value.message and "已登簿" in refused.value.message
    assert "新的合同编号" in refused.value.message


@pytest.mark.parametrize("ending", ["refused", "withdrawn"])
def test_after_a_refusal_or_a_withdrawal_the_bank_files_the_corrected_request(
    users, bank, clerk, hengyang, ending
):
    unit = to_person_on(hengyang, 31)
    first = filed(bank, by=clerk, filing=filing_for(unit, contract_number="HT-3"))
    if ending == "refused":
        actions.refuse(first, by=users[Role.REGISTRY_OFFICIAL], reason="金额与合同不符")
    else:
        actions.withdraw(first, by=clerk)
    corrected, created = actions.file_application(
        bank, by=clerk, filing=filing_for(unit, contract_number="HT-3", amount=Decimal("650000.00"))
    )
    assert created and corrected.pk != first.pk and corrected.amount == Decimal("650000.00")
    assert "contract_new" not in {c.code for c in corrected.checks.all() if not c.passed}
    first.refresh_from_db()
    assert first.status == ending


def test_the_bank_withdraws_its_own_pending_application_and_it_is_audited(users, bank, clerk, hengyang):
    app = filed(bank, by=clerk, filing=filing_for(to_person_on(hengyang, 32)))
    for someone in (users["other_bank"], users[Role.REGISTRY_OFFICIAL], users[Role.UNIT_OFFICIAL]):
        with pytest.raises(ActionRefused) as refused:
            actions.withdraw(app, by=someone)
        assert refused.value.code == "forbidden"
    withdrawn = actions.withdraw(app, by=clerk)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    entry = AuditEntry.objects.get(action="mortgage_application_withdrawn")
    assert entry.object_id == str(app.pk) and entry.actor == clerk
    assert entry.changes["status"] == ["to_person", "withdrawn"]
    # Gone from the registry's queue: a person can no longer record it.
    with pytest.raises(ActionRefused) as refused:
        actions.record_by_person(app, by=users[Role.REGISTRY_OFFICIAL])
    assert refused.value.code == "not_to_person"


def test_a_decided_application_cannot_be_withdrawn(users, bank, clerk, property_unit):
    recorded = filed(bank, by=clerk, filing=filing_for(property_unit))
    before = database_fingerprint()
    with pytest.raises(ActionRefused) as refused:
        actions.withdraw(recorded, by=clerk)
    assert refused.value.code == "not_pending" and "已登簿" in refused.value.message
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("code", "prepare", "changes"),
    [
        ("unit_exists", None, {"unit_number": "430405001002GB99999F00019999"}),
        ("mortgagors_are_holders", None, {"mortgagors": [{"name": OWNER[0], "id_number": OWNER[1]}]}),
        ("no_encumbrance", "seizure", {}),
        ("no_existing_mortgage", "mortgage", {}),
        ("land_mortgageable", "homestead", {}),
        ("term_valid", None, {"term_end": date(2090, 1, 1)}),
        ("identity_verified", None, {"identity_verified_at": timezone.now() - timedelta(days=45)}),
    ],
)
def test_each_failing_check_sends_the_application_to_a_person_with_its_reason(
    bank, clerk, property_unit, hengyang, code, prepare, changes
):
    unit = property_unit
    if prepare == "seizure":
        Encumbrance.objects.create(
            property_unit=unit, kind="seizure", reference="(2026)湘0405执123号", starts_on=date(2026, 1, 1)
        )
    elif prepare == "mortgage":
        filed(bank, by=clerk, filing=filing_for(unit))
    elif prepare == "homestead":
        unit = make_unit(hengyang["regions"]["zhuhui"], 2, land_kind="homestead")
    app = filed(bank, by=clerk, filing=filing_for(unit, **changes))
    assert app.status == ApplicationStatus.TO_PERSON
    failed = {c.code: c.reason for c in app.checks.all() if not c.passed}
    assert code in failed and failed[code], failed
    assert not hasattr(app, "certificate") or app.certificate is None


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"unit_number": "43040500100GB00001F00010001"}, "property_unit_length", "unit_number"),
        ({"unit_number": "430405001002gb00001f00010001"}, "property_unit_lowercase", "unit_number"),
        (
            {"mortgagors": [{"name": OWNER[0], "id_number": OWNER[1][:-1] + "Y"}]},
            "id_character",
            "mortgagors",
        ),
        ({"amount": Decimal("0")}, "amount_not_positive", "amount"),
        ({"amount": Decimal("-1")}, "amount_not_positive", "amount"),
        ({"term_start": date(2046, 1, 1), "term_end": date(2045, 12, 31)}, "term_invalid", "term_end"),
    ],
)
def test_a_malformed_filing_is_refused_not_sent_to_a_person(bank, clerk, property_unit, changes, code, field):
    before = database_fingerprint()
    with pytest.raises(actions.FilingRefused) as refused:
        filed(bank, by=clerk, filing=filing_for(property_unit, **changes))
    assert (refused.value.code, refused.value.field) == (code, field) and refused.value.message
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("land_kind", "parcel", "reason"),
    [
        ("state_owned", ("J", "C"), "第 14 位为 C（宅基地使用权宗地），而登记簿记载的土地性质为国有建设用地"),
        ("collective", ("J", "C"), "第 14 位为 C（宅基地使用权宗地），而登记簿记载的土地性质为集体建设用地"),
        ("state_owned", ("J", "B"), "第 13 位为 J（集体土地所有权），而登记簿记载的土地性质为国有建设用地"),
        ("collective", ("G", "B"), "第 13 位为 G（国家土地所有权），而登记簿记载的土地性质为集体建设用地"),
        ("homestead", ("G", "B"), "第 14 位不是 C，而登记簿记载的土地性质为宅基地"),
        ("state_owned", ("Z", "B"), "第 13 位为 Z（土地所有权未确定或有争议）"),
    ],
)
def test_a_unit_whose_parcel_code_disagrees_with_its_land_kind_goes_to_a_person(
    bank, clerk, hengyang, land_kind, parcel, reason
):
    unit = make_unit(hengyang["regions"]["zhuhui"], 60, land_kind=land_kind, parcel=parcel)
    app = filed(bank, by=clerk, filing=filing_for(unit))
    assert app.status == ApplicationStatus.TO_PERSON
    failed = {c.code: c.reason for c in app.checks.all() if not c.passed}
    assert reason in failed["land_code_agrees"], failed


def test_a_homestead_by_its_code_and_its_land_kind_goes_to_a_person_as_homestead(bank, clerk, hengyang):
    unit = make_unit(hengyang["regions"]["zhuhui"], 61, land_kind="homestead")
    app = filed(bank, by=clerk, filing=filing_for(unit))
    failed = {c.code: c.reason for c in app.checks.all() if not c.passed}
    assert set(failed) == {"land_mortgageable"} and "宅基地" in failed["land_mortgageable"]


def holders_reason(app) -> str:
    assert app.status == ApplicationStatus.TO_PERSON
    (check,) = [c for c in app.checks.all() if not c.passed]
    assert check.code == "mortgagors_are_holders"
    return check.reason


def old_id_of(new_id: str) -> str:
    """The 15-digit number the same person held before 1999 (GB 11643: no century, no check)."""
    return new_id[:6] + new_id[8:17]


def test_a_holder_registered_with_the_old_15_digit_number_is_the_mortgagor_with_the_new_one(
    bank, clerk, hengyang
):
    old_owner = (OWNER[0], old_id_of(OWNER[1]))
    unit = make_unit(hengyang["regions"]["zhuhui"], 70, holders=(old_owner, SPOUSE))
    app = filed(bank, by=clerk, filing=filing_for(unit))
    assert app.status == ApplicationStatus.RECORDED, [c.reason for c in app.checks.all() if not c.passed]


def test_a_name_that_differs_from_the_register_is_named_in_the_reason(bank, clerk, property_unit):
    people = [{"name": "李建图", "id_number": OWNER[1]}, {"name": SPOUSE[0], "id_number": SPOUSE[1]}]
    reason = holders_reason(filed(bank, by=clerk, filing=filing_for(property_unit, mortgagors=people)))
    assert "李建图" in reason and "姓名与登记簿记载不一致" in reason
    assert f"{OWNER[1][:6]}********{OWNER[1][-4:]}" in reason and OWNER[1] not in reason
    assert SPOUSE[0] not in reason and "不一致：登记簿记载" not in reason


def test_an_id_not_on_the_register_and_a_holder_left_out_are_named_masked(bank, clerk, property_unit):
    stranger = make_id_number("430405", date(1990, 7, 1), "315")
    people = [{"name": OWNER[0], "id_number": OWNER[1]}, {"name": "张三", "id_number": stranger}]
    reason = holders_reason(filed(bank, by=clerk, filing=filing_for(property_unit, mortgagors=people)))
    assert f"张三（{stranger[:6]}********{stranger[-4:]}）不是该单元的现权利人" in reason
    assert f"{SPOUSE[1][:6]}********{SPOUSE[1][-4:]}" in reason and "未列为抵押人" in reason
    assert stranger not in reason and SPOUSE[1] not in reason and SPOUSE[0] not in reason


def test_a_second_application_while_one_waits_for_a_person_goes_to_a_person(bank, clerk, property_unit):
    Encumbrance.objects.create(
        property_unit=property_unit,
        kind="objection",
        reference="异议2026-1",
        starts_on=date(2026, 1, 1),
        lifted_on=None,
    )
    filed(bank, by=clerk, filing=filing_for(property_unit))
    Encumbrance.objects.update(lifted_on=date(2026, 2, 1))
    second = filed(bank, by=clerk, filing=filing_for(property_unit))
    assert "no_pending_application" in {c.code for c in second.checks.all() if not c.passed}


def test_a_reused_contract_number_goes_to_a_person(bank, clerk, property_unit, hengyang):
    filed(bank, by=clerk, filing=filing_for(property_unit, contract_number="HT-2026-001"))
    other = make_unit(hengyang["regions"]["zhuhui"], 3)
    app = filed(bank, by=clerk, filing=filing_for(other, contract_number="ht-2026-001 "))
    assert app.pk and "contract_new" in {c.code for c in app.checks.all() if not c.passed}


def test_a_registry_official_records_or_refuses_what_the_machine_sent_to_a_person(
    users, bank, clerk, hengyang
):
    unit = make_unit(hengyang["regions"]["zhuhui"], 4, land_kind="collective")
    app = filed(bank, by=clerk, filing=filing_for(unit))
    with pytest.raises(ActionRefused):
        actions.record_by_person(app, by=clerk)
    recorded = actions.record_by_person(app, by=users[Role.REGISTRY_OFFICIAL])
    assert (
        recorded.status == ApplicationStatus.RECORDED and recorded.decided_by == users[Role.REGISTRY_OFFICIAL]
    )
    assert recorded.certificate.serial == 1
    second = filed(bank, by=clerk, filing=filing_for(unit))
    with pytest.raises(ActionRefused):
        actions.refuse(second, by=users[Role.REGISTRY_OFFICIAL], reason=" ")
    refused = actions.refuse(second, by=users[Role.REGISTRY_OFFICIAL], reason="集体土地抵押须经村民会议同意")
    assert refused.status == ApplicationStatus.REFUSED


def test_only_the_banks_own_clerks_file(users, bank, property_unit):
    for who in (users["other_bank"], users[Role.UNIT_OFFICIAL], users[Role.REGISTRY_OFFICIAL]):
        with pytest.raises(ActionRefused):
            filed(bank, by=who, filing=filing_for(property_unit))
    assert not Application.objects.exists()


def test_a_cancellation_frees_the_property_for_a_new_mortgage(bank, clerk, property_unit):
    first = filed(bank, by=clerk, filing=filing_for(property_unit))
    right = first.mortgage_right
    cancellation = filed(
        bank,
        by=clerk,
        filing=filing_for(
            property_unit,
            contract_number=first.contract_number,
            operation="cancellation",
            cancels_id=right.pk,
        ),
    )
    assert cancellation.status == ApplicationStatus.RECORDED
    right.refresh_from_db()
    assert right.cancelled_at is not None
    again = filed(bank, by=clerk, filing=filing_for(property_unit))
    # The rank is the order of registration on the unit: the cancelled right keeps rank 1.
    assert again.status == ApplicationStatus.RECORDED and again.mortgage_right.rank == 2
    assert list(RegisterEntry.objects.values_list("kind", flat=True)) == [
        "mortgage",
        "cancellation",
        "mortgage",
    ]


def test_another_bank_cannot_cancel_the_mortgage(bank, other_bank, clerk, users, property_unit):
    right = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right
    app = filed(
        other_bank,
        by=users["other_bank"],
        filing=filing_for(property_unit, operation="cancellation", cancels_id=right.pk),
    )
    assert app.status == ApplicationStatus.TO_PERSON
    right.refresh_from_db()
    assert right.cancelled_at is None


def test_verify_register_passes_and_names_the_first_altered_entry(bank, clerk, hengyang, capsys):
    for serial in range(10, 14):
        filed(bank, by=clerk, filing=filing_for(make_unit(hengyang["regions"]["zhuhui"], serial)))
    call_command("verify_register")
    assert "哈希链无断点" in capsys.readouterr().out
    victim = RegisterEntry.objects.get(seq=3)
    with connection.cursor() as cursor:  # someone with database access bypasses the append-only trigger
        if connection.vendor == "postgresql":
            cursor.execute(
                "SET LOCAL session_replication_role = replica"
            )  # triggers off (a superuser's power)
        else:
            cursor.execute("DROP TRIGGER mortgage_registerentry_no_update")
        cursor.execute(
            "UPDATE mortgage_registerentry SET payload = %s WHERE id = %s", ['{"amount": "1.00"}', victim.pk]
        )
    with pytest.raises(CommandError, match="第 3 条记载"):
        call_command("verify_register")


def test_the_register_refuses_updates_and_deletes(bank, clerk, property_unit):
    from django.db import DatabaseError, transaction

    filed(bank, by=clerk, filing=filing_for(property_unit))
    for sql in ("UPDATE mortgage_registerentry SET kind = 'x'", "DELETE FROM mortgage_registerentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert RegisterEntry.objects.count() == 1


def test_the_recorded_certificate_is_signed_within_the_filing(bank, clerk, property_unit, tmp_path):
    import subprocess

    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    cert = app.certificate
    assert cert.pdf and app.certificate_signed_at is not None
    assert app.recorded_at <= app.certificate_signed_at
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(bytes(cert.pdf))
    signature = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" in signature
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert cert.number in text and "中国工商银行股份有限公司衡阳分行" in text


def test_the_bank_is_told_after_every_recording_by_machine_or_by_person(
    users, bank, clerk, hengyang, monkeypatch, django_capture_on_commit_callbacks
):
    from yancheng.mortgage import tasks

    told = []
    monkeypatch.setattr(tasks, "queue_notice", told.append)
    with django_capture_on_commit_callbacks(execute=True):
        machine = filed(bank, by=clerk, filing=filing_for(make_unit(hengyang["regions"]["zhuhui"], 20)))
    collective = make_unit(hengyang["regions"]["zhuhui"], 21, land_kind="collective")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = filed(bank, by=clerk, filing=filing_for(collective))
    assert told == [machine.pk]
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_by_person(waiting, by=users[Role.REGISTRY_OFFICIAL])
    assert told == [machine.pk, waiting.pk]


def cancellation_to_person(bank, clerk, unit, right):
    """A cancellation of `right` filed on `unit` that the automatic review sends to a person."""
    app = filed(bank, by=clerk, filing=filing_for(unit, operation="cancellation", cancels_id=right.pk))
    assert app.status == ApplicationStatus.TO_PERSON
    return app


def test_a_person_cannot_record_the_cancellation_of_a_right_already_cancelled(
    users, bank, clerk, property_unit
):
    right = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right
    first = filed(
        bank, by=clerk, filing=filing_for(property_unit, operation="cancellation", cancels_id=right.pk)
    )
    assert first.status == ApplicationStatus.RECORDED
    right.refresh_from_db()
    cancelled_at = right.cancelled_at
    again = cancellation_to_person(bank, clerk, property_unit, right)
    before = database_fingerprint()
    with pytest.raises(ActionRefused) as refused:
        actions.record_by_person(again, by=users[Role.REGISTRY_OFFICIAL])
    assert refused.value.code == "right_already_cancelled" and "不能再次注销" in refused.value.message
    assert database_fingerprint() == before  # nothing written: no entry, same cancellation date
    right.refresh_from_db()
    assert right.cancelled_at == cancelled_at


def test_a_person_cannot_record_the_cancellation_of_a_right_on_another_unit(
    users, bank, clerk, property_unit, hengyang
):
    right = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right
    other = make_unit(hengyang["regions"]["zhuhui"], 5)
    app = cancellation_to_person(bank, clerk, other, right)
    before = database_fingerprint()
    with pytest.raises(ActionRefused) as refused:
        actions.record_by_person(app, by=users[Role.REGISTRY_OFFICIAL])
    assert refused.value.code == "right_on_other_unit"
    assert database_fingerprint() == before
    right.refresh_from_db()
    assert right.cancelled_at is None


def test_the_rank_is_the_order_of_registration_on_the_unit(users, bank, clerk, property_unit):
    official = users[Role.REGISTRY_OFFICIAL]
    first = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right
    waiting = filed(bank, by=clerk, filing=filing_for(property_unit))
    second = actions.record_by_person(waiting, by=official).mortgage_right
    filed(bank, by=clerk, filing=filing_for(property_unit, operation="cancellation", cancels_id=first.pk))
    waiting = filed(bank, by=clerk, filing=filing_for(property_unit))
    third = actions.record_by_person(waiting, by=official).mortgage_right
    assert (first.rank, second.rank, third.rank) == (1, 2, 3)
    assert third.application.entries.get().payload["rank"] == 3
    # The database refuses a second right with the same rank on the unit, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        MortgageRight.objects.create(
            property_unit=property_unit, rank=2, bank=bank, kind="ordinary", amount=1,
            term_start=date(2026, 1, 1), term_end=date(2027, 1, 1),
            application=filed(bank, by=clerk, filing=filing_for(property_unit)),
            recorded_at=timezone.now(),
        )  # fmt: skip


@pytest.mark.postgres  # PostgreSQL changes the schema inside the test's transaction; SQLite cannot
def test_the_migration_renumbers_ranks_repeated_before_the_constraint(bank, clerk, property_unit):
    from django.db.migrations.executor import MigrationExecutor

    first = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right
    filed(bank, by=clerk, filing=filing_for(property_unit, operation="cancellation", cancels_id=first.pk))
    second = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right

    def migrate(target):
        with connection.cursor() as cursor:  # deferred foreign-key checks would block ALTER TABLE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        executor = MigrationExecutor(connection)
        executor.migrate(target or executor.loader.graph.leaf_nodes("mortgage"))

    migrate([("mortgage", "0003_bank_webhook_needs_secret")])
    try:
        # What the old `count(rights in force) + 1` wrote: the new right repeats the cancelled one's rank.
        MortgageRight.objects.filter(pk=second.pk).update(rank=1)
    finally:
        migrate(None)
    ranks = dict(MortgageRight.objects.values_list("pk", "rank"))
    assert ranks == {first.pk: 1, second.pk: 2}
