"""备案监督制 in Chromium: the owner finds, on a 375 px phone, its project's year plan with a version 2
waiting (the demo's); the commission approves it on a PC; the owner's page then shows version 2 as the
baseline, with what changed and why, and the filing form fits the phone."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_requests import fits, signed_in

pytestmark = pytest.mark.browser


def waiting_project(page, live_url) -> str:
    """The address of the owner's project whose plan has a version waiting for approval."""
    page.goto(f"{live_url}/projects/mine/")
    links = {
        page.url.split("/projects/")[0] + a.get_attribute("href")
        for a in page.locator("a[href^='/projects/']").all()
    }
    for url in sorted(u for u in links if u.rstrip("/").split("/")[-1].isdigit()):
        page.goto(url)
        if page.locator("[data-plan] .status-pending").count():
            return url
    raise AssertionError("the demo gives yezhu a year plan waiting for approval")


def test_the_commission_approves_a_filed_plan_and_the_owner_sees_the_new_baseline(new_page, live_url):
    owner = signed_in(new_page, live_url, "yezhu", PHONE)
    project_url = waiting_project(owner, live_url)
    waiting = owner.locator("[data-plan-version]", has=owner.locator(".status-pending"))
    version = waiting.get_attribute("data-plan-version")  # "2026-2"
    assert owner.locator("[data-plan-decide]").count() == 0  # the owner files, the commission decides
    assert waiting.locator("[data-plan-changes] li").count() >= 1  # what the new version changes
    fits(owner)
    screenshot(owner, "plan-waiting-phone")

    commission = signed_in(new_page, live_url, "fagaiwei", DESKTOP)
    commission.goto(project_url)
    commission.locator(f"[data-plan-version='{version}'] [data-plan-approve]").click()
    commission.get_by_text("年度计划已批准，成为现行基线。").wait_for()

    owner.goto(project_url)
    number = version.split("-")[1]
    assert f"第 {number} 版" in owner.locator("[data-baseline]").inner_text()
    assert "现行基线" in owner.locator(f"[data-plan-version='{version}']").inner_text()
    fits(owner)
    owner.locator("[data-plan-new]").click()
    owner.locator("form").filter(has_text="分月计划投资").first.wait_for()
    fits(owner)
    screenshot(owner, "plan-form-phone")
