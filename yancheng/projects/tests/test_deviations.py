"""备案监督制's watch: each deviation rule, the light it gives with its words, and the ledger's filter."""

from datetime import date

import pytest

from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role
from yancheng.projects import actions, deviations
from yancheng.projects.models import Project, ProjectRules

from .conftest import WAN

pytestmark = pytest.mark.django_db


def watched(project):
    project = deviations.annotate(Project.objects.filter(pk=project.pk)).get()
    return project.light, deviations.reasons(project)


def months(report, project, amount, last=11):
    """Reports for January to `last`, each `amount` yuan, confirmed."""
    return [report(project, month, amount) for month in range(1, last + 1)]


def test_a_project_on_plan_is_green(at, make_project, report):
    project = make_project()  # plans 1,000 万元 for 2026
    months(report, project, 82 * WAN)  # 902 万元 by November: 90.2 %, the months say 91.7 %
    assert watched(project) == ("green", [])


def test_investment_behind_the_months_share_by_more_than_the_margin_is_yellow(at, make_project, report):
    project = make_project()
    months(report, project, 55 * WAN)  # 605 万元: 60.5 % against 91.7 %
    light, words = watched(project)
    assert light == "yellow"
    assert words == ["截至 11 月累计完成年度计划投资的 60.5%，按月进度应达 91.7%，落后超过 20 个百分点"]
    rules = ProjectRules.current()
    rules.deviation_margin = 35  # the commission allows more
    rules.save()
    assert watched(project)[0] == "green"


def test_a_milestone_past_its_day_and_not_marked_done_is_red(at, make_project, report, ledger):
    project = make_project()
    plan = actions.set_plan(
        project, by=ledger["commission"], year=2026, planned_investment=1000 * WAN,
        milestones=[("主体结构封顶", date(2026, 10, 31)), ("设备安装调试", date(2026, 12, 20))],
    )  # fmt: skip
    months(report, project, 90 * WAN, last=10)
    light, words = watched(project)
    assert light == "red" and words == ["节点“主体结构封顶”计划 2026-10-31 完成，尚未完成"]
    topped = plan.milestones.get(name="主体结构封顶")
    report(project, 11, 90 * WAN, milestones={topped.pk: "done"})
    assert watched(project) == ("green", [])  # the December milestone is not due yet


def test_the_months_report_overdue_is_red_and_a_finished_project_is_not_watched(at, make_project, report):
    project = make_project()
    months(report, project, 90 * WAN, last=10)
    assert watched(project) == ("green", [])  # November's report is due by 7 December
    at(2026, 12, 8, 9)
    assert watched(project) == ("red", ["2026 年 11 月月报逾期未报"])
    Project.objects.filter(pk=project.pk).update(stage="completed")
    assert watched(project) == ("green", [])


def test_the_ledger_filters_by_light_and_the_project_page_says_why(client, at, make_project, report, users):
    on_plan, behind, silent = (make_project(name=n) for n in ("正常甲项目", "滞后乙项目", "未报丙项目"))
    months(report, on_plan, 90 * WAN)
    months(report, behind, 10 * WAN)
    months(report, silent, 90 * WAN, last=10)
    at(2026, 12, 8, 9)
    client.force_login(users[Role.LEADER])
    for light, name in (("green", "正常甲项目"), ("yellow", "滞后乙项目"), ("red", "未报丙项目")):
        page = client.get("/projects/", {"light": light}).content.decode()
        shown = [n for n in ("正常甲项目", "滞后乙项目", "未报丙项目") if n in page]
        assert shown == [name], light
    page = client.get(f"/projects/{silent.pk}/").content.decode()
    assert "偏离" in page and "2026 年 11 月月报逾期未报" in page
    page = client.get(f"/projects/{behind.pk}/").content.decode()
    assert "预警" in page and "落后超过 20 个百分点" in page


def test_an_administrator_sets_the_margin_in_the_admin_audited(
    client, at, make_project, report, users, ledger
):
    project = make_project()
    months(report, project, 55 * WAN)  # 60.5 % against 91.7 %
    client.force_login(users[Role.ADMINISTRATOR])
    url = "/admin/projects/projectrules/1/change/"
    fields = {"commission": ledger["units"]["gov"].pk, "report_due_workday": 5}
    assert client.post(url, {**fields, "deviation_margin": 101}).status_code == 200  # refused, unchanged
    assert ProjectRules.current().deviation_margin == 20
    assert client.post(url, {**fields, "deviation_margin": 35}).status_code == 302
    assert watched(project)[0] == "green"
    entry = AuditEntry.objects.get(action="admin_changed", object_type="projects.projectrules")
    assert entry.changes["deviation_margin"] == [20, 35]
