"""The ledger import as the commission's official meets it: every bad row named in Chinese before
anything is written, then all rows at once; the same file again changes nothing."""

import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from yancheng.core.models import AuditEntry, ImportJob, Person, PersonRole
from yancheng.core.output.xlsx import XLSX
from yancheng.core.roles import Role
from yancheng.core.tests.test_import import errors_of, run_queued
from yancheng.core.validators import make_project_code
from yancheng.projects.importer import ProjectImporter
from yancheng.projects.models import AnnualPlan, Milestone, Project, ProjectEvent

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in ProjectImporter.columns]
START = reverse("import_start", args=["projects"])


def line(n: int, **changes) -> list:
    values = {
        "code": make_project_code(2025, "430405", n),
        "name": f"珠晖区第{n}号产业项目",
        "levels": "市重点工程",
        "industrial": "是",
        "industry": "39",
        "region": "珠晖区",
        "park": "",
        "owner_uscc": "",
        "owner_unit": "",
        "unit": "衡阳市市场监督管理局",
        "leader": "",
        "address": "珠晖区东风路",
        "longitude": 112.63,
        "latitude": 26.89,
        "starts_on": "2026-03-01",
        "completes_on": "2027-12-31",
        "total_investment": "150000",
        "plan_year": 2026,
        "planned_investment": "30000.5",
        "milestones": "主体结构封顶 2026-06-30；设备安装 2026-10-31",
        "stage": "续建",
        "stage_on": "",
        "content": "",
    }
    values.update(changes)
    return [values[column.key] for column in ProjectImporter.columns]


@pytest.fixture
def owner_uscc(hengyang):
    return hengyang["enterprises"]["a"].uscc


def xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, rows) -> ImportJob:
    response = client.post(START, {"file": SimpleUploadedFile("台账.xlsx", xlsx(rows), content_type=XLSX)})
    assert response.status_code == 302, response.content.decode()[:400]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


@pytest.fixture
def commission(client, ledger):
    client.force_login(ledger["commission"])
    return ledger["commission"]


def test_only_the_commission_and_administrators_import_the_ledger(client, users, assert_refused, ledger):
    others = [
        users[r]
        for r in (Role.LEADER, Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER, Role.BUSINESS_ENVIRONMENT_OFFICE)
    ]
    assert_refused(others, "GET", START)
    client.force_login(ledger["commission"])
    assert client.get(START).status_code == 200


def test_the_template_is_the_ledgers_columns_with_instructions(client, commission):
    book = load_workbook(BytesIO(client.get(reverse("import_template", args=["projects"])).content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[0] == "*项目代码" and "*年度计划投资（万元）" in headers and "所在园区" in headers
    assert "填写说明" in book.sheetnames


def test_every_bad_row_is_named_in_chinese_and_nothing_is_written(client, commission, owner_uscc):
    rows = [
        line(1, owner_uscc=owner_uscc),
        line(2, code="2024-999999-39-03-000002", owner_uscc=owner_uscc),  # no such region
        line(3, region="长沙市", owner_uscc=owner_uscc),
        line(4, planned_investment="三千万", owner_uscc=owner_uscc),
        line(5, unit="不存在的局", owner_uscc=owner_uscc),
        line(6, levels="国家级", owner_uscc=owner_uscc),
        line(7),  # no owner
        line(8, owner_uscc="91430405MA4L00099X"),  # not in the register
        line(9, completes_on="2025-01-01", owner_uscc=owner_uscc),
        line(10, milestones="主体结构封顶 2027-06-30", owner_uscc=owner_uscc),  # not in the 2026 plan
        line(1, name="重复", owner_uscc=owner_uscc),  # the code of row 2 again
    ]
    job = upload(client, rows)
    errors = errors_of(job)
    said = {row: message for row, _column, message in errors}
    assert set(said) == set(range(3, 13))
    assert "不是有效的行政区划代码" in said[3]
    assert "「县市区」“长沙市”不是平台登记的县市区" in said[4]
    assert "“三千万”不是数字" in said[5]
    assert "「责任单位」“不存在的局”" in said[6]
    assert "项目级别“国家级”不认识" in said[7]
    assert "二者填一项" in said[8]
    assert "企业名录中没有" in said[9]
    assert "计划竣工不能早于计划开工" in said[10]
    assert "年度计划节点的日期应在计划年度（2026 年）内" in said[11]
    assert "第 2 行" in said[12]
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "不是有效的行政区划代码" in page and "确认导入" not in page
    assert Project.objects.count() == 0


def test_a_clean_file_imports_every_row_and_again_changes_nothing(client, commission, owner_uscc, hengyang):
    government = hengyang["units"]["eco"].name
    rows = [line(n, owner_uscc=owner_uscc) for n in range(1, 4)] + [
        line(4, owner_unit=government, levels="省重点项目、市重点工程", stage="新开工", stage_on="2026-04-08")
    ]
    job = upload(client, rows)
    assert errors_of(job) == []
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    job.refresh_from_db()
    assert (job.state, job.created) == ("done", 4)
    project = Project.objects.get(code=make_project_code(2025, "430405", 4))
    assert project.owner_unit.name == government and project.started_on.isoformat() == "2026-04-08"
    assert project.level_labels == ["省重点项目", "市重点工程"]
    plan = AnnualPlan.objects.get(project=project, year=2026)
    assert plan.planned_investment == 300_005_000  # 30000.5 万元 in yuan
    assert list(plan.milestones.values_list("name", flat=True)) == ["主体结构封顶", "设备安装"]
    assert ProjectEvent.objects.filter(kind="created").count() == 4

    audit_before, events_before = (
        AuditEntry.objects.filter(action__startswith="project_").count(),
        ProjectEvent.objects.count(),
    )
    milestone_ids = set(Milestone.objects.values_list("pk", flat=True))
    again = upload(client, rows)
    client.post(reverse("import_confirm", args=[again.pk]))
    run_queued()
    again.refresh_from_db()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEntry.objects.filter(action__startswith="project_").count() == audit_before
    assert ProjectEvent.objects.count() == events_before
    assert set(Milestone.objects.values_list("pk", flat=True)) == milestone_ids


def test_a_changed_row_updates_only_that_project_and_says_what_changed(client, commission, owner_uscc):
    rows = [line(n, owner_uscc=owner_uscc) for n in (1, 2)]
    job = upload(client, rows)
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    rows[1] = line(2, owner_uscc=owner_uscc, planned_investment="45000", stage="竣工", stage_on="2026-11-20")
    job = upload(client, rows)
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    job.refresh_from_db()
    assert (job.updated, job.unchanged) == (1, 1)
    project = Project.objects.get(code=make_project_code(2025, "430405", 2))
    assert (project.stage, str(project.completed_on)) == ("completed", "2026-11-20")
    event = ProjectEvent.objects.filter(project=project, kind="changed").get()
    assert event.changes["planned_investment"] == [300_005_000, 450_000_000]
    assert event.changes["stage"] == ["continuing", "completed"]


def test_a_stage_cannot_go_back_through_an_import(client, commission, owner_uscc):
    job = upload(client, [line(1, owner_uscc=owner_uscc, stage="竣工")])
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    job = upload(client, [line(1, owner_uscc=owner_uscc, stage="前期")])
    assert "建设阶段不能由“竣工”改回“前期”" in errors_of(job)[0][2]


def test_a_leader_is_found_by_name(client, commission, owner_uscc, users):
    leader = users[Role.LEADER].person
    leader.full_name = "王市长"
    leader.save()
    job = upload(
        client,
        [line(1, owner_uscc=owner_uscc, leader="王市长"), line(2, owner_uscc=owner_uscc, leader="李四")],
    )
    assert [(r, m) for r, _c, m in errors_of(job)] == [
        (3, "「联系市领导」“李四”不是平台登记的市领导，请核对名称。")
    ]
    assert (
        Person.objects.filter(roles__role=Role.LEADER).count()
        == PersonRole.objects.filter(role=Role.LEADER).count()
    )


def test_a_failure_while_writing_writes_nothing(client, commission, owner_uscc, monkeypatch):
    """The projects of the first batch are written before the events fail: all of it is rolled back."""
    from yancheng.projects import importer

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer.ProjectEvent.objects, "bulk_create", broken)
    job = upload(client, [line(n, owner_uscc=owner_uscc) for n in range(1, 4)])
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and job.failure
    assert Project.objects.count() == 0 and AnnualPlan.objects.count() == 0


def test_a_milestone_a_reimport_drops_is_retired_with_its_progress_kept(
    client, commission, owner_uscc, users, ledger, at
):
    from yancheng.projects import actions
    from yancheng.projects.models import MilestoneProgress

    job = upload(client, [line(1, owner_uscc=owner_uscc)])
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    project = Project.objects.get()
    topped = Milestone.objects.get(name="主体结构封顶")
    filed, _ = actions.file_report(
        project, by=users[Role.ENTERPRISE_USER], year=2026, month=7, completed_investment=1,
        progress="封顶", milestones={topped.pk: "done"}, submission_key=uuid.uuid4().hex,
    )  # fmt: skip
    client.force_login(ledger["commission"])
    job = upload(client, [line(1, owner_uscc=owner_uscc, milestones="设备安装 2026-10-31")])
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    topped.refresh_from_db()
    assert topped.retired_at is not None  # not deleted: the July report still names it
    assert MilestoneProgress.objects.filter(report=filed, milestone=topped).exists()
    assert list(
        Milestone.objects.filter(plan__project=project, retired_at__isnull=True).values_list(
            "name", flat=True
        )
    ) == ["设备安装"]
