"""The loop after filing: approval, passes, check-in both ways, ratings, no-pass reports, and who may see what."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yancheng.core.models import AuditEntry, Notification
from yancheng.core.roles import Role
from yancheng.visits import actions, passes
from yancheng.visits.choices import Direction, RequestStatus, ScanResult
from yancheng.visits.models import (
    CheckEvent,
    EnterpriseCode,
    NoPassReport,
    Pass,
    Rating,
    ScanAttempt,
    Visit,
    VisitRules,
)
from yancheng.visits.queries import quarter_of, unit_rating_summary

SCORES = {"overall": 5, "conduct": 5, "necessity": 4, "efficiency": 4, "integrity": 5, "comment": "规范"}


def check(client, token=None, short_code=None, direction="in", confirm=True):
    body = {"direction": direction, "confirm": confirm}
    body.update({"token": token} if token else {"short_code": short_code})
    return client.post("/api/v1/visits/check", body, content_type="application/json").json()


def test_approval_issues_a_pass_per_visitor_and_tells_the_enterprise(visit_now, users):
    green_pass = visit_now.visitors.get().green_pass
    claims = passes.verify_pass(green_pass.token)
    assert claims["jti"] == str(green_pass.pk) and claims["ent"] == visit_now.visit.enterprise.uscc
    assert Notification.objects.filter(recipient=users[Role.ENTERPRISE_USER], title__contains="来访").exists()
    assert AuditEntry.objects.filter(action="visit_request_approved", object_id=str(visit_now.pk)).exists()


def test_only_the_office_decides_and_a_refusal_needs_a_reason(file, users):
    request = file(starts_at=timezone.now() + timedelta(days=30))
    with pytest.raises(actions.ActionRefused):
        actions.approve_request(request, by=users[Role.UNIT_OFFICIAL])
    with pytest.raises(actions.ActionRefused):
        actions.refuse_request(request, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE], reason=" ")
    refused = actions.refuse_request(
        request, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE], reason="与专项检查重复"
    )
    assert refused.status == RequestStatus.REFUSED and not Pass.objects.exists()
    with pytest.raises(actions.ActionRefused):
        actions.approve_request(refused, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE])


def test_the_enterprise_scans_the_pass_and_a_second_scan_records_nothing_new(client, visit_now, users):
    token = visit_now.visitors.get().green_pass.token
    client.force_login(users[Role.ENTERPRISE_USER])
    judged = check(client, token, confirm=False)
    assert judged["ok"] and not judged["recorded"] and judged["units"] == [visit_now.unit.name]
    assert not CheckEvent.objects.exists()
    first, second = check(client, token), check(client, token)
    assert first["recorded"] and second["recorded"] and first["checked_at"] == second["checked_at"]
    assert CheckEvent.objects.filter(direction=Direction.IN).count() == 1
    out = check(client, token, direction="out")
    assert out["ok"] and CheckEvent.objects.filter(direction=Direction.OUT).count() == 1
    assert ScanAttempt.objects.filter(result=ScanResult.OK).count() == 4


def test_check_out_before_check_in_is_refused(client, visit_now, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    answer = check(client, visit_now.visitors.get().green_pass.token, direction="out")
    assert answer["result"] == "not_checked_in" and not CheckEvent.objects.exists()


def test_the_short_code_works_like_the_qr_code(client, visit_now, users):
    code = visit_now.visitors.get().green_pass.short_code
    client.force_login(users[Role.ENTERPRISE_USER])
    assert check(client, short_code=code.lower().replace("-", " "))["recorded"]
    assert check(client, short_code="nonsense")["result"] == "no_pass"


def test_a_tampered_pass_is_red_and_only_the_attempt_is_recorded(client, visit_now, users):
    token = visit_now.visitors.get().green_pass.token
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-3]}{'AAA' if signature[-3:] != 'AAA' else 'BBB'}"
    client.force_login(users[Role.ENTERPRISE_USER])
    answer = check(client, forged)
    assert not answer["ok"] and answer["result"] == "tampered" and not answer["recorded"]
    assert not CheckEvent.objects.exists()
    assert ScanAttempt.objects.get().result == ScanResult.TAMPERED


def test_an_expired_pass_is_red(client, visit_now, users):
    Visit.objects.filter(pk=visit_now.visit_id).update(
        ends_at=timezone.now() - timedelta(minutes=30), starts_at=timezone.now() - timedelta(hours=3)
    )
    green_pass = visit_now.visitors.get().green_pass
    visit = Visit.objects.get(pk=visit_now.visit_id)
    green_pass.token = passes.sign_pass(
        pass_id=green_pass.pk,
        visit_id=visit.pk,
        visitor_user_id=green_pass.visitor.user_id,
        enterprise_uscc=visit.enterprise.uscc,
        not_before=visit.starts_at,
        expires=visit.ends_at,
    )
    green_pass.save()
    client.force_login(users[Role.ENTERPRISE_USER])
    answer = check(client, green_pass.token)
    assert answer["result"] == "outside_window" and not CheckEvent.objects.exists()


def test_another_enterprise_cannot_check_in_this_pass_nor_learn_whose_visit_it_is(client, visit_now, users):
    green_pass = visit_now.visitors.get().green_pass
    visited = visit_now.visit.enterprise.name
    client.force_login(users["other_enterprise"])
    for answer in (check(client, green_pass.token), check(client, short_code=green_pass.short_code)):
        assert answer["result"] == "other_enterprise" and not CheckEvent.objects.exists()
        assert answer["message"] == "该通行码不是访问本企业的。"
        assert (answer["visitor"], answer["units"], answer["purpose"], answer["starts_at"]) == (
            None,
            [],
            None,
            None,
        )
    page = client.post("/visits/scanner/check/", {"short_code": green_pass.short_code}).content.decode()
    assert "该通行码不是访问本企业的。" in page
    for secret in (str(green_pass.visitor), visit_now.unit.name, visit_now.get_purpose_display(), visited):
        assert secret not in page


def test_a_revoked_pass_is_red(client, visit_now, users):
    # Withdrawn while the visit was still ahead; by the time of the scan its window has come.
    window = Visit.objects.filter(pk=visit_now.visit_id)
    now = timezone.now()
    window.update(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3))
    actions.cancel_request(visit_now, by=users[Role.UNIT_OFFICIAL])
    window.update(starts_at=visit_now.visit.starts_at, ends_at=visit_now.visit.ends_at)
    client.force_login(users[Role.ENTERPRISE_USER])
    answer = check(client, visit_now.visitors.get().green_pass.token)
    assert answer["result"] == "revoked" and not CheckEvent.objects.exists()


def test_the_visitor_scans_the_enterprise_code_to_check_in(client, visit_now, users):
    code = actions.enterprise_code(visit_now.visit.enterprise, by=users[Role.ENTERPRISE_USER]).code
    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(f"/visits/e/{code}/").content.decode()
    assert "通行码有效" in page and "确认签到" in page and not CheckEvent.objects.exists()
    client.post(f"/visits/e/{code}/", {"direction": "in"})
    client.post(f"/visits/e/{code}/", {"direction": "in"})
    assert CheckEvent.objects.get().recorded_by == users[Role.UNIT_OFFICIAL]


def test_a_visitor_cannot_check_in_for_someone_else(client, visit_now, users):
    """Only the signed-in person's own pass counts at the gate; a colleague has none."""
    code = actions.enterprise_code(visit_now.visit.enterprise, by=users[Role.ENTERPRISE_USER]).code
    client.force_login(users["other_official"])
    page = client.post(f"/visits/e/{code}/", {"direction": "in"}).content.decode()
    assert "不能入企" in page and not CheckEvent.objects.exists()
    assert ScanAttempt.objects.get().result == ScanResult.NO_PASS
    # Nor can anyone open another person's pass page.
    assert client.get(f"/visits/passes/{visit_now.visitors.get().green_pass.pk}/").status_code == 404


def test_ratings_open_after_check_out_close_after_the_window_and_come_once(
    client, visit_now, users, visit_rules
):
    enterprise_user = users[Role.ENTERPRISE_USER]
    with pytest.raises(actions.ActionRefused, match="签退"):
        actions.rate_visit(visit_now.visit, by=enterprise_user, scores=SCORES)
    client.force_login(enterprise_user)
    token = visit_now.visitors.get().green_pass.token
    check(client, token)
    check(client, token, direction="out")
    with pytest.raises(actions.ActionRefused):
        actions.rate_visit(visit_now.visit, by=users["other_enterprise"], scores=SCORES)
    assert actions.rate_visit(visit_now.visit, by=enterprise_user, scores=SCORES).overall == 5
    with pytest.raises(actions.ActionRefused, match="重复"):
        actions.rate_visit(visit_now.visit, by=enterprise_user, scores=SCORES)
    Visit.objects.filter(pk=visit_now.visit_id).update(
        ends_at=timezone.now() - timedelta(days=visit_rules.rating_days + 1)
    )
    Rating.objects.all().delete()
    with pytest.raises(actions.ActionRefused, match="截止"):
        actions.rate_visit(Visit.objects.get(pk=visit_now.visit_id), by=enterprise_user, scores=SCORES)


def test_the_unit_sees_averages_only_by_closed_quarter_and_from_the_minimum(
    client, visit_now, users, visit_rules
):
    unit = visit_now.unit
    Rating.objects.create(
        visit=visit_now.visit, rated_by=users[Role.ENTERPRISE_USER], **{**SCORES, "overall": 2}
    )
    official = users[Role.UNIT_OFFICIAL]
    assert not Rating.objects.for_user(official).exists()
    visit_rules.min_ratings_shown = 1
    visit_rules.save()
    # A rating of this quarter is not published yet, even with a minimum of one: the unit could read it as
    # the difference between the page before and after this visit.
    assert all(q["count"] == 0 and q["overall"] is None for q in unit_rating_summary(unit)["quarters"])

    # The same visit on 10 February 2025: the first quarter of 2025 is published once its last visits'
    # rating period (7 days after 31 March, plus the day itself) is over — not on 8 April, on 9 April.
    moment = timezone.make_aware(datetime(2025, 2, 10, 10))
    Visit.objects.filter(pk=visit_now.visit_id).update(starts_at=moment, ends_at=moment + timedelta(hours=2))
    assert visit_rules.rating_days == 7
    still_open = unit_rating_summary(unit, today=date(2025, 4, 8))["quarters"][0]
    assert (still_open["label"], still_open["count"]) == ("2024年第4季度", 0)
    first = unit_rating_summary(unit, today=date(2025, 4, 9))["quarters"][0]
    assert (first["label"], first["count"], first["shown"], first["overall"]) == ("2025年第1季度", 1, True, 2)
    visit_rules.min_ratings_shown = 5
    visit_rules.save()
    first = unit_rating_summary(unit, today=date(2025, 4, 9))["quarters"][0]
    assert (first["shown"], first["overall"]) == (False, None)
    client.force_login(official)
    page = client.get("/visits/unit-ratings/").content.decode()
    shown = unit_rating_summary(unit)["quarters"]  # the four quarters closed by today
    assert all(q["label"] in page for q in shown) and "不满 5 次，不公布" in page and "规范" not in page


def test_quarters_run_from_january_april_july_and_october():
    assert [quarter_of(date(2026, m, 15)).label for m in (2, 5, 8, 11)] == [
        "2026年第1季度",
        "2026年第2季度",
        "2026年第3季度",
        "2026年第4季度",
    ]
    assert quarter_of(date(2026, 11, 27)).last == date(2026, 12, 31)
    assert quarter_of(date(2026, 1, 1)).before() == quarter_of(date(2025, 12, 31))


def report_no_pass(user, key, description="未出示通行码即进入车间检查"):
    """The user's enterprise reports a visit without a pass, three hours ago."""
    return actions.report_no_pass(
        user.person.enterprise,
        by=user,
        unit_text="某执法大队",
        occurred_at=timezone.now() - timedelta(hours=3),
        visitors_text="两名男性",
        description=description,
        submission_key=key,
    )


def test_a_no_pass_report_becomes_a_case_for_the_office(users, django_capture_on_commit_callbacks):
    enterprise_user = users[Role.ENTERPRISE_USER]
    with django_capture_on_commit_callbacks(execute=True):
        report = report_no_pass(enterprise_user, "report-0001")
    again = report_no_pass(enterprise_user, "report-0001")
    assert again.pk == report.pk
    assert Notification.objects.filter(
        recipient=users[Role.BUSINESS_ENVIRONMENT_OFFICE], title__contains="无码入企"
    ).exists()
    with pytest.raises(actions.ActionRefused):
        actions.handle_no_pass(report, by=users[Role.UNIT_OFFICIAL], status="handling", note="x")
    handled = actions.handle_no_pass(
        report, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE], status="closed", note="已约谈该单位负责人"
    )
    assert handled.status == "closed" and handled.steps.get().note == "已约谈该单位负责人"


def test_authorization_matrix_through_the_api(client, visit_now, users, assert_refused):
    url = f"/api/v1/visits/requests/{visit_now.pk}"
    for allowed in (Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER, Role.BUSINESS_ENVIRONMENT_OFFICE, Role.LEADER):
        client.force_login(users[allowed])
        assert client.get(url).status_code == 200, allowed
    # Enterprise B cannot see A's visit, another unit cannot see the market regulator's, nor banks.
    outsiders = [
        users["other_enterprise"],
        users["other_official"],
        users[Role.BANK_CLERK],
        users[Role.REGISTRY_OFFICIAL],
    ]
    assert_refused(outsiders, "GET", url)
    assert_refused(
        outsiders + [users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]], "POST", f"{url}/approve"
    )
    assert_refused(outsiders, "POST", f"/api/v1/visits/{visit_now.visit_id}/rating", SCORES)
    assert_refused(
        [users[Role.UNIT_OFFICIAL], users[Role.BANK_CLERK]],
        "POST",
        "/api/v1/visits/check",
        {"token": visit_now.visitors.get().green_pass.token},
    )


def test_pages_refuse_the_wrong_roles(users, visit_now, assert_refused):
    not_enterprise = [users[r] for r in Role if r != Role.ENTERPRISE_USER]
    for url in ("/visits/scanner/", "/visits/mine/", "/visits/no-pass/new/"):
        assert_refused(not_enterprise + [None], "GET", url)
    assert_refused(
        [users[r] for r in Role if r != Role.BUSINESS_ENVIRONMENT_OFFICE],
        "POST",
        "/visits/rules/",
        {"lead_working_days": 0},
    )
    assert_refused([users[r] for r in Role if r != Role.UNIT_OFFICIAL], "GET", "/visits/new/")
    assert_refused(
        [users["other_official"], users["other_enterprise"]], "GET", f"/visits/requests/{visit_now.pk}/"
    )


def test_the_office_changes_the_rules_and_it_is_audited(client, users, visit_rules):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    form = {
        "lead_working_days": 5,
        "late_filing_hours": 24,
        "cap_per_unit_per_enterprise": 2,
        "cap_per_enterprise": 3,
        "joint_window_days": 7,
        "auto_approve_max_visitors": 4,
        "rating_days": 7,
        "min_ratings_shown": 5,
        "quiet_days_text": "1，15",
    }
    assert client.post("/visits/rules/", form).status_code == 302
    visit_rules.refresh_from_db()
    assert visit_rules.lead_working_days == 5 and visit_rules.quiet_days == [1, 15]
    entry = AuditEntry.objects.get(action="visit_rules_changed")
    assert entry.changes["lead_working_days"] == [3, 5] and entry.changes["cap_per_enterprise"] == [4, 3]


def test_the_rules_in_force_are_the_defaults_until_the_office_saves_and_reading_writes_nothing(client, users):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    page = client.get("/visits/rules/")
    assert page.status_code == 200 and page.context["form"]["lead_working_days"].value() == 3
    assert VisitRules.current().cap_per_enterprise == 4
    assert not VisitRules.objects.exists()


def test_the_gate_poster_is_a_pdf_with_the_enterprise_code(client, users, hengyang):
    client.force_login(users[Role.ENTERPRISE_USER])
    response = client.get(f"/visits/poster/{hengyang['enterprises']['a'].pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/visits/poster/{hengyang['enterprises']['b'].pk}.pdf").status_code == 404


def test_the_request_list_pages_with_a_fixed_number_of_queries(
    client, file, users, django_assert_max_num_queries
):
    for n in range(6):
        file(starts_at=timezone.now() + timedelta(days=2, weeks=n * 9), kind="triggered", trigger="complaint")
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    with django_assert_max_num_queries(12):
        page = client.get("/api/v1/visits/requests?limit=4").json()
    assert page["count"] == 6 and len(page["items"]) == 4
    assert client.get("/api/v1/visits/requests?limit=4&offset=4").json()["items"][0]["id"] not in {
        item["id"] for item in page["items"]
    }


# --- withdrawal ----------------------------------------------------------------------------------


def test_the_filer_withdraws_an_approved_request_before_the_visit_and_its_passes_turn_red(
    client, file, users
):
    official = users[Role.UNIT_OFFICIAL]
    request = actions.approve_request(file(), by=users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    client.force_login(official)
    assert "撤回申请" in client.get(f"/visits/requests/{request.pk}/").content.decode()
    client.post(f"/visits/requests/{request.pk}/decide/", {"decision": "cancel"})
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert Pass.objects.get(visitor__request=request).revoked_at is not None
    assert AuditEntry.objects.filter(action="visit_request_cancelled", object_id=str(request.pk)).exists()


def test_a_visit_that_took_place_cannot_be_withdrawn_to_erase_its_rating(
    client, visit_now, users, visit_rules
):
    enterprise_user, official = users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL]
    client.force_login(enterprise_user)
    token = visit_now.visitors.get().green_pass.token
    check(client, token)
    check(client, token, direction="out")
    actions.rate_visit(visit_now.visit, by=enterprise_user, scores={**SCORES, "overall": 1})
    visit_rules.min_ratings_shown = 1
    visit_rules.save()

    client.force_login(official)
    page = client.get(f"/visits/requests/{visit_now.pk}/").content.decode()
    assert "撤回申请" not in page
    answer = client.post(f"/api/v1/visits/requests/{visit_now.pk}/cancel")
    assert answer.status_code == 400 and answer.json()["code"] == "visit_started"
    refused = client.post(f"/visits/requests/{visit_now.pk}/decide/", {"decision": "cancel"}, follow=True)
    assert "不能撤回" in refused.content.decode()

    visit_now.refresh_from_db()
    assert visit_now.status == RequestStatus.APPROVED
    assert not Pass.objects.filter(revoked_at__isnull=False).exists()
    assert Rating.objects.get(visit=visit_now.visit).overall == 1  # the enterprise's verdict stays


def test_a_visit_under_way_cannot_be_withdrawn_to_hide_a_missed_check_in(visit_now, users):
    with pytest.raises(actions.ActionRefused) as refusal:
        actions.cancel_request(visit_now, by=users[Role.UNIT_OFFICIAL])
    assert refusal.value.code == "visit_started"
    visit_now.refresh_from_db()
    assert visit_now.status == RequestStatus.APPROVED


def test_a_request_cannot_be_withdrawn_once_a_visitor_checked_in_even_before_the_start(
    client, visit_now, users
):
    # Scanners allow a minute of leeway: the visitor may check in just before the window opens.
    Visit.objects.filter(pk=visit_now.visit_id).update(starts_at=timezone.now() + timedelta(seconds=30))
    client.force_login(users[Role.ENTERPRISE_USER])
    assert check(client, short_code=visit_now.visitors.get().green_pass.short_code)["recorded"]
    with pytest.raises(actions.ActionRefused) as refusal:
        actions.cancel_request(visit_now, by=users[Role.UNIT_OFFICIAL])
    assert refusal.value.code == "visit_started"


# --- notifications, poster, keys ------------------------------------------------------------------


def test_every_notification_of_the_loop_leads_to_a_page_its_recipient_can_open(
    client, file, visit_now, users, django_capture_on_commit_callbacks
):
    """visit_now sent the approval notices (filer, visitor, enterprise); add a filing, a refusal and a
    no-pass report."""
    enterprise_user = users[Role.ENTERPRISE_USER]
    with django_capture_on_commit_callbacks(execute=True):
        pending = file(starts_at=timezone.now() + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        actions.refuse_request(pending, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE], reason="与专项检查重复")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_no_pass(enterprise_user, "report-links")
    sent = list(Notification.objects.select_related("recipient"))
    assert {n.recipient for n in sent} == {
        users[Role.UNIT_OFFICIAL],
        enterprise_user,
        users[Role.BUSINESS_ENVIRONMENT_OFFICE],
    }
    assert {n.link for n in sent} == {
        reverse("visits:request", args=[visit_now.pk]),
        reverse("visits:request", args=[pending.pk]),
        reverse("visits:office_no_pass_detail", args=[report.pk]),
    }
    for notification in sent:
        client.force_login(notification.recipient)
        response = client.get(notification.link)
        assert response.status_code == 200, (notification.recipient, notification.title, notification.link)


def test_the_gate_poster_issues_the_enterprise_code_once_and_audits_it(client, users, hengyang):
    enterprise = hengyang["enterprises"]["a"]
    client.force_login(users[Role.ENTERPRISE_USER])
    first = client.get(f"/visits/poster/{enterprise.pk}.pdf")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    code = EnterpriseCode.objects.get(enterprise=enterprise)
    entry = AuditEntry.objects.get(action="enterprise_code_issued")
    assert entry.object_id == str(code.pk) and entry.actor == users[Role.ENTERPRISE_USER]
    # Printed again, by the office: the same code, nothing new written.
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    assert client.get(f"/visits/poster/{enterprise.pk}.pdf").status_code == 200
    assert EnterpriseCode.objects.get().code == code.code
    assert AuditEntry.objects.filter(action="enterprise_code_issued").count() == 1


def test_another_enterprise_reusing_a_no_pass_reports_key_is_refused_not_shown_the_report(client, users):
    a, b = users[Role.ENTERPRISE_USER], users["other_enterprise"]
    mine = report_no_pass(a, "report-0001", "甲企业的报告")
    with pytest.raises(actions.ActionRefused) as refusal:
        report_no_pass(b, "report-0001", "乙企业的报告")
    assert refusal.value.code == "submission_key_taken"
    client.force_login(b)
    answer = client.post(
        "/api/v1/visits/no-pass-reports",
        {
            "unit_text": "某执法大队",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "visitors_text": "两名男性",
            "description": "乙企业的报告",
            "submission_key": "report-0001",
        },
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "submission_key_taken"
    assert "id" not in answer.json()
    assert list(NoPassReport.objects.values_list("pk", "enterprise")) == [(mine.pk, a.person.enterprise_id)]


def test_a_no_pass_report_dated_in_year_1_is_refused_on_the_page(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    form = {"unit_text": "某执法大队", "visitors_text": "两名男性", "description": "未出示通行码"}
    answer = client.post(
        "/visits/no-pass/new/", {**form, "occurred_at": "0001-01-01T00:00", "submission_key": "k" * 20}
    )
    assert answer.status_code == 200 and "发生时间不能早于 2000 年。" in answer.content.decode()
    assert not NoPassReport.objects.exists()


def _local_time(event) -> str:
    return timezone.localtime(event.at, timezone.get_fixed_timezone(8 * 60)).strftime("%H:%M")


def test_the_gate_says_what_already_happened_and_never_offers_a_second_check_in(client, visit_now, users):
    code = actions.enterprise_code(visit_now.visit.enterprise, by=users[Role.ENTERPRISE_USER]).code
    client.force_login(users[Role.UNIT_OFFICIAL])
    client.post(f"/visits/e/{code}/", {"direction": "in"})
    checked_in = CheckEvent.objects.get(direction=Direction.IN)
    again = client.get(f"/visits/e/{code}/").content.decode()  # the poster scanned a second time
    assert f"已签到 {_local_time(checked_in)}" in again
    assert "确认签到" not in again and "确认签退" in again
    client.post(f"/visits/e/{code}/", {"direction": "out"})
    checked_out = CheckEvent.objects.get(direction=Direction.OUT)
    for direction in ("in", "out"):
        after = client.get(f"/visits/e/{code}/?direction={direction}").content.decode()
        assert f"已签到 {_local_time(checked_in)}，已签退 {_local_time(checked_out)}" in after
        assert "确认签到" not in after and "确认签退" not in after
    assert CheckEvent.objects.count() == 2


def test_with_two_passes_here_today_the_gate_keeps_to_the_visit_under_way_and_offers_the_other(
    client, visit_now, approved_visit, users
):
    now = timezone.now()
    later = approved_visit(now - timedelta(minutes=30), now + timedelta(hours=6))  # an all-day check as well
    first, second = visit_now.visitors.get().green_pass, later.visitors.get().green_pass
    code = actions.enterprise_code(visit_now.visit.enterprise, by=users[Role.ENTERPRISE_USER]).code
    client.force_login(users[Role.UNIT_OFFICIAL])
    client.post(f"/visits/e/{code}/", {"direction": "in", "pass": first.pk})
    inside = client.get(f"/visits/e/{code}/").content.decode()  # whichever started first: the visitor is in
    assert "确认签退" in inside and f"?pass={second.pk}" in inside
    client.post(f"/visits/e/{code}/", {"direction": "out", "pass": first.pk})
    assert CheckEvent.objects.filter(green_pass=first).count() == 2

    done = client.get(f"/visits/e/{code}/").content.decode()  # on the way out: the visit just finished
    assert "本次访企已签到并签退" in done and "确认签到" not in done
    assert "您在本企业今天还有其他通行码" in done and f"?pass={second.pk}" in done
    other = client.get(f"/visits/e/{code}/?pass={second.pk}").content.decode()
    assert "通行码有效" in other and "确认签到" in other
    client.post(f"/visits/e/{code}/", {"direction": "in", "pass": second.pk})
    assert CheckEvent.objects.filter(green_pass=second, direction=Direction.IN).exists()
    assert CheckEvent.objects.count() == 3


def test_the_scanner_says_what_already_happened_and_offers_only_the_step_left(client, visit_now, users):
    token = visit_now.visitors.get().green_pass.token
    client.force_login(users[Role.ENTERPRISE_USER])

    def scan(direction="in", confirm=""):
        body = {"token": token, "direction": direction, "confirm": confirm}
        return client.post(reverse("visits:scanner_check"), body).content.decode()

    assert "确认签到" in scan()
    scan(confirm="1")
    checked_in = CheckEvent.objects.get(direction=Direction.IN)
    repeated = scan()  # the camera still sees the pass a few seconds later
    assert f"已签到 {_local_time(checked_in)}" in repeated
    assert "确认签到" not in repeated and "确认签退" in repeated
    scan("out", confirm="1")
    checked_out = CheckEvent.objects.get(direction=Direction.OUT)
    for direction in ("in", "out"):
        after = scan(direction)
        assert f"已签到 {_local_time(checked_in)}，已签退 {_local_time(checked_out)}" in after
        assert "确认签到" not in after and "确认签退" not in after


def test_the_visit_list_offers_a_rating_only_while_rating_is_open(client, visit_now, users, visit_rules):
    """Under way and not checked out: not yet; checked out: 待评价; past the rating period: closed."""
    enterprise_user = users[Role.ENTERPRISE_USER]
    client.force_login(enterprise_user)
    rate_url = reverse("visits:rate", args=[visit_now.visit_id])

    def cell():
        page = client.get(reverse("visits:enterprise_visits")).content.decode()
        row = page.split(f'data-visit="{visit_now.visit_id}"')[1].split("</tr>")[0]
        return row

    assert "待评价" not in cell() and rate_url not in cell() and "签退或时段结束后可评价" in cell()
    page = client.get(rate_url).content.decode()  # typed in anyway: no form that would be refused
    assert "提交评价" not in page and "访企人员签退或访企时段结束后才能评价。" in page
    home = client.get("/").content.decode()
    assert rate_url not in home

    token = visit_now.visitors.get().green_pass.token
    check(client, token)
    check(client, token, direction="out")
    assert "待评价" in cell() and rate_url in cell()
    assert rate_url in client.get("/").content.decode()
    assert "提交评价" in client.get(rate_url).content.decode()

    Visit.objects.filter(pk=visit_now.visit_id).update(
        starts_at=timezone.now() - timedelta(days=visit_rules.rating_days + 2),
        ends_at=timezone.now() - timedelta(days=visit_rules.rating_days + 1),
    )
    assert "评价已截止" in cell() and rate_url not in cell() and "待评价" not in cell()
    assert rate_url not in client.get("/").content.decode()
    page = client.get(rate_url).content.decode()
    assert "提交评价" not in page and "截止" in page


def test_the_rating_page_names_the_units_the_visitors_and_the_purpose(client, visit_now, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    token = visit_now.visitors.get().green_pass.token
    check(client, token)
    check(client, token, direction="out")
    page = client.get(reverse("visits:rate", args=[visit_now.visit_id])).content.decode()
    visitor = visit_now.visitors.get()
    assert visit_now.unit.name in page and "督查检查" in page and f"访企人员：{visitor}" in page
    assert "提交评价" in page


def test_the_approver_reads_the_triggered_visit_s_explanation(client, file, users):
    request = file(
        starts_at=timezone.now() + timedelta(days=2),
        kind="triggered",
        trigger="complaint",
        trigger_note="群众举报夜间违规排放，附现场照片三张",
    )
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    page = client.get(reverse("visits:request", args=[request.pk])).content.decode()
    assert "触发情况说明" in page and "群众举报夜间违规排放，附现场照片三张" in page and "批准" in page


def test_my_passes_list_today_s_first_then_later_ones_and_the_expired_marked_last(
    client, visit_now, users, django_capture_on_commit_callbacks
):
    from yancheng.visits.models import Visitor, VisitRequest

    official = users[Role.UNIT_OFFICIAL]
    now = timezone.now()

    def approved_visit(starts_at):
        visit = Visit.objects.create(
            enterprise=visit_now.visit.enterprise,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            year=starts_at.year,
        )
        request = VisitRequest.objects.create(
            visit=visit,
            unit=visit_now.unit,
            purpose="research",
            kind="planned",
            filed_by=official,
            submission_key=f"k{starts_at:%Y%m%d%H%M%S}",
        )
        Visitor.objects.create(request=request, user=official)
        actions.approve_request(request, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE])
        return Pass.objects.get(visitor__request=request)

    expired = approved_visit(now - timedelta(days=3))
    later = approved_visit(now + timedelta(days=20))
    soon = approved_visit(now + timedelta(days=5))
    today = approved_visit(now)  # under way now
    client.force_login(official)
    page = client.get(reverse("visits:my_passes")).content.decode()
    order = [page.index(f'data-pass="{p.pk}"') for p in (today, soon, later, expired)]
    assert order == sorted(order)
    expired_row = page.split(f'data-pass="{expired.pk}"')[1].split("</li>")[0]
    assert "已过期" in expired_row
    assert "今天" in page.split(f'data-pass="{today.pk}"')[1].split("</li>")[0]
    # The home card: the same order, without the expired one.
    home = client.get("/").content.decode()
    card = [home.index(reverse("visits:pass", args=[p.pk])) for p in (today, soon, later)]
    assert card == sorted(card) and reverse("visits:pass", args=[expired.pk]) not in home
