"""The investment completed to date kept on the plan (AnnualPlan.completed_to_month): the watch reads it
instead of summing the reports per request, so it must follow every path that changes which reports are
in force — a report confirmed, returned, corrected; a plan set, versioned or imported after the reports
— and equal, at every step, what the reports in force sum to."""

import importlib
import random
import re
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yancheng.core.roles import Role
from yancheng.core.tests.test_import import run_queued
from yancheng.projects import actions, deviations, figures, plans
from yancheng.projects.models import AnnualPlan, MonthlyReport, Project

from .conftest import WAN, assert_figures_follow_reports

pytestmark = pytest.mark.django_db

FRONT_LOADED = [150 * WAN] * 6 + [50 * WAN] * 6  # 1,200 万元


def kept(project, year=2026):
    return AnnualPlan.objects.get(project=project, year=year).completed_to_month


def to_date(*amounts):
    """Twelve running totals of ``amounts`` (yuan, January first; missing months are 0)."""
    running, out = 0, []
    for month in range(12):
        running += amounts[month] if month < len(amounts) else 0
        out.append(running)
    return out


def light(project):
    return deviations.annotate(Project.objects.filter(pk=project.pk)).get().light


def test_a_report_counts_from_the_moment_it_is_confirmed_and_not_before(at, make_project, report, users):
    project = make_project()
    filed = report(project, 3, 40 * WAN, confirm=False)
    assert kept(project) is None  # nothing kept yet: the watch sums the reports itself
    assert_figures_follow_reports()
    report(project, 1, 10 * WAN)
    assert kept(project) == to_date(10 * WAN)  # the March report waits for confirmation
    confirmed = actions.confirm_report(filed, by=users[Role.UNIT_OFFICIAL])
    assert confirmed.in_force
    assert kept(project) == to_date(10 * WAN, 0, 40 * WAN)
    assert_figures_follow_reports()


def test_a_returned_report_never_counts_and_its_refiling_does_once_confirmed(at, make_project, report, users):
    project = make_project()
    report(project, 1, 10 * WAN)
    filed = report(project, 2, 99 * WAN, confirm=False)
    actions.return_report(filed, by=users[Role.UNIT_OFFICIAL], reason="照片与项目不符")
    assert kept(project) == to_date(10 * WAN)
    report(project, 2, 20 * WAN)
    assert kept(project) == to_date(10 * WAN, 20 * WAN)
    assert_figures_follow_reports()


def test_a_correction_replaces_the_month_when_confirmed_and_not_before(at, make_project, report, users):
    project = make_project()
    for month in range(1, 12):
        report(project, month, 90 * WAN)
    assert light(project) == "green"
    correction = report(project, 5, 0, correction_reason="重复统计了设备款", confirm=False)
    assert kept(project)[4] == 450 * WAN  # still the first version's
    actions.confirm_report(correction, by=users[Role.UNIT_OFFICIAL])
    assert kept(project) == to_date(*[90 * WAN] * 4, 0, *[90 * WAN] * 6)
    assert kept(project)[10] == 900 * WAN  # replaced, not added: 90.0 % against 91.7 %
    assert MonthlyReport.objects.filter(project=project, month=5).count() == 2
    assert_figures_follow_reports()


def test_a_correction_that_puts_a_project_behind_turns_it_yellow_at_once(at, make_project, report):
    project = make_project()
    for month in range(1, 12):
        report(project, month, 90 * WAN)
    assert light(project) == "green"
    for month in (8, 9, 10, 11):
        report(project, month, 0, correction_reason="未完成支付")
    assert light(project) == "yellow"  # 630 万元: 63.0 % against 91.7 %
    assert deviations.filter_light(Project.objects.all(), "yellow").get() == project


def test_a_plan_set_after_the_years_reports_counts_them(at, make_project, report, ledger, users):
    project = make_project(plan=None)
    for month in range(1, 12):
        report(project, month, 30 * WAN)
    actions.set_plan(project, by=ledger["commission"], year=2026, planned_investment=1000 * WAN)
    assert kept(project) == to_date(*[30 * WAN] * 11)
    assert light(project) == "yellow"  # 330 万元: 33.0 % against 91.7 %
    assert_figures_follow_reports()


def test_a_new_plan_version_keeps_the_figure_and_the_watch_measures_it_against_the_new_plan(
    at, make_project, report, ledger, users
):
    project = make_project(plan=None)
    owner, commission = users[Role.ENTERPRISE_USER], ledger["commission"]
    version, _ = plans.file_plan(
        project, by=owner, year=2026, planned_investment=sum(FRONT_LOADED), monthly=FRONT_LOADED,
        milestones=[], submission_key=uuid.uuid4().hex,
    )  # fmt: skip
    for month in range(1, 12):
        report(project, month, 60 * WAN)  # 660 万元 of 1,200 planned, 1,150 of it by November
    plans.approve_plan(version, by=commission)  # reports before the plan: counted when it is approved
    assert kept(project) == to_date(*[60 * WAN] * 11)
    assert light(project) == "yellow"  # 55.0 % against 95.8 %
    smaller = [60 * WAN] * 12
    changed, _ = plans.file_plan(
        project, by=owner, year=2026, planned_investment=sum(smaller), monthly=smaller,
        milestones=[], reason="市场变化，调减投资", submission_key=uuid.uuid4().hex,
    )  # fmt: skip
    plans.approve_plan(changed, by=commission)
    assert kept(project) == to_date(*[60 * WAN] * 11)  # the reports did not change
    assert light(project) == "green"  # 660 of 720: 91.7 % against 91.7 %
    assert_figures_follow_reports()


def test_a_plan_the_import_adds_to_a_reporting_project_counts_its_reports(client, at, ledger, report):
    from .test_import import line, upload

    client.force_login(ledger["commission"])
    owner = ledger["enterprises"]["a"].uscc
    job = upload(client, [line(1, owner_uscc=owner, plan_year=2025, milestones="")])
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    project = Project.objects.get()
    for month in (1, 2):
        report(project, month, 100 * WAN)  # 2026's reports before 2026's plan is imported
    job = upload(client, [line(1, owner_uscc=owner, plan_year=2026, milestones="")])
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    assert kept(project) == to_date(100 * WAN, 100 * WAN)
    assert kept(project, 2025) == to_date()
    assert_figures_follow_reports()


def test_a_plan_whose_figure_is_not_kept_is_watched_from_the_reports(at, make_project, report):
    """A plan written in bulk or by code that does not keep the figure (null) is watched exactly as
    before the figure existed: the reports summed when read."""
    on_plan, behind = make_project(), make_project()
    for month in range(1, 12):
        report(on_plan, month, 90 * WAN)
        report(behind, month, 55 * WAN)
    AnnualPlan.objects.update(completed_to_month=None)
    assert (light(on_plan), light(behind)) == ("green", "yellow")
    assert list(deviations.filter_light(Project.objects.all(), "yellow")) == [behind]
    words = deviations.reasons(deviations.annotate(Project.objects.filter(pk=behind.pk)).get())
    assert words == ["截至 11 月累计完成年度计划投资的 60.5%，按月进度应达 91.7%，落后超过 20 个百分点"]


def test_the_watch_reads_the_month_it_watches(at, make_project, report):
    """The figure holds every month to date, so a month's report filed before the watch moves on to
    it does not count early, and December is read in January."""
    project = make_project()
    for month in range(1, 12):
        report(project, month, 55 * WAN)  # 605 万元 by November: yellow
    assert light(project) == "yellow"
    at(2026, 12, 31, 20)
    report(project, 12, 2000 * WAN)  # December's report, filed on its last day: not yet watched
    assert light(project) == "yellow"
    at(2027, 1, 4, 10)
    assert light(project) == "green"  # the watch is on December now: 2,605 万元 of 1,000


def test_the_migration_fills_the_figure_of_the_plans_already_in_force(at, make_project, report):
    first, second = make_project(), make_project()
    for month in range(1, 12):
        report(first, month, (month % 3) * WAN)
    report(second, 4, 7 * WAN)
    expected = {plan.pk: plan.completed_to_month for plan in AnnualPlan.objects.all()}
    AnnualPlan.objects.update(completed_to_month=None)
    migration = importlib.import_module("yancheng.projects.migrations.0005_plan_completed_to_month")
    migration.fill_completed_to_month(apps, connection.schema_editor())
    assert {plan.pk: plan.completed_to_month for plan in AnnualPlan.objects.all()} == expected
    assert expected[AnnualPlan.objects.get(project=second).pk] == to_date(0, 0, 0, 7 * WAN)


def test_any_sequence_of_filing_returning_confirming_and_correcting_keeps_the_figure(
    at, make_project, report, users
):
    """A seeded random walk through the report actions on two projects and both of their years: after
    every step each plan's figure is what its reports in force sum to, and the light the ledger filters
    by is the light the figure gives."""
    rng = random.Random(12)
    projects = [make_project(), make_project()]
    for project in projects:
        AnnualPlan.objects.create(project=project, year=2025, planned_investment=800 * WAN)
    owner, unit = users[Role.ENTERPRISE_USER], users[Role.UNIT_OFFICIAL]
    for _step in range(40):
        project = rng.choice(projects)
        year, month = rng.choice([(2025, 12), (2026, rng.randint(1, 12))])
        pending = MonthlyReport.objects.filter(project=project, year=year, month=month, state="submitted")
        if pending.exists():
            if rng.random() < 0.7:
                actions.confirm_report(pending.get(), by=unit)
            else:
                actions.return_report(pending.get(), by=unit, reason="数据有误")
        else:
            confirmed = MonthlyReport.objects.filter(project=project, year=year, month=month, in_force=True)
            reason = "更正" if confirmed.exists() else ""
            report(
                project, month, rng.randint(0, 150) * WAN, year=year, by=owner,
                confirm=rng.random() < 0.5, correction_reason=reason,
            )  # fmt: skip
        assert_figures_follow_reports()
    lights = {p.pk: light(p) for p in projects}
    for name in ("green", "yellow", "red"):
        shown = set(deviations.filter_light(Project.objects.all(), name).values_list("pk", flat=True))
        assert shown == {pk for pk, value in lights.items() if value == name}
    done = figures.by_project([p.pk for p in projects], 2026, 11)
    for project in projects:
        assert kept(project)[10] == done[project.pk].completed


def test_the_filtered_ledger_reads_the_rules_once_and_its_queries_do_not_grow(
    client, at, make_project, report, users, django_assert_max_num_queries
):
    """One watch a request: the rules (and the calendar) read once however many of the watch's
    functions the page calls; the query count of a filtered page is pinned."""
    for n in range(6):
        project = make_project()
        for month in range(1, 12):
            report(project, month, (90 if n % 2 else 30) * WAN)
    client.force_login(users[Role.LEADER])
    for light_asked in ("green", "yellow", "red"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/projects/", {"light": light_asked})
        # The lines' lights come from the filter's sets: each row shows the light asked for.
        shown = re.findall(r'data-light="(\w+)"', response.content.decode())
        assert set(shown) <= {light_asked} and (shown or light_asked == "red"), (light_asked, shown)
        rules = [q for q in captured.captured_queries if 'FROM "projects_projectrules"' in q["sql"]]
        calendar = [q for q in captured.captured_queries if 'FROM "core_calendaroverride"' in q["sql"]]
        assert len(rules) <= 2, rules  # the watch's, and the commission's check on the person (once)
        assert len(calendar) == 1
    # 33 before the watch was made once a request, 27 before the lines read the filter's sets and the
    # summary its count and one read of the plans
    with django_assert_max_num_queries(24):
        client.get("/projects/", {"light": "yellow"})
