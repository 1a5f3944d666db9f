"""Each early warning at its boundary, derived on read as the days pass: no worker, nothing stored."""

from datetime import date

import pytest

from yancheng.investment import actions, warnings
from yancheng.investment.choices import Stage, WarningKind
from yancheng.investment.models import InvestmentRules, Lead

from .conftest import document, signing


def warned_kinds(at, day: date) -> dict[str, set[int]]:
    at(day.year, day.month, day.day, 10)
    limits = warnings.Limits.now()
    return {
        kind: set(warnings.warned(Lead.objects.all(), limits, kind).values_list("pk", flat=True))
        for kind in WarningKind
    }


def test_too_long_in_the_pool_and_in_talks(at, file_lead, investment):
    at(2026, 1, 5, 10)
    pooled = file_lead(name="甲项目")
    talks = file_lead(name="乙项目")
    actions.move(talks, Stage.NEGOTIATING, by=investment["county_official"])
    for lead in (pooled, talks):  # followed up, so that only the stage's limit speaks
        Lead.objects.filter(pk=lead.pk).update(last_activity_on=date(2026, 12, 31))
    assert pooled.pk not in warned_kinds(at, date(2026, 4, 5))[WarningKind.POOLED_LONG]  # 90 days
    assert warned_kinds(at, date(2026, 4, 6))[WarningKind.POOLED_LONG] == {pooled.pk}
    assert warned_kinds(at, date(2026, 7, 4))[WarningKind.NEGOTIATING_LONG] == set()  # 180 days
    assert warned_kinds(at, date(2026, 7, 5))[WarningKind.NEGOTIATING_LONG] == {talks.pk}
    InvestmentRules.objects.filter(pk=1).update(negotiating_days=200)
    assert warned_kinds(at, date(2026, 7, 5))[WarningKind.NEGOTIATING_LONG] == set()


def test_signed_and_not_started_by_the_contracts_date(at, file_lead, investment):
    at(2026, 1, 5, 10)
    lead = file_lead()
    actions.move(lead, Stage.SIGNED, by=investment["county_official"], files=[document()],
                 signing=signing(start=date(2026, 3, 31)))  # fmt: skip
    assert warned_kinds(at, date(2026, 3, 31))[WarningKind.NOT_STARTED] == set()
    assert warned_kinds(at, date(2026, 4, 1))[WarningKind.NOT_STARTED] == {lead.pk}
    actions.move(lead, Stage.STARTED, by=investment["county_official"], files=[document("施工许可证.pdf")])
    assert warned_kinds(at, date(2026, 4, 1))[WarningKind.NOT_STARTED] == set()


@pytest.mark.parametrize(("funded", "behind"), [(90_000_000, False), (89_990_000, True)])
def test_funds_behind_the_schedule_by_more_than_the_margin(at, file_lead, investment, funded, behind):
    at(2026, 1, 5, 10)
    lead = file_lead()
    schedule = [(date(2026, 6, 30), 100_000_000), (date(2026, 12, 31), 300_000_000)]
    official = investment["county_official"]
    actions.move(lead, Stage.SIGNED, by=official, files=[document()], signing=signing(schedule=schedule))
    at(2026, 6, 1, 10)
    actions.record_transfer(
        lead, by=official, amount=funded, received_on=date(2026, 6, 1), files=[document("到账凭证.pdf")]
    )
    assert warned_kinds(at, date(2026, 6, 30))[WarningKind.FUNDS_BEHIND] == set()  # due by the end of today
    assert (lead.pk in warned_kinds(at, date(2026, 7, 1))[WarningKind.FUNDS_BEHIND]) is behind
    shown = warnings.with_funds_due(Lead.objects.filter(pk=lead.pk), warnings.Limits.now()).get()
    assert (
        "按合同应到位 10,000.00 万元" in " ".join(warnings.reasons(shown, warnings.Limits.now()))
    ) is behind


def test_no_follow_up_for_longer_than_the_limit(at, file_lead, investment):
    at(2026, 1, 5, 10)
    lead = file_lead()
    assert warned_kinds(at, date(2026, 2, 4))[WarningKind.IDLE] == set()  # 30 days
    assert warned_kinds(at, date(2026, 2, 5))[WarningKind.IDLE] == {lead.pk}
    actions.follow_up(lead, by=investment["county_official"], note="投资方来衡考察。")
    assert warned_kinds(at, date(2026, 2, 5))[WarningKind.IDLE] == set()
    actions.drop(lead, by=investment["county_official"], reason="投资方放弃")
    assert warnings.warned(Lead.objects.all(), warnings.Limits.now(date(2027, 1, 1))).count() == 0
