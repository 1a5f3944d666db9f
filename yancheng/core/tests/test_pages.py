"""Pages: a home page per role that shows what is waiting, navigation by role, refusals."""

import pytest

from yancheng.core.models import AuditEntry
from yancheng.core.notify import notify
from yancheng.core.roles import Role

SIGNED_IN_PAGES = ["/", "/inbox/", "/tokens/", "/account/otp/"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_home_page_in_chinese_with_its_navigation(client, users, role):
    user = users[role]
    notify([user], "请于本周五前报送月度进展")
    client.force_login(user)
    html = client.get("/").content.decode()
    # The unread message waits on the home page.
    assert "工作台" in html and "请于本周五前报送月度进展" in html
    assert str(Role(role).label) in html
    assert ("系统管理" in html) == (role == Role.ADMINISTRATOR)


def test_the_enterprise_user_sees_their_enterprise_on_the_home_page(client, users, hengyang):
    client.force_login(users[Role.ENTERPRISE_USER])
    html = client.get("/").content.decode()
    assert hengyang["enterprises"]["a"].name in html and hengyang["enterprises"]["b"].name not in html


def test_the_administrator_sees_failed_logins_on_the_home_page(client, users):
    client.post("/account/login/", {"username": "official", "password": "wrong-password1"})
    client.force_login(users[Role.ADMINISTRATOR])
    html = client.get("/").content.decode()
    assert "近 24 小时安全事件" in html and "official · 登录失败" in html


def test_home_page_queries_do_not_grow_with_the_inbox(client, users, django_assert_max_num_queries):
    user = users[Role.UNIT_OFFICIAL]
    notify([user] * 30, "待办")
    client.force_login(user)
    # 14 for the first wave's panels, one for the projects app's two (this official has no project), and
    # two for the parts waiting to be signed for (their count and the first five).
    with django_assert_max_num_queries(17):
        assert client.get("/").status_code == 200


def test_pages_send_anonymous_visitors_to_the_login_page(assert_refused, db):
    for url in SIGNED_IN_PAGES:
        assert_refused([None], "GET", url)


def test_the_admin_refuses_every_role_but_the_administrator(assert_refused, users):
    others = [users[role] for role in Role if role != Role.ADMINISTRATOR]
    for url in ["/admin/", "/admin/core/enterprise/", "/admin/core/auditentry/"]:
        assert_refused(others, "GET", url)
    assert_refused(
        others, "POST", "/admin/core/calendaroverride/add/", {"day": "2027-02-08", "is_workday": ""}
    )


def test_a_signed_in_person_without_administration_rights_gets_403_not_a_second_login(client, users):
    client.force_login(users[Role.LEADER])
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="permission_denied", actor=users[Role.LEADER]).exists()
    client.force_login(users[Role.ADMINISTRATOR])
    assert client.get("/admin/login/").url == "/admin/"
    client.logout()
    assert client.get("/admin/", follow=True).templates[0].name == "registration/login.html"


def test_one_cannot_read_or_revoke_what_is_not_theirs_through_pages(assert_refused, users):
    from yancheng.core import actions

    clerk = users[Role.BANK_CLERK]
    token, _ = actions.issue_api_token(owner=clerk, by=clerk, name="核心系统")
    (message,) = notify([clerk], "仅本人可见")
    everyone_else = [users[r] for r in Role if r != Role.BANK_CLERK] + [users["other_bank"]]
    assert_refused(everyone_else, "POST", f"/tokens/{token.pk}/revoke/")
    assert_refused(everyone_else, "POST", f"/inbox/{message.pk}/read/")


def test_language_switches_to_english(client, users):
    client.force_login(users[Role.UNIT_OFFICIAL])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "place", "message"),
    [
        (Role.UNIT_OFFICIAL, {}, "请先为此人选择所属单位"),
        (Role.BANK_CLERK, {}, "请先为此人选择所属单位"),
        (Role.ENTERPRISE_USER, {}, "请先为此人选择所属企业"),
        (Role.UNIT_OFFICIAL, {"unit": "samr"}, None),
        (Role.ENTERPRISE_USER, {"enterprise": "a"}, None),
        (Role.LEADER, {}, None),
    ],
)
def test_a_role_that_acts_for_a_unit_or_enterprise_needs_one(hengyang, role, place, message):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from yancheng.core.models import Person, PersonRole

    user = get_user_model().objects.create_user("new-person", password="x" * 12)
    person = Person.objects.create(
        user=user,
        full_name="新同事",
        unit=hengyang["units"][place["unit"]] if "unit" in place else None,
        enterprise=hengyang["enterprises"][place["enterprise"]] if "enterprise" in place else None,
    )
    assignment = PersonRole(person=person, role=role)
    if message is None:
        assignment.full_clean()
    else:
        with pytest.raises(ValidationError, match=message):
            assignment.full_clean()
