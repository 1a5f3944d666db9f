"""What every page carries: the icon, a refusal whose advice fits who is refused, a menu that leads
with the person's work."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from yancheng.core.navigation import items_for
from yancheng.core.roles import Role


def test_pages_link_an_icon_and_favicon_ico_finds_it(client, users):
    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/yancheng/favicon.svg"' in page
    client.logout()
    # Where browsers look without a link (the admin's pages, tools): sent to the icon, not a 404.
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/yancheng/favicon.svg"
    assert finders.find("yancheng/favicon.svg")  # served by whitenoise once collected


UNIT_ADMIN = "本单位管理员"


@pytest.mark.parametrize(
    ("who", "url", "advice", "not_advice"),
    [
        (Role.ENTERPRISE_USER, "/visits/new/", "请联系市优化办", UNIT_ADMIN),
        (Role.UNIT_OFFICIAL, "/mortgage/queue/", UNIT_ADMIN, "市优化办"),
        (Role.BANK_CLERK, "/visits/new/", UNIT_ADMIN, "市优化办"),
    ],
)
def test_the_403_page_advises_whom_to_ask_by_role(client, users, who, url, advice, not_advice):
    client.force_login(users[who])
    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and advice in page and not_advice not in page


def test_a_person_with_no_unit_or_enterprise_is_told_to_ask_the_platform(client, users):
    user = users[Role.UNIT_OFFICIAL]
    user.person.unit = None
    user.person.save()
    client.force_login(user)
    page = client.get("/mortgage/queue/").content.decode()
    assert "平台系统管理员" in page and UNIT_ADMIN not in page


def test_menus_lead_with_work_and_leaders_have_no_token_page(users):
    labels = {who: [str(item["label"]) for item in items_for(user)] for who, user in users.items()}
    assert "API 令牌" not in labels[Role.LEADER]
    assert labels[Role.LEADER][:3] == ["工作台", "消息", "访企申请"]
    for who in [Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER, Role.BANK_CLERK, Role.BUSINESS_ENVIRONMENT_OFFICE]:
        assert labels[who][-1] == "API 令牌", who  # a tool, after the person's pages
    assert labels[Role.ADMINISTRATOR][-3:] == ["API 令牌", "审计日志", "系统管理"]
