"""Bad input to the visits API is answered with a 4xx and a code, never a 500: dates without a time zone,
texts longer than their column, another user's submission key, a visitor listed twice."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from yancheng.core.roles import Role
from yancheng.visits.models import NoPassReport, Visit, Visitor, VisitRequest


def post(client, user, path, body):
    client.force_login(user)
    return client.post(f"/api/v1/visits/{path}", body, content_type="application/json")


def visit_body(hengyang, **changes):
    """A triggered inspection by the market regulator's official, two days from now: the rules accept it."""
    start = timezone.localtime() + timedelta(days=2)
    body = {
        "enterprise_uscc": hengyang["enterprises"]["a"].uscc,
        "purpose": "inspection",
        "kind": "triggered",
        "trigger": "complaint",
        "items": "投诉核查",
        "legal_basis": "《中华人民共和国安全生产法》第六十五条",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "visitors": [{"username": "official", "certificate_no": "湘执法430400000001"}],
        "submission_key": uuid4().hex,
    }
    return {**body, **changes}


def report_body(**changes):
    body = {
        "unit_text": "某执法大队",
        "occurred_at": (timezone.localtime() - timedelta(hours=2)).isoformat(),
        "visitors_text": "两名男性",
        "description": "未出示通行码即进入车间检查",
        "submission_key": uuid4().hex,
    }
    return {**body, **changes}


def nothing_filed():
    return not (Visit.objects.exists() or VisitRequest.objects.exists() or Visitor.objects.exists())


def test_a_clean_request_is_filed(client, users, hengyang, visit_rules):
    answer = post(client, users[Role.UNIT_OFFICIAL], "requests", visit_body(hengyang))
    assert answer.status_code == 201, answer.json()


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at": "2027-03-02T09:00:00", "ends_at": "2027-03-02T11:00:00"},  # no time zone
        {"starts_at": "9999-12-31T21:00:00-05:00", "ends_at": "9999-12-31T23:00:00-05:00"},  # overflows UTC
        {"visitors": [{"username": "official", "certificate_no": "湘" * 41}]},  # the column holds 40
        {"items": "安全\x00生产"},  # PostgreSQL refuses NUL
        {"enterprise_uscc": "9143\x00"},  # even in a lookup
    ],
    ids=["naive", "year_9999", "certificate_no", "nul", "nul_in_lookup"],
)
def test_a_request_the_database_could_not_take_is_a_422(client, users, hengyang, visit_rules, changes):
    answer = post(client, users[Role.UNIT_OFFICIAL], "requests", visit_body(hengyang, **changes))
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    assert nothing_filed()


def test_the_longest_certificate_number_the_column_holds_is_kept(client, users, hengyang, visit_rules):
    body = visit_body(hengyang, visitors=[{"username": "official", "certificate_no": "湘" * 40}])
    assert post(client, users[Role.UNIT_OFFICIAL], "requests", body).status_code == 201
    assert Visitor.objects.get().certificate_no == "湘" * 40


def test_a_visitor_listed_twice_is_refused_before_the_database_sees_it(client, users, hengyang, visit_rules):
    twice = [
        {"username": "official", "certificate_no": "A1"},
        {"username": "official", "certificate_no": "A2"},
    ]
    answer = post(client, users[Role.UNIT_OFFICIAL], "requests", visit_body(hengyang, visitors=twice))
    assert answer.status_code == 400 and answer.json()["code"] == "duplicate_visitor"
    assert "official" in answer.json()["detail"]
    assert nothing_filed()


def test_another_users_submission_key_is_refused_and_shows_nothing_of_their_request(
    client, users, hengyang, visit_rules, colleague
):
    key = uuid4().hex
    first = post(client, users[Role.UNIT_OFFICIAL], "requests", visit_body(hengyang, submission_key=key))
    assert first.status_code == 201
    # The same official sending it again gets the same request back.
    again = post(client, users[Role.UNIT_OFFICIAL], "requests", visit_body(hengyang, submission_key=key))
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    theirs = visit_body(hengyang, submission_key=key, visitors=[{"username": "official2"}])
    answer = post(client, colleague, "requests", theirs)
    assert answer.status_code == 400 and answer.json()["code"] == "submission_key_taken"
    assert "id" not in answer.json()
    assert VisitRequest.objects.get().filed_by == users[Role.UNIT_OFFICIAL]


def test_a_planned_visit_more_than_a_year_ahead_is_refused_without_counting_working_days(
    client, users, hengyang, visit_rules, monkeypatch
):
    from yancheng.core import workdays

    def counting(*args, **kwargs):
        raise AssertionError("working days counted up to a date years away")

    monkeypatch.setattr(workdays, "working_days_between", counting)
    body = visit_body(
        hengyang,
        kind="planned",
        trigger=None,
        starts_at="2100-12-31T09:00:00+08:00",
        ends_at="2100-12-31T11:00:00+08:00",
    )
    answer = post(client, users[Role.UNIT_OFFICIAL], "requests", body)
    assert answer.status_code == 400 and answer.json()["code"] == "rules"
    assert [v["code"] for v in answer.json()["violations"]] == ["too_far_ahead"]
    assert "最多提前一年" in answer.json()["detail"]
    assert nothing_filed()


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_at": "2026-11-27T10:00:00"},  # no time zone
        {"occurred_at": "0001-01-01T00:00:00+08:00"},  # overflows UTC
        {"unit_text": "某" * 101},  # the column holds 100
        {"visitors_text": "人" * 201},  # the column holds 200
        {"description": "\x00"},
    ],
    ids=["naive", "year_1", "unit_text", "visitors_text", "nul"],
)
def test_a_no_pass_report_the_database_could_not_take_is_a_422(client, users, changes):
    answer = post(client, users[Role.ENTERPRISE_USER], "no-pass-reports", report_body(**changes))
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    assert not NoPassReport.objects.exists()


def test_a_no_pass_report_at_the_columns_limits_is_kept(client, users):
    body = report_body(unit_text="某" * 100, visitors_text="人" * 200)
    assert post(client, users[Role.ENTERPRISE_USER], "no-pass-reports", body).status_code == 201
    assert len(NoPassReport.objects.get().visitors_text) == 200
