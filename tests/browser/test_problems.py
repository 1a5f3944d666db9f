"""Issue 12's observation-to-close loop in Chromium: an observer scores two sites of the open round on a
375 px phone, one with a photo and a problem seen there; the round's ranking shows both; the problem is
on the project's list; the responsible unit uploads its evidence; the observer who raised it confirms,
and the problem is closed (销号)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_projects import site_photo
from tests.browser.test_requests import fits, signed_in

pytestmark = pytest.mark.browser

ROUND = "2026年11月重大项目现场观摩"  # the demo's round still being scored
WITH_PROBLEM, WITHOUT = "船山药业原料药及制剂生产基地项目", "衡阳县酱卤休闲食品生产基地二期项目"
PROBLEM = "原料药车间东侧临时用电线路私拉乱接，存在触电隐患"


def score(page, site: str, points: int, *, photo=None, problem=False):
    page.locator(".observation-sites li", has_text=site).get_by_role("link", name="评分").click()
    page.get_by_text(site).first.wait_for()
    for field in page.locator(".observation-score-form input[type=number]").all():
        field.fill(str(points))
    if photo:
        page.get_by_label("现场照片（最多 9 张）").set_input_files(photo)
    if problem:
        due = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=14)
        page.get_by_label("现场发现的问题（填写后列入项目问题清单）").fill(PROBLEM)
        page.get_by_label("整改措施").fill("三日内规范敷设临时用电线路，安全员每日巡查")
        page.get_by_label("责任单位").select_option(label="衡阳县人民政府")
        page.get_by_label("完成时限").fill(due.isoformat())
    fits(page)
    page.get_by_role("button", name="提交评分").click()
    page.get_by_text(f"已提交对“{site}”的评分。").wait_for()


def test_a_problem_seen_on_site_is_listed_solved_and_closed(new_page, live_url, tmp_path):
    observer = signed_in(new_page, live_url, "fagaiwei", PHONE)  # the commission's official observes too
    observer.goto(f"{live_url}/observations/")
    observer.get_by_role("link", name=ROUND).click()
    score(observer, WITH_PROBLEM, 78, photo=site_photo(tmp_path), problem=True)
    score(observer, WITHOUT, 91)
    ranking = {
        row.locator("td").nth(1).inner_text(): row.locator("td").nth(3).inner_text()
        for row in observer.locator("table.observation-ranking tbody tr").all()
    }
    assert ranking[WITH_PROBLEM] == ranking[WITHOUT] == "4"  # three leaders before, and this observer
    screenshot(observer, "observation-round-ranking-phone")

    observer.goto(f"{live_url}/projects/?q={WITH_PROBLEM}")
    observer.get_by_role("link", name=WITH_PROBLEM).first.click()
    observer.locator("[data-project-problems]").click()
    listed = observer.locator(".problem-list li", has_text=PROBLEM)
    assert "现场观摩" in listed.inner_text() and "整改中" in listed.inner_text()
    fits(observer)
    problem_url = f"{live_url}{listed.get_by_role('link').get_attribute('href')}"

    unit = signed_in(new_page, live_url, "hengyangxian01", DESKTOP)  # 衡阳县人民政府
    unit.goto(problem_url)
    assert unit.locator("[data-close]").count() == 0  # not the unit's to close
    evidence = tmp_path / "临时用电整改照片.pdf"
    evidence.write_bytes(b"%PDF-1.4 rectified")
    unit.get_by_label("整改材料（照片、批复、记录等，最多 10 个）").set_input_files(str(evidence))
    unit.get_by_label("整改情况").fill("线路已按规范穿管敷设，已组织复查")
    unit.get_by_role("button", name="提交整改材料").click()
    unit.locator(".problem-state", has_text="待确认销号").wait_for()

    observer.goto(problem_url)
    assert "临时用电整改照片.pdf" in observer.locator(".problem-evidence").inner_text()
    observer.get_by_role("button", name="确认整改到位，销号").click()
    observer.locator(".problem-state", has_text="已销号").wait_for()
    assert "确认销号" in observer.locator("body").inner_text()  # in the history, with who and when
    fits(observer)
    screenshot(observer, "problem-closed-phone")
