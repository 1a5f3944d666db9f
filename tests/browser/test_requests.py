"""Enterprise requests in Chromium on a 375 px phone: the enterprise files, the office routes, the market
regulator accepts and replies, the enterprise rates. And the unit that does nothing: once the acceptance
deadline has passed on the server's clock, the enterprise sees the request as deemed accepted."""

import time
import uuid
from datetime import datetime

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot, set_server_clock
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

SAMR = "衡阳市市场监督管理局"


@pytest.fixture
def server_clock(server_env):
    """Move the running server's clock; whatever happens, it is put back to the real time afterwards."""
    try:
        yield lambda seconds: set_server_clock(server_env, seconds)
    finally:
        set_server_clock(server_env, 0)


def signed_in(new_page, live_url, username, viewport=PHONE):
    page = new_page(viewport)
    sign_in(page, live_url, username)
    page.wait_for_url(f"{live_url}/")
    return page


def fits(page, viewport=PHONE):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url


def file_request(page, live_url, subject, tmp_path=None):
    page.goto(f"{live_url}/requests/new/")
    page.get_by_label("类别").select_option("demand")
    page.get_by_label("标题").fill(subject)
    page.get_by_label("具体内容").fill("新厂房需增容 800 千伏安，请协调供电公司尽快施工。")
    if tmp_path is not None:
        plan = tmp_path / "增容方案.pdf"
        plan.write_bytes(b"%PDF-1.4 plan")
        page.get_by_label("附件（可多选，每个不超过 20 MB）").set_input_files(str(plan))
    page.get_by_role("button", name="提交诉求").click()
    page.wait_for_url(f"{live_url}/requests/*/")
    return page.url


def route_from_queue(office, live_url, subject):
    office.goto(f"{live_url}/requests/office/queue/")
    item = office.locator("li.req-item", has_text=subject)
    item.get_by_label("责任单位").select_option(label=SAMR)
    item.get_by_role("button", name="分派").click()
    office.get_by_text("已分派，责任单位会收到受理提醒。").wait_for()


def badge(page):
    return page.locator("h1 + .card .req-badge")


GREEN, YELLOW, RED = "rgb(30, 132, 73)", "rgb(183, 149, 11)", "rgb(192, 57, 43)"  # app.css --green...


def colour(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_file_route_accept_reply_and_rate_on_a_phone(new_page, live_url, tmp_path):
    subject = f"用电增容 {uuid.uuid4().hex[:6]}"

    # The enterprise files a request with an attachment: it waits for the office to route it.
    enterprise = signed_in(new_page, live_url, "qiye")
    request_url = file_request(enterprise, live_url, subject, tmp_path)
    enterprise.get_by_text("诉求已提交").wait_for()
    assert badge(enterprise).inner_text() == "待分派"
    assert colour(badge(enterprise)) in {YELLOW, GREEN}  # the stylesheet colours the state
    assert enterprise.get_by_text("待营商办分派").is_visible()
    assert enterprise.get_by_role("link", name="增容方案.pdf").is_visible()
    fits(enterprise)
    screenshot(enterprise, "request-filed-phone")
    enterprise.goto(f"{live_url}/requests/mine/")
    mine = enterprise.locator("li.req-item", has_text=subject)
    assert mine.locator(".req-badge").inner_text() == "待分派"
    assert mine.locator("[data-deadline=accept]").is_visible()
    fits(enterprise)
    screenshot(enterprise, "requests-mine-phone")

    # The office sees it on its home page and in the queue, and routes it to the market regulator.
    office = signed_in(new_page, live_url, "yingshangban")
    assert office.locator("[data-panel=requests-unrouted]").get_by_text(subject).is_visible()
    office.goto(f"{live_url}/requests/office/queue/")
    fits(office)
    screenshot(office, "requests-queue-phone")
    route_from_queue(office, live_url, subject)
    assert office.locator("li.req-item", has_text=subject).count() == 0

    enterprise.goto(request_url)
    assert badge(enterprise).inner_text() == "待受理"
    assert enterprise.locator("[data-unit]").inner_text().startswith(SAMR)

    # The unit official sees it waiting for acceptance, accepts, and replies with a file.
    official = signed_in(new_page, live_url, "danwei")
    panel = official.locator("[data-panel=requests-unit]")
    assert panel.get_by_text("待受理").first.is_visible()
    official.goto(f"{live_url}/requests/unit/")
    row = official.locator("li.req-item", has_text=subject)
    assert row.locator(".req-badge").inner_text() == "待受理"
    assert official.locator("li.req-item").first.locator(".req-badge").inner_text() == "待受理"  # first
    fits(official)
    screenshot(official, "requests-unit-phone")
    row.get_by_role("link", name=subject).click()
    official.wait_for_url(request_url)
    official.get_by_role("button", name="受理", exact=True).click()
    official.get_by_text("已受理，请在答复期限内答复企业。").wait_for()
    assert badge(official).inner_text() == "已受理，办理中"
    reply = tmp_path / "答复函.pdf"
    reply.write_bytes(b"%PDF-1.4 reply")
    official.get_by_label("答复内容").fill("已协调国网衡阳供电公司，下周一进场施工。")
    official.get_by_label("附件（可多选，每个不超过 20 MB）").set_input_files(str(reply))
    fits(official)
    screenshot(official, "request-reply-phone")
    official.get_by_role("button", name="提交答复").click()
    official.get_by_text("已答复，企业会收到评价提醒。").wait_for()
    assert official.get_by_role("button", name="提交答复").count() == 0

    # The enterprise reads the reply, downloads the unit's file and rates it.
    enterprise.goto(f"{live_url}/")
    assert enterprise.locator("[data-panel=requests-to-rate]").get_by_text(subject).is_visible()
    enterprise.goto(request_url)
    assert badge(enterprise).inner_text() == "已答复待评价"
    assert enterprise.get_by_text("已协调国网衡阳供电公司，下周一进场施工。").first.is_visible()
    with enterprise.expect_download() as download:
        enterprise.get_by_role("link", name="答复函.pdf").click()
    assert download.value.suggested_filename == "答复函.pdf"
    fits(enterprise)
    screenshot(enterprise, "request-replied-phone")
    enterprise.get_by_label("满意", exact=True).check()
    enterprise.get_by_role("button", name="提交评价").click()
    enterprise.get_by_text("感谢您的评价。").wait_for()
    assert badge(enterprise).inner_text() == "已办结" and colour(badge(enterprise)) == GREEN
    assert enterprise.get_by_role("button", name="提交评价").count() == 0
    history = enterprise.locator(".req-history > li")
    assert [history.nth(i).locator("strong").inner_text() for i in range(history.count())] == [
        "提交",
        "分派",
        "受理",
        "答复",
        "评价",
    ]
    fits(enterprise)
    screenshot(enterprise, "request-closed-phone")


def test_the_enterprise_sees_deemed_acceptance_when_the_unit_does_nothing(new_page, live_url, server_clock):
    subject = f"消防验收咨询 {uuid.uuid4().hex[:6]}"
    enterprise = signed_in(new_page, live_url, "qiye")
    request_url = file_request(enterprise, live_url, subject)
    office = signed_in(new_page, live_url, "yingshangban", DESKTOP)
    office.goto(request_url)
    office.get_by_label("责任单位").select_option(label=SAMR)
    office.get_by_role("button", name="分派").click()
    office.get_by_text("已分派，责任单位会收到受理提醒。").wait_for()
    office.goto(f"{live_url}/requests/office/?state=awaiting_acceptance")
    assert office.locator("tr", has_text=subject).locator(".req-badge").inner_text() == "待受理"
    fits(office, DESKTOP)
    screenshot(office, "requests-office-all-desktop")

    enterprise.goto(request_url)
    assert badge(enterprise).inner_text() == "待受理"
    assert enterprise.locator("[data-deemed]").count() == 0
    deadline = datetime.fromisoformat(
        enterprise.locator("time[data-deadline=accept]").get_attribute("datetime")
    )
    # Past the stored deadline by an hour, whatever holidays lie in between.
    server_clock(deadline.timestamp() - time.time() + 3600)

    enterprise.reload()
    assert badge(enterprise).inner_text().startswith("默认受理")
    deemed = enterprise.locator("[data-deemed]")
    assert deemed.is_visible() and deemed.locator("time").inner_text() == f"{deadline:%Y-%m-%d %H:%M}"
    fits(enterprise)
    screenshot(enterprise, "request-deemed-accepted-phone")
    enterprise.goto(f"{live_url}/requests/mine/")
    row = enterprise.locator("li.req-item", has_text=subject)
    assert row.locator(".req-deemed").get_by_text("默认受理").is_visible()
    assert row.locator(".req-badge").inner_text().startswith("默认受理")

    # The unit was never asked to accept any more: it may reply straight away.
    official = signed_in(new_page, live_url, "danwei", DESKTOP)
    official.goto(request_url)
    assert official.get_by_role("button", name="受理", exact=True).count() == 0
    assert official.get_by_role("button", name="提交答复").is_visible()
