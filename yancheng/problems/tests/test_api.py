"""The problems API, as each party calls it."""

import pytest

from yancheng.core.roles import Role
from yancheng.problems.models import Problem

from .conftest import evidence_file

URL = "/api/v1/problems"

pytestmark = pytest.mark.django_db


def call(client, user, method, path, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(f"{URL}{path}", data or {})
    return client.post(f"{URL}{path}", data or {}, content_type="application/json")


def test_raise_resolve_close_and_reopen_through_the_api(client, at, make_project, ledger, users):
    project = make_project()
    body = {"project_id": project.pk, "description": "临时用地手续未办", "measures": "自然资源局容缺办理",
            "unit_id": ledger["units"]["eco"].pk, "due_on": "2026-12-18", "submission_key": "api-problem-01"}  # fmt: skip
    leader, eco = users[Role.LEADER], users["other_official"]
    raised = call(client, leader, "POST", "/", body)
    assert raised.status_code == 200, raised.content
    assert (raised.json()["state"], raised.json()["source"]) == ("open", "leader")
    pk = raised.json()["id"]
    assert call(client, leader, "POST", "/", body).json()["id"] == pk  # once
    assert (
        call(
            client, leader, "POST", "/", {**body, "due_on": "2026-11-01", "submission_key": "api-problem-02"}
        ).status_code
        == 400
    )
    assert (
        call(
            client, users["other_enterprise"], "POST", "/", {**body, "submission_key": "api-problem-03"}
        ).status_code
        == 403
    )
    client.force_login(eco)
    empty = client.post(f"{URL}/{pk}/resolve", {"note": "已办"})
    assert empty.status_code == 400 and empty.json()["code"] == "no_evidence"
    resolved = client.post(f"{URL}/{pk}/resolve", {"note": "已办", "files": [evidence_file("批复.pdf")]})
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    assert [e["name"] for e in resolved.json()["evidence"]] == ["批复.pdf"]
    assert call(client, eco, "POST", f"/{pk}/close").status_code == 403
    assert call(client, leader, "POST", f"/{pk}/close").json()["state"] == "closed"
    reopened = call(client, leader, "POST", f"/{pk}/reopen", {"reason": "反弹", "due_on": "2026-12-30"})
    assert reopened.json()["reopened"] is True and reopened.json()["due_on"] == "2026-12-30"
    assert Problem.objects.count() == 1


def test_the_lists_filter_and_keep_to_the_callers_scope(client, at, make_project, problem, users, ledger):
    mine, theirs = make_project(), make_project(enterprise="b", region="leiyang")
    problem(mine)
    problem(theirs, by=users[Role.LEADER], unit="samr")
    owner = users[Role.ENTERPRISE_USER]
    assert call(client, owner, "GET", "/").json()["count"] == 1
    assert call(client, users[Role.LEADER], "GET", "/").json()["count"] == 2
    county = call(client, users[Role.LEADER], "GET", "/", {"region": ledger["regions"]["leiyang"].pk}).json()
    assert [p["project_id"] for p in county["items"]] == [theirs.pk]
    other = Problem.objects.get(project=theirs)
    assert call(client, owner, "GET", f"/{other.pk}").status_code == 404
    assert call(client, owner, "POST", f"/{other.pk}/close").status_code == 404
