"""A lead from the pool to production, and the counting rules: one record per investor and project, a
signing counted once, an expansion counting only its increase, funds only from receipted transfers."""

from datetime import date

import pytest

from conftest import database_fingerprint
from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role
from yancheng.investment import actions
from yancheng.investment.choices import Stage
from yancheng.investment.models import Lead, LeadEvent, LeadFile, Transfer

from .conftest import document, signing


@pytest.fixture
def lead(at, file_lead):
    at(2026, 1, 5, 10)
    return file_lead()


def refused(code, action, *args, **kwargs):
    before = database_fingerprint()
    with pytest.raises(ActionRefused) as refusal:
        action(*args, **kwargs)
    assert refusal.value.code == code, refusal.value.message
    assert database_fingerprint() == before
    return refusal.value


def test_a_lead_goes_in_the_pool_once_however_often_it_is_submitted(at, file_lead, investment):
    at(2026, 1, 5, 10)
    first = file_lead(key="lead-1")
    assert file_lead(key="lead-1") == first
    assert Lead.objects.count() == 1 and first.stage == Stage.POOLED and first.pooled_on == date(2026, 1, 5)
    assert list(first.events.values_list("kind", flat=True)) == ["filed"]
    assert AuditEntry.objects.filter(action="lead_filed").count() == 1


def test_the_same_investor_and_project_from_a_second_unit_is_told_who_has_it_and_may_join(
    lead, file_lead, investment, users
):
    other = users["other_official"]
    refusal = refused(
        "already_filed", file_lead, by=other, name=" 新能源电池材料（生产基地） ", investor_name="别的写法"
    )
    assert "珠晖区人民政府" in refusal.message and "王招商" in refusal.message and refusal.lead == lead
    assert not Lead.objects.for_user(other).exists()

    actions.join(lead, by=other)
    actions.join(lead, by=other)  # twice is once
    assert list(Lead.objects.for_user(other)) == [lead] and lead.co_units.count() == 1
    actions.follow_up(lead, by=other, note="已与投资方电话沟通用地需求。")
    refused("forbidden", actions.move, lead, Stage.NEGOTIATING, by=other)  # a co-unit follows, never moves


def test_a_chinese_investor_is_known_by_its_uscc_and_any_other_by_name_and_country(at, file_lead):
    at(2026, 1, 5, 10)
    refused("uscc", file_lead, investor_uscc="91440300MA5F00011X")
    refused("uscc", file_lead, investor_uscc="")  # 中国 with no code
    foreign = file_lead(investor_uscc="", investor_name="Siemens AG", investor_country="德国")
    again = {"investor_uscc": "", "investor_name": "SIEMENS  AG", "investor_country": "德国"}
    refused("already_filed", file_lead, **again)
    assert Lead.objects.get() == foreign


def test_signing_needs_the_contract_and_counts_once_on_the_first_day(at, lead, investment):
    official = investment["county_official"]
    refused("no_evidence", actions.move, lead, Stage.SIGNED, by=official, signing=signing())
    refused("signing", actions.move, lead, Stage.SIGNED, by=official, files=[document()])
    late = signing(start=date(2026, 1, 1))  # building before the contract
    refused("signing", actions.move, lead, Stage.SIGNED, by=official, files=[document()], signing=late)

    signed = actions.move(lead, Stage.SIGNED, by=official, files=[document()], signing=signing())
    assert signed.signed_on == date(2026, 1, 5) and signed.counted_amount == 500_000_000
    assert LeadFile.objects.get().event.stage == Stage.SIGNED
    at(2026, 4, 1, 10)
    again = signing(signed_on=date(2026, 4, 1))
    refused("state", actions.move, signed, Stage.SIGNED, by=official, files=[document()], signing=again)
    assert Lead.objects.get().signed_on == date(2026, 1, 5)


def test_an_expansion_counts_only_its_increase(lead, file_lead, investment):
    refused(
        "amount", file_lead, name="新能源电池材料生产基地二期", expands=lead, contracted_amount=400_000_000
    )
    second = file_lead(name="新能源电池材料生产基地二期", expands=lead, contracted_amount=800_000_000)
    assert second.counted_amount == 300_000_000
    official = investment["county_official"]
    signed = actions.move(
        second, Stage.SIGNED, by=official, files=[document()], signing=signing(amount=900_000_000)
    )
    assert signed.counted_amount == 400_000_000 and signed.contracted_amount == 900_000_000


def test_stages_go_forward_and_funds_are_never_declared(lead, investment):
    official = investment["county_official"]
    actions.move(lead, Stage.NEGOTIATING, by=official, note="第一轮洽谈")
    refused("state", actions.move, lead, Stage.POOLED, by=official)
    refused("stage", actions.move, lead, Stage.FUNDED, by=official)
    refused("state", actions.move, lead, Stage.STARTED, by=official, files=[document()])  # not signed
    actions.move(lead, Stage.SIGNED, by=official, files=[document()], signing=signing())
    refused("no_evidence", actions.move, lead, Stage.STARTED, by=official)
    actions.move(lead, Stage.STARTED, by=official, files=[document("施工许可证.pdf")])
    assert Lead.objects.get().started_on is not None


def test_funds_count_from_receipted_transfers_and_the_first_makes_the_lead_funded(at, lead, investment):
    official = investment["county_official"]
    receipt = [document("银行到账凭证.pdf")]
    refused(
        "state",
        actions.record_transfer,
        lead,
        by=official,
        amount=1,
        received_on=date(2026, 1, 5),
        files=receipt,
    )
    at(2026, 3, 10, 10)
    actions.move(
        lead, Stage.SIGNED, by=official, files=[document()], signing=signing(signed_on=date(2026, 3, 2))
    )
    refused(
        "no_evidence",
        actions.record_transfer,
        lead,
        by=official,
        amount=10**8,
        received_on=date(2026, 3, 9),
        files=[],
    )
    refused(
        "received_on",
        actions.record_transfer,
        lead,
        by=official,
        amount=10**8,
        received_on=date(2026, 3, 1),
        files=receipt,
    )
    refused(
        "amount",
        actions.record_transfer,
        lead,
        by=official,
        amount=0,
        received_on=date(2026, 3, 9),
        files=receipt,
    )

    actions.record_transfer(lead, by=official, amount=10**8, received_on=date(2026, 3, 9), files=receipt)
    actions.record_transfer(lead, by=official, amount=5 * 10**7, received_on=date(2026, 3, 10), files=receipt)
    funded = Lead.objects.get()
    assert funded.stage == Stage.FUNDED and funded.funded_total == 150_000_000 == sum(
        Transfer.objects.values_list("amount", flat=True)
    )
    actions.move(funded, Stage.STARTED, by=official, files=[document("施工许可证.pdf")])  # after the funds
    assert Lead.objects.get().stage == Stage.FUNDED and Lead.objects.get().started_on == date(2026, 3, 10)
    actions.move(funded, Stage.PRODUCING, by=official, files=[document("营业执照.pdf")])
    refused("state", actions.follow_up, funded, by=official, note="已投产")


def test_a_unit_moves_only_its_own_leads_and_dropping_needs_a_reason(lead, investment, users):
    refused("forbidden", actions.move, lead, Stage.NEGOTIATING, by=users["other_official"])
    refused("forbidden", actions.drop, lead, by=users[Role.LEADER], reason="投资方战略调整")
    refused("reason", actions.drop, lead, by=investment["county_official"], reason=" ")
    dropped = actions.drop(lead, by=investment["office_official"], reason="投资方战略调整，项目取消")
    assert dropped.stage == Stage.DROPPED and dropped.drop_reason.startswith("投资方")
    refused("state", actions.move, dropped, Stage.NEGOTIATING, by=investment["county_official"])
    assert LeadEvent.objects.filter(kind="dropped").get().by == investment["office_official"]


def test_only_the_office_files_for_another_unit(draft, investment, users):
    county_draft = draft()
    refused("forbidden", actions.file_lead, county_draft, by=users["other_official"], submission_key="k1")
    assert (
        actions.file_lead(county_draft, by=investment["office_official"], submission_key="k2").unit
        == investment["county"]
    )


def test_who_sees_which_lead(lead, investment, users):
    seen = {name: Lead.objects.for_user(user).exists() for name, user in {
        "county": investment["county_official"], "office": investment["office_official"],
        "leader": users[Role.LEADER], "supervision": users[Role.SUPERVISION_OFFICE],
        "other unit": users["other_official"], "enterprise": users[Role.ENTERPRISE_USER],
        "bank": users[Role.BANK_CLERK],
    }.items()}  # fmt: skip
    assert seen == {"county": True, "office": True, "leader": True, "supervision": True,
                    "other unit": False, "enterprise": False, "bank": False}  # fmt: skip


def test_another_persons_submission_key_is_refused_and_files_nothing(lead, draft, users):
    other = users["other_official"]
    refused("submission_key_taken", actions.file_lead, draft(by=other, name="别的项目"), by=other,
            submission_key=lead.submission_key)  # fmt: skip
