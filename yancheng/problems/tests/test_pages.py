"""The pages of the problem lists, as each party meets them: raising, resolving, closing, the list
with its filters and the Excel export in the offices' layout, the project's own list."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from yancheng.core.roles import Role
from yancheng.problems.models import Problem

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(at, make_project, problem, users):
    project = make_project(name="衡阳甲电子产业园")
    other = make_project(name="耒阳乙化工技改", enterprise="b", unit="eco", region="leiyang")
    return {
        "project": project,
        "power": problem(project, description="施工用电未接入"),
        "road": problem(other, description="进场道路未硬化", unit="samr", due_on=date(2026, 12, 2), by=users[Role.LEADER]),
    }  # fmt: skip


def test_the_owner_raises_a_problem_from_the_form_once(client, scene, ledger, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    project = scene["project"]
    form = client.get(f"/problems/new/?project={project.pk}").content.decode()
    assert "整改措施" in form and "耒阳乙化工技改" not in form  # only the projects it may raise on
    data = {"project": project.pk, "description": "环评批复未办结", "measures": "市生态环境局提前介入", "unit": ledger["units"]["eco"].pk,
            "due_on": "2026-11-30", "submission_key": "form-0001"}  # fmt: skip
    response = client.post("/problems/new/", data)
    assert response.status_code == 400 and "不能早于今天" in response.content.decode()
    assert not Problem.objects.filter(description="环评批复未办结").exists()
    response = client.post("/problems/new/", {**data, "due_on": "2026-12-31"})
    raised = Problem.objects.get(description="环评批复未办结")
    assert response["Location"] == f"/problems/{raised.pk}/"
    client.post("/problems/new/", {**data, "due_on": "2026-12-31"})  # the same submission again
    assert Problem.objects.filter(description="环评批复未办结").count() == 1


def test_the_unit_resolves_and_the_raiser_closes_through_the_pages(client, scene, users):
    p = scene["power"]
    client.force_login(users["other_official"])  # eco, the responsible unit
    page = client.get(f"/problems/{p.pk}/").content.decode()
    assert "data-resolve" in page and "data-close" not in page
    client.post(f"/problems/{p.pk}/close/")  # not theirs to close: refused, nothing changes
    p.refresh_from_db()
    assert p.state == "open"
    client.post(f"/problems/{p.pk}/resolve/", {"files": [evidence_file("通电照片.jpg")], "note": "已通电"})
    p.refresh_from_db()
    assert p.state == "resolved"
    client.force_login(users[Role.ENTERPRISE_USER])
    page = client.get(f"/problems/{p.pk}/").content.decode()
    assert "data-close" in page and "data-resolve" not in page and "通电照片.jpg" in page
    assert client.get(f"/problems/evidence/{p.evidence.get().pk}/").status_code == 200
    client.post(f"/problems/{p.pk}/close/")
    p.refresh_from_db()
    assert p.state == "closed"
    assert "已销号" in client.get(f"/problems/{p.pk}/").content.decode()


def test_the_list_filters_and_exports_in_the_offices_layout(client, scene, users, ledger):
    client.force_login(users[Role.LEADER])
    page = client.get("/problems/").content.decode()
    assert "施工用电未接入" in page and "进场道路未硬化" in page
    county = client.get("/problems/", {"region": ledger["regions"]["leiyang"].pk}).content.decode()
    assert "进场道路未硬化" in county and "施工用电未接入" not in county
    at_project = client.get("/problems/", {"project": scene["project"].pk}).content.decode()
    assert "施工用电未接入" in at_project and "进场道路未硬化" not in at_project
    assert f'href="/projects/{scene["project"].pk}/"' in at_project
    export = client.get("/problems/", {"unit": ledger["units"]["samr"].pk, "export": "xlsx"})
    assert "%E9%97%AE%E9%A2%98%E6%B8%85%E5%8D%95" in export["Content-Disposition"]  # 问题清单…
    sheet = load_workbook(BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = [h for h in rows[0] if h]
    assert header[:9] == [
        "序号",
        "项目名称",
        "县市区",
        "问题",
        "整改措施",
        "责任单位",
        "责任人",
        "完成时限",
        "状态",
    ]
    lines = [r for r in rows[1:] if r[0] is not None]
    assert len(lines) == 1 and lines[0][3] == "进场道路未硬化" and lines[0][5] == "衡阳市市场监督管理局"
    at_day = client.get("/problems/", {"overdue": "on"}).content.decode()
    assert "进场道路未硬化" not in at_day  # due today: not yet overdue


def test_the_project_page_links_to_its_list(client, scene, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    page = client.get(f"/projects/{scene['project'].pk}/").content.decode()
    assert f'href="/problems/?project={scene["project"].pk}"' in page


def test_refusals_change_nothing(client, scene, users, assert_refused):
    p = scene["power"]
    outsiders = [None, users["other_enterprise"], users[Role.BANK_CLERK]]
    assert_refused(outsiders, "GET", f"/problems/{p.pk}/")
    assert_refused(outsiders + [users[Role.UNIT_OFFICIAL]], "POST", f"/problems/{p.pk}/close/")
    assert_refused(outsiders, "POST", f"/problems/{p.pk}/resolve/")


def test_an_overdue_problem_can_be_made_a_supervision_item_in_one_step(client, scene, users, at):
    from yancheng.supervision.models import Item

    at(2026, 12, 3, 10)  # the road problem was due on 2 December
    road = scene["road"]
    client.force_login(users[Role.UNIT_OFFICIAL])  # samr, the responsible unit
    assert (
        "data-supervise" not in client.get(f"/problems/{road.pk}/").content.decode()
    )  # not the unit's to do
    client.force_login(users[Role.SUPERVISION_OFFICE])
    page = client.get(f"/problems/{road.pk}/").content.decode()
    assert f"/supervision/new/?record=problems.problem:{road.pk}&amp;figure=" in page
    form = client.get(
        f"/supervision/new/?record=problems.problem:{road.pk}&figure=问题逾期未销号"
    ).content.decode()
    assert "进场道路未硬化" in form and "问题逾期未销号" in form
    data = {"title": "进场道路硬化逾期", "content": "限期完成。", "source": "finding", "due_on": "2026-12-20",
            "cadence": "none", "lead_unit": road.unit_id, "record": f"problems.problem:{road.pk}",
            "figure": "问题逾期未销号", "submission_key": "from-problem"}  # fmt: skip
    client.post("/supervision/new/", data)
    assert Item.objects.get(title="进场道路硬化逾期").linked == road
