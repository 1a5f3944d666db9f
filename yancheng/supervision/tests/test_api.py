"""The supervision API, as each party calls it: assign, dispatch and receipts, sign, report, request
the close with evidence, close; refusals with their codes; a unit never sees another's item."""

import pytest

from yancheng.core.roles import Role
from yancheng.supervision.models import Item

from .conftest import evidence_file

URL = "/api/v1/supervision"

pytestmark = pytest.mark.django_db


def call(client, user, method, path, data=None, **extra):
    client.logout()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(f"{URL}{path}", data or {})
    if extra.get("multipart"):
        return client.post(f"{URL}{path}", data or {})
    return client.post(f"{URL}{path}", data or {}, content_type="application/json")


def test_the_item_flow_through_the_api(client, at, users, hengyang):
    at(2026, 12, 1, 9)
    units = hengyang["units"]
    office, samr, eco = users[Role.SUPERVISION_OFFICE], users[Role.UNIT_OFFICIAL], users["other_official"]
    body = {"title": "年报催报", "content": "督促市场主体按时年报。", "source": "meeting", "due_on": "2026-12-18",
            "cadence": "weekly", "lead": {"unit_id": units["samr"].pk, "task": "牵头"},
            "cooperating": [{"unit_id": units["eco"].pk, "task": "配合"}], "submission_key": "api-item-1"}  # fmt: skip
    made = call(client, office, "POST", "/", body)
    assert made.status_code == 200, made.content
    pk = made.json()["id"]
    assert made.json()["light"] == "green" and [a["kind"] for a in made.json()["assignments"]] == [
        "lead",
        "cooperating",
    ]
    assert call(client, office, "POST", "/", body).json()["id"] == pk
    refused = call(client, samr, "POST", "/", {**body, "submission_key": "api-item-2"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    late = call(client, office, "POST", "/", {**body, "due_on": "2026-11-30", "submission_key": "api-item-3"})
    assert late.status_code == 400 and late.json()["code"] == "due"
    assert Item.objects.count() == 1

    read = call(client, samr, "GET", f"/{pk}")
    assert read.json()["assignments"][0]["read_at"] is not None
    assert (
        call(client, samr, "POST", f"/{pk}/report", {"text": "已催报"}, multipart=True).json()["code"]
        == "unsigned"
    )
    signed = call(client, samr, "POST", f"/{pk}/sign")
    assert signed.json()["state"] == "in_progress"
    reported = call(
        client,
        samr,
        "POST",
        f"/{pk}/report",
        {"text": "已催报 800 户", "files": [evidence_file("台账.xlsx")]},
        multipart=True,
    )
    assert reported.json()["assignments"][0]["last_report_at"] is not None
    no_evidence = call(client, samr, "POST", f"/{pk}/request-close", {"summary": "完成"}, multipart=True)
    assert no_evidence.status_code == 400 and no_evidence.json()["code"] == "no_evidence"
    requested = call(
        client,
        samr,
        "POST",
        f"/{pk}/request-close",
        {"summary": "完成", "files": [evidence_file()]},
        multipart=True,
    )
    assert requested.json()["state"] == "close_requested"
    assert call(client, eco, "POST", f"/{pk}/close").status_code == 403
    returned = call(client, office, "POST", f"/{pk}/return", {"reason": "缺少台账"})
    assert returned.json()["state"] == "in_progress"
    call(
        client,
        samr,
        "POST",
        f"/{pk}/request-close",
        {"summary": "补齐", "files": [evidence_file()]},
        multipart=True,
    )
    assert call(client, office, "POST", f"/{pk}/close").json()["state"] == "closed"


def test_dispatch_and_receipts_through_the_api(client, at, users, counties, hengyang):
    at(2026, 12, 1, 9)
    leader = users[Role.LEADER]
    ids = [unit.pk for unit, _o in counties.values()]
    body = {"title": "迎峰度冬", "content": "保障用电。", "source": "instruction", "due_on": "2026-12-20",
            "cadence": "weekly", "unit_ids": ids, "recipients": "全部县市区政府", "submission_key": "api-dispatch-1"}  # fmt: skip
    sent = call(client, leader, "POST", "/dispatches", body)
    assert sent.status_code == 200, sent.content
    assert (sent.json()["units"], sent.json()["signed"]) == (3, 0)
    unit, official = counties["430421"]
    item = Item.objects.get(dispatch_id=sent.json()["id"], lead_unit=unit)
    call(client, official, "POST", f"/{item.pk}/sign")
    receipts = call(client, leader, "GET", f"/dispatches/{sent.json()['id']}")
    assert (receipts.json()["read"], receipts.json()["signed"]) == (1, 1)
    reminded = call(client, leader, "POST", f"/dispatches/{sent.json()['id']}/remind")
    assert sum(a["reminded_at"] is not None for a in reminded.json()["assignments"]) == 2
    assert call(client, official, "GET", f"/dispatches/{sent.json()['id']}").status_code == 404
    unknown = call(
        client,
        leader,
        "POST",
        "/dispatches",
        {**body, "unit_ids": [*ids, 999999], "submission_key": "api-dispatch-2"},
    )
    assert unknown.status_code == 404
    # A unit sees its own item only, in the list and one by one.
    listed = call(client, official, "GET", "/").json()
    assert [i["id"] for i in listed["items"]] == [item.pk]
    other = Item.objects.exclude(lead_unit=unit).first()
    assert call(client, official, "GET", f"/{other.pk}").status_code == 404
    assert call(client, official, "GET", "/", {"light": "green"}).json()["count"] == 1
    assert call(client, leader, "GET", "/", {"dispatch": sent.json()["id"]}).json()["count"] == 3
