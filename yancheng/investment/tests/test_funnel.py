"""The big-data view: each funnel figure equals a count of the raw rows, this year against last, by a
grouping; the conversion and days between stages; the drill-down opens exactly the leads counted."""

import re
from datetime import date

from yancheng.core.roles import Role
from yancheng.investment import actions, funnel
from yancheng.investment.choices import Stage
from yancheng.investment.models import Lead, Transfer

from .conftest import document, signing


def build(at, file_lead, investment, hengyang):
    """Last year one lead pooled and signed; this year three pooled (one in Leiyang), two signed (one of
    them last year's), one funded with two transfers."""
    official = investment["county_official"]
    at(2025, 11, 3, 10)
    old = file_lead(name="旧项目", contracted_amount=100_000_000)
    actions.move(old, Stage.SIGNED, by=official, files=[document()],
                 signing=signing(signed_on=date(2025, 11, 3), amount=100_000_000, start=date(2026, 3, 1)))  # fmt: skip
    at(2026, 2, 2, 10)
    a = file_lead(name="甲项目", contracted_amount=200_000_000)
    b = file_lead(name="乙项目", contracted_amount=300_000_000, region=hengyang["regions"]["leiyang"])
    c = file_lead(name="丙项目", contracted_amount=400_000_000)
    at(2026, 3, 4, 10)  # 30 days after the pooling
    actions.move(a, Stage.NEGOTIATING, by=official)
    at(2026, 4, 3, 10)
    actions.move(a, Stage.SIGNED, by=official, files=[document()],
                 signing=signing(signed_on=date(2026, 4, 3), amount=250_000_000, start=date(2026, 9, 1)))  # fmt: skip
    receipt = [document("到账凭证.pdf")]
    actions.record_transfer(a, by=official, amount=50_000_000, received_on=date(2026, 4, 3), files=receipt)
    actions.record_transfer(old, by=official, amount=20_000_000, received_on=date(2026, 4, 3), files=receipt)
    return old, a, b, c


def test_the_funnel_counts_each_lead_in_the_year_it_reached_a_stage(at, file_lead, investment, hengyang):
    old, a, b, c = build(at, file_lead, investment, hengyang)
    (total,) = funnel.funnel(Lead.objects.all(), 2026)
    pooled, signed, funded = total.cells[Stage.POOLED], total.cells[Stage.SIGNED], total.cells[Stage.FUNDED]
    # The pool counts what each lead stands for now: 甲 was signed for 250 of its intended 200 million.
    assert (pooled.count, pooled.amount, pooled.last_count) == (3, 950_000_000, 1)
    assert (signed.count, signed.amount, signed.last_count, signed.last_amount) == (
        1,
        250_000_000,
        1,
        100_000_000,
    )
    assert funded.count == Lead.objects.filter(funded_on__year=2026).count() == 2
    assert funded.amount == sum(
        Transfer.objects.filter(received_on__year=2026).values_list("amount", flat=True)
    )

    by_county = {row.label: row for row in funnel.funnel(Lead.objects.all(), 2026, "region")}
    assert (
        by_county["耒阳市"].cells[Stage.POOLED].count == 1
        and by_county["珠晖区"].cells[Stage.POOLED].count == 2
    )
    (section,) = funnel.funnel(Lead.objects.all(), 2026, "section")
    assert section.label.startswith("C ") and section.cells[Stage.POOLED].count == 3


def test_conversion_and_days_between_stages_over_the_years_pool(at, file_lead, investment, hengyang):
    build(at, file_lead, investment, hengyang)
    steps = {step.stage: step for step in funnel.conversion(Lead.objects.all(), 2026)}
    assert steps[Stage.POOLED].reached == 3 and steps[Stage.NEGOTIATING].reached == 1
    assert steps[Stage.NEGOTIATING].share == 33.3 and steps[Stage.NEGOTIATING].days == 30.0
    assert steps[Stage.SIGNED].share == 100.0 and steps[Stage.SIGNED].days == 30.0


def test_the_page_drills_to_exactly_the_leads_counted(client, at, file_lead, investment, hengyang, users):
    old, a, b, c = build(at, file_lead, investment, hengyang)
    client.force_login(users[Role.LEADER])
    page = client.get("/investment/big-data/?year=2026&by=region").content.decode()
    assert 'data-count="pooled">3<' in page and "本年入库项目转化率 33.3%" in page
    listed = client.get("/investment/?reached=pooled&year=2026").content.decode()
    assert sorted(int(x) for x in re.findall(r'data-lead="(\d+)"', listed)) == sorted([a.pk, b.pk, c.pk])
    leiyang = hengyang["regions"]["leiyang"].pk
    assert f"?reached=pooled&amp;year=2026&amp;region={leiyang}" in page
    only = client.get(f"/investment/?reached=pooled&year=2026&region={leiyang}").content.decode()
    assert f'data-lead="{b.pk}"' in only and only.count("data-lead=") == 1
    client.force_login(users["other_official"])  # a unit with no leads sees an empty funnel
    assert 'data-count="pooled">0<' in client.get("/investment/big-data/").content.decode()
