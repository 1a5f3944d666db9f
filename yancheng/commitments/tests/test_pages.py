"""The pages of commitments, as each party meets them."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from yancheng.commitments.models import Commitment
from yancheng.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(at, make_project, promise):
    project = make_project(name="衡阳甲电子产业园")
    other = make_project(name="耒阳乙化工技改", enterprise="b", unit="eco")
    from datetime import date

    return {
        "project": project,
        "kept": promise(project, content="完成10千伏专线接入"),
        "late": promise(
            other, content="办理施工许可", kind="construction", unit="samr", due_on=date(2026, 12, 2)
        ),
    }


def test_the_commission_records_a_commitment_from_the_form(client, ledger, scene):
    client.force_login(ledger["commission"])
    form = client.get(f"/commitments/new/?project={scene['project'].pk}").content.decode()
    data = {"project": scene["project"].pk, "kind": "water", "content": "接通供水管网", "unit": ledger["units"]["eco"].pk,
            "submission_key": "form-1"}  # fmt: skip
    assert "承诺内容" in form
    response = client.post("/commitments/new/", data)
    assert response.status_code == 400 and "请填写兑现期限" in response.content.decode()
    response = client.post("/commitments/new/", {**data, "working_days": 10})
    made = Commitment.objects.get(content="接通供水管网")
    assert response["Location"] == f"/commitments/{made.pk}/"
    client.post("/commitments/new/", {**data, "working_days": 10})  # the same submission again
    assert Commitment.objects.filter(content="接通供水管网").count() == 1


def test_the_unit_fulfils_and_the_owner_confirms_through_the_pages(client, scene, users):
    kept = scene["kept"]
    client.force_login(users["other_official"])  # eco, the committing unit
    page = client.get(f"/commitments/{kept.pk}/").content.decode()
    assert "提交兑现材料" in page and "确认已兑现" not in page
    upload = SimpleUploadedFile("送电验收单.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(f"/commitments/{kept.pk}/fulfil/", {"files": [upload], "note": "已送电"})
    kept.refresh_from_db()
    assert kept.state == "fulfilled"
    evidence = kept.evidence.get()
    client.force_login(users[Role.ENTERPRISE_USER])
    assert client.get(f"/commitments/evidence/{evidence.pk}/").status_code == 200
    page = client.get(f"/commitments/{kept.pk}/").content.decode()
    assert "确认已兑现" in page and "送电验收单.pdf" in page
    client.post(f"/commitments/{kept.pk}/confirm/")
    kept.refresh_from_db()
    assert kept.state == "confirmed"


def test_the_list_filters_exports_and_marks_overdue(client, scene, users, at):
    at(2026, 12, 3, 9)
    client.force_login(users[Role.LEADER])
    page = client.get("/commitments/").content.decode()
    assert "完成10千伏专线接入" in page and "办理施工许可" in page and "逾期" in page
    page = client.get("/commitments/", {"overdue": "on"}).content.decode()
    assert "办理施工许可" in page and "完成10千伏专线接入" not in page
    sheet = load_workbook(
        BytesIO(client.get("/commitments/", {"overdue": "on", "export": "xlsx"}).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "项目名称", "承诺事项", "承诺内容") and rows[0][-1] == "是否逾期"
    assert len(rows) == 2 and rows[1][3] == "办理施工许可" and rows[1][-1] == "是"
    rates = client.get("/commitments/rates/").content.decode()
    assert "按期兑现率" in rates and "0.0%" in rates  # samr: one counted, overdue


def test_an_owner_sees_only_what_was_promised_to_its_projects(client, scene, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    page = client.get("/commitments/").content.decode()
    assert "完成10千伏专线接入" in page and "办理施工许可" not in page
    assert client.get(f"/commitments/{scene['late'].pk}/").status_code == 404
    assert client.get("/commitments/rates/").status_code == 404


def test_the_project_page_leads_to_the_commitments_made_to_it(client, scene, users):
    client.force_login(users[Role.LEADER])
    page = client.get(f"/projects/{scene['project'].pk}/").content.decode()
    link = f"/commitments/?project={scene['project'].pk}"
    assert f'href="{link}"' in page
    listed = client.get(link).content.decode()
    assert "完成10千伏专线接入" in listed and "办理施工许可" not in listed


def test_refusals_change_nothing(assert_refused, scene, users, ledger):
    kept, late = scene["kept"], scene["late"]
    upload = {"note": "x"}
    assert_refused(
        [None, users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]],
        "POST",
        f"/commitments/{kept.pk}/fulfil/",
        upload,
    )
    assert_refused(
        [None, users["other_official"], users["other_enterprise"]],
        "POST",
        f"/commitments/{kept.pk}/confirm/",
    )
    assert_refused(
        [None, users[Role.ENTERPRISE_USER], users[Role.BANK_CLERK]],
        "POST",
        f"/commitments/{late.pk}/dispute/",
        {"reason": "x"},
    )
    assert_refused(
        [None, users[Role.ENTERPRISE_USER], users[Role.BANK_CLERK]],
        "POST",
        "/commitments/new/",
        {"content": "x"},
    )
