"""What the actions keep: the funnel's cells equal a recount from the raw rows after every action, and
read back they give the funnel counted from the leads; each lead's funds-behind day follows the
schedule, the transfers and the margin; the warnings list counts no more than it must."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yancheng.core.roles import Role
from yancheng.investment import actions, funnel, summary
from yancheng.investment.choices import Stage
from yancheng.investment.models import FunnelCell, InvestmentRules, Lead

from .conftest import document, signing
from .test_funnel import build


def test_the_cells_equal_a_recount_after_every_action(at, file_lead, investment, hengyang, users):
    official, other = investment["county_official"], users["other_official"]
    steps = []

    def check(what):
        steps.append(what)
        assert summary.stored() == summary.recount(), what

    at(2025, 12, 30, 10)
    lead = file_lead(name="甲项目", contracted_amount=200_000_000)
    check("filed")
    actions.join(lead, by=other)
    check("joined")
    at(2026, 1, 4, 10)
    actions.move(lead, Stage.NEGOTIATING, by=official)
    check("talks")
    actions.follow_up(lead, by=official, note="投资方来衡考察。")
    check("followed up")
    actions.move(lead, Stage.SIGNED, by=official, files=[document()],
                 signing=signing(signed_on=date(2026, 1, 4), amount=250_000_000))  # fmt: skip
    check("signed for more than intended: the pool's and the talks' amounts move too")
    receipt = [document("到账凭证.pdf")]
    actions.record_transfer(lead, by=official, amount=5_000_000, received_on=date(2026, 1, 4), files=receipt)
    check("funded")
    actions.record_transfer(lead, by=official, amount=7_000_000, received_on=date(2026, 1, 4), files=receipt)
    check("funded again")
    actions.move(lead, Stage.STARTED, by=official, files=[document("施工许可证.pdf")])
    check("started after the funds")
    actions.move(lead, Stage.PRODUCING, by=official, files=[document("营业执照.pdf")])
    check("producing")
    dropped = file_lead(name="乙项目", region=hengyang["regions"]["leiyang"])
    actions.drop(dropped, by=official, reason="投资方放弃")
    check("a second lead, dropped")
    assert FunnelCell.objects.filter(grouping="region", key=str(hengyang["regions"]["leiyang"].pk)).exists()
    summary.rebuild()
    check("rebuilt")
    assert len(steps) == 11


def test_the_cells_read_back_as_the_funnel_counted_from_the_leads(at, file_lead, investment, hengyang):
    build(at, file_lead, investment, hengyang)
    leads = Lead.objects.all()
    for year in (2025, 2026, 2027):
        for group in (None, *funnel.GROUPS):
            assert funnel.funnel_and_total(summary.Kept(), year, group) == funnel.funnel_and_total(
                leads, year, group
            ), (year, group)
        assert funnel.conversion(summary.Kept(), year) == funnel.conversion(leads, year)


def test_the_leader_reads_the_cells_and_a_unit_counts_its_own(
    client, at, file_lead, investment, hengyang, users
):
    build(at, file_lead, investment, hengyang)
    client.force_login(users[Role.LEADER])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/investment/big-data/?year=2026&by=region").content.decode()
    assert 'data-count="pooled">3<' in page
    assert not [q for q in queries.captured_queries if "investment_lead" in q["sql"]]  # no scan
    client.force_login(investment["county_official"])
    assert 'data-count="pooled">3<' in client.get("/investment/big-data/?year=2026").content.decode()


def test_the_funds_behind_day_follows_the_schedule_the_funds_and_the_margin(at, file_lead, investment):
    at(2026, 1, 5, 10)
    lead = file_lead()
    official = investment["county_official"]
    schedule = [(date(2026, 6, 30), 100_000_000), (date(2026, 12, 31), 300_000_000)]
    actions.move(lead, Stage.SIGNED, by=official, files=[document()], signing=signing(schedule=schedule))

    def behind_after():
        return Lead.objects.values_list("funds_behind_after", flat=True).get(pk=lead.pk)

    assert behind_after() == date(2026, 6, 30)
    actions.record_transfer(lead, by=official, amount=95_000_000, received_on=date(2026, 1, 5),
                            files=[document("到账凭证.pdf")])  # fmt: skip
    assert behind_after() == date(2026, 12, 31)  # 95 % of the first line: within the 10 % margin
    rules = InvestmentRules.current()
    rules.funds_margin = 0
    rules.save()
    assert behind_after() == date(2026, 6, 30)


def test_one_warnings_list_is_not_counted_twice(client, at, file_lead, investment, users):
    at(2026, 1, 5, 10)
    for n in range(3):
        file_lead(name=f"项目{n}")
    at(2026, 4, 6, 10)  # past the pool's 90 days
    client.force_login(users[Role.LEADER])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/investment/?warning=pooled_long").content.decode()
    assert "共 3 个项目" in page and page.count("data-lead=") == 3
    counted = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counted) == 5  # one a kind, the list's own taken from its kind's
    assert "共 1 个项目" in client.get("/investment/?warning=pooled_long&q=项目1").content.decode()
