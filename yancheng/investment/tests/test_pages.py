"""The investment pages: filing (and being told who has the project), the lead's steps through its
forms, the list with its warnings and Excel export, and who may see and do what."""

import re
from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from yancheng.core.roles import Role
from yancheng.investment.choices import Stage
from yancheng.investment.models import Lead

from .conftest import INVESTOR_USCC, document


def form_of(hengyang, official, **changes):
    return {
        "name": "新能源电池材料生产基地", "investor_name": "深圳某新能源科技有限公司", "investor_uscc": INVESTOR_USCC,
        "investor_country": "中国", "industry": "38", "source": "team", "region": hengyang["regions"]["zhuhui"].pk,
        "unit": official.person.unit_id, "person": official.person.pk, "contracted_amount": "50000",
        "submission_key": "f" * 32, **changes,
    }  # fmt: skip


def test_a_unit_files_a_lead_and_a_second_unit_is_told_who_has_it_and_joins(
    client, at, hengyang, investment, users
):
    at(2026, 1, 5, 10)
    county = investment["county_official"]
    client.force_login(county)
    response = client.post("/investment/new/", form_of(hengyang, county))
    lead = Lead.objects.get()
    assert response["Location"] == f"/investment/{lead.pk}/" and lead.contracted_amount == 500_000_000

    other = users["other_official"]
    client.force_login(other)
    again = form_of(hengyang, other, name="新能源电池材料 生产基地", submission_key="e" * 32)
    page = client.post("/investment/new/", again)
    text = page.content.decode()
    assert (
        page.status_code == 400 and "已由珠晖区人民政府（王招商）" in text and "申请作为协办单位加入" in text
    )
    assert Lead.objects.count() == 1
    assert client.get(f"/investment/{lead.pk}/").status_code == 404
    client.post(f"/investment/{lead.pk}/join/")
    assert "衡阳市生态环境局（协办）" in client.get(f"/investment/{lead.pk}/").content.decode()


def test_the_lead_signs_and_its_funds_rise_through_the_forms(client, at, file_lead, investment):
    at(2026, 1, 5, 10)
    lead = file_lead()
    client.force_login(investment["county_official"])
    signing = {"signed_on": "2026-01-05", "contracted_amount": "60000", "start_due_on": "2026-06-30",
               "due_1": "2026-03-31", "amount_1": "10000", "files": [document()]}  # fmt: skip
    client.post(f"/investment/{lead.pk}/sign/", signing)
    lead.refresh_from_db()
    assert lead.stage == Stage.SIGNED and lead.counted_amount == 600_000_000
    assert list(lead.schedule.values_list("due_on", "amount")) == [(date(2026, 3, 31), 100_000_000)]

    at(2026, 4, 1, 10)
    page = client.get(f"/investment/{lead.pk}/").content.decode()
    assert "按合同应到位 10,000.00 万元，实际到位 0.00 万元" in page
    transfer = {"amount": "12000.5", "received_on": "2026-04-01", "files": [document("到账凭证.pdf")]}
    client.post(f"/investment/{lead.pk}/transfer/", transfer)
    page = client.get(f"/investment/{lead.pk}/").content.decode()
    assert "12,000.50 万元" in page and "按合同应到位 10,000.00 万元，实际" not in page
    assert Lead.objects.get().stage == Stage.FUNDED

    refused = client.post(f"/investment/{lead.pk}/transfer/", {**transfer, "files": []}, follow=True)
    assert "请上传银行到账凭证" in refused.content.decode() or "这个字段是必填项" in refused.content.decode()
    assert Lead.objects.get().funded_total == 120_005_000


def test_the_list_counts_and_filters_the_warnings_and_exports_them(client, at, file_lead, investment, users):
    at(2026, 1, 5, 10)
    quiet = file_lead(name="甲项目")
    stalled = file_lead(name="乙项目")
    at(2026, 2, 20, 10)
    from yancheng.investment import actions

    actions.follow_up(quiet, by=investment["county_official"], note="洽谈用地。")
    client.force_login(users[Role.LEADER])
    page = client.get("/investment/?warning=idle").content.decode()
    assert 'data-count="idle">1<' in page and f'data-lead="{stalled.pk}"' in page
    assert f'data-lead="{quiet.pk}"' not in page and "已 46 天没有跟进记录" in page
    book = load_workbook(BytesIO(client.get("/investment/?warning=idle&export=xlsx").content))
    rows = list(book.active.values)
    assert rows[0][:3] == ("序号", "项目名称", "投资方") and [r[1] for r in rows[1:]] == ["乙项目"]
    detail = client.get(f"/investment/{stalled.pk}/").content.decode()
    assert f"?record=investment.lead:{stalled.pk}" in detail  # 督办 from the warning


def test_another_unit_can_neither_see_nor_move_a_lead(client, at, file_lead, users, assert_refused):
    at(2026, 1, 5, 10)
    lead = file_lead()
    other, enterprise = users["other_official"], users[Role.ENTERPRISE_USER]
    assert_refused([None, other, enterprise], "GET", f"/investment/{lead.pk}/")
    for action in ("step", "drop", "follow-up"):
        data = {"stage": "negotiating", "reason": "放弃", "note": "改为洽谈"}
        client.force_login(other)
        assert client.post(f"/investment/{lead.pk}/{action}/", data).status_code == 404
    assert Lead.objects.get().stage == Stage.POOLED and lead.events.count() == 1
    client.force_login(users[Role.LEADER])  # sees, does not move
    assert client.get(f"/investment/{lead.pk}/").status_code == 200
    client.post(f"/investment/{lead.pk}/step/", {"stage": "negotiating"})
    assert Lead.objects.get().stage == Stage.POOLED


def test_a_warning_becomes_a_supervision_item_linked_to_the_lead(client, at, file_lead, investment, users):
    from yancheng.supervision.models import Item

    at(2026, 1, 5, 10)
    lead = file_lead()
    at(2026, 4, 7, 10)  # 92 days in the pool, 92 without a follow-up
    client.force_login(users[Role.SUPERVISION_OFFICE])
    detail = client.get(f"/investment/{lead.pk}/").content.decode()
    link = re.search(r'href="(/supervision/new/\?record=investment\.lead:\d+&amp;figure=[^"]+)"', detail)
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    county = investment["county"]
    assert "入库已 92 天未进入洽谈" in form and f'<option value="{county.pk}" selected>' in form
    data = {"title": lead.name, "content": "督促加快洽谈进度。", "source": "finding", "due_on": "2026-04-30",
            "cadence": "none", "lead_unit": county.pk, "record": f"investment.lead:{lead.pk}",
            "figure": "入库已 92 天未进入洽谈", "submission_key": "sup-1"}  # fmt: skip
    client.post("/supervision/new/", data)
    item = Item.objects.get()
    assert item.linked == lead and item.lead_unit == county
