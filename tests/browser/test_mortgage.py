"""Mortgage registration in the browser, on the demo register: a bank clerk files and gets the
certificate number, a registry official records a case from the queue, the mortgagor opens the
certificate on a phone, and anyone verifies it (a wrong code is refused). The clerk sees a malformed
field's error with the input kept, withdraws a pending application, and follows the notice to the bank
until it is delivered, then acknowledges it and records the loan."""

import uuid
from datetime import date

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_sign_in import sign_in
from tests.server import manage
from yancheng.mortgage.demo import BROWSER_PERSON_UNIT, BROWSER_UNITS, unit_spec
from yancheng.mortgage.tests.test_webhook import BankServer

pytestmark = pytest.mark.browser


def fill_the_form(page, live_url, index: int, unit_number=None) -> str:
    """Sign in as the demo bank clerk and fill the filing form for demo unit `index`; returns the contract."""
    spec = unit_spec(index)
    contract = f"ICBC-HY-BR-{uuid.uuid4().hex[:8].upper()}"
    sign_in(page, live_url, "yinhang")
    page.wait_for_url(f"{live_url}/")
    page.get_by_role("link", name="抵押登记申请").first.click()
    page.wait_for_url(f"{live_url}/mortgage/apply/")
    page.get_by_label("不动产单元号").fill(unit_number or spec["number"])
    for n, holder in enumerate(spec["holders"], start=1):
        page.get_by_label(f"姓名 {n}", exact=True).fill(holder["name"])
        page.get_by_label(f"身份证号码 {n}", exact=True).fill(holder["id_number"])
    page.get_by_label("债务人").fill(spec["holders"][0]["name"])
    page.get_by_label("被担保主债权数额（元）").fill("680000")
    page.get_by_label("合同编号").fill(contract)
    today = date.today()
    page.get_by_label("债务履行期限起").fill(today.isoformat())
    page.get_by_label("债务履行期限止").fill(today.replace(year=today.year + 20).isoformat())
    return contract


def file_through_form(page, live_url, index: int) -> str:
    """File against demo unit `index` as the demo bank clerk; returns the contract number."""
    contract = fill_the_form(page, live_url, index)
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


FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)


def test_a_malformed_unit_number_is_shown_on_its_field_with_the_input_kept(new_page, live_url):
    page = new_page(DESKTOP)
    number = unit_spec(BROWSER_UNITS[3])["number"]
    fill_the_form(page, live_url, BROWSER_UNITS[3], unit_number=number[:27])
    with page.expect_navigation():
        page.get_by_role("button", name="提交登记申请").click()
    field = page.get_by_label("不动产单元号")
    assert page.url == f"{live_url}/mortgage/apply/"
    assert field.input_value() == number[:27] and field.get_attribute("aria-invalid") == "true"
    assert page.locator("label", has=field).get_by_text("不动产单元号应为 28 位，当前为 27 位").is_visible()
    assert page.get_by_label("合同编号").input_value().startswith("ICBC-HY-BR-")  # the rest is kept too
    screenshot(page, "mortgage-field-error-desktop")

    # Typed full-width and in lower case, as a Chinese input method may: what the clerk meant is filed.
    field.fill(number.translate(FULL_WIDTH))
    page.get_by_role("button", name="提交登记申请").click()
    page.wait_for_url(f"{live_url}/mortgage/applications/*/")
    assert page.get_by_text("已登簿，不动产登记证明号").is_visible()
    assert page.locator(".mortgage-unit").first.inner_text() == number


def test_a_bank_clerk_withdraws_an_application_waiting_for_a_person(new_page, live_url):
    page = new_page(DESKTOP)
    file_through_form(page, live_url, BROWSER_PERSON_UNIT)
    page.set_viewport_size(PHONE)  # the clerk follows it up on a phone
    assert page.get_by_text("已转登记人员人工审核").is_visible()
    page.get_by_role("button", name="撤回申请").click()
    page.wait_for_url(f"{live_url}/mortgage/applications/*/")
    assert page.get_by_role("status").first.inner_text().startswith("已撤回申请")
    assert page.locator(".mortgage-status-withdrawn").inner_text() == "已撤回"
    assert not page.get_by_role("button", name="撤回申请").count()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "mortgage-withdrawn-phone")


def shell(server_env, code: str) -> None:
    """Run Python in the platform's environment, on the server's database (as the worker would)."""
    manage(server_env, "shell", "-c", code)


def test_the_bank_clerk_sees_the_notice_delivered_and_acknowledges_it_and_the_loan(
    new_page, live_url, server_env
):
    receiver = BankServer()
    receiver.status = 500
    icbc = "from yancheng.mortgage.models import Bank; icbc = Bank.objects.filter(unit__code='bank-icbc')"
    shell(server_env, f"{icbc}; icbc.update(webhook_url={receiver.url!r}, webhook_secret={'s' * 40!r})")
    try:
        page = new_page(DESKTOP)
        file_through_form(page, live_url, BROWSER_UNITS[4])
        notice = page.locator("#notice")
        assert notice.get_by_text("等待发送").is_visible()
        app_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        run = "from yancheng.mortgage.tasks import notify_bank; notify_bank.call"

        shell(server_env, f"{run}({app_id})")  # the first try: the bank answers 500
        notice.get_by_text("已尝试 1 次").wait_for()  # the page asks again by itself
        assert "HTTP 500" in notice.inner_text()
        receiver.status = 200
        shell(server_env, f"{run}({app_id}, 2)")  # the retry is delivered
        page.reload()
        assert notice.get_by_text("已送达").is_visible() and "第 2 次尝试" in notice.inner_text()
        assert len(receiver.requests) == 2

        page.get_by_role("button", name="确认收到通知").click()
        assert page.get_by_role("status").first.inner_text() == "已确认收到登簿通知。"
        page.get_by_role("button", name="已放款").click()
        assert page.get_by_role("status").first.inner_text() == "已登记放款。"
        steps = page.locator(".mortgage-steps")
        for step in ("银行确认", "放款"):
            assert steps.locator(f"dt:text-is('{step}') + dd").inner_text() != "—"
        assert not page.get_by_role("button", name="已放款").count()
        screenshot(page, "mortgage-notice-desktop")
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "mortgage-notice-phone")
    finally:
        shell(server_env, f"{icbc}; icbc.update(webhook_url='', webhook_secret='')")
        receiver.close()
