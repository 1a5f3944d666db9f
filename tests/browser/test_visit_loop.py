"""The visit loop end to end in Chromium: file → approve → the pass on the phone → the enterprise's
scanner, with a fake camera showing that pass, turns green → check-out → rating → no single rating
for the unit. And the red cases: a tampered pass and an expired pass."""

import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import segno
from django.utils import timezone

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def database(server_env) -> sqlite3.Connection:
    return sqlite3.connect(Path(server_env["YANCHENG_VAR_DIR"]) / "yancheng.sqlite3")


def count(server_env, table: str) -> int:
    with database(server_env) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (test's own names)


def check_time(server_env, token: str, direction: str) -> str:
    """The pass's check-in or check-out as the pages show it: hour and minute in Asia/Shanghai."""
    with database(server_env) as connection:
        (at,) = connection.execute(
            "SELECT c.at FROM visits_checkevent c JOIN visits_pass p ON p.id = c.green_pass_id "
            "WHERE p.token = ? AND c.direction = ?",
            [token, direction],
        ).fetchone()
    stored = datetime.fromisoformat(at).replace(tzinfo=UTC)  # SQLite holds UTC, without the offset
    return stored.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")


def both_widths(page, viewport, name):
    """Screenshots at the page's own width and at the other one (1366 px and 375 px), each without a
    sideways scroll; the page is left at its own width."""
    for size in (viewport, DESKTOP if viewport == PHONE else PHONE):
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (page.url, size)
        screenshot(page, f"{name}-{size['width']}")
    page.set_viewport_size(viewport)


def camera_file(tmp_path, text: str) -> Path:
    """A video for Chromium's fake camera: the QR code of `text`, as a phone held up to it would show."""
    image = tmp_path / "qr.png"
    segno.make(text, error="m").save(image, scale=6, border=4)
    video = tmp_path / "camera.y4m"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-loop",
            "1",
            "-i",
            str(image),
            "-t",
            "1",
            "-r",
            "10",
            "-vf",
            "scale=480:480:flags=neighbor,pad=640:480:80:0:white",
            "-pix_fmt",
            "yuv420p",
            str(video),
        ],
        check=True,
    )
    return video


@pytest.fixture
def scanner_page(tmp_path, playwright):
    """A separate Chromium whose camera shows the given text as a QR code, on the scanner page."""
    started = []

    def open_scanner(live_url, text, username="qiye", viewport=PHONE):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={camera_file(tmp_path, text)}",
            ],
        )
        started.append(browser)
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        context.grant_permissions(["camera"], origin=live_url)
        page = context.new_page()
        page.set_default_timeout(20000)
        sign_in(page, live_url, username)
        page.wait_for_url(f"{live_url}/")
        page.goto(f"{live_url}/visits/scanner/")
        return page

    yield open_scanner
    for browser in started:
        browser.close()


def test_the_whole_visit_loop(new_page, live_url, server_env, scanner_page):
    # A unit official files an inspection (a complaint-triggered emergency check that began 10 minutes ago).
    official = new_page(DESKTOP)
    sign_in(official, live_url, "danwei")
    official.wait_for_url(f"{live_url}/")
    official.goto(f"{live_url}/visits/new/")
    with database(server_env) as connection:
        enterprise = connection.execute(
            "SELECT e.name FROM core_enterprise e JOIN core_person p ON p.enterprise_id = e.id "
            "JOIN auth_user u ON u.id = p.user_id WHERE u.username = 'qiye'"
        ).fetchone()[0]
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if now > midnight + timedelta(hours=23, minutes=54):
        # The window would close at 23:59 before the loop reaches check-out: start in the new day.
        time.sleep((midnight + timedelta(days=1, seconds=5) - now).total_seconds())
        now = timezone.localtime()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # The form takes one day: keep the window inside today, whatever time CI runs.
    start = max(now - timedelta(minutes=10), midnight)
    end = min(start + timedelta(hours=3), midnight + timedelta(hours=23, minutes=59))
    official.get_by_label("企业（名称或统一社会信用代码）").fill(enterprise)
    official.get_by_label("事由").select_option("inspection")
    official.get_by_label("类别").select_option("triggered")
    official.get_by_label("触发原因").select_option("emergency")
    official.get_by_label("日期").fill(start.strftime("%Y-%m-%d"))
    official.get_by_label("开始").fill(start.strftime("%H:%M"))
    official.get_by_label("结束").fill(end.strftime("%H:%M"))
    official.get_by_label("检查事项").fill("消防通道堵塞投诉核查")
    official.get_by_label("法律依据").fill("《中华人民共和国消防法》第五十三条")
    official.get_by_label("陈志强").check()
    official.get_by_role("button", name="提交申请").click()
    official.wait_for_url(f"{live_url}/visits/requests/*/")
    assert official.get_by_text("待审批").is_visible()
    request_url = official.url

    # The business-environment office approves it.
    office = new_page(DESKTOP)
    sign_in(office, live_url, "yingshangban")
    office.wait_for_url(f"{live_url}/")
    office.goto(request_url)
    office.get_by_role("button", name="批准", exact=True).click()
    assert office.get_by_text("已批准，通行码已发放给访企人员。").is_visible()

    # The visitor's phone shows the green pass.
    phone = new_page(PHONE)
    sign_in(phone, live_url, "danwei")
    phone.wait_for_url(f"{live_url}/")
    phone.goto(request_url)
    phone.get_by_role("link", name="我的通行码").click()
    assert phone.get_by_role("heading", name="绿色通行码").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    token = phone.locator(".qr").get_attribute("data-token")
    screenshot(phone, "visit-pass-phone")

    # The enterprise's scanner sees that pass through the camera: green, then the check-in is recorded.
    checks_before = count(server_env, "visits_checkevent")
    scanner = scanner_page(live_url, token)
    result = scanner.locator("#scan-result [data-result]")
    result.wait_for()
    assert result.get_attribute("data-result") == "ok"
    assert "陈志强" in result.inner_text() and "市场监督管理局" in result.inner_text()
    screenshot(scanner, "scanner-green")
    scanner.get_by_role("button", name="确认签到").click()
    scanner.locator("[data-recorded=yes]").wait_for()
    assert count(server_env, "visits_checkevent") == checks_before + 1

    # Check-out the same way.
    scanner.get_by_role("radio", name="签退").check()
    scanner.get_by_role("button", name="确认签退").click()
    scanner.get_by_text("已签退").wait_for()
    assert count(server_env, "visits_checkevent") == checks_before + 2

    # The pass is scanned again: the scanner says what already happened and offers nothing more.
    done = f"已签到 {check_time(server_env, token, 'in')}，已签退 {check_time(server_env, token, 'out')}"
    scanner.get_by_role("radio", name="签到").check()  # asks again about the pass in front of the camera
    scanner.locator("#scan-result [data-checks=out]").wait_for()
    assert done in scanner.locator("#scan-result").inner_text()
    assert scanner.get_by_role("button", name="确认签到").count() == 0
    assert scanner.get_by_role("button", name="确认签退").count() == 0
    both_widths(scanner, PHONE, "scanner-after-check-out")
    # So does the gate, when the visitor scans the enterprise's poster once more on the way out.
    visit_id = request_url.rstrip("/").split("/")[-1]
    with database(server_env) as connection:
        visit_id, enterprise_id = connection.execute(
            "SELECT r.visit_id, v.enterprise_id FROM visits_visitrequest r "
            "JOIN visits_visit v ON v.id = r.visit_id WHERE r.id = ?",
            [visit_id],
        ).fetchone()
    assert scanner.request.get(f"{live_url}/visits/poster/{enterprise_id}.pdf").ok  # issues the gate code
    with database(server_env) as connection:
        (code,) = connection.execute(
            "SELECT code FROM visits_enterprisecode WHERE enterprise_id = ?", [enterprise_id]
        ).fetchone()
    phone.goto(f"{live_url}/visits/e/{code}/")
    assert done in phone.locator(".verdict").inner_text()
    assert phone.get_by_role("button", name="确认签到").count() == 0
    assert phone.get_by_role("button", name="确认签退").count() == 0
    both_widths(phone, PHONE, "gate-after-check-out")

    # The enterprise's list offers the rating now, in view on the phone; the rating page says who came.
    scanner.goto(f"{live_url}/visits/mine/")
    row = scanner.locator(f"tr[data-visit='{visit_id}']")
    to_rate = row.get_by_role("link", name="待评价")
    assert to_rate.is_visible()
    box = to_rate.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    both_widths(scanner, PHONE, "visits-to-rate")
    to_rate.click()
    scanner.wait_for_url(f"{live_url}/visits/{visit_id}/rate/")
    who = scanner.locator(".rating-visit").inner_text()
    assert "衡阳市市场监督管理局" in who and "陈志强" in who and "督查检查" in who
    both_widths(scanner, PHONE, "visit-rating")
    for legend in ("总体评价", "工作作风", "必要性", "效率", "廉洁"):
        scanner.locator("fieldset", has_text=legend).get_by_label("4").check()
    scanner.get_by_label("意见建议").fill("检查人员态度好，只是通道问题需要时间整改")
    scanner.get_by_role("button", name="提交评价").click()
    scanner.get_by_text("感谢评价").wait_for()
    assert "已评价" in scanner.locator(f"tr[data-visit='{visit_id}']").inner_text()
    assert scanner.locator(f"tr[data-visit='{visit_id}']").get_by_role("link", name="待评价").count() == 0

    # The unit's pages show no single rating.
    for url in ("/visits/unit-ratings/", request_url, "/visits/"):
        official.goto(url if url.startswith("http") else f"{live_url}{url}")
        assert "只是通道问题需要时间整改" not in official.content()
    official.goto(f"{live_url}/visits/unit-ratings/")
    assert official.get_by_text("评价匿名").is_visible()


def test_a_tampered_and_an_expired_pass_turn_the_scanner_red(live_url, server_env, scanner_page):
    with database(server_env) as connection:
        token = connection.execute(
            "SELECT p.token FROM visits_pass p JOIN visits_visitor v ON v.id = p.visitor_id "
            "JOIN visits_visitrequest r ON r.id = v.request_id JOIN visits_visit t ON t.id = r.visit_id "
            "WHERE t.ends_at < ? ORDER BY t.ends_at DESC LIMIT 1",
            # Ended an hour ago, well past the scanner's minute of leeway: the last test's visit may
            # have ended seconds ago (it ends at 23:59 when CI runs late in the evening).
            [(timezone.now() - timedelta(hours=1)).isoformat(" ")],
        ).fetchone()[0]
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload[:-4]}{'AAAA' if payload[-4:] != 'AAAA' else 'BBBB'}.{signature}"
    for text, reason in ((tampered, "tampered"), (token, "outside_window")):
        checks, attempts = count(server_env, "visits_checkevent"), count(server_env, "visits_scanattempt")
        scanner = scanner_page(live_url, text)
        result = scanner.locator("#scan-result [data-result]")
        result.wait_for()
        assert result.get_attribute("data-result") == reason
        assert "核验未通过" in result.inner_text()
        assert scanner.get_by_role("button", name="确认签到").count() == 0
        screenshot(scanner, f"scanner-red-{reason}")
        assert count(server_env, "visits_checkevent") == checks
        assert count(server_env, "visits_scanattempt") >= attempts + 1
