"""The ledger's rules: reports typed once and confirmed, corrections as versions, stages that only move
forward, and figures that are the sums of the rows."""

import random
import uuid
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yancheng.core.actions import ActionRefused
from yancheng.core.roles import Role
from yancheng.projects import actions, figures, reporting
from yancheng.projects.choices import Grouping, ReportState
from yancheng.projects.models import MonthlyReport, Project, ProjectEvent

from .conftest import WAN

pytestmark = pytest.mark.django_db


def total(project, year=2026, through=12):
    [row] = figures.completion(Project.objects.filter(pk=project.pk), year, through)
    return row.completed


def test_a_confirmed_report_counts_and_a_pending_one_does_not(at, make_project, report, users):
    project = make_project()
    pending = report(project, 10, 300 * WAN, confirm=False)
    assert pending.state == ReportState.SUBMITTED
    assert total(project) == 0
    actions.confirm_report(pending, by=users[Role.UNIT_OFFICIAL])
    assert total(project) == 300 * WAN
    assert ProjectEvent.objects.filter(project=project, kind="report_confirmed").count() == 1


def test_the_same_submission_twice_is_one_report(at, make_project, users):
    project = make_project()
    key = uuid.uuid4().hex
    args = dict(by=users[Role.ENTERPRISE_USER], year=2026, month=11, completed_investment=1, progress="进场")
    first, created = actions.file_report(project, submission_key=key, **args)
    again, created_again = actions.file_report(project, submission_key=key, **args)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and MonthlyReport.objects.count() == 1
    with pytest.raises(ActionRefused) as refused:
        actions.file_report(project, submission_key=key, **{**args, "by": users[Role.UNIT_OFFICIAL]})
    assert refused.value.code == "submission_key_taken"


def test_a_month_waiting_for_confirmation_cannot_be_filed_again(at, make_project, report):
    project = make_project()
    report(project, 11, 100, confirm=False)
    with pytest.raises(ActionRefused) as refused:
        report(project, 11, 200, confirm=False)
    assert refused.value.code == "report_pending"
    assert "等待责任单位确认" in refused.value.message


def test_a_confirmed_month_is_corrected_only_by_a_new_version_with_a_reason(at, make_project, report, users):
    project = make_project()
    first = report(project, 11, 100 * WAN)
    with pytest.raises(ActionRefused) as refused:
        report(project, 11, 120 * WAN, confirm=False)
    assert refused.value.code == "correction_reason_required"
    second = report(project, 11, 120 * WAN, correction_reason="漏报设备购置款", confirm=False)
    assert second.version == 2
    assert total(project) == 100 * WAN  # the correction counts once confirmed
    actions.confirm_report(second, by=users[Role.UNIT_OFFICIAL])
    first.refresh_from_db()
    assert (first.state, first.in_force) == (ReportState.SUPERSEDED, False)
    assert total(project) == 120 * WAN
    assert MonthlyReport.objects.filter(project=project).count() == 2  # both kept
    assert ProjectEvent.objects.filter(project=project, kind="report_corrected").exists()


def test_a_returned_report_is_filed_again_without_a_reason(at, make_project, report, users):
    project = make_project()
    filed = report(project, 11, 100, confirm=False)
    with pytest.raises(ActionRefused):
        actions.return_report(filed, by=users[Role.UNIT_OFFICIAL], reason=" ")
    actions.return_report(filed, by=users[Role.UNIT_OFFICIAL], reason="照片与项目不符")
    again = report(project, 11, 150, confirm=False)
    assert again.version == 2 and again.correction_reason == ""


def test_the_filer_cannot_confirm_their_own_report_and_others_cannot_at_all(
    at, make_project, report, users, ledger
):
    project = make_project()
    own = report(project, 11, 100, by=users[Role.UNIT_OFFICIAL], confirm=False)
    with pytest.raises(ActionRefused) as refused:
        actions.confirm_report(own, by=users[Role.UNIT_OFFICIAL])
    assert refused.value.code == "own_report"
    for stranger in (users[Role.ENTERPRISE_USER], users["other_official"], users[Role.LEADER]):
        with pytest.raises(ActionRefused):
            actions.confirm_report(own, by=stranger)
    actions.confirm_report(own, by=ledger["colleague"])


def test_who_may_report(at, make_project, report, users):
    project = make_project()
    for stranger in (
        users["other_enterprise"],
        users["other_official"],
        users[Role.LEADER],
        users[Role.BANK_CLERK],
    ):
        with pytest.raises(ActionRefused) as refused:
            report(project, 11, 1, by=stranger, confirm=False)
        assert refused.value.code == "forbidden"
    assert MonthlyReport.objects.count() == 0


def test_no_report_for_a_month_to_come(at, make_project, report):
    with pytest.raises(ActionRefused) as refused:
        report(make_project(), 1, 1, year=2027, confirm=False)
    assert refused.value.code == "report_future"


def test_stages_move_forward_only(at, make_project, users, ledger):
    project = make_project(stage="preparation")
    with pytest.raises(ActionRefused) as refused:
        actions.change_stage(project, by=users[Role.UNIT_OFFICIAL], to="completed", on=date(2026, 3, 1))
    assert "不能由“前期”变为“竣工”" in refused.value.message
    actions.change_stage(project, by=users[Role.UNIT_OFFICIAL], to="new_start", on=date(2026, 3, 1))
    project.refresh_from_db()
    assert (project.stage, project.started_on) == ("new_start", date(2026, 3, 1))
    with pytest.raises(ActionRefused):
        actions.change_stage(project, by=users["other_official"], to="continuing", on=date(2026, 4, 1))
    with pytest.raises(ActionRefused):
        actions.change_stage(project, by=ledger["commission"], to="completed", on=date(2027, 1, 1))


def test_the_plan_is_kept_by_the_commission(at, make_project, users, ledger):
    project = make_project(plan=None)
    with pytest.raises(ActionRefused):
        actions.set_plan(project, by=users[Role.UNIT_OFFICIAL], year=2026, planned_investment=1)
    plan = actions.set_plan(
        project, by=ledger["commission"], year=2026, planned_investment=800 * WAN,
        milestones=[("主体封顶", date(2026, 6, 30))],
    )  # fmt: skip
    assert plan.milestones.get().name == "主体封顶"
    assert ProjectEvent.objects.filter(project=project, kind="plan_set").count() == 1
    actions.set_plan(project, by=ledger["commission"], year=2026, planned_investment=800 * WAN,
                     milestones=[("主体封顶", date(2026, 6, 30))])  # fmt: skip
    assert ProjectEvent.objects.filter(project=project, kind="plan_set").count() == 1  # nothing changed
    with pytest.raises(ActionRefused, match="年度计划节点的日期应在 2026 年内"):
        actions.set_plan(project, by=ledger["commission"], year=2026, planned_investment=900 * WAN,
                         milestones=[("竣工验收", date(2027, 3, 31))])  # fmt: skip
    plan.refresh_from_db()
    assert plan.planned_investment == 800 * WAN and plan.milestones.count() == 1  # refused: unchanged


def test_reads_are_scoped(make_project, users, ledger):
    mine = make_project(enterprise="a", unit="samr")
    theirs = make_project(enterprise="b", unit="eco")
    government = make_project(enterprise=None, unit="eco")
    seen = lambda user: set(Project.objects.for_user(user))  # noqa: E731
    assert seen(users[Role.ENTERPRISE_USER]) == {mine}
    assert seen(users["other_enterprise"]) == {theirs}
    assert seen(users[Role.UNIT_OFFICIAL]) == {mine}
    assert seen(users["other_official"]) == {theirs, government}
    assert seen(users[Role.BANK_CLERK]) == seen(users[Role.REGISTRY_OFFICIAL]) == set()
    for overseer in (
        users[Role.LEADER],
        users[Role.SUPERVISION_OFFICE],
        users[Role.ADMINISTRATOR],
        ledger["commission"],
    ):
        assert seen(overseer) == {mine, theirs, government}


def test_completion_rates_are_the_sums_of_the_rows(at, make_project, report, hengyang):
    """Random projects and reports: every grouping's figures equal what the rows add up to."""
    rng = random.Random(11)
    levels = ["provincial_major", "provincial_key", "city_key", "county_key"]
    projects = []
    for _ in range(12):
        chosen = rng.sample(levels, rng.randint(1, 2))
        projects.append(make_project(
            levels=chosen, industrial=rng.random() < 0.6, region=rng.choice(["zhuhui", "leiyang"]),
            unit=rng.choice(["samr", "eco"]), enterprise=None, industry=rng.choice(["39", "26", "48", "83"]),
            plan=rng.randint(100, 5000) * WAN,
        ))  # fmt: skip
    from conftest import make_user

    owners = {"samr": make_user("samr_2", Role.UNIT_OFFICIAL, unit=hengyang["units"]["samr"]),
              "eco": make_user("eco_2", Role.UNIT_OFFICIAL, unit=hengyang["units"]["eco"])}  # fmt: skip
    rows = []  # (project, month, amount) of the confirmed reports
    for project in projects:
        for month in rng.sample(range(1, 12), rng.randint(0, 6)):
            amount = rng.randint(0, 900) * WAN + rng.randint(0, 9999)
            confirm = rng.random() < 0.8
            unit = "samr" if project.responsible_unit.code == "samr" else "eco"
            filed = report(project, month, amount, by=owners[unit], confirm=False)
            if confirm:
                actions.confirm_report(filed, by=_confirmer(project))
                rows.append((project, month, amount))
    through = 9
    everything = Project.objects.all()
    for grouping, key_of in {
        Grouping.REGION: lambda p: [p.region_id],
        Grouping.UNIT: lambda p: [p.responsible_unit_id],
        Grouping.INDUSTRIAL: lambda p: [p.industrial],
        Grouping.LEVEL: lambda p: list(p.levels.values_list("level", flat=True)),
        Grouping.INDUSTRY: lambda p: [p.section],
    }.items():
        expected_planned, expected_done = {}, {}
        for project in projects:
            for key in key_of(project):
                expected_planned[key] = expected_planned.get(key, 0) + project.plans.get().planned_investment
                expected_done.setdefault(key, 0)
        for project, month, amount in rows:
            if month <= through:
                for key in key_of(project):
                    expected_done[key] += amount
        got = {row.key: row for row in figures.completion(everything, 2026, through, grouping)}
        assert {k: r.planned for k, r in got.items()} == expected_planned, grouping
        assert {k: r.completed for k, r in got.items()} == expected_done, grouping
        for key, row in got.items():
            assert row.rate == (Decimal(expected_done[key]) * 100 / expected_planned[key]).quantize(
                Decimal("0.1")
            )
    # The rankings: each group's completed investment this month and last, ranked by it (1, 2, 2, 4).
    for grouping, key_of in {
        Grouping.REGION: lambda p: p.region_id,
        Grouping.UNIT: lambda p: p.responsible_unit_id,
    }.items():
        done = {m: {key_of(p): 0 for p in projects} for m in (through - 1, through)}
        for project, month, amount in rows:
            for m in done:
                if month <= m:
                    done[m][key_of(project)] += amount
        rank = {m: {k: 1 + sum(v > done[m][k] for v in done[m].values()) for k in done[m]} for m in done}
        ranked = figures.ranking(everything, grouping, figures.Measure.COMPLETED, 2026, through)
        got = {r.key: (r.completed, r.rank, r.previous_rank) for r in ranked.rows}
        assert got == {k: (done[through][k], rank[through][k], rank[through - 1][k]) for k in done[through]}
    [whole] = figures.completion(everything, 2026, through)
    assert whole.completed == sum(a for _, m, a in rows if m <= through)
    industrial = sum(p.plans.get().planned_investment for p in projects if p.industrial)
    assert figures.industrial_share(everything, 2026) == figures.rate(
        industrial, sum(p.plans.get().planned_investment for p in projects)
    )
    # The ledger's line (one read of the plans for both) says the same as the two it replaces.
    line, share = figures.ledger_summary(everything, 2026, through, everything.count())
    assert (line.projects, line.planned, line.completed) == (len(projects), whole.planned, whole.completed)
    assert share == figures.industrial_share(everything, 2026)


def _confirmer(project):
    from django.contrib.auth import get_user_model

    # Any official of the responsible unit who did not file it: the fixture's samr/eco officials.
    usernames = {"samr": "official", "eco": "official_eco"}
    return get_user_model().objects.get(username=usernames[project.responsible_unit.code])


def test_rankings_with_last_months_rank(at, make_project, report, users):
    zhuhui = make_project(region="zhuhui", plan=1000 * WAN)
    leiyang = make_project(region="leiyang", enterprise="a", plan=1000 * WAN)
    report(zhuhui, 10, 500 * WAN)
    report(leiyang, 10, 100 * WAN)
    report(leiyang, 11, 700 * WAN)
    ranked = figures.ranking(Project.objects.all(), Grouping.REGION, figures.Measure.COMPLETED, 2026, 11)
    assert [(r.label, r.rank, r.previous_rank, r.change) for r in ranked.rows] == [
        ("耒阳市", 1, 2, 1),
        ("珠晖区", 2, 1, -1),
    ]
    assert ranked.rows[0].completed == 800 * WAN and ranked.rows[0].rate == Decimal("80.0")
    by_rate = figures.ranking(Project.objects.all(), Grouping.REGION, figures.Measure.RATE, 2026, 10)
    assert [(r.label, r.rate, r.previous_rank) for r in by_rate.rows] == [
        ("珠晖区", Decimal("50.0"), 1), ("耒阳市", Decimal("10.0"), 1)
    ]  # fmt: skip


def test_new_starts_and_completions_are_ranked_by_their_dates(at, make_project, users):
    a = make_project(
        region="zhuhui", stage="new_start", started_on=date(2026, 11, 3), total_investment=9 * WAN
    )
    make_project(region="zhuhui", stage="completed", completed_on=date(2026, 2, 1))
    make_project(region="leiyang", stage="new_start", started_on=date(2025, 5, 1))
    ranked = figures.ranking(Project.objects.all(), Grouping.REGION, figures.Measure.NEW_STARTS, 2026, 11)
    rows = {r.label: r for r in ranked.rows}
    assert (rows["珠晖区"].new_starts, rows["珠晖区"].new_start_investment, rows["珠晖区"].finished) == (
        1,
        a.total_investment,
        1,
    )
    assert rows["耒阳市"].new_starts == 0
    october = figures.ranking(Project.objects.all(), Grouping.REGION, figures.Measure.NEW_STARTS, 2026, 10)
    assert {r.label: r.new_starts for r in october.rows}["珠晖区"] == 0


def test_a_missing_report_is_overdue_after_the_fifth_working_day(at, make_project, report):
    project = make_project()
    at(2026, 12, 7, 18)  # Monday 7 December: the 5th working day of December
    assert reporting.status_of(project, 2026, 11).code == "missing"
    assert reporting.due_at(2026, 11).date() == date(2026, 12, 7)
    at(2026, 12, 8, 9)
    assert reporting.status_of(project, 2026, 11).code == "overdue"
    assert list(reporting.overdue_projects(Project.objects.all())) == [project]
    report(project, 11, 1, confirm=False)
    assert reporting.status_of(project, 2026, 11).code == "submitted"
    assert not reporting.overdue_projects(Project.objects.all()).exists()


def _photo(exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), (90, 140, 200))
    out = BytesIO()
    if exif:
        data = image.getexif()
        data[0x8769] = {0x9003: "2026:11:20 14:30:00"}  # DateTimeOriginal in the Exif IFD
        gps = {1: "N", 2: (26.0, 53.0, 38.4), 3: "E", 4: (112.0, 34.0, 19.2)}
        data[0x8825] = gps
        image.save(out, "JPEG", exif=data)
    else:
        image.save(out, "JPEG")
    return SimpleUploadedFile("现场.jpg", out.getvalue(), content_type="image/jpeg")


def test_photos_keep_their_time_and_place(at, make_project, report):
    filed = report(make_project(), 11, 1, confirm=False, photos=[_photo()])
    photo = filed.photos.get()
    assert photo.taken_at.isoformat() == "2026-11-20T06:30:00+00:00"  # 14:30 Beijing time
    assert (photo.latitude, photo.longitude) == (Decimal("26.894000"), Decimal("112.572000"))
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 480


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(at, make_project, report):
    fake = SimpleUploadedFile("现场.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ActionRefused) as refused:
        report(make_project(), 11, 1, confirm=False, photos=[_photo(exif=False), fake])
    assert "无法识别为图片" in refused.value.message
    assert MonthlyReport.objects.count() == 0


def test_an_overdue_report_is_reminded_once_to_the_owner_and_the_unit(at, make_project, users):
    from yancheng.core.models import Notification
    from yancheng.projects.tasks import remind_overdue_reports

    project = make_project()
    at(2026, 12, 7, 12)
    assert remind_overdue_reports() == 0  # not due yet
    at(2026, 12, 8, 9)
    assert remind_overdue_reports() == 1
    assert remind_overdue_reports() == 0  # once
    told = set(
        Notification.objects.filter(title__contains="逾期未报").values_list("recipient__username", flat=True)
    )
    assert {"enterprise_a", "official"} <= told and "official_eco" not in told
    assert project.events.filter(kind="reminded").count() == 1
