"""Issue 14's investment loop in Chromium: a county files a lead and signs it with its contract; a
second county files the same investor's project and is told who has it; funds recorded with the bank's
receipt raise the 到位 figure; the supervision office turns a demo lead's warning into a supervision
item; the commission takes the signed lead into the major-project ledger without retyping it."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_requests import fits, signed_in

pytestmark = pytest.mark.browser

NAME = "珠晖区储能电池系统集成项目"
INVESTOR = "湖南星城储能科技有限公司"
USCC = "91430100MA4T00019U"


def today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def file_lead(page, live_url):
    page.goto(f"{live_url}/investment/new/")
    page.get_by_label("项目名称").fill(NAME)
    page.get_by_label("投资方", exact=True).fill(INVESTOR)
    page.get_by_label("投资方统一社会信用代码").fill(USCC)
    page.get_by_label("行业（国民经济行业分类）").select_option("38")
    page.get_by_label("招商方式").select_option(label="以商招商")
    page.get_by_label("县市区").select_option(label="珠晖区")
    page.get_by_label("责任人").select_option(index=1)
    page.get_by_label("意向（合同）投资额（万元）").fill("80000")
    page.get_by_role("button", name="登记入库").click()


def test_a_lead_is_signed_funded_supervised_and_taken_into_the_ledger(new_page, live_url, tmp_path):
    contract, receipt = tmp_path / "投资合同.pdf", tmp_path / "银行到账凭证.pdf"
    contract.write_bytes(b"%PDF-1.4 contract")
    receipt.write_bytes(b"%PDF-1.4 receipt")
    county = signed_in(new_page, live_url, "zhuhui01", DESKTOP)
    file_lead(county, live_url)
    county.get_by_text("已登记入库。").wait_for()
    lead_url = county.url

    # Signed with the contract: the lead moves from 入库 to 签约.
    signing = county.locator("[data-form=sign]")
    signing.get_by_label("签约日期").fill(today().isoformat())
    signing.get_by_label("合同投资额（万元）").fill("90000")
    signing.get_by_label("合同约定开工日期").fill((today() + timedelta(days=90)).isoformat())
    signing.get_by_label("约定到位日期 1").fill((today() + timedelta(days=180)).isoformat())
    signing.get_by_label("累计应到位（万元）1").fill("30000")
    signing.get_by_label("签约合同").set_input_files(str(contract))
    signing.get_by_role("button", name="登记签约").click()
    county.locator(".stage-bar [aria-current=step]", has_text="签约").wait_for()
    assert "90,000.00 万元" in county.locator("[data-counted]").inner_text()
    assert county.get_by_role("link", name="投资合同.pdf").is_visible()

    # Another county files the same investor's project: told who has it, and offered to join.
    other = signed_in(new_page, live_url, "leiyang01", PHONE)
    file_lead(other, live_url)
    other.locator("[data-already-filed]").wait_for()
    assert "已由珠晖区人民政府" in other.locator("body").inner_text()
    assert other.get_by_role("button", name="申请作为协办单位加入").is_visible()
    fits(other)
    screenshot(other, "investment-already-filed-phone")

    # Funds with the bank's receipt raise the 到位 figure.
    transfer = county.locator("[data-form=transfer]")
    transfer.get_by_label("到位金额（万元）").fill("12000")
    transfer.get_by_label("到账日期").fill(today().isoformat())
    transfer.get_by_label("银行到账凭证").set_input_files(str(receipt))
    transfer.get_by_role("button", name="登记到位资金").click()
    county.locator("[data-funded]", has_text="12,000.00 万元").wait_for()
    county.locator(".stage-bar [aria-current=step]", has_text="到位").wait_for()
    screenshot(county, "investment-lead-funded")

    # A demo lead's warning becomes a supervision item, its record and its unit carried over.
    office = signed_in(new_page, live_url, "duchashi", DESKTOP)
    office.goto(f"{live_url}/investment/?warning=idle")
    office.locator(".lead-table tbody tr th a").first.click()
    warned = office.locator("h1").inner_text()
    office.locator("[data-warnings] [data-supervise]").first.click()
    assert warned in office.locator("[data-linked]").inner_text()
    office.get_by_label("督办内容").fill("督促责任单位加强跟进，两周内报送洽谈进展。")
    office.get_by_label("办理时限").fill((today() + timedelta(days=14)).isoformat())
    office.get_by_role("button", name="交办").click()
    office.get_by_text("督办件已交办。").wait_for()
    assert warned in office.locator("body").inner_text()

    # The commission takes the signed lead into the ledger: only the code, the date and the level typed.
    commission = signed_in(new_page, live_url, "fagaiwei", DESKTOP)
    commission.goto(lead_url)
    code = f"{today().year}-430405-38-03-{random.randint(100000, 999999)}"
    into = commission.locator("[data-form=to-project]")
    into.get_by_label("项目代码").fill(code)
    into.get_by_label("计划竣工").fill((today() + timedelta(days=900)).isoformat())
    into.get_by_role("checkbox", name="市重点工程", exact=True).check()
    into.get_by_role("button", name="纳入重大项目库").click()
    commission.get_by_text("已纳入重大项目库。").wait_for()
    page = commission.locator("body").inner_text()
    assert NAME in commission.locator("h1").inner_text() and code in page and INVESTOR in page
