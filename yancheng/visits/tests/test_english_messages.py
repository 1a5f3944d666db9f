"""Messages built in Python (rule refusals, request states) follow the active language: Chinese by
default, English when English is active."""

import re
from datetime import timedelta

from django.utils import timezone, translation

from yancheng.core import workdays
from yancheng.core.models import Notification
from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions as request_actions
from yancheng.enterprise_requests.models import EnterpriseRequest
from yancheng.enterprise_requests.state import derive
from yancheng.visits import actions as visit_actions
from yancheng.visits import rules
from yancheng.visits.choices import Kind, Purpose
from yancheng.visits.passes import PassRejected

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def test_a_rule_refusal_and_a_request_state_come_out_in_english_when_english_is_active(
    users, hengyang, visit_rules
):
    filed_at = timezone.make_aware(timezone.datetime(2030, 1, 7, 9, 30))  # a Monday
    draft = rules.Draft(
        enterprise=hengyang["enterprises"]["a"],
        unit=hengyang["units"]["samr"],
        purpose=Purpose.RESEARCH,
        kind=Kind.PLANNED,
        starts_at=filed_at + timedelta(days=1),
        ends_at=filed_at + timedelta(days=1, hours=2),
        filed_at=filed_at,
    )
    earliest = workdays.add_working_days(timezone.localdate(filed_at), visit_rules.lead_working_days)

    def lead_time():
        return next(v.message for v in rules.check(draft, visit_rules) if v.code == "lead_time")

    now = timezone.now()
    unrouted = EnterpriseRequest(
        accept_deadline=now + timedelta(days=3), reply_deadline=now + timedelta(days=20)
    )
    overdue = EnterpriseRequest(
        unit_id=1,
        accepted_at=now - timedelta(days=20),
        accept_deadline=now - timedelta(days=19),
        reply_deadline=now - timedelta(days=1),
    )

    assert lead_time() == (
        f"计划性访企须至少提前 {visit_rules.lead_working_days} 个工作日申请；"
        f"最早可申请 {earliest:%Y年%m月%d日} 的访企。"
    )
    assert (derive(unrouted, now).label, derive(overdue, now).label) == ("待分派", "已受理，办理中（已超期）")

    with translation.override("en"):
        assert lead_time() == (
            f"Planned visits must be requested at least {visit_rules.lead_working_days} working days ahead; "
            f"the earliest visit date you can request now is {MONTHS[earliest.month - 1]} {earliest.day}, {earliest.year}."
        )
        assert (derive(unrouted, now).label, derive(overdue, now).label) == (
            "Awaiting routing",
            "Accepted, in progress (overdue)",
        )
        assert derive(overdue, now).code == "in_progress"  # codes do not change with the language

    assert derive(unrouted, now).label == "待分派"  # and back to Chinese once English is left


def test_a_refused_pass_says_why_in_the_active_language():
    assert PassRejected("expired").message.startswith("访企时段已过")
    with translation.override("en"):
        assert PassRejected("expired").message == (
            "The visit window has passed and the pass has expired. File a new request to visit again."
        )
        assert all(not CJK.search(PassRejected(code).message) for code in PassRejected.MESSAGES)


def test_notifications_are_written_in_chinese_whatever_the_language_of_who_triggers_them(
    users, hengyang, visit_rules, django_capture_on_commit_callbacks
):
    enterprise_user = users[Role.ENTERPRISE_USER]
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        request_actions.file_request(
            enterprise_user.person.enterprise,
            by=enterprise_user,
            kind="consultation",
            subject="用电报装",
            text="请问报装需要哪些材料？",
            submission_key="english-user-1",
        )
        visit_actions.report_no_pass(
            enterprise_user.person.enterprise,
            by=enterprise_user,
            unit=hengyang["units"]["samr"],
            occurred_at=timezone.now() - timedelta(hours=2),
            visitors_text="两名工作人员",
            description="未出示通行码",
            submission_key="english-user-2",
        )
    titles = Notification.objects.filter(recipient=users[Role.BUSINESS_ENVIRONMENT_OFFICE]).values_list(
        "title", flat=True
    )
    assert sorted(title.split("：")[0] for title in titles) == ["新诉求待分派", "无码入企报告"]
