"""The pages, as each kind of user meets them."""

import uuid
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from yancheng.core import clock
from yancheng.core.roles import Role
from yancheng.projects.choices import EventKind
from yancheng.projects.models import MonthlyReport, ProjectEvent

from .conftest import WAN
from .test_ledger import _photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(at, make_project, report):
    mine = make_project(name="衡阳甲电子产业园", region="zhuhui", levels=("provincial_key", "city_key"))
    theirs = make_project(
        name="耒阳乙化工技改", enterprise="b", unit="eco", region="leiyang", plan=2000 * WAN
    )
    report(mine, 10, 400 * WAN)
    return {"mine": mine, "theirs": theirs}


def test_the_ledger_shows_each_project_with_its_figures(client, scene, users):
    client.force_login(users[Role.LEADER])
    page = client.get("/projects/").content.decode()
    assert "衡阳甲电子产业园" in page and "耒阳乙化工技改" in page
    assert "400.00" in page  # 万元 completed, from the confirmed report
    assert "40.0%" in page  # 400 of a 1,000 万元 plan
    assert "data-industrial-share" in page


def test_filters_narrow_the_ledger_and_the_export_keeps_them(client, scene, users, hengyang):
    client.force_login(users[Role.LEADER])
    leiyang = hengyang["regions"]["leiyang"]
    page = client.get("/projects/", {"region": leiyang.pk}).content.decode()
    assert "耒阳乙化工技改" in page and "衡阳甲电子产业园" not in page
    response = client.get("/projects/", {"level": "provincial_key", "export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "项目代码" and len(rows) == 2
    assert rows[1][1] == "衡阳甲电子产业园" and rows[1][2] == "省重点项目、市重点工程"
    assert rows[1][15] == 400 and rows[1][16] == "40.0%"


def test_an_owner_sees_only_their_project(client, scene, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    page = client.get("/projects/").content.decode()
    assert "衡阳甲电子产业园" in page and "耒阳乙化工技改" not in page
    assert client.get(f"/projects/{scene['theirs'].pk}/").status_code == 404


def test_the_project_page(client, scene, users):
    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(f"/projects/{scene['mine'].pk}/").content.decode()
    assert 'id="project-chart"' in page and "echarts.min.js" in page
    assert "40.0%" in page and "报送月报" in page
    assert "变更建设阶段" in page  # the responsible unit moves stages
    assert "年度计划" in page and "保存计划" not in page  # plans are the commission's


def test_an_event_of_no_person_shows_as_the_system_s(client, scene, users, at):
    # Events the platform writes itself (by=None) are in the history as the system's, not a server error.
    ProjectEvent.objects.create(
        project=scene["mine"], at=clock.now(), by=None, kind=EventKind.CREATED, note="迁移载入"
    )
    client.force_login(users[Role.UNIT_OFFICIAL])
    response = client.get(f"/projects/{scene['mine'].pk}/")
    assert response.status_code == 200
    assert '迁移载入 <small class="muted">系统</small>' in response.content.decode()


def test_an_owner_files_a_report_from_the_phone_form_and_the_unit_confirms_it(client, scene, users):
    project = scene["mine"]
    client.force_login(users[Role.ENTERPRISE_USER])
    form = client.get(f"/projects/{project.pk}/reports/new/").content.decode()
    assert 'capture="environment"' in form and 'accept="image/*"' in form
    response = client.post(
        f"/projects/{project.pk}/reports/new/",
        {
            "period": "2026-11",
            "completed_investment": "250.5",
            "progress": "厂房主体封顶",
            "problems": "",
            "correction_reason": "",
            "submission_key": uuid.uuid4().hex,
            "photos": [_photo()],
        },
    )
    assert response.status_code == 302
    filed = MonthlyReport.objects.get(project=project, month=11)
    assert filed.completed_investment == 2_505_000 and filed.photos.count() == 1
    photo = filed.photos.get()
    assert client.get(f"/projects/photos/{photo.pk}/thumbnail/").status_code == 200

    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "待确认的月报" in page and "650.50" not in page
    client.post(f"/projects/reports/{filed.pk}/confirm/")
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "650.50" in page  # 400 + 250.5 万元 now count


def test_a_report_form_error_is_shown_in_chinese(client, scene, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    response = client.post(
        f"/projects/{scene['mine'].pk}/reports/new/",
        {
            "period": "2026-10",
            "completed_investment": "1",
            "progress": "x",
            "submission_key": uuid.uuid4().hex,
        },
    )
    assert "已确认，更正须填写更正理由" in response.content.decode()


def test_rankings_page_export_and_bulletin(client, scene, users):
    client.force_login(users[Role.LEADER])
    page = client.get(
        "/projects/rankings/", {"year": 2026, "month": 10, "by": "region", "measure": "completed"}
    )
    text = page.content.decode()
    assert "珠晖区" in text and "耒阳市" in text
    xlsx = client.get(
        "/projects/rankings/",
        {"year": 2026, "month": 10, "by": "region", "measure": "completed", "export": "xlsx"},
    )
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == 1 and rows[1][3] == "珠晖区"
    docx = client.get(
        "/projects/rankings/",
        {"year": 2026, "month": 10, "by": "region", "measure": "completed", "export": "docx"},
    )
    body = "\n".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    assert "衡阳市发展和改革委员会" in body and "衡发改通〔2026〕" in body
    assert (
        "关于2026年1—10月全市重大项目县市区完成投资排名情况的通报".replace("全市", "\n全市") in body
        or "全市重大项目县市区" in body
    )


def test_completion_page_by_level(client, scene, users):
    client.force_login(users[Role.LEADER])
    text = client.get("/projects/completion/", {"year": 2026, "month": 10, "by": "level"}).content.decode()
    assert "省重点项目" in text and "40.0%" in text


def test_the_unit_page_lists_what_is_due_and_what_to_confirm(client, scene, users, report):
    report(scene["mine"], 11, 1, confirm=False)
    client.force_login(users[Role.UNIT_OFFICIAL])
    text = client.get("/projects/mine/").content.decode()
    assert "待我确认的月报" in text and "衡阳甲电子产业园" in text


def test_refused_pages_change_nothing(scene, users, assert_refused, report):
    mine, theirs = scene["mine"], scene["theirs"]
    pending = report(mine, 11, 1, confirm=False)
    strangers = [None, users["other_enterprise"], users["other_official"], users[Role.BANK_CLERK]]
    assert_refused(strangers, "GET", f"/projects/{mine.pk}/")
    assert_refused(strangers, "GET", f"/projects/{mine.pk}/reports/new/")
    assert_refused(strangers + [users[Role.LEADER]], "POST", f"/projects/{mine.pk}/reports/new/")
    assert_refused(strangers, "POST", f"/projects/reports/{pending.pk}/confirm/")
    assert_refused(strangers, "POST", f"/projects/reports/{pending.pk}/return/")
    assert_refused(strangers, "POST", f"/projects/{mine.pk}/stage/")
    assert_refused(
        [None, users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL]], "GET", "/projects/rankings/"
    )
    assert_refused([users[Role.ENTERPRISE_USER]], "GET", f"/projects/{theirs.pk}/")


def test_refusals_by_the_rules_change_nothing_either(client, scene, users, report):
    """A leader sees the project but may not confirm; the action refuses and nothing moves."""
    pending = report(scene["mine"], 11, 1, confirm=False)
    client.force_login(users[Role.LEADER])
    response = client.post(f"/projects/reports/{pending.pk}/confirm/", follow=True)
    assert "只有责任单位可以确认月报" in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == "submitted"


@pytest.mark.parametrize("path", ["/projects/", "/projects/{pk}/"])
def test_query_counts_do_not_grow_with_the_rows(client, at, make_project, report, users, path):
    """The ledger list and the project page make the same number of queries for 2 projects with one
    report as for 12 with many (no query per row)."""
    first = make_project()
    report(first, 9, 1)

    def count():
        client.force_login(users[Role.LEADER])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path.format(pk=first.pk)).status_code == 200
        return len(captured)

    few = count()
    for n in range(10):
        extra = make_project()
        report(extra, 9, n)
    for month in (10, 11):
        report(first, month, 1, photos=[_photo()])
    assert count() == few
