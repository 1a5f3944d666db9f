"""The projects API as owners, responsible units, the commission and the city's leaders use it: the same
scoping and the same actions as the pages, refusals with a code, figures that follow confirmations."""

import uuid
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yancheng.core.actions import issue_api_token
from yancheng.core.roles import Role
from yancheng.projects import actions, figures
from yancheng.projects.choices import ReportState
from yancheng.projects.models import AnnualPlan, MilestoneProgress, MonthlyReport, Project, ProjectLevel
from yancheng.projects.schemas import RankingGrouping, RankingMeasure

from .conftest import WAN

URL = "/api/v1/projects"

pytestmark = pytest.mark.django_db


def call(client, user, method, path, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(f"{URL}{path}", data or {})
    return getattr(client, method.lower())(f"{URL}{path}", data or {}, content_type="application/json")


def filing(**changes):
    return {
        "year": 2026,
        "month": 11,
        "completed_investment": 200 * WAN,
        "progress": "主体结构封顶，设备进场",
        "submission_key": uuid.uuid4().hex,
        **changes,
    }


def confirmed(project, month, amount, *, by, confirmer, year=2026):
    filed, _ = actions.file_report(
        project,
        by=by,
        year=year,
        month=month,
        completed_investment=amount,
        progress="施工中",
        submission_key=uuid.uuid4().hex,
    )
    return actions.confirm_report(filed, by=confirmer)


@pytest.fixture
def scene(at, make_project, users, ledger):
    """Three projects: samr's of enterprise a in 珠晖区, eco's of enterprise b in 耒阳市 (provincial and city
    key, not industrial), and samr's own government project in 耒阳市; October confirmed for the first
    two, November for the second."""
    ours = make_project(name="甲电子产业园", levels=("city_key",))
    theirs = make_project(
        name="乙化工新材料",
        unit="eco",
        enterprise="b",
        region="leiyang",
        levels=("provincial_key", "city_key"),
        industrial=False,
        plan=2000 * WAN,
    )
    government = make_project(name="市监检测中心", enterprise=None, region="leiyang", plan=None)
    enterprise, samr = users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL]
    confirmed(ours, 10, 300 * WAN, by=enterprise, confirmer=samr)
    b, eco = users["other_enterprise"], users["other_official"]
    confirmed(theirs, 10, 100 * WAN, by=b, confirmer=eco)
    confirmed(theirs, 11, 500 * WAN, by=b, confirmer=eco)
    return {"ours": ours, "theirs": theirs, "government": government}


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --- who sees what -------------------------------------------------------------------------------------


def test_each_role_sees_its_own_projects_and_no_other(client, scene, users, ledger):
    ours, theirs, government = (scene[k].pk for k in ("ours", "theirs", "government"))
    everything = {ours, theirs, government}
    expected = {
        users[Role.ENTERPRISE_USER]: {ours},
        users["other_enterprise"]: {theirs},
        users[Role.UNIT_OFFICIAL]: {ours, government},  # responsible for both, owner of the second
        users["other_official"]: {theirs},
        users[Role.LEADER]: everything,
        users[Role.SUPERVISION_OFFICE]: everything,
        users[Role.ADMINISTRATOR]: everything,
        ledger["commission"]: everything,
        users[Role.BUSINESS_ENVIRONMENT_OFFICE]: set(),
        users[Role.BANK_CLERK]: set(),
        users[Role.REGISTRY_OFFICIAL]: set(),
    }
    for user, visible in expected.items():
        name = user.get_username()
        assert ids(call(client, user, "GET", "/projects")) == visible, name
        for pk in everything:
            status = call(client, user, "GET", f"/projects/{pk}").status_code
            assert status == (200 if pk in visible else 404), (name, pk, status)
        reports = call(client, user, "GET", "/reports").json()["items"]
        assert {r["project_id"] for r in reports} == visible & {ours, theirs}, name
        total = call(client, user, "GET", "/completion").json()["total"]
        assert total["projects"] == len(visible), name
    assert call(client, None, "GET", "/projects").status_code == 401


def test_a_report_outside_the_callers_scope_is_not_found(client, scene, users):
    report = MonthlyReport.objects.get(project=scene["theirs"], month=11)
    for user in (users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL], users[Role.BANK_CLERK]):
        response = call(client, user, "GET", f"/reports/{report.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert call(client, users[Role.LEADER], "GET", f"/reports/{report.pk}").status_code == 200


def test_refused_calls_change_nothing(client, scene, users, ledger, assert_refused):
    ours, theirs = scene["ours"], scene["theirs"]
    pending, _ = actions.file_report(
        ours,
        by=users[Role.ENTERPRISE_USER],
        year=2026,
        month=11,
        completed_investment=1,
        progress="进场",
        submission_key=uuid.uuid4().hex,
    )
    enterprise, samr, eco = users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL], users["other_official"]
    leader, bank, registry = users[Role.LEADER], users[Role.BANK_CLERK], users[Role.REGISTRY_OFFICIAL]
    reports = f"/projects/{theirs.pk}/reports"
    # Another owner's project, as it answers to anyone outside its scope: 404.
    assert_refused([enterprise, samr, bank, registry, None], "POST", f"{URL}{reports}", filing(month=10))
    # Seen but not theirs to report: the leader, the commission (it keeps the ledger, it does not report).
    assert_refused([leader, ledger["commission"]], "POST", f"{URL}{reports}", filing(month=9))
    confirm, give_back = f"{URL}/reports/{pending.pk}/confirm", f"{URL}/reports/{pending.pk}/return"
    assert_refused([eco, users["other_enterprise"], bank, None], "POST", confirm)
    assert_refused([enterprise, leader], "POST", confirm)  # they see it; they may not confirm it
    assert_refused([enterprise, eco, leader], "POST", give_back, {"reason": "请补充照片"})
    plan = f"{URL}/projects/{ours.pk}/plans/2027"
    assert_refused([enterprise, samr, leader, eco], "PUT", plan, {"planned_investment": 1})
    stage = f"{URL}/projects/{ours.pk}/stage"
    assert_refused([enterprise, leader, eco, bank], "POST", stage, {"to": "completed", "on": "2026-11-30"})
    refused = call(client, leader, "POST", reports, filing(month=8))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_a_bearer_token_sees_what_its_owner_sees(client, scene, users):
    owner = users[Role.ENTERPRISE_USER]
    _token, secret = issue_api_token(owner=owner, by=owner, name="业主系统")
    client.logout()
    response = client.get(f"{URL}/projects", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ids(response) == {scene["ours"].pk}


# --- the list -----------------------------------------------------------------------------------------


def test_each_item_carries_its_facts_figures_and_last_months_report_status(client, scene, users):
    response = call(client, users[Role.LEADER], "GET", "/projects", {"ordering": "name"})
    items = {item["name"]: item for item in response.json()["items"]}
    ours, theirs, government = items["甲电子产业园"], items["乙化工新材料"], items["市监检测中心"]
    assert ours["figures"] == {
        "year": 2026,
        "through_month": 11,  # at 2 December the month being reported is November
        "planned": 1000 * WAN,
        "completed": 300 * WAN,
        "rate": "30.0",
    }
    assert ours["report_status"]["code"] == "missing" and ours["report_status"]["month"] == 11
    assert theirs["report_status"]["code"] == "confirmed"
    assert theirs["figures"]["completed"] == 600 * WAN and theirs["figures"]["rate"] == "30.0"
    assert government["figures"]["planned"] == 0 and government["figures"]["rate"] is None
    assert [level["code"] for level in theirs["levels"]] == ["provincial_key", "city_key"]
    assert theirs["levels"][0]["label"] == "省重点项目"
    assert ours["owner"] == {
        "kind": "enterprise",
        "name": "衡阳甲电子科技有限公司",
        "uscc": scene["ours"].owner_enterprise.uscc,
        "unit_id": None,
    }
    assert government["owner"]["kind"] == "unit" and government["owner"]["name"] == "衡阳市市场监督管理局"
    assert ours["industry"] == {
        "division": "39",
        "division_label": "计算机、通信和其他电子设备制造业",
        "section": "C",
        "section_label": "制造业",
    }
    assert ours["stage"] == {"code": "continuing", "label": "续建"}
    assert ours["region"] == {"code": "430405", "name": "珠晖区"}
    assert ours["total_investment"] == 50_000 * WAN
    # Another month, asked for: its figures and its status.
    october = call(client, users[Role.LEADER], "GET", "/projects", {"year": 2026, "month": 10}).json()
    by_name = {item["name"]: item for item in october["items"]}
    assert by_name["乙化工新材料"]["figures"]["completed"] == 100 * WAN
    assert by_name["甲电子产业园"]["report_status"]["code"] == "confirmed"


def test_filters_and_ordering_narrow_the_list(client, scene, users, hengyang):
    ours, theirs, government = (scene[k].pk for k in ("ours", "theirs", "government"))
    samr, eco = hengyang["units"]["samr"].pk, hengyang["units"]["eco"].pk
    leader = users[Role.LEADER]
    person = leader.person
    Project.objects.filter(pk=theirs).update(leader=person, stage="new_start")
    cases = [
        ({}, {ours, theirs, government}),
        ({"level": "provincial_key"}, {theirs}),
        ({"level": "city_key"}, {ours, theirs, government}),
        ({"level": "county_key"}, set()),
        ({"region": "430481"}, {theirs, government}),
        ({"region": "430400"}, {ours, theirs, government}),  # the city holds its counties
        ({"unit": samr}, {ours, government}),
        ({"unit": eco}, {theirs}),
        ({"leader": person.pk}, {theirs}),
        ({"stage": "new_start"}, {theirs}),
        ({"industrial": "false"}, {theirs}),
        ({"industrial": "true"}, {ours, government}),
        ({"q": "化工"}, {theirs}),
        ({"q": scene["ours"].code[-6:]}, {ours}),
        ({"unit": samr, "region": "430481"}, {government}),
    ]
    for query, expected in cases:
        assert ids(call(client, leader, "GET", "/projects", query)) == expected, query
    names = lambda order: [  # noqa: E731
        i["name"] for i in call(client, leader, "GET", "/projects", {"ordering": order}).json()["items"]
    ]
    assert names("name") == sorted(names("name")) and names("-name") == names("name")[::-1]
    page = call(client, leader, "GET", "/projects", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    # The same filters narrow the figures.
    narrowed = call(client, leader, "GET", "/completion", {"unit": eco}).json()["total"]
    assert (narrowed["projects"], narrowed["completed"]) == (1, 600 * WAN)


def test_the_list_makes_the_same_few_queries_for_twenty_projects_as_for_one(
    client, at, make_project, users, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = users[Role.LEADER]
    client.force_login(leader)

    def add(n):
        for _ in range(n):
            project = make_project(levels=("city_key", "provincial_key"))
            confirmed(
                project, 10, 10 * WAN, by=users[Role.ENTERPRISE_USER], confirmer=users[Role.UNIT_OFFICIAL]
            )

    add(1)
    client.get(f"{URL}/projects")  # the session's first use
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{URL}/projects").json()["count"] == 1
    add(19)
    # session, user, roles, the page, its levels, its plans, its sums, the rules, the calendar, its
    # reports of the month, the count, and the idle-timeout session refresh (3).
    with django_assert_max_num_queries(14):
        body = client.get(f"{URL}/projects").json()
    assert body["count"] == 20 and all(i["figures"]["completed"] == 10 * WAN for i in body["items"])
    with CaptureQueriesContext(connection) as twenty:
        client.get(f"{URL}/projects")
    assert len(twenty) == len(one), [q["sql"] for q in twenty.captured_queries]


def test_the_per_project_figures_add_up_to_the_ledgers(client, scene, users):
    items = call(client, users[Role.LEADER], "GET", "/projects").json()["items"]
    [total] = figures.completion(Project.objects.all(), 2026, 11)
    assert sum(i["figures"]["planned"] for i in items) == total.planned
    assert sum(i["figures"]["completed"] for i in items) == total.completed


# --- the detail, plans and stages ------------------------------------------------------------------------


def test_the_detail_has_the_plans_with_milestones_and_what_the_caller_may_do(client, scene, users, ledger):
    ours = scene["ours"]
    actions.set_plan(
        ours,
        by=ledger["commission"],
        year=2027,
        planned_investment=3000 * WAN,
        milestones=[("竣工验收", date(2027, 6, 30)), ("设备调试", date(2027, 3, 31))],
    )
    body = call(client, users[Role.ENTERPRISE_USER], "GET", f"/projects/{ours.pk}").json()
    assert [p["year"] for p in body["plans"]] == [2026, 2027]
    assert [m["name"] for m in body["plans"][1]["milestones"]] == ["设备调试", "竣工验收"]
    assert body["plans"][1]["planned_investment"] == 3000 * WAN
    assert body["entered_on"] == "2026-01-01" and body["started_on"] is None
    assert body["allowed"] == {
        "report": True,
        "confirm": False,
        "move_stage": False,
        "set_plan": False,
        "file_plan": True,  # the owner files its plan; the commission decides
        "decide_plan": False,
    }
    assert [s["code"] for s in body["next_stages"]] == ["completed"]
    samr = call(client, users[Role.UNIT_OFFICIAL], "GET", f"/projects/{ours.pk}").json()["allowed"]
    assert samr == {
        "report": True,
        "confirm": True,
        "move_stage": True,
        "set_plan": False,
        "file_plan": False,
        "decide_plan": False,
    }
    commission = call(client, ledger["commission"], "GET", f"/projects/{ours.pk}").json()["allowed"]
    assert commission == {
        "report": False,
        "confirm": True,
        "move_stage": True,
        "set_plan": True,
        "file_plan": True,
        "decide_plan": True,
    }


def test_the_commission_sets_a_plan_and_saving_it_again_keeps_the_reported_progress(
    client, scene, users, ledger
):
    ours, commission = scene["ours"], ledger["commission"]
    plan = {
        "planned_investment": 1200 * WAN,
        "milestones": [
            {"name": "主体封顶", "due_on": "2026-09-30"},
            {"name": "设备进场", "due_on": "2026-11-30"},
        ],
    }
    response = call(client, commission, "PUT", f"/projects/{ours.pk}/plans/2026", plan)
    assert response.status_code == 200, response.content
    milestones = response.json()["milestones"]
    assert [m["name"] for m in milestones] == ["主体封顶", "设备进场"]
    progress = [{"milestone": milestones[0]["id"], "status": "done"}]
    filed = call(
        client,
        users[Role.ENTERPRISE_USER],
        "POST",
        f"/projects/{ours.pk}/reports",
        filing(milestones=progress),
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["milestones"][0]["status"] == {"code": "done", "label": "已完成"}
    again = call(client, commission, "PUT", f"/projects/{ours.pk}/plans/2026", plan)
    assert [m["id"] for m in again.json()["milestones"]] == [m["id"] for m in milestones]
    assert MilestoneProgress.objects.filter(report_id=filed.json()["id"]).count() == 1
    assert AnnualPlan.objects.get(project=ours, year=2026).planned_investment == 1200 * WAN
    for year, code in [(2014, "invalid"), (2101, "invalid")]:
        bad = call(client, commission, "PUT", f"/projects/{ours.pk}/plans/{year}", plan)
        assert bad.status_code == 422 and bad.json()["code"] == code
    negative = call(client, commission, "PUT", f"/projects/{ours.pk}/plans/2026", {"planned_investment": -1})
    assert negative.status_code == 422


def test_the_responsible_unit_moves_the_stage_forward_only(client, scene, users):
    ours, samr = scene["ours"], users[Role.UNIT_OFFICIAL]
    moved = call(client, samr, "POST", f"/projects/{ours.pk}/stage", {"to": "completed", "on": "2026-11-28"})
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["stage"]["code"] == "completed" and body["completed_on"] == "2026-11-28"
    assert [s["code"] for s in body["next_stages"]] == ["in_production"]
    back = call(client, samr, "POST", f"/projects/{ours.pk}/stage", {"to": "continuing"})
    assert back.status_code == 400 and back.json()["code"] == "stage_transition"
    future = call(
        client, samr, "POST", f"/projects/{ours.pk}/stage", {"to": "in_production", "on": "2027-01-01"}
    )
    assert future.status_code == 400 and future.json()["code"] == "stage_date_future"
    today = call(client, samr, "POST", f"/projects/{ours.pk}/stage", {"to": "in_production"})
    assert today.json()["in_production_on"] == "2026-12-02"  # the default: today
    unknown = call(client, samr, "POST", f"/projects/{ours.pk}/stage", {"to": "demolished"})
    assert unknown.status_code == 422


# --- monthly reports ------------------------------------------------------------------------------------


def test_filing_is_201_and_the_same_submission_again_is_200_and_one_report(client, scene, users):
    ours, enterprise = scene["ours"], users[Role.ENTERPRISE_USER]
    body = filing()
    first = call(client, enterprise, "POST", f"/projects/{ours.pk}/reports", body)
    assert first.status_code == 201, first.content
    report = first.json()
    assert report["state"] == {"code": "submitted", "label": "待确认"}
    assert (report["version"], report["in_force"], report["completed_investment"]) == (1, False, 200 * WAN)
    assert report["filed_by"] == "enterprise_a" and report["decided_by"] is None
    again = call(client, enterprise, "POST", f"/projects/{ours.pk}/reports", body)
    assert again.status_code == 200 and again.json()["id"] == report["id"]
    assert MonthlyReport.objects.filter(project=ours, month=11).count() == 1
    # The same key from someone else is not theirs to see.
    taken = call(client, users[Role.UNIT_OFFICIAL], "POST", f"/projects/{ours.pk}/reports", body)
    assert taken.status_code == 400 and taken.json()["code"] == "submission_key_taken"
    # A month waiting for confirmation is not filed twice.
    pending = call(client, enterprise, "POST", f"/projects/{ours.pk}/reports", filing())
    assert pending.status_code == 400 and pending.json()["code"] == "report_pending"
    assert "等待责任单位确认" in pending.json()["detail"]


def test_confirmation_by_the_responsible_unit_makes_the_report_count(client, scene, users):
    ours, samr = scene["ours"], users[Role.UNIT_OFFICIAL]
    filed = call(client, users[Role.ENTERPRISE_USER], "POST", f"/projects/{ours.pk}/reports", filing())
    report_id = filed.json()["id"]

    def completed():
        total = call(client, samr, "GET", "/completion", {"year": 2026, "month": 11}).json()["total"]
        return total["completed"]

    assert completed() == 300 * WAN
    response = call(client, samr, "POST", f"/reports/{report_id}/confirm")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"]["code"] == "confirmed" and body["in_force"] is True
    assert body["decided_by"] == "official" and body["decided_at"]
    assert completed() == 500 * WAN
    twice = call(client, samr, "POST", f"/reports/{report_id}/confirm")
    assert twice.status_code == 400 and twice.json()["code"] == "report_not_pending"


def test_the_filer_cannot_confirm_their_own_report(client, scene, users, ledger):
    government, samr = scene["government"], users[Role.UNIT_OFFICIAL]
    filed = call(client, samr, "POST", f"/projects/{government.pk}/reports", filing())
    assert filed.status_code == 201, filed.content
    own = call(client, samr, "POST", f"/reports/{filed.json()['id']}/confirm")
    assert own.status_code == 400 and own.json()["code"] == "own_report"
    assert MonthlyReport.objects.get(pk=filed.json()["id"]).state == ReportState.SUBMITTED
    colleague = call(client, ledger["colleague"], "POST", f"/reports/{filed.json()['id']}/confirm")
    assert colleague.status_code == 200


def test_a_confirmed_month_is_corrected_only_with_a_reason(client, scene, users):
    ours, enterprise = scene["ours"], users[Role.ENTERPRISE_USER]
    october = MonthlyReport.objects.get(project=ours, month=10)
    path = f"/projects/{ours.pk}/reports"
    bare = call(client, enterprise, "POST", path, filing(month=10))
    assert bare.status_code == 400 and bare.json()["code"] == "correction_reason_required"
    corrected = call(client, enterprise, "POST", path, filing(month=10, correction_reason="漏报设备购置款"))
    assert corrected.status_code == 201, corrected.content
    body = corrected.json()
    assert (body["version"], body["correction_reason"], body["in_force"]) == (2, "漏报设备购置款", False)
    call(client, users[Role.UNIT_OFFICIAL], "POST", f"/reports/{body['id']}/confirm")
    versions = call(client, enterprise, "GET", "/reports", {"project": ours.pk, "month": 10}).json()
    assert [(r["version"], r["state"]["code"], r["in_force"]) for r in versions["items"]] == [
        (2, "confirmed", True),
        (1, "superseded", False),
    ]
    assert versions["items"][1]["id"] == october.pk
    assert call(client, enterprise, "GET", "/reports", {"state": "superseded"}).json()["count"] == 1


def test_a_report_is_returned_with_a_reason_and_filed_again(client, scene, users):
    ours, samr, enterprise = scene["ours"], users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]
    filed = call(client, enterprise, "POST", f"/projects/{ours.pk}/reports", filing()).json()
    blank = call(client, samr, "POST", f"/reports/{filed['id']}/return", {"reason": "  "})
    assert blank.status_code == 400 and blank.json()["code"] == "reason_required"
    returned = call(client, samr, "POST", f"/reports/{filed['id']}/return", {"reason": "照片与项目不符"})
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"]["code"] == "returned"
    assert returned.json()["return_reason"] == "照片与项目不符"
    again = call(client, enterprise, "POST", f"/projects/{ours.pk}/reports", filing())
    assert again.status_code == 201 and again.json()["version"] == 2


def test_the_report_detail_has_its_milestones_and_photo_facts(client, scene, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ours = scene["ours"]
    image, out = Image.new("RGB", (64, 48), (90, 140, 200)), BytesIO()
    exif = image.getexif()
    exif[0x8769] = {0x9003: "2026:11:20 14:30:00"}
    exif[0x8825] = {1: "N", 2: (26.0, 53.0, 38.4), 3: "E", 4: (112.0, 34.0, 19.2)}
    image.save(out, "JPEG", exif=exif)
    photo = SimpleUploadedFile("现场.jpg", out.getvalue(), content_type="image/jpeg")
    filed, _ = actions.file_report(
        ours,
        by=users[Role.ENTERPRISE_USER],
        year=2026,
        month=11,
        completed_investment=1,
        progress="进场",
        problems="用地指标待落实",
        submission_key=uuid.uuid4().hex,
        photos=[photo],
    )
    body = call(client, users[Role.UNIT_OFFICIAL], "GET", f"/reports/{filed.pk}").json()
    assert body["problems"] == "用地指标待落实" and body["progress"] == "进场"
    [shown] = body["photos"]
    assert shown["name"] == "现场.jpg" and shown["size"] == len(out.getvalue())
    assert shown["taken_at"].startswith("2026-11-20T06:30:00")  # 14:30 Beijing time, in UTC
    assert (shown["latitude"], shown["longitude"]) == (26.894, 112.572)
    assert not any("url" in key for key in shown)


def test_bad_report_input_is_a_422_or_a_400_with_a_code(client, scene, users):
    ours, theirs, enterprise = scene["ours"], scene["theirs"], users[Role.ENTERPRISE_USER]
    path = f"/projects/{ours.pk}/reports"
    for changes in [
        {"month": 13},
        {"month": 0},
        {"year": 2014},
        {"completed_investment": -1},
        {"completed_investment": 10**13},
        {"submission_key": "short"},
        {"progress": "a\ud800b"},
        {"milestones": [{"milestone": 1, "status": "finished"}]},
    ]:
        response = call(client, enterprise, "POST", path, filing(**changes))
        assert response.status_code == 422, (changes, response.content)
    month = call(client, enterprise, "POST", path, filing(month=13)).json()["detail"]
    assert month[0]["msg"] == "请选择正确的月份（1–12）。"
    for changes, code in [
        ({"year": 2027, "month": 1}, "report_future"),
        ({"progress": "   "}, "progress_required"),
        ({"milestones": [{"milestone": 999999, "status": "done"}]}, "milestone_unknown"),
    ]:
        response = call(client, enterprise, "POST", path, filing(**changes))
        assert (response.status_code, response.json()["code"]) == (400, code), changes
    # Another project's milestone is not one of this project's.
    plan = actions.set_plan(
        theirs,
        by=users[Role.ADMINISTRATOR],
        year=2026,
        planned_investment=1,
        milestones=[("开工", date(2026, 3, 1))],
    )
    other = plan.milestones.get().pk
    response = call(
        client, enterprise, "POST", path, filing(milestones=[{"milestone": other, "status": "done"}])
    )
    assert response.json()["code"] == "milestone_unknown"
    repeated = [{"milestone": other, "status": "done"}, {"milestone": other, "status": "behind"}]
    response = call(client, enterprise, "POST", path, filing(milestones=repeated))
    assert response.json()["code"] == "milestone_repeated"
    assert MonthlyReport.objects.filter(project=ours, month=11).count() == 0


# --- completion and rankings -------------------------------------------------------------------------------


def test_completion_by_group_with_rates_to_one_decimal_and_the_industrial_share(client, scene, users):
    leader = users[Role.LEADER]
    body = call(client, leader, "GET", "/completion", {"year": 2026, "month": 11, "by": "level"}).json()
    assert body["total"] == {
        "key": "all",
        "label": "合计",
        "projects": 3,
        "planned": 3000 * WAN,
        "completed": 900 * WAN,
        "rate": "30.0",
    }
    rows = {row["key"]: row for row in body["rows"]}
    assert rows["provincial_key"]["projects"] == 1 and rows["provincial_key"]["completed"] == 600 * WAN
    assert rows["city_key"]["projects"] == 3 and rows["city_key"]["rate"] == "30.0"
    assert body["industrial_share"] == "33.3"  # 1000 万元 of 3000 万元
    october = call(
        client, leader, "GET", "/completion", {"year": 2026, "month": 10, "by": "industrial"}
    ).json()
    shares = {row["key"]: (row["label"], row["completed"]) for row in october["rows"]}
    assert shares == {"true": ("产业项目", 300 * WAN), "false": ("非产业项目", 100 * WAN)}
    for by in ["region", "park", "unit", "leader", "industry"]:
        grouped = call(client, leader, "GET", "/completion", {"by": by})
        assert grouped.status_code == 200, (by, grouped.content)
        assert sum(row["completed"] for row in grouped.json()["rows"]) == 900 * WAN, by
    assert call(client, leader, "GET", "/completion").json()["rows"] == []
    bad = call(client, leader, "GET", "/completion", {"month": 13})
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == "请选择正确的月份（1–12）。"
    assert call(client, leader, "GET", "/completion", {"by": "colour"}).status_code == 422


def test_rankings_carry_last_months_rank(client, scene, users, hengyang):
    leader = users[Role.LEADER]
    query = {"year": 2026, "month": 11, "by": "region", "measure": "completed"}
    body = call(client, leader, "GET", "/rankings", query).json()
    assert (body["by"], body["measure"], body["measure_label"]) == ("region", "completed", "完成投资")
    rows = [(r["label"], r["rank"], r["previous_rank"], r["change"], r["completed"]) for r in body["rows"]]
    # October: 珠晖区 300 万元 before 耒阳市 100; November: 耒阳市 600 before 珠晖区 300.
    assert rows == [("耒阳市", 1, 2, 1, 600 * WAN), ("珠晖区", 2, 1, -1, 300 * WAN)]
    assert body["rows"][0]["key"] == "430481"
    january = call(client, leader, "GET", "/rankings", {**query, "month": 1}).json()["rows"]
    assert all(r["previous_rank"] is None and r["change"] is None for r in january)
    by_unit = call(client, leader, "GET", "/rankings", {"by": "unit", "measure": "rate"}).json()
    assert {r["label"] for r in by_unit["rows"]} == {"衡阳市市场监督管理局", "衡阳市生态环境局"}
    for measure in RankingMeasure.__args__:
        assert call(client, leader, "GET", "/rankings", {"measure": measure}).status_code == 200
    assert call(client, leader, "GET", "/rankings", {"by": "leader"}).status_code == 422
    assert call(client, users[Role.BANK_CLERK], "GET", "/rankings").json()["rows"] == []


def test_the_documents_choices_are_the_ledgers():
    assert set(RankingGrouping.__args__) == set(figures.RANKING_GROUPINGS)
    assert set(RankingMeasure.__args__) == set(figures.MEASURES)
    assert ProjectLevel._meta.get_field("level").choices  # the filter's choices come from the model
