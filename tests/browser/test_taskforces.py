"""Issue 14's task-force loop in Chromium: a member of the 输变电 task force files the week's check-in
with a blocker on a 375 px phone; three weeks pass on the server's clock and the task force shows 卡壳
with the unit that must solve it named; the task force's leader writes the quarter's assessment of the
member, and the member sees it on their own performance profile."""

import uuid

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_requests import fits, server_clock, signed_in  # noqa: F401  (server_clock: a fixture)

pytestmark = pytest.mark.browser

TASK_FORCE = "输变电产业集群申报国家专项"
UNIT = "衡阳市自然资源和规划局"


def test_a_blocker_left_unsolved_stalls_the_task_force_and_the_leader_assesses_the_member(
    new_page,
    live_url,
    server_clock,  # noqa: F811
):
    blocker = f"高新区输变电产业园用地报批材料退回补正（{uuid.uuid4().hex[:6]}）"
    member = signed_in(new_page, live_url, "fagaiwei", PHONE)
    member.goto(f"{live_url}/taskforces/")
    member.get_by_role("link", name=TASK_FORCE).click()
    task_force_url = member.url
    member.get_by_role("link", name="报送本期进展").click()
    member.get_by_label("本期完成情况").fill("完成国家先进制造业集群申报书初稿，征求成员单位意见。")
    member.get_by_label("下步计划").fill("组织专家评审，修改完善后报省工信厅。")
    member.get_by_label("卡点问题").fill(blocker)
    member.get_by_label("需协调单位").select_option(label=UNIT)
    fits(member)
    screenshot(member, "taskforce-check-in-phone")
    member.get_by_role("button", name="报送").click()
    member.get_by_text("进展已报送。").wait_for()
    assert member.url == task_force_url
    assert member.locator("[data-blocker]", has_text=blocker).is_visible()
    stalled = member.locator("[data-stalls] [data-stall=blocker]", has_text=blocker)
    assert stalled.count() == 0  # just raised: not a stall yet

    # Three weeks on, past the ten working days a blocker may stay open: 卡壳, the unit named.
    server_clock(21 * 24 * 3600)
    member.reload()
    stalled.wait_for()
    assert stalled.locator("[data-stalled-unit]").inner_text() == UNIT
    fits(member)
    screenshot(member, "taskforce-stalled-phone")

    # The task force's leader assesses the member for the quarter.
    leader = signed_in(new_page, live_url, "leader", DESKTOP)
    leader.goto(task_force_url)
    assert leader.locator("[data-stalled]").first.is_visible()
    leader.get_by_role("link", name="欧阳建平").click()
    form = leader.locator("[data-form=assess]")
    form.get_by_label("评价等次").select_option(label="优秀")
    form.get_by_label("评价意见").fill("牵头推进集群申报有力，主动协调用地问题。")
    form.get_by_role("button", name="保存评价").click()
    leader.get_by_text("季度评价已保存。").wait_for()

    # The member sees it on their own profile.
    member.goto(f"{live_url}/taskforces/")
    member.get_by_role("link", name="我的质效画像").click()
    assessment = member.locator("[data-assessment]", has_text="牵头推进集群申报有力")
    assessment.wait_for()
    assert "优秀" in assessment.inner_text() and "周建华" in assessment.inner_text()
    fits(member)
    screenshot(member, "taskforce-profile-phone")
