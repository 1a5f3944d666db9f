"""The admin reads in Chinese for the system administrator: the third-party apps' sections, models and
columns, Django's own newest strings, and the audit log's codes."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yancheng.core import audit, periodic
from yancheng.core.models import AuditEntry, Enterprise
from yancheng.core.roles import Role

# What an administrator saw in English before, on the index and the changelists below.
ENGLISH = [
    "Axes",
    "Access attempts",
    "Access failures",
    "Access logs",
    "Otp_Totp",
    "TOTP device",
    "Tasks Database Backend",
    "Task Result",
    "Attempt Time",
    "User Agent",
    "IP Address",
    "Username",
    "Path",
    "Logout Time",
    "Locked Out",
    "Access lock out",
    "Created at",
    "Last used at",
    "Confirmed",
    "Task name",
    "Enqueued at",
    "Queue name",
    "Priority",
    "Ready",
    "Select an option",
    "Filter by",
    "Search by",
    "login_failed",
    "admin_changed",
    "core.enterprise",
]


@pytest.fixture
def admin_client(client, users):
    """Signed in through the admin's own sign-in page, as a system administrator does."""
    response = client.post(
        reverse("admin:login") + "?next=/admin/", {"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def visible_text(response) -> str:
    assert response.status_code == 200
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_admin_index_and_changelists_are_chinese(admin_client, users, hengyang):
    user = users[Role.LEADER]
    seen = {"username": "leader", "ip_address": "10.0.0.1", "user_agent": "浏览器", "path_info": "/login/"}
    AccessAttempt.objects.create(**seen, http_accept="*/*", get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    periodic.ensure_ticking()  # a task result
    audit.record("login_failed", actor_label="intruder")
    audit.record("admin_changed", Enterprise.objects.first(), actor=users[Role.ADMINISTRATOR])

    pages = {
        "admin:index": ["登录锁定", "登录尝试", "登录日志", "动态口令", "身份验证器", "后台任务"],
        "admin:axes_accessattempt_changelist": ["尝试时间", "浏览器标识", "IP 地址", "路径"],
        "admin:axes_accesslog_changelist": ["退出时间"],
        "admin:axes_accessfailurelog_changelist": ["登录失败记录", "已锁定"],
        "admin:otp_totp_totpdevice_changelist": ["最近使用时间", "已绑定", "手机"],
        "admin:django_tasks_database_dbtaskresult_changelist": ["任务", "入队时间", "队列", "待执行"],
        "admin:auth_user_changelist": ["请选择"],
        "admin:core_auditentry_changelist": ["登录失败", "后台修改", "企业", "按时间筛选"],
    }
    for name, chinese in pages.items():
        text = visible_text(admin_client.get(reverse(name)))
        assert [s for s in ENGLISH if s in text] == [], name
        assert [s for s in chinese if s not in text] == [], name


def test_the_audit_log_filters_by_chinese_names(admin_client, users, hengyang):
    audit.record("login_failed", actor_label="intruder")
    audit.record("admin_changed", Enterprise.objects.first(), actor=users[Role.ADMINISTRATOR])
    url = reverse("admin:core_auditentry_changelist")

    text = visible_text(admin_client.get(url, {"action": "login_failed"}))
    assert "intruder" in text
    assert "登录失败" in text and "login_failed" not in text

    entry = AuditEntry.objects.get(action="admin_changed")
    page = visible_text(admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk])))
    assert "后台修改" in page and "企业" in page
    assert "admin_changed" not in page and "core.enterprise" not in page
