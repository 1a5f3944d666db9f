"""The supervision pages as each party meets them: the office assigns (also from a red figure, its
record linked) and dispatches; a unit reads, signs for, reports and requests the close; the office
closes; the receipts table; the list with its lights and Excel export; and who may see what."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from yancheng.core.roles import Role
from yancheng.supervision.models import Assignment, Dispatch, Item

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(assign, users, at, counties):
    at(2026, 12, 1, 9)
    return {
        "samr": assign(lead="samr", cooperating=(), title="市场主体年报催报"),
        "eco": assign(lead="eco", cooperating=(), title="中央环保督察反馈问题整改", due_on=date(2026, 12, 2)),
    }


def test_the_office_assigns_an_item_from_the_form_once(client, users, hengyang, scene):
    client.force_login(users[Role.SUPERVISION_OFFICE])
    units = hengyang["units"]
    data = {"title": "优化营商环境十条措施落实", "content": "逐条落实并按月报送。", "source": "document",
            "source_text": "衡政发〔2026〕8号", "due_on": "2026-11-30", "cadence": "monthly", "lead_unit": units["samr"].pk,
            "lead_task": "牵头落实第 1—5 条", "unit_1": units["eco"].pk, "task_1": "落实第 6 条", "submission_key": "form-1"}  # fmt: skip
    response = client.post("/supervision/new/", data)
    assert response.status_code == 400 and "不能早于今天" in response.content.decode()
    assert not Item.objects.filter(title="优化营商环境十条措施落实").exists()
    response = client.post(
        "/supervision/new/", {**data, "due_on": "2026-12-31", "files": [evidence_file("衡政发8号.pdf")]}
    )
    item = Item.objects.get(title="优化营商环境十条措施落实")
    assert response["Location"] == f"/supervision/{item.pk}/"
    client.post("/supervision/new/", {**data, "due_on": "2026-12-31"})
    assert Item.objects.filter(title="优化营商环境十条措施落实").count() == 1
    tasks = dict(item.assignments.values_list("unit__code", "task"))
    assert tasks == {"samr": "牵头落实第 1—5 条", "eco": "落实第 6 条"}
    page = client.get(f"/supervision/{item.pk}/").content.decode()
    assert "衡政发8号.pdf" in page and "衡政发〔2026〕8号" in page


def test_an_item_made_from_a_red_figure_links_its_record(client, users, counties):
    client.force_login(users[Role.LEADER])
    unit, _official = counties["430421"]
    form = client.get(
        f"/supervision/new/?record=core.unit:{unit.pk}&figure=持码率 62%（2026年11月）"
    ).content.decode()
    assert "衡阳县人民政府" in form and "持码率 62%" in form
    data = {"title": "衡阳县持码率偏低", "content": "查明原因，限期整改。", "source": "finding", "due_on": "2026-12-20",
            "cadence": "none", "lead_unit": unit.pk, "record": f"core.unit:{unit.pk}", "figure": "持码率 62%（2026年11月）",
            "submission_key": "form-2"}  # fmt: skip
    client.post("/supervision/new/", data)
    item = Item.objects.get(title="衡阳县持码率偏低")
    assert item.linked == unit and item.figure == "持码率 62%（2026年11月）"
    # A record the person may not name is not linked: an unknown kind.
    client.post(
        "/supervision/new/", {**data, "record": "core.auditentry:1", "submission_key": "form-3", "title": "x"}
    )
    assert Item.objects.get(title="x").linked_id is None


def test_a_unit_reads_signs_reports_and_requests_the_close_and_the_office_closes(client, users, scene):
    item = scene["samr"]
    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(f"/supervision/{item.pk}/").content.decode()
    assert "data-sign" in page and "data-report" not in page and "data-close" not in page
    assert Assignment.objects.get(item=item).read_at is not None
    client.post(f"/supervision/{item.pk}/sign/")
    page = client.get(f"/supervision/{item.pk}/").content.decode()
    assert "data-sign" not in page and "data-report" in page and "data-request-close" in page
    client.post(f"/supervision/{item.pk}/report/", {"text": "已催报 1200 户"})
    client.post(f"/supervision/{item.pk}/request-close/", {"summary": "年报率 98%", "files": []})
    item.refresh_from_db()
    assert item.state == "in_progress"  # no evidence: refused
    client.post(
        f"/supervision/{item.pk}/request-close/", {"summary": "年报率 98%", "files": [evidence_file()]}
    )
    client.post(f"/supervision/{item.pk}/close/")  # not the office's: refused
    item.refresh_from_db()
    assert item.state == "close_requested"
    client.force_login(users[Role.SUPERVISION_OFFICE])
    page = client.get(f"/supervision/{item.pk}/").content.decode()
    assert "data-close" in page and "已催报 1200 户" in page and "办结报告.pdf" in page
    client.post(f"/supervision/{item.pk}/close/")
    item.refresh_from_db()
    assert item.state == "closed"


def test_a_unit_sees_only_its_own_items(client, users, scene, assert_refused):
    client.force_login(users[Role.UNIT_OFFICIAL])
    listing = client.get("/supervision/").content.decode()
    assert "市场主体年报催报" in listing and "中央环保督察" not in listing
    eco = scene["eco"]
    others = [users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER], users[Role.BANK_CLERK], None]
    assert_refused(others, "GET", f"/supervision/{eco.pk}/")
    for step in ("sign", "report", "request-close", "close", "return", "remind"):
        assert_refused(
            others, "POST", f"/supervision/{eco.pk}/{step}/", {"text": "x", "reason": "x", "summary": "x"}
        )
    assert_refused([users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]], "GET", "/supervision/new/")
    assert_refused([users[Role.UNIT_OFFICIAL]], "GET", "/supervision/dispatch/new/")
    assert_refused([users["other_official"]], "POST", f"/supervision/{eco.pk}/close/")


def test_the_list_shows_the_lights_filters_them_and_exports(client, users, scene, at):
    at(2026, 12, 3, 10)  # eco's item is a day late
    client.force_login(users[Role.SUPERVISION_OFFICE])
    page = client.get("/supervision/").content.decode()
    assert 'data-count="red">1<' in page and 'data-count="green">1<' in page
    red = client.get("/supervision/?light=red").content.decode()
    assert "中央环保督察反馈问题整改" in red and "市场主体年报催报" not in red
    book = load_workbook(BytesIO(client.get("/supervision/?light=red&export=xlsx").content))
    rows = list(book.active.values)
    assert rows[0][:4] == ("序号", "督办事项", "督办来源", "牵头单位")
    assert [r[1] for r in rows[1:]] == ["中央环保督察反馈问题整改"] and rows[1][9] == "红灯"


def test_a_dispatch_from_the_form_and_its_live_receipts(client, users, counties):
    client.force_login(users[Role.LEADER])
    data = {"title": "迎峰度冬保供电", "content": "排查辖区供电隐患。", "source": "instruction", "due_on": "2026-12-15",
            "cadence": "weekly", "group": "counties", "submission_key": "dispatch-1"}  # fmt: skip
    response = client.post("/supervision/dispatch/new/", data)
    sent = Dispatch.objects.get()
    assert response["Location"] == f"/supervision/dispatch/{sent.pk}/"
    client.post("/supervision/dispatch/new/", data)
    assert Dispatch.objects.count() == 1 and sent.items.count() == 3 and sent.recipients == "全部县市区政府"
    unit, official = counties["430421"]
    client.force_login(official)
    item = sent.items.get(lead_unit=unit)
    client.post(f"/supervision/{item.pk}/sign/")
    client.force_login(users[Role.LEADER])
    receipts = client.get(f"/supervision/dispatch/{sent.pk}/receipts/").content.decode()
    assert 'data-total="signed">1<' in receipts and 'data-total="read">1<' in receipts
    assert 'data-unit="gov430421" data-signed="1"' in receipts
    client.post(f"/supervision/dispatch/{sent.pk}/remind/")
    assert (
        Assignment.objects.filter(item__dispatch=sent, reminded_at__isnull=False).count() == 2
    )  # not signed yet
    chosen = {**data, "group": "chosen", "units": [unit.pk], "submission_key": "dispatch-2"}
    client.post("/supervision/dispatch/new/", chosen)
    assert Dispatch.objects.get(items__lead_unit=unit, pk__gt=sent.pk).recipients == "选定的 1 个单位"
    client.force_login(official)  # a unit sees its own item, not the dispatch's receipts
    assert client.get(f"/supervision/dispatch/{sent.pk}/").status_code == 404


def test_the_receipts_table_reads_only_the_parts_and_their_units(client, users, counties, at):
    """A dispatch's table has a row a unit (1,000 for the whole city, bench/performance.py) and the page
    polls it: its rows read the parts and their units, never the items' texts or the signers' accounts,
    and every row still carries its translated labels."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yancheng.supervision import actions

    at(2026, 12, 1, 9)
    sent = actions.dispatch(
        by=users[Role.LEADER], title="迎峰度冬保供电", content="排查辖区供电隐患。", due_on=date(2026, 12, 15),
        units=[unit for unit, _official in counties.values()], submission_key="receipts-1", recipients="全部县市区政府",
    )  # fmt: skip
    unit, official = counties["430421"]
    actions.sign_for(sent.items.get(lead_unit=unit), by=official)
    at(2026, 12, 2, 9)  # the others' time to sign has run out
    client.force_login(users[Role.LEADER])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/supervision/dispatch/{sent.pk}/receipts/").content.decode()
    rows = [q["sql"] for q in queries.captured_queries if 'ORDER BY "core_unit"."code"' in q["sql"]]
    assert len(rows) == 1 and "auth_user" not in rows[0] and "core_person" not in rows[0]
    assert '"supervision_item"."content"' not in rows[0]
    assert page.count('data-label="签收"') == 3 and page.count("超时未签收") == 2
    assert 'data-unit="gov430421" data-signed="1"' in page


def test_the_receipts_page_through_the_units_and_pick_out_those_still_to_sign(
    client, users, counties, monkeypatch
):
    from yancheng.supervision import actions, views

    monkeypatch.setattr(views, "RECEIPTS_PER_PAGE", 2)  # 50 a page: three counties make two pages of two
    sent = actions.dispatch(
        by=users[Role.LEADER], title="迎峰度冬保供电", content="排查辖区供电隐患。", due_on=date(2026, 12, 15),
        units=[unit for unit, _official in counties.values()], submission_key="receipts-2", recipients="全部县市区政府",
    )  # fmt: skip
    unit, official = counties["430421"]
    actions.sign_for(sent.items.get(lead_unit=unit), by=official)
    client.force_login(users[Role.LEADER])
    url = f"/supervision/dispatch/{sent.pk}/receipts/"

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get(f"{url}?page=1").content.decode()
    assert not [
        q for q in queries.captured_queries if "COUNT(*)" in q["sql"]
    ]  # the page count is the totals'
    second = client.get(f"{url}?page=2").content.decode()
    assert first.count("data-unit=") == 2 and second.count("data-unit=") == 1 and "第 2 / 2 页" in second
    assert 'data-total="signed">1<' in second and "共 3 个单位" in second  # the counts are over every unit
    assert f'hx-get="{url}?page=2"' in second  # the poll keeps to the page being read

    unsigned = client.get(f"{url}?show=unsigned").content.decode()
    assert unsigned.count("data-unit=") == 2 and 'data-signed="1"' not in unsigned
    assert (
        'data-show="unsigned">未签收 2<' in unsigned
        and 'aria-current="page" data-show="unsigned"' in unsigned
    )
    page = client.get(f"/supervision/dispatch/{sent.pk}/?show=unsigned").content.decode()
    assert page.count("data-unit=") == 2 and f'hx-get="{url}?show=unsigned"' in page


def test_the_monthly_bulletin_names_the_red_items_and_each_units_figures(client, users, scene, at):
    from docx import Document

    at(2026, 12, 3, 10)  # eco's item is a day late
    client.force_login(users[Role.SUPERVISION_OFFICE])
    response = client.get("/supervision/bulletin.docx?year=2026&month=12&number=15")
    assert response.status_code == 200
    document = Document(BytesIO(response.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "关于2026年12月全市督办件办理情况的通报" in body.replace("\n", "") and "衡督通〔2026〕15号" in body
    assert "新交办督办件2件" in body and "红灯1件、黄灯0件、绿灯1件" in body
    assert "1. 衡阳市生态环境局：“中央环保督察反馈问题整改”，已超过办理时限 1 个工作日。" in body
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[1] == ["衡阳市生态环境局", "1", "1", "0", "0", "0"]
    client.force_login(users[Role.UNIT_OFFICIAL])
    assert client.get("/supervision/bulletin.docx").status_code == 404
