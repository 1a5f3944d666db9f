"""备案监督制: the owner files the year plan, the commission approves it as the baseline or returns it; a
change is a new version with its reason, both kept; milestones follow their names across versions; the
watch reads the baseline's monthly plan."""

import uuid
from datetime import date

import pytest

from conftest import database_fingerprint, make_user
from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry, Notification
from yancheng.core.roles import Role
from yancheng.projects import deviations, plans
from yancheng.projects.models import (
    AnnualPlan,
    Milestone,
    MilestoneProgress,
    PlanVersion,
    Project,
    ProjectEvent,
)

from .conftest import WAN

pytestmark = pytest.mark.django_db

FRONT_LOADED = [150 * WAN] * 6 + [50 * WAN] * 6  # 1,200 万元, most of it in the first half
MILESTONES = [("主体结构封顶", date(2026, 6, 30)), ("设备安装调试", date(2026, 12, 20))]


@pytest.fixture
def second_commission(ledger):
    """A colleague of `commission` at the commission: filings by one are approved by the other."""
    return make_user("commission_2", Role.UNIT_OFFICIAL, unit=ledger["units"]["gov"])


def file(project, by, *, year=2026, monthly=FRONT_LOADED, milestones=MILESTONES, reason="", key=None):
    version, _created = plans.file_plan(
        project,
        by=by,
        year=year,
        planned_investment=sum(monthly),
        monthly=monthly,
        milestones=milestones,
        reason=reason,
        submission_key=key or uuid.uuid4().hex,
    )
    return version


def approved_v1(project, owner, commission):
    return plans.approve_plan(file(project, owner), by=commission)


def watched(project):
    project = deviations.annotate(Project.objects.filter(pk=project.pk)).get()
    return project.light, deviations.reasons(project)


# --- the flow ------------------------------------------------------------------------------------------


def test_the_owner_files_and_the_commission_approves_the_baseline(
    at, make_project, users, ledger, django_capture_on_commit_callbacks
):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    with django_capture_on_commit_callbacks(execute=True):
        version = file(project, owner)
    assert (version.number, version.state) == (1, "filed")
    assert not AnnualPlan.objects.filter(project=project).exists()  # filed is not in force
    assert Notification.objects.filter(recipient=commission, title__contains="年度计划待审批").exists()
    with django_capture_on_commit_callbacks(execute=True):
        plans.approve_plan(version, by=commission)
    version.refresh_from_db()
    assert (version.state, version.decided_by) == ("approved", commission)
    plan = AnnualPlan.objects.get(project=project, year=2026)
    assert plan.planned_investment == 1200 * WAN and plan.monthly_plan == FRONT_LOADED
    assert [(m.name, m.due_on) for m in plan.milestones.all()] == MILESTONES
    kinds = list(ProjectEvent.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == ["plan_filed", "plan_approved"]
    assert AuditEntry.objects.filter(action="project_plan_approved", object_id=str(project.pk)).exists()
    assert Notification.objects.filter(recipient=owner, title__contains="年度计划已批准").exists()


def test_a_returned_version_leaves_the_baseline_and_the_owner_files_again(
    at, make_project, users, ledger, django_capture_on_commit_callbacks
):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    approved_v1(project, owner, commission)
    v2 = file(project, owner, monthly=[100 * WAN] * 12, reason="设备到货推迟，投资后移")
    with pytest.raises(ActionRefused) as refused:
        plans.return_plan(v2, by=commission, reason="  ")
    assert refused.value.code == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        plans.return_plan(v2, by=commission, reason="请补充投资后移的依据")
    v2.refresh_from_db()
    assert (v2.state, v2.return_reason) == ("returned", "请补充投资后移的依据")
    assert AnnualPlan.objects.get(project=project).monthly_plan == FRONT_LOADED
    assert Notification.objects.filter(recipient=owner, title__contains="年度计划被退回").exists()
    v3 = file(project, owner, monthly=[100 * WAN] * 12, reason="设备到货推迟，附到货通知")
    assert v3.number == 3 and v3.state == "filed"


def test_a_second_version_keeps_both_and_shows_what_changed(at, make_project, users, ledger):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    approved_v1(project, owner, commission)
    monthly = [150 * WAN] * 5 + [100 * WAN, 150 * WAN] + [50 * WAN] * 5  # 1,250 万元
    milestones = [("主体结构封顶", date(2026, 8, 31)), ("外立面完工", date(2026, 11, 30))]
    v2 = file(project, owner, monthly=monthly, milestones=milestones, reason="增加外立面工程")
    plans.approve_plan(v2, by=commission)
    states = dict(PlanVersion.objects.filter(project=project).values_list("number", "state"))
    assert states == {1: "superseded", 2: "approved"}
    [newest, first] = plans.history(project)
    assert newest.changes == {
        "planned_investment": [1200 * WAN, 1250 * WAN],
        "months": [[6, 150 * WAN, 100 * WAN], [7, 50 * WAN, 150 * WAN]],
        "added": ["外立面完工"],
        "retired": ["设备安装调试"],
        "moved": [["主体结构封顶", "2026-06-30", "2026-08-31"]],
    }
    assert first.changes == {}  # the first version has nothing before it
    event = ProjectEvent.objects.get(project=project, kind="plan_approved", changes__version=2)
    assert "增加外立面工程" in event.note and event.changes["added"] == ["外立面完工"]


def test_a_kept_milestone_keeps_its_progress_and_a_dropped_one_is_retired_not_watched(
    client, at, make_project, users, ledger, report
):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    milestones = [("主体结构封顶", date(2026, 6, 30)), ("室外管网", date(2026, 9, 30))]
    approved_v1(project, owner, commission)
    plans.approve_plan(file(project, owner, milestones=milestones, reason="增加室外管网节点"), by=commission)
    topped, pipes = (
        Milestone.objects.get(plan__project=project, name=n) for n in ("主体结构封顶", "室外管网")
    )
    for month in range(1, 11):
        report(project, month, 110 * WAN, milestones={topped.pk: "done"} if month == 6 else {})
    assert watched(project)[0] == "red"  # 室外管网 was due on 30 September and is not done
    assert Milestone.objects.get(pk=topped.pk).met_month == 6
    # Version 3 moves 封顶 to July and drops 室外管网.
    moved = [("主体结构封顶", date(2026, 7, 31)), ("设备安装调试", date(2026, 12, 20))]
    plans.approve_plan(file(project, owner, milestones=moved, reason="管网并入市政工程"), by=commission)
    topped.refresh_from_db()
    assert (topped.due_on, topped.met_month, topped.retired_at) == (date(2026, 7, 31), 6, None)
    assert MilestoneProgress.objects.filter(milestone=topped, status="done").count() == 1
    pipes.refresh_from_db()
    assert pipes.retired_at is not None  # kept for the reports that name it, no longer watched
    assert watched(project) == ("green", [])
    assert Milestone.objects.filter(plan__project=project).count() == 3
    client.force_login(owner)  # the month's report offers the milestones in force, not the retired one
    form = client.get(f"/projects/{project.pk}/reports/new/").content.decode()
    assert "主体结构封顶" in form and "设备安装调试" in form and "室外管网" not in form
    with pytest.raises(ActionRefused) as refused:
        report(project, 11, 1, milestones={pipes.pk: "done"}, confirm=False)
    assert refused.value.code == "milestone_unknown"


def test_the_same_submission_twice_is_one_version(at, make_project, users, ledger):
    project = make_project(plan=None)
    owner = users[Role.ENTERPRISE_USER]
    key = uuid.uuid4().hex
    first = file(project, owner, key=key)
    again, created = plans.file_plan(
        project, by=owner, year=2026, planned_investment=1, monthly=[1] + [0] * 11, milestones=[],
        submission_key=key,
    )  # fmt: skip
    assert (again.pk, created) == (first.pk, False)
    assert PlanVersion.objects.filter(project=project).count() == 1
    with pytest.raises(ActionRefused) as refused:
        file(project, ledger["commission"], key=key)
    assert refused.value.code == "submission_key_taken"


# --- who may, and refusals that change nothing -----------------------------------------------------------


def refused_without_change(code, do):
    before = database_fingerprint()
    with pytest.raises(ActionRefused) as refused:
        do()
    assert refused.value.code == code
    assert database_fingerprint() == before


def test_who_may_file_approve_and_return(at, make_project, users, ledger, second_commission):
    project = make_project(plan=None)  # enterprise a's, samr responsible
    commission = ledger["commission"]
    for outsider in (
        users["other_enterprise"],
        users[Role.UNIT_OFFICIAL],  # the responsible unit reports; it does not file the plan
        users[Role.LEADER],
        users[Role.SUPERVISION_OFFICE],
        users[Role.BANK_CLERK],
    ):
        refused_without_change("forbidden", lambda u=outsider: file(project, u))
    by_keeper = file(project, commission)  # the ledger keeper may file for the owner
    for outsider in (users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL], users[Role.LEADER]):
        refused_without_change("forbidden", lambda u=outsider: plans.approve_plan(by_keeper, by=u))
        refused_without_change("forbidden", lambda u=outsider: plans.return_plan(by_keeper, by=u, reason="x"))
    # An administrator keeps the ledger but does not decide for the commission.
    refused_without_change("forbidden", lambda: plans.approve_plan(by_keeper, by=users[Role.ADMINISTRATOR]))
    refused_without_change("own_plan", lambda: plans.approve_plan(by_keeper, by=commission))
    plans.approve_plan(by_keeper, by=second_commission)
    refused_without_change("plan_not_pending", lambda: plans.approve_plan(by_keeper, by=commission))
    refused_without_change(
        "plan_not_pending", lambda: plans.return_plan(by_keeper, by=commission, reason="x")
    )


def test_bad_plans_are_refused_and_change_nothing(at, make_project, users, ledger):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    cases = [
        ("monthly_sum", {"monthly": FRONT_LOADED, "total": 1000 * WAN}),
        ("monthly_negative", {"monthly": [-1 * WAN] + [100 * WAN] * 11}),
        ("monthly_months", {"monthly": [100 * WAN] * 11}),
        ("milestone_year", {"milestones": [("竣工验收", date(2027, 3, 31))]}),
        ("milestone_repeated", {"milestones": [("封顶", date(2026, 6, 1)), ("封顶", date(2026, 7, 1))]}),
        ("milestone_name", {"milestones": [("  ", date(2026, 6, 1))]}),
    ]
    for code, case in cases:
        monthly = case.get("monthly", FRONT_LOADED)

        def do(monthly=monthly, case=case):
            plans.file_plan(
                project,
                by=owner,
                year=2026,
                planned_investment=case.get("total", sum(monthly)),
                monthly=monthly,
                milestones=case.get("milestones", MILESTONES),
                submission_key=uuid.uuid4().hex,
            )

        refused_without_change(code, do)
    approved_v1(project, owner, commission)
    refused_without_change("plan_reason_required", lambda: file(project, owner, monthly=[100 * WAN] * 12))
    refused_without_change("plan_unchanged", lambda: file(project, owner, reason="再报一次"))
    file(project, owner, monthly=[100 * WAN] * 12, reason="投资后移")
    refused_without_change(
        "plan_pending", lambda: file(project, commission, monthly=[120 * WAN] * 10 + [0, 0], reason="调整")
    )


def test_a_plan_set_before_versions_is_the_baseline_a_change_needs_a_reason(at, make_project, users):
    project = make_project()  # 1,000 万元 for 2026, as an import leaves it: no version, no monthly plan
    owner = users[Role.ENTERPRISE_USER]
    refused_without_change("plan_reason_required", lambda: file(project, owner))
    assert file(project, owner, reason="按合同分月").number == 1


# --- the watch reads the monthly plan -------------------------------------------------------------------


def test_investment_behind_is_measured_against_the_monthly_plan(at, make_project, users, ledger, report):
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    front, back = make_project(plan=None), make_project(plan=None)
    # Front-loaded, 1,150 of 1,200 万元 by November: 95.8 %.
    plans.approve_plan(file(front, owner, milestones=[]), by=commission)
    back_loaded = [50 * WAN] * 11 + [650 * WAN]  # 550 by November: 45.8 %
    plans.approve_plan(file(back, owner, monthly=back_loaded, milestones=[]), by=commission)
    for month in range(1, 12):
        report(front, month, 80 * WAN)  # 880: 73.3 %, 22.5 points behind
        report(back, month, 30 * WAN)  # 330: 27.5 %, 18.3 points behind
    # An even share (91.7 % by November) would give the opposite lights.
    assert watched(front) == (
        "yellow",
        ["截至 11 月累计完成年度计划投资的 73.3%，按月进度应达 95.8%，落后超过 20 个百分点"],
    )
    assert watched(back) == ("green", [])
    yellow = deviations.filter_light(Project.objects.filter(pk__in=[front.pk, back.pk]), "yellow")
    assert list(yellow) == [front]


# --- pages ---------------------------------------------------------------------------------------------


def month_fields(amounts_wan) -> dict:
    return {f"month_{m}": str(a) for m, a in enumerate(amounts_wan, start=1)}


def test_the_project_page_shows_the_baseline_and_the_history_with_the_change(
    client, at, make_project, users, ledger
):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    approved_v1(project, owner, commission)
    monthly = [150 * WAN] * 5 + [100 * WAN, 150 * WAN] + [50 * WAN] * 5
    milestones = [("主体结构封顶", date(2026, 8, 31)), ("外立面完工", date(2026, 11, 30))]
    plans.approve_plan(
        file(project, owner, monthly=monthly, milestones=milestones, reason="增加外立面工程"), by=commission
    )
    client.force_login(owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "现行基线：第 2 版，2026-12-02 批准" in page
    for words in (
        "变更理由：增加外立面工程",
        "年度计划投资：1,200 → 1,250 万元",
        "分月计划（万元）：6 月 150 → 100；7 月 50 → 150",
        "新增节点：外立面完工",
        "撤销节点：设备安装调试",
        "节点“主体结构封顶”日期调整：2026-06-30 → 2026-08-31",
        "首次备案",
        "已被取代",
    ):
        assert words in page, words
    assert "报送计划变更（新版本）" in page
    client.force_login(users[Role.UNIT_OFFICIAL])  # the responsible unit reads it and files nothing
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "现行基线：第 2 版" in page and "报送计划变更" not in page


def test_the_owner_files_on_the_form_and_the_commission_decides_on_the_page(
    client, at, make_project, users, ledger
):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    client.force_login(owner)
    form = client.get(f"/projects/{project.pk}/plans/new/").content.decode()
    assert 'name="month_12"' in form and 'name="milestone_name_0"' in form and "变更理由" in form
    posted = {
        "year": "2026",
        "planned_investment": "1200",
        **month_fields([150] * 6 + [50] * 6),
        "milestone_name_0": "主体结构封顶",
        "milestone_due_0": "2026-06-30",
        "reason": "",
        "submission_key": uuid.uuid4().hex,
    }
    wrong = client.post(f"/projects/{project.pk}/plans/new/", {**posted, "month_1": "100"})
    assert wrong.status_code == 200 and "合计应等于年度计划投资" in wrong.content.decode()
    assert not PlanVersion.objects.exists()
    response = client.post(f"/projects/{project.pk}/plans/new/", posted)
    assert response.status_code == 302
    version = PlanVersion.objects.get(project=project)
    assert (version.state, version.monthly[0], version.milestones) == (
        "filed",
        150 * WAN,
        [{"name": "主体结构封顶", "due_on": "2026-06-30"}],
    )
    assert "批准" not in client.get(f"/projects/{project.pk}/").content.decode().split("备案版本")[1]
    client.force_login(commission)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "data-plan-approve" in page and "待审批" in page
    refused = client.post(f"/projects/plans/{version.pk}/return/", {"reason": ""}, follow=True)
    assert "请填写退回理由" in refused.content.decode()
    client.post(f"/projects/plans/{version.pk}/approve/")
    assert AnnualPlan.objects.get(project=project, year=2026).monthly_plan[0] == 150 * WAN
    client.force_login(owner)
    form = client.get(f"/projects/{project.pk}/plans/new/?year=2026").content.decode()
    assert 'value="主体结构封顶"' in form and 'value="150"' in form  # a change starts from the baseline


def test_plan_pages_refuse_who_may_not_and_change_nothing(assert_refused, at, make_project, users, ledger):
    project = make_project(plan=None)
    version = file(project, users[Role.ENTERPRISE_USER])
    outsiders = [None, users["other_enterprise"], users[Role.BANK_CLERK]]
    readers = [users[Role.UNIT_OFFICIAL], users[Role.LEADER]]  # they see the project, they file nothing
    assert_refused(outsiders + readers, "GET", f"/projects/{project.pk}/plans/new/")
    assert_refused(outsiders + readers, "POST", f"/projects/{project.pk}/plans/new/", {})
    deciders = outsiders + readers + [users[Role.ENTERPRISE_USER], users[Role.ADMINISTRATOR]]
    assert_refused(deciders, "POST", f"/projects/plans/{version.pk}/approve/")
    assert_refused(deciders, "POST", f"/projects/plans/{version.pk}/return/", {"reason": "x"})


# --- API ---------------------------------------------------------------------------------------------------

API = "/api/v1/projects"


def api(client, user, method, path, data=None):
    client.force_login(user)
    if method == "GET":
        return client.get(f"{API}{path}", data or {})
    return client.post(f"{API}{path}", data or {}, content_type="application/json")


def filing(**changes):
    return {
        "year": 2026,
        "planned_investment": 1200 * WAN,
        "monthly": FRONT_LOADED,
        "milestones": [{"name": "主体结构封顶", "due_on": "2026-06-30"}],
        "submission_key": uuid.uuid4().hex,
        **changes,
    }


def test_the_api_files_lists_approves_and_returns_versions(client, at, make_project, users, ledger):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    path = f"/projects/{project.pk}/plan-versions"
    body = filing()
    first = api(client, owner, "POST", path, body)
    assert first.status_code == 201, first.content
    assert (first.json()["number"], first.json()["state"]["code"]) == (1, "filed")
    again = api(client, owner, "POST", path, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    version = first.json()["id"]
    approved = api(client, commission, "POST", f"/plan-versions/{version}/approve")
    assert approved.status_code == 200 and approved.json()["state"]["code"] == "approved"
    detail = api(client, owner, "GET", f"/projects/{project.pk}").json()
    assert detail["plans"][0]["monthly_plan"] == FRONT_LOADED
    no_reason = api(client, owner, "POST", path, filing(monthly=[100 * WAN] * 12))
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "plan_reason_required")
    changed = api(client, owner, "POST", path, filing(monthly=[100 * WAN] * 12, reason="投资后移"))
    assert changed.status_code == 201
    assert changed.json()["changes"]["months"][0] == {"month": 1, "before": 150 * WAN, "after": 100 * WAN}
    assert changed.json()["changes"]["words"][0].startswith("分月计划（万元）：1 月 150 → 100")
    v2 = changed.json()["id"]
    refused = api(client, owner, "POST", f"/plan-versions/{v2}/approve")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    returned = api(client, commission, "POST", f"/plan-versions/{v2}/return", {"reason": "请附依据"})
    assert returned.json()["state"]["code"] == "returned" and returned.json()["return_reason"] == "请附依据"
    listed = api(client, users[Role.UNIT_OFFICIAL], "GET", path).json()
    assert [(v["number"], v["state"]["code"]) for v in listed] == [(2, "returned"), (1, "approved")]
    short = api(client, owner, "POST", path, filing(monthly=[100 * WAN] * 11, reason="x"))
    assert short.status_code == 422  # twelve months or nothing
    wrong_sum = api(client, owner, "POST", path, filing(planned_investment=1, reason="x"))
    assert (wrong_sum.status_code, wrong_sum.json()["code"]) == (400, "monthly_sum")
    stranger = users["other_enterprise"]  # another owner: the project and its versions do not exist
    assert api(client, stranger, "GET", path).status_code == 404
    assert api(client, stranger, "POST", path, filing(reason="x")).status_code == 404
    assert api(client, stranger, "POST", f"/plan-versions/{v2}/approve").status_code == 404
    assert PlanVersion.objects.filter(project=project).count() == 2
