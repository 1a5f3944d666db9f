"""A unit official signs in with the demo data and sees the home page in Chinese, on a PC and a phone."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from yancheng.core.management.commands.load_demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_url, username, password=DEMO_PASSWORD):
    page.goto(f"{live_url}/")
    assert "/account/login/" in page.url  # the platform sends a visitor to sign in first
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_unit_official_signs_in_and_sees_the_home_page_in_chinese(new_page, live_url, size, viewport):
    page = new_page(viewport)
    sign_in(page, live_url, "danwei")
    page.wait_for_url(f"{live_url}/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert page.get_by_text("陈志强，您好").is_visible()
    assert page.get_by_role("heading", name="未读消息").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # Nothing wider than the screen: no sideways scrolling on a 375 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if size == "phone":
        assert not page.get_by_role("link", name="消息").is_visible()  # navigation folds into the menu
        page.locator("label.nav-toggle-label").click()
        assert page.get_by_role("link", name="消息").is_visible()
    else:
        assert page.get_by_role("link", name="消息").is_visible()
    screenshot(page, f"home-unit-official-{size}")


def test_a_wrong_password_is_refused_in_chinese(new_page, live_url):
    page = new_page(PHONE)
    sign_in(page, live_url, "danwei", "not-the-password1")
    assert page.get_by_role("alert").inner_text().startswith("用户名或密码错误")
    assert "/account/login/" in page.url


def test_pages_load_no_asset_from_outside_the_platform(new_page, live_url):
    page = new_page(DESKTOP)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_url, "admin")
    page.wait_for_url(f"{live_url}/")
    page.goto(f"{live_url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui", state="attached")
    assert requested and all(url.startswith(live_url) or url.startswith("data:") for url in requested), (
        requested
    )
    assert not [e for e in errors if "Content Security Policy" in e], errors
