"""The requests API as the enterprise's app, the responsible units and the office use it."""

import uuid
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yancheng.core import workdays
from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions
from yancheng.enterprise_requests.models import Attachment, EnterpriseRequest, KindDeadline, RoutingRule
from yancheng.enterprise_requests.state import derive
from yancheng.enterprise_requests.tests.conftest import SHANGHAI

URL = "/api/v1/requests"


def call(client, user, method, path, data=None):
    client.force_login(user)
    if method == "GET":
        return client.get(f"{URL}{path}", data)
    return client.post(f"{URL}{path}", data or {}, content_type="application/json")


def same_moment(text: str, expected: datetime) -> bool:
    """The API renders datetimes in UTC to the millisecond (a deadline ends at 23:59:59.999999)."""
    return abs(datetime.fromisoformat(text) - expected) <= timedelta(milliseconds=1)


def filing(**changes):
    return {
        "kind": "demand",
        "subject": "用电增容",
        "text": "新厂房需增容 800 千伏安，请协调供电公司。",
        "submission_key": uuid.uuid4().hex,
        **changes,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def routed(file_request, users, hengyang):
    """A request of enterprise A, routed to the market regulator (samr)."""

    def do(**extra):
        return actions.route(
            file_request(**extra), unit=hengyang["units"]["samr"], by=users[Role.BUSINESS_ENVIRONMENT_OFFICE]
        )

    return do


def test_the_whole_lifecycle_through_the_api(client, at, users, hengyang):
    enterprise, office, official = (
        users[Role.ENTERPRISE_USER],
        users[Role.BUSINESS_ENVIRONMENT_OFFICE],
        users[Role.UNIT_OFFICIAL],
    )
    samr = hengyang["units"]["samr"]
    at(2026, 3, 2, 10)  # a Monday

    filed = call(client, enterprise, "POST", "", filing())
    assert filed.status_code == 201, filed.content
    body = filed.json()
    request_id = body["id"]
    assert body["state"]["code"] == "unrouted" and body["unit"] is None
    assert same_moment(body["state"]["deadlines"]["accept"], datetime(2026, 3, 4, tzinfo=SHANGHAI))
    assert [e["kind"] for e in body["events"]] == ["filed"]

    # The office finds it among the unrouted requests and routes it.
    waiting = call(client, office, "GET", "", {"state": "unrouted"}).json()
    assert [r["id"] for r in waiting["items"]] == [request_id]
    routed = call(client, office, "POST", f"/{request_id}/route", {"unit_id": samr.pk})
    assert routed.status_code == 200, routed.content
    assert routed.json()["state"]["code"] == "awaiting_acceptance" and routed.json()["unit"] == samr.name

    # The unit sees it in its list, accepts it and replies.
    mine = call(client, official, "GET", "", {"unit": samr.pk}).json()
    assert [r["id"] for r in mine["items"]] == [request_id]
    at(2026, 3, 3, 9)
    accepted = call(client, official, "POST", f"/{request_id}/accept").json()
    assert accepted["state"]["code"] == "in_progress"
    assert accepted["state"]["accepted_on_time"] and accepted["state"]["deemed_accepted_at"] is None
    at(2026, 3, 10, 15)
    replied = call(
        client, official, "POST", f"/{request_id}/reply", {"text": "已协调供电公司，下周现场勘查。"}
    )
    assert replied.status_code == 200
    assert replied.json()["state"]["code"] == "replied" and replied.json()["state"]["replied_on_time"]

    # The enterprise is not satisfied and asks for the request to be handled again.
    rated = call(client, enterprise, "POST", f"/{request_id}/rating", {"satisfaction": "not_satisfied"})
    assert rated.json()["state"]["code"] == "closed" and rated.json()["satisfaction_label"] == "不满意"
    now = at(2026, 3, 12, 11)
    reopened = call(client, enterprise, "POST", f"/{request_id}/reopen", {"reason": "勘查一直未安排"})
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    expected = workdays.deadline_after(now, KindDeadline.for_kind("demand").reply_days)
    assert same_moment(body["state"]["deadlines"]["reply"], expected)
    assert (
        body["state"]["code"] == "in_progress"
        and body["state"]["deadline"] == body["state"]["deadlines"]["reply"]
    )
    assert body["replied_at"] is None and body["satisfaction"] == "" and body["reopened_at"] is not None
    assert [e["kind"] for e in body["events"]] == [
        "filed",
        "routed",
        "accepted",
        "replied",
        "rated",
        "reopened",
    ]
    assert body["events"][1]["by"] == "office" and body["events"][-1]["note"] == "勘查一直未安排"

    # The unit replies again; a second reopening is refused with a code.
    call(client, official, "POST", f"/{request_id}/reply", {"text": "已现场勘查，增容方案已批复。"})
    call(client, enterprise, "POST", f"/{request_id}/rating", {"satisfaction": "not_satisfied"})
    again = call(client, enterprise, "POST", f"/{request_id}/reopen", {"reason": "仍不满意"})
    assert again.status_code == 400 and again.json()["code"] == "reopened_once"


def test_the_unit_asks_for_an_extension_and_only_the_office_decides(client, at, users, routed):
    at(2026, 3, 2, 10)
    request = routed()
    official, office = users[Role.UNIT_OFFICIAL], users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    asked = call(client, official, "POST", f"/{request.pk}/extension", {"days": 5, "reason": "需省厅会商"})
    assert asked.status_code == 200
    assert asked.json()["extension"] == {
        "pending": True,
        "days": 5,
        "reason": "需省厅会商",
        "extended_deadline": None,
    }
    refused = call(client, official, "POST", f"/{request.pk}/extension/decision", {"approve": True})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    decided = call(client, office, "POST", f"/{request.pk}/extension/decision", {"approve": True}).json()
    expected = workdays.deadline_after(request.reply_deadline, 5)
    assert same_moment(decided["extension"]["extended_deadline"], expected)
    assert decided["state"]["deadlines"]["effective_reply"] == decided["extension"]["extended_deadline"]
    assert decided["extension"]["pending"] is False and decided["extension"]["reason"] == "需省厅会商"
    twice = call(client, official, "POST", f"/{request.pk}/extension", {"days": 3, "reason": "再延"})
    assert twice.status_code == 400 and twice.json()["code"] == "extended_once"


def test_filing_twice_with_the_same_key_gives_back_the_same_request(client, users):
    data = filing(submission_key="app-retry-0001")
    first = call(client, users[Role.ENTERPRISE_USER], "POST", "", data)
    second = call(client, users[Role.ENTERPRISE_USER], "POST", "", {**data, "subject": "重发"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and second.json()["subject"] == "用电增容"
    assert EnterpriseRequest.objects.count() == 1
    assert [e["kind"] for e in second.json()["events"]] == ["filed"]
    # Someone else's key is neither reused nor revealed.
    other = call(client, users["other_enterprise"], "POST", "", data)
    assert other.status_code == 400 and other.json()["code"] == "submission_key_taken"
    assert "用电增容" not in other.content.decode()
    assert EnterpriseRequest.objects.count() == 1


def test_filing_and_replying_with_attachments(client, users, hengyang, media):
    RoutingRule.objects.create(unit=hengyang["units"]["samr"])
    client.force_login(users[Role.ENTERPRISE_USER])
    files = [
        SimpleUploadedFile("现场照片.jpg", b"\xff\xd8jpeg", content_type="image/jpeg"),
        SimpleUploadedFile("说明.pdf", b"%PDF-1.4", content_type="application/pdf"),
    ]
    response = client.post(f"{URL}/with-attachments", {**filing(), "files": files})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"]["code"] == "awaiting_acceptance"  # routed by the rule
    names = [a["name"] for a in body["attachments"]]
    assert names == ["现场照片.jpg", "说明.pdf"]
    first = Attachment.objects.get(name="现场照片.jpg")
    download = client.get(body["attachments"][0]["url"])  # the link is a page that serves the file
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\xff\xd8jpeg"
    assert first.name in unquote(download["Content-Disposition"])
    assert body["events"][0]["attachments"] == body["attachments"]

    client.force_login(users[Role.UNIT_OFFICIAL])
    client.post(f"{URL}/{body['id']}/accept")
    reply = client.post(
        f"{URL}/{body['id']}/reply/with-attachments",
        {"text": "答复见附件。", "files": [SimpleUploadedFile("答复函.pdf", b"%PDF-1.4")]},
    )
    assert reply.status_code == 200, reply.content
    replied = reply.json()
    assert [a["name"] for a in replied["events"][-1]["attachments"]] == ["答复函.pdf"]
    assert len(replied["attachments"]) == 3

    # Without files the multipart form works too; bad form fields are a 422 with a code.
    client.force_login(users[Role.ENTERPRISE_USER])
    assert client.post(f"{URL}/with-attachments", filing()).status_code == 201
    bad = client.post(f"{URL}/with-attachments", {**filing(), "kind": "nonsense"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_too_many_attachments_are_refused_and_nothing_is_filed(client, users, media):
    client.force_login(users[Role.ENTERPRISE_USER])
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(11)]
    response = client.post(f"{URL}/with-attachments", {**filing(), "files": files})
    assert response.status_code == 400 and response.json()["code"] == "too_many_attachments"
    assert not EnterpriseRequest.objects.exists()


def test_the_kinds_and_their_limits(client, users):
    KindDeadline.objects.create(kind="complaint", accept_days=2, reply_days=10)
    listed = call(client, users[Role.ENTERPRISE_USER], "GET", "/kinds").json()
    assert {k["kind"]: (k["accept_days"], k["reply_days"]) for k in listed} == {
        "demand": (1, 15),
        "complaint": (2, 10),
        "consultation": (1, 5),
        "suggestion": (1, 15),
    }
    assert listed[0]["label"] == "诉求"
    assert KindDeadline.objects.count() == 1  # reading the limits writes nothing


def test_enterprise_b_neither_sees_nor_acts_on_enterprise_a_s_requests(client, users, routed, assert_refused):
    request = routed()
    other = users["other_enterprise"]
    mine = call(client, other, "GET", "").json()
    assert mine == {"count": 0, "items": []}
    foreign, missing = call(client, other, "GET", f"/{request.pk}"), call(client, other, "GET", "/999999")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"code": "not_found", "detail": foreign.json()["detail"]}
    for path, data in [
        ("accept", None),
        ("reply", {"text": "越权答复"}),
        ("rating", {"satisfaction": "satisfied"}),
        ("reopen", {"reason": "越权"}),
        ("transfer", {"unit_id": request.unit_id, "reason": "越权"}),
    ]:
        assert_refused([other], "POST", f"{URL}/{request.pk}/{path}", data)
    # Once replied, the other enterprise still cannot rate or reopen it.
    actions.accept(request, by=users[Role.UNIT_OFFICIAL])
    actions.reply(request, by=users[Role.UNIT_OFFICIAL], text="已办理")
    assert_refused([other], "POST", f"{URL}/{request.pk}/rating", {"satisfaction": "not_satisfied"})


def test_a_unit_sees_only_what_is_routed_to_it(client, users, hengyang, routed, file_request, assert_refused):
    request = routed()
    unrouted = file_request(subject="未分派")
    eco = users["other_official"]
    assert call(client, eco, "GET", "").json()["count"] == 0
    samr_list = call(client, users[Role.UNIT_OFFICIAL], "GET", "").json()
    assert [r["id"] for r in samr_list["items"]] == [request.pk]  # not the unrouted one
    for target in (request, unrouted):
        assert_refused([eco], "GET", f"{URL}/{target.pk}")
        assert_refused([eco], "POST", f"{URL}/{target.pk}/accept")
        assert_refused([eco], "POST", f"{URL}/{target.pk}/reply", {"text": "越权"})
        assert_refused([eco], "POST", f"{URL}/{target.pk}/extension", {"days": 3, "reason": "越权"})
        assert_refused(
            [eco], "POST", f"{URL}/{target.pk}/transfer", {"unit_id": eco.person.unit_id, "reason": "越权"}
        )
    assert_refused([users[Role.UNIT_OFFICIAL]], "GET", f"{URL}/{unrouted.pk}")
    # The unit may not rate or reopen for the enterprise, nor route.
    official = users[Role.UNIT_OFFICIAL]
    assert_refused([official], "POST", f"{URL}/{request.pk}/route", {"unit_id": hengyang["units"]["eco"].pk})
    actions.accept(request, by=official)
    actions.reply(request, by=official, text="已办理")
    assert_refused([official], "POST", f"{URL}/{request.pk}/rating", {"satisfaction": "satisfied"})


def test_a_transfer_hands_the_request_over(client, users, hengyang, routed):
    request = routed()
    official, eco = users[Role.UNIT_OFFICIAL], users["other_official"]
    response = call(
        client,
        official,
        "POST",
        f"/{request.pk}/transfer",
        {"unit_id": hengyang["units"]["eco"].pk, "reason": "属环保职责"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["unit"] == "衡阳市生态环境局"
    assert response.json()["transferred_from"] == "衡阳市市场监督管理局"
    assert call(client, official, "GET", f"/{request.pk}").status_code == 404
    assert call(client, eco, "GET", f"/{request.pk}").json()["state"]["code"] == "awaiting_acceptance"
    assert call(client, eco, "POST", f"/{request.pk}/accept").status_code == 200


def test_only_the_office_routes_and_decides_extensions(
    client, users, hengyang, file_request, routed, assert_refused
):
    unrouted = file_request()
    samr = hengyang["units"]["samr"].pk
    not_office = [
        users[Role.ENTERPRISE_USER],
        users[Role.UNIT_OFFICIAL],
        users[Role.LEADER],
        users[Role.SUPERVISION_OFFICE],
        users[Role.ADMINISTRATOR],
        users[Role.BANK_CLERK],
        users[Role.REGISTRY_OFFICIAL],
        None,
    ]
    assert_refused(not_office, "POST", f"{URL}/{unrouted.pk}/route", {"unit_id": samr})
    request = routed()
    actions.ask_extension(request, by=users[Role.UNIT_OFFICIAL], days=5, reason="需会商")
    assert_refused(not_office, "POST", f"{URL}/{request.pk}/extension/decision", {"approve": True})
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    assert call(client, office, "POST", f"/{unrouted.pk}/route", {"unit_id": samr}).status_code == 200
    twice = call(client, office, "POST", f"/{unrouted.pk}/route", {"unit_id": samr})
    assert twice.status_code == 400 and twice.json()["code"] == "already_routed"
    # The office, the leader and the supervision office read every request.
    for overseer in (office, users[Role.LEADER], users[Role.SUPERVISION_OFFICE]):
        assert call(client, overseer, "GET", "").json()["count"] == 2


def test_banks_and_the_registry_see_nothing(client, users, routed, assert_refused):
    request = routed()
    outsiders = [users[Role.BANK_CLERK], users[Role.REGISTRY_OFFICIAL], users["other_bank"]]
    for outsider in outsiders:
        assert call(client, outsider, "GET", "").json() == {"count": 0, "items": []}
    assert_refused(outsiders + [None], "GET", f"{URL}/{request.pk}")
    for path, data in [
        ("accept", None),
        ("reply", {"text": "x"}),
        ("extension", {"days": 2, "reason": "x"}),
        ("rating", {"satisfaction": "satisfied"}),
        ("reopen", {"reason": "x"}),
    ]:
        assert_refused(outsiders + [None], "POST", f"{URL}/{request.pk}/{path}", data)
    assert_refused(outsiders, "POST", URL, filing())


def test_the_state_follows_the_clock_with_no_worker(client, at, users, routed):
    at(2025, 9, 30, 16)
    request = routed()
    enterprise = users[Role.ENTERPRISE_USER]
    at(2025, 10, 9, 12)  # the last day to accept, after the National Day holiday
    state = call(client, enterprise, "GET", f"/{request.pk}").json()["state"]
    assert state["code"] == "awaiting_acceptance" and not state["accepted"]
    assert state["due_soon"] and state["colour"] == "yellow"
    at(2025, 10, 10, 0, 0, 1)
    state = call(client, enterprise, "GET", f"/{request.pk}").json()["state"]
    assert state["code"] == "in_progress" and state["accepted"] and not state["accepted_on_time"]
    assert same_moment(state["deemed_accepted_at"], request.accept_deadline)
    assert state["label"].startswith("默认受理")
    assert call(client, enterprise, "GET", "", {"state": "in_progress"}).json()["count"] == 1
    assert call(client, enterprise, "GET", "", {"state": "awaiting_acceptance"}).json()["count"] == 0
    # Deemed accepted, so the unit may reply without accepting; but first it runs late.
    late = request.reply_deadline.astimezone(SHANGHAI)
    at(late.year, late.month, late.day + 1, 9)
    state = call(client, enterprise, "GET", f"/{request.pk}").json()["state"]
    assert state["overdue"] and state["colour"] == "red" and state["label"].endswith("（已超期）")
    assert call(client, enterprise, "GET", "", {"overdue": "true"}).json()["count"] == 1
    replied = call(client, users[Role.UNIT_OFFICIAL], "POST", f"/{request.pk}/reply", {"text": "迟到的答复"})
    assert replied.status_code == 200
    assert replied.json()["state"]["replied_on_time"] is False
    assert call(client, enterprise, "GET", "", {"overdue": "true"}).json()["count"] == 0


def test_the_state_filter_agrees_with_the_derived_state(client, at, users, hengyang, file_request, routed):
    at(2026, 3, 2, 10)
    official = users[Role.UNIT_OFFICIAL]
    unrouted = file_request()
    awaiting = routed()
    accepted = routed()
    actions.accept(accepted, by=official)
    replied = routed()
    actions.accept(replied, by=official)
    actions.reply(replied, by=official, text="已办理")
    closed = routed()
    actions.accept(closed, by=official)
    actions.reply(closed, by=official, text="已办理")
    actions.rate(closed, by=users[Role.ENTERPRISE_USER], satisfaction="satisfied")
    extended = routed()
    actions.accept(extended, by=official)
    actions.ask_extension(extended, by=official, days=10, reason="会商")
    actions.decide_extension(extended, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE], approve=True)
    assert {unrouted.pk, awaiting.pk}  # both filed before the acceptance deadline
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    for moment in [(2026, 3, 2, 11), (2026, 3, 4, 9), (2026, 3, 24, 9), (2026, 4, 20, 9)]:
        now = at(*moment)
        everything = list(EnterpriseRequest.objects.all())
        for code in ["unrouted", "awaiting_acceptance", "in_progress", "replied", "closed"]:
            listed = call(client, office, "GET", "", {"state": code, "limit": 200}).json()
            expected = {r.pk for r in everything if derive(r, now).code == code}
            assert {r["id"] for r in listed["items"]} == expected, (moment, code)
        for overdue in (True, False):
            listed = call(client, office, "GET", "", {"overdue": overdue, "limit": 200}).json()
            expected = {r.pk for r in everything if derive(r, now).overdue == overdue}
            assert {r["id"] for r in listed["items"]} == expected, (moment, overdue)


def test_the_list_is_paged_and_filtered_in_the_database(client, at, users, hengyang, file_request, routed):
    at(2026, 3, 2, 10)
    for n in range(5):
        file_request(kind="consultation", subject=f"咨询{n}")
    routed(kind="complaint")
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    page = call(client, office, "GET", "", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 6 and len(page["items"]) == 2
    assert call(client, office, "GET", "", {"kind": "consultation"}).json()["count"] == 5
    assert call(client, office, "GET", "", {"unit": hengyang["units"]["samr"].pk}).json()["count"] == 1
    assert call(client, office, "GET", "", {"offset": 10**6}).json() == {"count": 6, "items": []}


def test_the_list_makes_a_bounded_number_of_queries(
    client, at, users, file_request, routed, django_assert_max_num_queries
):
    at(2026, 3, 2, 10)
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    for _n in range(3):
        routed()
    client.force_login(office)
    client.get(URL)  # the session's first use
    # session, user, roles, person, count, page, the idle-timeout session refresh (3), and one
    # working-calendar query per open request on the page (state.derive → workdays.working_days_left).
    with django_assert_max_num_queries(9 + 3):
        assert client.get(URL).json()["count"] == 3
    for _n in range(20):
        request = routed()
        actions.accept(request, by=users[Role.UNIT_OFFICIAL])
        actions.reply(request, by=users[Role.UNIT_OFFICIAL], text="已办理")
    # Replied requests cost nothing more: no query per row for the enterprise, the unit or the events.
    with django_assert_max_num_queries(9 + 3):
        assert client.get(URL).json()["count"] == 23


def test_bad_input_is_a_4xx_with_a_code(client, users, hengyang, routed):
    request = routed()
    enterprise, office = users[Role.ENTERPRISE_USER], users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    cases = [
        (enterprise, "GET", "/999999", None, 404, "not_found"),
        (enterprise, "GET", f"/{2**70}", None, 422, "invalid"),  # past the column: refused, never looked up
        (enterprise, "GET", "/abc", None, 422, "invalid"),
        (enterprise, "GET", "", {"state": "lost"}, 422, "invalid"),
        (enterprise, "GET", "", {"limit": 0}, 422, "invalid"),
        (enterprise, "GET", "", {"offset": 10**30}, 422, "invalid"),
        (enterprise, "POST", "", filing(kind="nonsense"), 422, "invalid"),
        (enterprise, "POST", "", filing(subject=""), 422, "invalid"),
        (enterprise, "POST", "", filing(submission_key="short"), 422, "invalid"),
        (enterprise, "POST", "", filing(subject="   "), 400, "text_required"),
        (enterprise, "POST", "", filing(text="新厂房\x00增容"), 422, "invalid"),  # PostgreSQL refuses NUL
        (enterprise, "POST", "", filing(visit_id=999999), 404, "not_found"),
        (office, "POST", "", filing(), 403, "forbidden"),
        (office, "POST", f"/{request.pk}/route", {"unit_id": 999999}, 404, "not_found"),
        (office, "POST", f"/{request.pk}/route", {"unit_id": "x"}, 422, "invalid"),
        (office, "POST", f"/{request.pk}/route", {}, 422, "invalid"),
        (
            users[Role.UNIT_OFFICIAL],
            "POST",
            f"/{request.pk}/extension",
            {"days": 0, "reason": "x"},
            400,
            "days",
        ),
        (
            users[Role.UNIT_OFFICIAL],
            "POST",
            f"/{request.pk}/extension",
            {"days": 3, "reason": " "},
            400,
            "reason_required",
        ),
        (users[Role.UNIT_OFFICIAL], "POST", f"/{request.pk}/reply", {"text": " "}, 400, "not_accepted"),
        (enterprise, "POST", f"/{request.pk}/rating", {"satisfaction": "great"}, 422, "invalid"),
        (enterprise, "POST", f"/{request.pk}/rating", {"satisfaction": "satisfied"}, 400, "not_replied"),
        (enterprise, "POST", f"/{request.pk}/reopen", {"reason": "x"}, 400, "not_unsatisfied"),
        (office, "POST", f"/{request.pk}/extension/decision", {"approve": True}, 400, "no_extension"),
    ]
    for user, method, path, data, status, code in cases:
        response = call(client, user, method, path, data)
        assert (response.status_code, response.json()["code"]) == (status, code), (
            path,
            data,
            response.content,
        )
    client.force_login(enterprise)
    broken = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= broken.status_code < 500
