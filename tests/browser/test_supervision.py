"""Issue 13's dispatch loop in Chromium: a leader sends one instruction to all 12 county governments;
two counties sign for it on a 375 px phone; the leader's receipts table shows 2 of 12 without a reload;
the rest are reminded in one step; one county reports, requests the close with evidence, and the
supervision office closes it (销号)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_requests import fits, signed_in

pytestmark = pytest.mark.browser

TITLE = "春节前安全生产大检查"
COUNTIES = [("hengnan01", "衡南县人民政府"), ("qidong01", "祁东县人民政府")]


def dispatch(page, live_url):
    page.goto(f"{live_url}/supervision/")
    page.get_by_role("link", name="一键调度").click()
    page.get_by_label("督办事项").fill(TITLE)
    page.get_by_label("督办内容").fill(
        "全面排查辖区危化品、建设工程、道路运输领域隐患，建立三张清单，每周报送进展。"
    )
    due = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=30)
    page.get_by_label("办理时限").fill(due.isoformat())
    page.get_by_label("反馈频次").select_option(label="每周")
    page.get_by_label("全部县市区政府").check()
    page.get_by_role("button", name="一键调度").click()
    page.get_by_text("已一键调度到 12 个单位。").wait_for()


def open_item(page, live_url):
    page.goto(f"{live_url}/supervision/?q={TITLE}")
    page.get_by_role("link", name=TITLE).first.click()
    page.locator("h1", has_text=TITLE).wait_for()


def test_a_leader_dispatches_to_twelve_counties_and_follows_the_receipts(new_page, live_url, tmp_path):
    leader = signed_in(new_page, live_url, "leader", DESKTOP)
    dispatch(leader, live_url)
    signed = leader.locator("[data-total=signed]")
    assert signed.inner_text() == "0" and leader.locator(".receipts-table tbody tr").count() == 12

    counties = []
    for username, unit in COUNTIES:
        phone = signed_in(new_page, live_url, username, PHONE)
        open_item(phone, live_url)
        fits(phone)
        phone.get_by_role("button", name="签收").click()
        phone.locator(".item-state", has_text="办理中").wait_for()
        counties.append((phone, unit))
    screenshot(counties[0][0], "supervision-signed-phone")

    # The leader's page refreshes its receipts by itself (htmx, every 5 s): no reload here.
    expect(signed).to_have_text("2", timeout=15000)
    for _phone, unit in counties:
        assert leader.locator(".receipts-table tr", has_text=unit).get_attribute("data-signed") == "1"
    leader.get_by_role("button", name="一键提醒未签收、未按时反馈的单位").click()
    leader.get_by_text("已提醒 10 个尚未签收或未按时反馈的单位。").wait_for()
    reminded = leader.locator(".receipts-table tr", has_text="衡阳县人民政府").locator("td").nth(3)
    assert reminded.inner_text() != "—"
    assert (
        leader.locator(".receipts-table tr", has_text="衡南县人民政府").locator("td").nth(3).inner_text()
        == "—"
    )
    screenshot(leader, "supervision-receipts")

    county, _unit = counties[0]
    county.get_by_label("进展情况").fill("已召开部署会，排查企业 86 家，发现隐患 12 处，已整改 9 处。")
    county.get_by_role("button", name="反馈进展").click()
    county.locator(".item-reports", has_text="排查企业 86 家").wait_for()
    evidence = tmp_path / "衡南县安全生产大检查总结.pdf"
    evidence.write_bytes(b"%PDF-1.4 summary")
    county.get_by_label("办结情况").fill("隐患全部整改到位，形成检查台账。")
    county.get_by_label("办结材料（文件、照片、记录等，最多 10 个）").set_input_files(str(evidence))
    county.get_by_role("button", name="申请办结").click()
    county.locator(".item-state", has_text="待审核").wait_for()
    fits(county)
    item_url = county.url

    office = signed_in(new_page, live_url, "duchashi", DESKTOP)
    office.goto(item_url)
    assert "衡南县安全生产大检查总结.pdf" in office.locator(".item-files").inner_text()
    office.get_by_role("button", name="审核通过，销号").click()
    office.locator(".item-state", has_text="已销号").wait_for()
    assert "审核销号" in office.locator("body").inner_text()
    leader.reload()
    assert leader.locator("[data-total=reported]").inner_text() == "1"
