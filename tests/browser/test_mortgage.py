"""Mortgage registration in the browser, on the demo register: a bank clerk files and gets the
certificate number, a registry official records a case from the queue, the mortgagor opens the
certificate on a phone, and anyone verifies it (a wrong code is refused)."""

import uuid
from datetime import date

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_sign_in import sign_in
from yancheng.mortgage.demo import BROWSER_PERSON_UNIT, BROWSER_UNITS, unit_spec

pytestmark = pytest.mark.browser


def file_through_form(page, live_url, index: int) -> str:
    """Sign in as the demo bank clerk and file against demo unit `index`; returns the contract number."""
    spec = unit_spec(index)
    contract = f"ICBC-HY-BR-{uuid.uuid4().hex[:8]}"
    sign_in(page, live_url, "yinhang")
    page.wait_for_url(f"{live_url}/")
    page.get_by_role("link", name="抵押登记申请").first.click()
    page.wait_for_url(f"{live_url}/mortgage/apply/")
    page.get_by_label("不动产单元号").fill(spec["number"])
    for n, holder in enumerate(spec["holders"], start=1):
        page.get_by_label(f"姓名 {n}", exact=True).fill(holder["name"])
        page.get_by_label(f"身份证号码 {n}", exact=True).fill(holder["id_number"])
    page.get_by_label("债务人").fill(spec["holders"][0]["name"])
    page.get_by_label("被担保主债权数额（元）").fill("680000")
    page.get_by_label("合同编号").fill(contract)
    today = date.today()
    page.get_by_label("债务履行期限起").fill(today.isoformat())
    page.get_by_label("债务履行期限止").fill(today.replace(year=today.year + 20).isoformat())
    page.get_by_role("button", name="提交登记申请").click()
    page.wait_for_url(f"{live_url}/mortgage/applications/*/")
    return contract


def test_a_bank_clerk_files_and_the_mortgagor_and_the_public_see_the_certificate(new_page, live_url):
    page = new_page(DESKTOP)
    file_through_form(page, live_url, BROWSER_UNITS[0])
    assert page.get_by_text("已登簿，不动产登记证明号").is_visible()
    number = page.locator(".mortgage-result .mortgage-number").inner_text()
    code = page.locator(".mortgage-result .mortgage-code").inner_text()
    assert number.startswith("湘(") and number.endswith("号") and len(code) == 8
    screenshot(page, "mortgage-filed-desktop")

    # The mortgagor, on a phone, without signing in: number and code give the certificate and its PDF.
    phone = new_page(PHONE)
    phone.goto(f"{live_url}/mortgage/certificate/")
    phone.get_by_label("证明号").fill(number)
    phone.get_by_label("核验码").fill(code)
    phone.get_by_role("button", name="查询").click()
    assert phone.locator(".mortgage-certificate .mortgage-number").inner_text() == number
    assert phone.get_by_text(unit_spec(BROWSER_UNITS[0])["number"]).is_visible()
    link = phone.get_by_role("link", name="下载证明 PDF")
    assert link.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "mortgage-certificate-phone")
    pdf = phone.request.get(f"{live_url}{link.get_attribute('href')}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # The public verification page confirms it, and refuses a wrong code without saying which part.
    phone.goto(f"{live_url}/mortgage/verify/")
    phone.get_by_label("证明号").fill(number)
    phone.get_by_label("核验码").fill(code)
    phone.get_by_role("button", name="查询").click()
    assert phone.get_by_text("该证明真实有效").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "mortgage-verify-phone")
    phone.goto(f"{live_url}/mortgage/verify/")
    phone.get_by_label("证明号").fill(number)
    phone.get_by_label("核验码").fill("ZZZZ2222")
    phone.get_by_role("button", name="查询").click()
    assert phone.get_by_role("alert").inner_text().startswith("✗ 证明号与核验码不匹配")
    assert not phone.get_by_text("该证明真实有效").count()


def test_a_registry_official_records_a_case_from_the_queue(new_page, live_url):
    clerk = new_page(DESKTOP)
    contract = file_through_form(clerk, live_url, BROWSER_PERSON_UNIT)
    assert clerk.get_by_text("已转登记人员人工审核").is_visible()
    assert clerk.locator(".mortgage-failed").get_by_text("土地性质为集体建设用地").is_visible()

    page = new_page(DESKTOP)
    sign_in(page, live_url, "dengji")
    page.wait_for_url(f"{live_url}/")
    assert page.get_by_text(contract).is_visible()  # the home panel: waiting for a person
    page.get_by_role("link", name="抵押人工审核").first.click()
    case = page.locator(".mortgage-case", has_text=contract)
    assert case.get_by_text("✗ 土地可以抵押").is_visible()
    screenshot(page, "mortgage-queue-desktop")
    case.get_by_role("button", name="登簿").click()
    assert page.get_by_role("status").first.inner_text().startswith("已登簿，证明号：湘(")
    assert not page.locator(".mortgage-case", has_text=contract).count()
