"""The commitments API, as each party calls it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yancheng.commitments import actions
from yancheng.commitments.models import Commitment
from yancheng.core.roles import Role

URL = "/api/v1/commitments"

pytestmark = pytest.mark.django_db


def call(client, user, method, path, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(f"{URL}{path}", data or {})
    return client.post(f"{URL}{path}", data or {}, content_type="application/json")


def test_record_read_confirm_and_rates(client, at, make_project, ledger, users):
    project = make_project()
    body = {"project_id": project.pk, "kind": "road", "content": "建成进场道路", "unit_id": ledger["units"]["eco"].pk,
            "working_days": 3, "submission_key": "api-key-0001"}  # fmt: skip
    made = call(client, users[Role.LEADER], "POST", "/", body)
    assert made.status_code == 200, made.content
    assert made.json()["due_on"] == "2026-12-07" and made.json()["state"] == "open"
    assert call(client, users[Role.LEADER], "POST", "/", body).json()["id"] == made.json()["id"]  # once
    both = call(
        client,
        users[Role.LEADER],
        "POST",
        "/",
        {**body, "due_on": "2026-12-31", "submission_key": "api-key-2"},
    )
    assert both.status_code == 400
    commitment = Commitment.objects.get()
    pdf = SimpleUploadedFile("验收.pdf", b"%PDF-1.4", content_type="application/pdf")
    actions.fulfil(commitment, by=users["other_official"], files=[pdf])
    owner = users[Role.ENTERPRISE_USER]
    assert call(client, owner, "GET", "/").json()["count"] == 1
    answer = call(client, owner, "POST", f"/{commitment.pk}/confirm")
    assert answer.json()["state"] == "confirmed" and answer.json()["evidence"][0]["name"] == "验收.pdf"
    rates = call(client, users[Role.LEADER], "GET", "/rates", {"by": "unit"}).json()
    assert rates == [{"key": ledger["units"]["eco"].pk, "label": ledger["units"]["eco"].name, "counted": 1,
                      "on_time": 1, "late": 0, "overdue": 0, "waiting": 0, "rate": "100.0"}]  # fmt: skip


def test_refusals(client, at, make_project, promise, users):
    c = promise(make_project())
    assert call(client, users["other_enterprise"], "GET", f"/{c.pk}").status_code == 404
    assert (
        call(client, users[Role.ENTERPRISE_USER], "POST", f"/{c.pk}/dispute", {"reason": "x"}).status_code
        == 400
    )
    assert call(client, users[Role.ENTERPRISE_USER], "GET", "/rates").status_code == 403
    body = {"project_id": c.project_id, "kind": "land", "content": "x", "unit_id": c.unit_id, "due_on": "2026-12-31",
            "submission_key": "refused-key"}  # fmt: skip
    assert call(client, users[Role.ENTERPRISE_USER], "POST", "/", body).status_code == 403
    assert Commitment.objects.count() == 1
