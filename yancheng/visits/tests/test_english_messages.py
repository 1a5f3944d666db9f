"""Messages built in Python (rule refusals, request states) follow the active language: Chinese by
default, English when English is active."""

import re
from datetime import timedelta

from django.utils import timezone, translation

from yancheng.core import workdays
from yancheng.enterprise_requests.models import EnterpriseRequest
from yancheng.enterprise_requests.state import derive
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
