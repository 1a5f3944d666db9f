"""The request pages: each role's pages work, who may see and do what, and what a list costs in queries."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions, views
from yancheng.enterprise_requests.choices import EventKind
from yancheng.enterprise_requests.models import (
    Attachment,
    EnterpriseRequest,
    KindDeadline,
    LedgerThresholds,
    RoutingRule,
)
from yancheng.enterprise_requests.state import derive
from yancheng.enterprise_requests.tests.conftest import SHANGHAI

OFFICE = Role.BUSINESS_ENVIRONMENT_OFFICE
OUTSIDERS = (Role.BANK_CLERK, Role.REGISTRY_OFFICIAL)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def samr(hengyang):
    return hengyang["units"]["samr"]


@pytest.fixture
def routed(at, file_request, users, samr):
    """A demand of enterprise A, filed Monday 2 March 2026 10:00 and routed to the market regulator."""
    at(2026, 3, 2, 10)
    return actions.route(file_request(), unit=samr, by=users[OFFICE])


def url(name, *args):
    return reverse(f"requests:{name}", args=args)


def upload(name="说明.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fresh(request):
    return EnterpriseRequest.objects.get(pk=request.pk)


# --- the enterprise ---------------------------------------------------------------------------------


def test_the_enterprise_files_with_attachments_and_a_double_submit_makes_one_request(client, users, at):
    at(2026, 3, 2, 10)
    client.force_login(users[Role.ENTERPRISE_USER])
    page = client.get(url("new"))
    assert page.status_code == 200 and "提交诉求" in page.text
    key = page.context["form"]["submission_key"].value()
    body = {
        "kind": "demand",
        "subject": "用电增容",
        "text": "新厂房需增容 800 千伏安。",
        "submission_key": key,
    }
    first = client.post(url("new"), {**body, "attachments": [upload(), upload("照片.jpg", b"jpeg")]})
    second = client.post(url("new"), {**body, "attachments": [upload()]})
    filed = EnterpriseRequest.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("detail", filed.pk)
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["照片.jpg", "说明.pdf"]

    detail = client.get(url("detail", filed.pk))
    assert detail.status_code == 200
    assert 'data-state="unrouted"' in detail.text and "待分派" in detail.text
    assert "2026-03-03 23:59" in detail.text  # the acceptance deadline: end of the next working day
    attachment = Attachment.objects.get(name="说明.pdf")
    assert url("attachment", attachment.pk) in detail.text
    download = client.get(url("attachment", attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in download["Content-Disposition"]

    mine = client.get(url("mine"))
    assert "用电增容" in mine.text and "req-badge" in mine.text


def test_a_form_error_keeps_the_submission_key_and_files_nothing(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    key = uuid.uuid4().hex
    page = client.post(url("new"), {"kind": "demand", "subject": "", "text": "x", "submission_key": key})
    assert page.status_code == 200 and page.context["form"].errors["subject"]
    assert key in page.text and not EnterpriseRequest.objects.exists()
    stale = client.post(url("new"), {"kind": "demand", "subject": "a", "text": "b", "submission_key": "x'"})
    assert "页面已过期" in stale.text and not EnterpriseRequest.objects.exists()


def test_only_the_enterprises_own_visits_can_be_chosen(client, users, hengyang):
    from yancheng.visits.models import Visit

    now = datetime.now(tz=SHANGHAI)
    theirs = Visit.objects.create(
        enterprise=hengyang["enterprises"]["b"],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        year=now.year,
    )
    client.force_login(users[Role.ENTERPRISE_USER])
    body = {"kind": "demand", "subject": "a", "text": "b", "submission_key": uuid.uuid4().hex}
    page = client.post(url("new"), {**body, "visit": theirs.pk})
    assert page.status_code == 200 and page.context["form"].errors["visit"]
    assert not EnterpriseRequest.objects.exists()


# --- the whole loop through the pages -----------------------------------------------------------------


def test_route_accept_extend_reply_rate_and_reopen_through_the_pages(client, at, file_request, users, samr):
    at(2026, 3, 2, 10)
    filed = file_request()
    office, official, enterprise = users[OFFICE], users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]

    client.force_login(office)
    queue = client.get(url("office_queue"))
    assert filed.subject in queue.text and samr.name in queue.text
    home = client.get("/")
    assert 'data-panel="requests-unrouted"' in home.text and filed.subject in home.text
    routed = client.post(url("route", filed.pk), {"unit": samr.pk, "next": url("office_queue")})
    assert routed["Location"] == url("office_queue") and fresh(filed).unit == samr
    assert filed.subject not in client.get(url("office_queue")).text

    client.force_login(official)
    unit_page = client.get(url("unit"))
    assert filed.subject in unit_page.text and 'data-state="awaiting_acceptance"' in unit_page.text
    assert "待受理：1 件" in client.get("/").text
    detail = client.get(url("detail", filed.pk))
    assert "受理" in detail.text and detail.context["can"]["accept"] and not detail.context["can"]["reply"]
    assert client.post(url("accept", filed.pk)).status_code == 302
    assert fresh(filed).accepted_at is not None
    asked = client.post(url("ask_extension", filed.pk), {"days": 3, "reason": "需现场勘查"})
    assert asked.status_code == 302 and fresh(filed).extension_pending

    client.force_login(office)
    extensions = client.get(url("office_extensions"))
    assert "申请延期 3 个工作日：需现场勘查" in extensions.text
    assert 'data-panel="requests-extensions"' in client.get("/").text
    decided = client.post(
        url("decide_extension", filed.pk),
        {"decision": "approve", "note": "", "next": url("office_extensions")},
    )
    assert decided["Location"] == url("office_extensions")
    assert fresh(filed).extended_deadline > fresh(filed).reply_deadline

    client.force_login(official)
    replied = client.post(
        url("reply", filed.pk), {"text": "已协调供电公司，下周施工。", "attachments": [upload("回复函.pdf")]}
    )
    assert replied.status_code == 302 and fresh(filed).replied_at is not None
    again = client.post(url("reply", filed.pk), {"text": "再答复一次"})
    assert again.status_code == 200 and "该诉求已答复。" in again.text  # the refusal, as a form error

    client.force_login(enterprise)
    assert 'data-panel="requests-to-rate"' in client.get("/").text
    detail = client.get(url("detail", filed.pk))
    assert "已协调供电公司" in detail.text and "回复函.pdf" in detail.text and "评价答复" in detail.text
    assert client.post(url("rate", filed.pk), {"satisfaction": "not_satisfied"}).status_code == 302
    detail = client.get(url("detail", filed.pk))
    assert "要求重新办理" in detail.text and detail.context["can"]["reopen"]
    assert client.post(url("reopen", filed.pk), {"reason": "施工时间仍未确定"}).status_code == 302
    reopened = fresh(filed)
    assert reopened.reopened_at and reopened.replied_at is None and not reopened.satisfaction
    detail = client.get(url("detail", filed.pk))
    assert not detail.context["can"]["reopen"] and "重新办理" in detail.text


def test_a_unit_transfers_once_and_the_request_leaves_its_list(client, routed, users, hengyang):
    eco = hengyang["units"]["eco"]
    client.force_login(users[Role.UNIT_OFFICIAL])
    empty_reason = client.post(url("transfer", routed.pk), {"to_unit": eco.pk, "reason": " "})
    assert empty_reason.status_code == 200 and fresh(routed).unit_id == routed.unit_id
    moved = client.post(url("transfer", routed.pk), {"to_unit": eco.pk, "reason": "属生态环境职责"})
    assert moved.status_code == 302 and fresh(routed).unit == eco
    assert client.get(url("detail", routed.pk)).status_code == 404
    client.force_login(users["other_official"])
    detail = client.get(url("detail", routed.pk))
    assert "由衡阳市市场监督管理局转办" in detail.text and not detail.context["can"]["transfer"]
    again = client.post(url("transfer", routed.pk), {"to_unit": routed.unit_id, "reason": "退回"})
    assert again.status_code == 200 and "每件诉求只能转办一次。" in again.text


def test_the_enterprise_sees_deemed_acceptance_once_the_deadline_has_passed(client, routed, at, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    before = client.get(url("detail", routed.pk))
    assert "默认受理" not in before.text
    at(2026, 3, 4, 0, 0, 1)  # the deadline was the end of Tuesday 3 March
    for page in (client.get(url("detail", routed.pk)), client.get(url("mine"))):
        assert "默认受理" in page.text and "2026-03-03 23:59" in page.text
        assert "req-deemed" in page.text
    # The unit may reply at once: acceptance is deemed.
    client.force_login(users[Role.UNIT_OFFICIAL])
    detail = client.get(url("detail", routed.pk))
    assert detail.context["can"]["reply"] and not detail.context["can"]["accept"]


# --- who may see and do what ----------------------------------------------------------------------


def test_another_enterprise_sees_nothing_of_a_request(assert_refused, routed, users):
    actions.accept(routed, by=users[Role.UNIT_OFFICIAL])
    actions.reply(routed, by=users[Role.UNIT_OFFICIAL], text="已办", files=[upload()])
    attachment = Attachment.objects.get()
    outsiders = [users["other_enterprise"], users[Role.BANK_CLERK], users[Role.REGISTRY_OFFICIAL], None]
    assert_refused(outsiders, "GET", url("detail", routed.pk))
    assert_refused(outsiders, "GET", url("attachment", attachment.pk))
    assert_refused([users["other_enterprise"]], "POST", url("rate", routed.pk), {"satisfaction": "satisfied"})
    assert_refused([users["other_enterprise"]], "POST", url("reopen", routed.pk), {"reason": "x"})


def test_a_unit_sees_and_handles_only_what_is_routed_to_it(assert_refused, at, file_request, routed, users):
    unrouted = file_request(subject="未分派")
    other = users["other_official"]
    for name in ("detail", "accept", "reply", "transfer", "ask_extension"):
        method = "GET" if name == "detail" else "POST"
        assert_refused([other], method, url(name, routed.pk))
        assert_refused([users[Role.UNIT_OFFICIAL], other], method, url(name, unrouted.pk))
    # The office and the enterprise see the request but neither accepts nor replies for the unit.
    assert_refused([users[OFFICE], users[Role.ENTERPRISE_USER]], "POST", url("accept", routed.pk))
    assert_refused([users[OFFICE], users[Role.ENTERPRISE_USER]], "POST", url("reply", routed.pk))


def test_the_offices_pages_are_refused_to_everyone_else(assert_refused, routed, users):
    rule = RoutingRule.objects.create(unit=routed.unit, kind="complaint")
    others = [users[role] for role in Role if role != OFFICE] + [users["other_official"], None]
    for name, args in [
        ("office_queue", ()),
        ("office_extensions", ()),
        ("office_deadlines", ()),
        ("office_routing", ()),
        ("office_routing_edit", (rule.pk,)),
        ("office_thresholds", ()),
    ]:
        assert_refused(others, "GET", url(name, *args))
        assert_refused(others, "POST", url(name, *args), {"priority": 1})
    assert_refused(others, "POST", url("route", routed.pk), {"unit": routed.unit_id})
    assert_refused(others, "POST", url("decide_extension", routed.pk), {"decision": "approve"})
    readers_only = [users[role] for role in (Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER, *OUTSIDERS)]
    assert_refused([*readers_only, None], "GET", url("office_all"))


def test_role_pages_are_refused_to_other_roles(assert_refused, users):
    not_enterprise = [users[r] for r in (OFFICE, Role.UNIT_OFFICIAL, Role.LEADER, Role.BANK_CLERK)]
    for name in ("new", "mine"):
        assert_refused([*not_enterprise, None], "GET", url(name))
    not_unit = [users[r] for r in (OFFICE, Role.ENTERPRISE_USER, Role.LEADER, Role.BANK_CLERK)]
    assert_refused([*not_unit, None], "GET", url("unit"))


@pytest.mark.parametrize(
    "name", ["route", "accept", "transfer", "ask_extension", "reply", "decide_extension"]
)
def test_a_get_changes_nothing(client, routed, users, name):
    user = {"route": OFFICE, "decide_extension": OFFICE}.get(name, Role.UNIT_OFFICIAL)
    client.force_login(users[user])
    events = routed.events.count()
    assert client.get(url(name, routed.pk)).status_code == 405
    assert routed.events.count() == events and fresh(routed).accepted_at is None


def test_overseers_read_every_request_without_the_forms(client, routed, users):
    for role in (Role.LEADER, Role.SUPERVISION_OFFICE, Role.ADMINISTRATOR):
        client.force_login(users[role])
        assert routed.subject in client.get(url("office_all")).text
        detail = client.get(url("detail", routed.pk))
        assert detail.status_code == 200 and not any(detail.context["can"].values())


# --- lists: filters agree with state.derive, and query budgets -----------------------------------------


def _spread(at, file_request, users, samr, hengyang):
    """Requests in every state, filed at different moments of March 2026."""
    official, office = users[Role.UNIT_OFFICIAL], users[OFFICE]
    made = []
    for day in (2, 3, 4, 5, 9, 10):
        at(2026, 3, day, 10)
        made.append(file_request(kind="consultation", subject=f"未分派 {day}"))
        routed = actions.route(file_request(subject=f"已分派 {day}"), unit=samr, by=office)
        made.append(routed)
        accepted = actions.route(file_request(kind="consultation"), unit=samr, by=office)
        actions.accept(accepted, by=official)
        made.append(accepted)
        if day in (2, 4):
            actions.reply(accepted, by=official, text="答复")
        if day == 2:
            actions.rate(accepted, by=users[Role.ENTERPRISE_USER], satisfaction="satisfied")
        if day == 3:
            actions.ask_extension(accepted, by=official, days=2, reason="需协调")
        if day == 5:
            actions.accept(routed, by=official)
    return made


@pytest.mark.parametrize("moment", [(2026, 3, 10, 15), (2026, 3, 12, 9), (2026, 3, 20, 9), (2026, 4, 1, 9)])
def test_the_state_filters_agree_with_derive(at, file_request, users, samr, hengyang, moment):
    _spread(at, file_request, users, samr, hengyang)
    now = at(*moment)
    rows = list(EnterpriseRequest.objects.all())
    states = {r.pk: derive(r, now) for r in rows}
    expected = {
        "open": {pk for pk, s in states.items() if not s.replied},
        "unrouted": {pk for pk, s in states.items() if s.code == "unrouted"},
        "awaiting_acceptance": {pk for pk, s in states.items() if s.code == "awaiting_acceptance"},
        "in_progress": {pk for pk, s in states.items() if s.code == "in_progress"},
        "deemed": {pk for pk, s in states.items() if s.deemed_accepted_at},
        "due_soon": {pk for pk, s in states.items() if s.code == "in_progress" and s.due_soon},
        "overdue": {pk for pk, s in states.items() if s.overdue},
        "replied": {pk for pk, s in states.items() if s.code == "replied"},
        "closed": {pk for pk, s in states.items() if s.code == "closed"},
    }
    assert expected["overdue"] or expected["due_soon"] or expected["awaiting_acceptance"]
    for code, pks in expected.items():
        found = set(
            views.with_deadlines(EnterpriseRequest.objects.all())
            .filter(views.state_q(code, now))
            .values_list("pk", flat=True)
        )
        assert found == pks, code
    assert [r.derived for r in views.with_states(rows, now)] == [states[r.pk] for r in rows]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (Role.ENTERPRISE_USER, "mine"),
        (Role.UNIT_OFFICIAL, "unit"),
        (OFFICE, "office_queue"),
        (OFFICE, "office_all"),
        (OFFICE, "office_extensions"),
        (Role.LEADER, "office_all"),
    ],
)
def test_list_pages_cost_the_same_queries_for_2_or_12_requests(
    client, at, file_request, users, samr, role, name, django_assert_max_num_queries
):
    official, office = users[Role.UNIT_OFFICIAL], users[OFFICE]

    def add(n):
        for i in range(n):
            at(2026, 3, 2 + i % 5, 10)  # different deadlines, so the calendar is read for many dates
            request = file_request(subject=f"诉求 {i}")
            if name != "office_queue":
                actions.route(request, unit=samr, by=office)
                actions.accept(request, by=official)
                actions.ask_extension(request, by=official, days=2, reason="需协调")
        at(2026, 3, 9, 9)

    client.force_login(users[role])
    page = url(name)
    add(2)
    client.get(page)  # warm the session and the role cache alike for both counts
    few = _queries(client, page)
    add(10)
    many = _queries(client, page)
    assert many == few, f"{name}: {few} queries for 2 requests, {many} for 12"
    with django_assert_max_num_queries(14):
        client.get(page)


def test_the_detail_page_costs_the_same_queries_for_a_long_history(
    client, routed, users, django_assert_max_num_queries
):
    client.force_login(users[Role.ENTERPRISE_USER])
    client.get(url("detail", routed.pk))
    few = _queries(client, url("detail", routed.pk))
    official = users[Role.UNIT_OFFICIAL]
    actions.accept(routed, by=official)
    actions.ask_extension(routed, by=official, days=2, reason="需协调")
    actions.decide_extension(routed, by=users[OFFICE], approve=True)
    actions.reply(routed, by=official, text="已办", files=[upload(), upload("b.pdf")])
    many = _queries(client, url("detail", routed.pk))
    assert many <= few + 1  # + the events' attachments, now that there are some


# --- the home panels ------------------------------------------------------------------------------


def test_home_panels_by_role(client, routed, users, at):
    client.force_login(users[Role.UNIT_OFFICIAL])
    home = client.get("/")
    assert 'data-panel="requests-unit"' in home.text and "待受理：1 件" in home.text
    at(2026, 3, 4, 9)  # deemed accepted; the reply is due on 23 March
    at(2026, 3, 23, 9)
    home = client.get("/")
    assert "答复即将到期：1 件" in home.text and "已超期未答复：0 件" in home.text
    at(2026, 3, 24, 9)
    assert "已超期未答复：1 件" in client.get("/").text
    client.force_login(users[Role.ENTERPRISE_USER])
    assert 'data-panel="requests-to-rate"' in client.get("/").text
    client.force_login(users[Role.BANK_CLERK])
    assert 'data-panel="requests' not in client.get("/").text


# --- settings: audited, and a GET writes nothing ---------------------------------------------------


def test_the_office_edits_the_limits_and_the_change_is_audited(client, users):
    client.force_login(users[OFFICE])
    page = client.get(url("office_deadlines"))
    assert page.status_code == 200 and not KindDeadline.objects.exists()  # reading wrote nothing
    body = {"demand_accept": 1, "demand_reply": 15, "complaint_accept": 2, "complaint_reply": 10}
    body |= {
        "consultation_accept": 1,
        "consultation_reply": 5,
        "suggestion_accept": 1,
        "suggestion_reply": 15,
    }
    bad = client.post(url("office_deadlines"), {**body, "complaint_reply": 1})
    assert bad.status_code == 200 and "答复时限不能短于受理时限" in bad.text
    assert client.post(url("office_deadlines"), body).status_code == 302
    assert KindDeadline.objects.get(kind="complaint").reply_days == 10
    entry = AuditEntry.objects.get(action="request_deadlines_changed", object_repr__startswith="投诉")
    assert entry.changes == {"accept_days": [None, 2], "reply_days": [None, 10]}
    client.post(url("office_deadlines"), {**body, "complaint_reply": 12})
    latest = AuditEntry.objects.filter(action="request_deadlines_changed").order_by("-pk").first()
    assert latest.changes == {"reply_days": [10, 12]}


def test_routing_rules_are_added_changed_and_deleted_with_an_audit_trail(
    client, users, hengyang, at, file_request
):
    samr, eco = hengyang["units"]["samr"], hengyang["units"]["eco"]
    client.force_login(users[OFFICE])
    added = client.post(url("office_routing"), {"priority": 10, "kind": "complaint", "unit": samr.pk})
    assert added.status_code == 302
    rule = RoutingRule.objects.get()
    assert AuditEntry.objects.filter(action="routing_rule_created", object_id=str(rule.pk)).exists()
    assert samr.name in client.get(url("office_routing")).text
    changed = client.post(
        url("office_routing_edit", rule.pk),
        {"priority": 10, "kind": "complaint", "region": hengyang["regions"]["zhuhui"].pk, "unit": eco.pk},
    )
    assert changed.status_code == 302
    entry = AuditEntry.objects.get(action="routing_rule_changed")
    assert entry.changes["unit_id"] == [samr.pk, eco.pk] and "region_id" in entry.changes
    assert file_request(kind="complaint").unit == eco  # the rule routes the next complaint
    client.post(url("office_routing_edit", rule.pk), {"delete": "1"})
    assert not RoutingRule.objects.exists()
    assert AuditEntry.objects.filter(action="routing_rule_deleted", object_id=str(rule.pk)).exists()


def test_the_thresholds_are_edited_as_percentages_with_old_and_new_values(client, users):
    client.force_login(users[OFFICE])
    shown = client.get(url("office_thresholds"))
    assert shown.status_code == 200 and not LedgerThresholds.objects.exists()
    assert 'name="min_checkin_compliance" value="90"' in shown.text  # the default 0.9, as people say it
    body = {
        "min_checkin_compliance": "95",
        "min_average_rating": "4.2",
        "max_no_pass_reports": 1,
        "min_accept_on_time": "90",
        "min_reply_on_time": "90",
        "min_satisfaction": "80",
    }
    assert client.post(url("office_thresholds"), {**body, "min_satisfaction": "120"}).status_code == 200
    assert not LedgerThresholds.objects.exists()
    assert client.post(url("office_thresholds"), body).status_code == 302
    assert str(LedgerThresholds.current().min_checkin_compliance) == "0.950"
    client.post(url("office_thresholds"), {**body, "min_satisfaction": "85.5"})
    entry = AuditEntry.objects.filter(action="ledger_thresholds_changed").order_by("-pk").first()
    assert entry.changes == {"min_satisfaction": ["0.800", "0.855"]}
    assert 'value="85.5"' in client.get(url("office_thresholds")).text


def test_the_history_lists_every_step(client, routed, users):
    actions.accept(routed, by=users[Role.UNIT_OFFICIAL])
    client.force_login(users[Role.ENTERPRISE_USER])
    detail = client.get(url("detail", routed.pk))
    kinds = [e.kind for e in detail.context["events"]]
    assert kinds == [EventKind.FILED, EventKind.ROUTED, EventKind.ACCEPTED]
    assert "分派至衡阳市市场监督管理局" in detail.text


def test_after_routing_the_office_is_not_shown_the_unit_s_transfer_form(client, routed, users):
    client.force_login(users[OFFICE])
    office_view = client.get(url("detail", routed.pk))
    assert not office_view.context["can"]["transfer"] and url("transfer", routed.pk) not in office_view.text
    client.force_login(users[Role.UNIT_OFFICIAL])
    unit_view = client.get(url("detail", routed.pk))
    assert unit_view.context["can"]["transfer"] and url("transfer", routed.pk) in unit_view.text


def test_a_form_sent_back_with_an_error_says_its_attachments_must_be_chosen_again(client, routed, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    body = {"kind": "demand", "subject": "", "text": "x", "submission_key": uuid.uuid4().hex}
    page = client.post(url("new"), {**body, "attachments": [upload("增容方案.pdf")]})
    assert page.status_code == 200 and "增容方案.pdf" in page.text and "请改正后重新选择附件" in page.text
    plain = client.post(url("new"), body)  # nothing chosen, nothing to choose again
    assert "重新选择附件" not in plain.text
    # The unit's reply loses its file the same way, and says so: refused by the action (the request
    # is not accepted yet) or by the form (no text).
    client.force_login(users[Role.UNIT_OFFICIAL])
    early = client.post(url("reply", routed.pk), {"text": "已办理", "attachments": [upload("答复函.pdf")]})
    assert "答复函.pdf" in early.text and "请改正后重新选择附件" in early.text
    actions.accept(routed, by=users[Role.UNIT_OFFICIAL])
    empty = client.post(url("reply", routed.pk), {"text": "", "attachments": [upload("答复函.pdf")]})
    assert "答复函.pdf" in empty.text and "请改正后重新选择附件" in empty.text
    assert not Attachment.objects.filter(name="答复函.pdf").exists()
