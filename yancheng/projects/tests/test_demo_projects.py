"""The projects demo: Hengyang's ledger, loaded over the core demo, comes out at the seed's figures as the
platform computes them (figures.completion, figures.industrial_share — nothing stored), over the twelve
counties, with valid codes, and with reports waiting, missing and late as the demo's docstring says."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from yancheng.core import clock
from yancheng.core.demo.reference import COUNTIES
from yancheng.core.management.commands.load_demo import Command
from yancheng.core.validators import validate_project_code
from yancheng.projects import actions, demo, figures, photos, reporting
from yancheng.projects.choices import REPORTING_STAGES, EventKind, Level, ReportState
from yancheng.projects.models import (
    AnnualPlan,
    Milestone,
    MilestoneProgress,
    MonthlyReport,
    Project,
    ProjectEvent,
    ProjectLevel,
    ReportPhoto,
    ReportReminder,
    is_commission,
)

from .conftest import assert_figures_follow_reports

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
SEED_FIGURES = {
    Level.PROVINCIAL_MAJOR: (9, Decimal("121.6")),
    Level.PROVINCIAL_KEY: (15, Decimal("125.1")),
    Level.CITY_KEY: (148, Decimal("117.3")),
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def load_core():
    """The core demo (regions, units, the register, the logins) without the other apps' demos: the
    projects demo needs nothing more, and the test stays fast."""
    command = Command(stdout=io.StringIO())
    command.load_regions()
    command.load_units()
    command.load_logins(command.load_enterprises())


def counts() -> dict:
    models = (Project, ProjectLevel, AnnualPlan, Milestone, MonthlyReport, MilestoneProgress, ReportPhoto)
    return {
        **{model.__name__: model.objects.count() for model in models},
        "events": ProjectEvent.objects.count(),
        "reminders": ReportReminder.objects.count(),
        "users": get_user_model().objects.count(),
    }


def check_figures(year: int, last: int):
    industrial = Project.objects.filter(industrial=True)
    for level, (count, rate) in SEED_FIGURES.items():
        group = industrial.filter(levels__level=level)
        assert group.count() == count, level
        (row,) = figures.completion(group, year, last)
        assert row.projects == count and row.rate == rate, (level, row)
    # Each industrial project carries exactly one of the three levels: 9 + 15 + 148 distinct projects.
    seeded = industrial.filter(levels__level__in=list(SEED_FIGURES))
    assert seeded.distinct().count() == 172
    assert ProjectLevel.objects.filter(project__in=seeded).count() == 172
    city = Project.objects.filter(levels__level=Level.CITY_KEY)
    share = figures.industrial_share(city, year)
    assert share is not None and share >= Decimal("65.6")
    planned = AnnualPlan.objects.filter(project__in=city, year=year)
    industrial_plan = sum(
        planned.filter(project__industrial=True).values_list("planned_investment", flat=True)
    )
    assert Decimal(industrial_plan) * 100 / sum(
        planned.values_list("planned_investment", flat=True)
    ) >= Decimal("65.6")


def test_the_ledger_comes_out_at_the_seeds_figures_and_loads_twice_without_duplicates(db, media):
    load_core()
    printed = demo.load(io.StringIO())
    first = counts()
    assert demo.load(io.StringIO())
    assert counts() == first

    now = clock.now()
    year, last = reporting.period_due(now)
    check_figures(year, last)
    assert not AnnualPlan.objects.filter(completed_to_month__isnull=True).exists()
    assert_figures_follow_reports()  # the bulk load keeps the figure as confirming each report would
    assert "121.6%" in printed and "125.1%" in printed and "117.3%" in printed and "65.6%" in printed

    projects = list(Project.objects.all())
    assert 200 <= len(projects) <= 240
    assert {p.region_id for p in projects} == {code for code, _name in COUNTIES}
    for project in projects:
        validate_project_code(project.code)
        assert int(project.code[:4]) <= year and project.code[5:11] == project.region_id
        assert 1 * 10**8 <= project.total_investment <= 80 * 10**8
        assert Decimal("26.1") <= project.latitude <= Decimal("27.5")
        assert Decimal("111.9") <= project.longitude <= Decimal("113.3")
        assert project.entered_on <= timezone.localdate(now) and project.entered_on.year == year
        if project.started_on:
            assert project.started_on <= timezone.localdate(now)
        if project.completed_on:
            assert project.started_on <= project.completed_on <= reporting.month_end(year, last)
    assert Project.objects.filter(owner_unit__isnull=False, industrial=False).count() >= 40
    assert Project.objects.filter(park__kind="park").values("park").distinct().count() == 5
    assert not Project.objects.filter(levels__isnull=True).exists()
    for plan in AnnualPlan.objects.filter(year=year).prefetch_related("milestones"):
        assert 2 <= len(plan.milestones.all()) <= 4

    # One version in force per reported month; versions not in force are superseded, returned or waiting.
    reports = MonthlyReport.objects.filter(year=year)
    assert not reports.filter(month__gt=last).exists()
    assert not reports.filter(in_force=True).exclude(state=ReportState.CONFIRMED).exists()
    assert not reports.filter(state=ReportState.CONFIRMED, in_force=False).exists()
    superseded = reports.filter(state=ReportState.SUPERSEDED)
    assert superseded.count() >= 10
    for old in superseded:
        assert reports.get(project=old.project, month=old.month, in_force=True).correction_reason
    assert reports.filter(state=ReportState.RETURNED).count() >= 5
    assert MilestoneProgress.objects.count() >= reports.count()

    statuses = reporting.statuses_for(projects, year, last, now)
    codes = [s.code for s in statuses.values()]
    assert codes.count("submitted") >= 10  # waiting for the responsible unit
    assert codes.count("missing") + codes.count("overdue") >= 20  # not filed yet
    # After last month's deadline the missing ones are overdue, and the platform lists them.
    after = reporting.due_at(year, last) + timedelta(minutes=1)
    overdue = reporting.overdue_projects(Project.objects.all(), after)
    missing = [
        p for p in projects if statuses[p.pk].code in ("missing", "overdue") and p.stage in REPORTING_STAGES
    ]
    assert overdue.count() == len(missing) >= 20
    if last > 1:
        before = reporting.statuses_for(projects, year, last - 1, now)
        red = [pk for pk, s in before.items() if s.code == "overdue"]
        assert len(red) == 5
        assert ReportReminder.objects.filter(project_id__in=red, year=year, month=last - 1).count() == 5
        assert ProjectEvent.objects.filter(project_id__in=red, kind=EventKind.REMINDED).count() >= 5
        late = [r for r in reports.filter(in_force=True) if r.filed_at > reporting.due_at(year, r.month)]
        assert len(late) >= 8

    # The history of every project starts with its entry and its plan.
    for kind in (EventKind.CREATED, EventKind.PLAN_SET):
        assert ProjectEvent.objects.filter(kind=kind).values("project").distinct().count() == len(projects)
    assert (
        ProjectEvent.objects.filter(kind=EventKind.REPORT_CONFIRMED).count()
        >= reports.filter(in_force=True).count()
    )

    # Photos: files on disk, with the time and place their EXIF says.
    pictures = ReportPhoto.objects.select_related("report")
    assert 100 <= pictures.count() <= demo.PHOTO_BUDGET + 3
    photo = pictures.first()
    with photo.image.open("rb") as file:
        facts = photos.read_photo(file)
    assert facts["taken_at"] == photo.taken_at.replace(microsecond=0)
    assert (facts["latitude"], facts["longitude"]) == (photo.latitude, photo.longitude)
    assert photo.thumbnail.storage.exists(photo.thumbnail.name)
    assert all(p.taken_at < p.report.filed_at for p in pictures)


def test_the_demo_logins_have_their_part_of_the_ledger(db, media):
    load_core()
    demo.load(io.StringIO())
    year, last = reporting.period_due(clock.now())
    User = get_user_model()
    commission, county, owner = (User.objects.get(username=n) for n in ("fagaiwei", "leiyangshi", "yezhu"))
    assert is_commission(commission)
    assert Project.objects.for_user(commission).count() == Project.objects.count()

    waiting = MonthlyReport.objects.filter(
        state=ReportState.SUBMITTED, project__responsible_unit__code="county-430481"
    )
    assert waiting.filter(month=last).count() >= 2
    report = waiting.filter(month=last).first()
    assert actions.may_confirm(county, report.project) and report.filed_by != county
    assert Project.objects.for_user(county).count() >= 5

    mine = Project.objects.for_user(owner)
    assert mine.count() >= 3 and all(p.owner_enterprise_id == owner.person.enterprise_id for p in mine)
    month = {s.code for s in reporting.statuses_for(list(mine), year, last).values()}
    assert {"confirmed", "submitted"} <= month and month & {"missing", "overdue"}
    # Every project has a leader who is a city leader, but the county key ones.
    assert not Project.objects.exclude(levels__level=Level.COUNTY_KEY).filter(leader__isnull=True).exists()


def test_loaded_in_january_the_ledger_is_last_years_to_december(db, media, monkeypatch):
    load_core()
    monkeypatch.setattr(demo, "PHOTO_BUDGET", 12)
    january = datetime(2026, 1, 20, 10, 0, tzinfo=SHANGHAI)
    with mock.patch("yancheng.core.clock.now", return_value=january):
        demo.load(io.StringIO())
        assert reporting.period_due() == (2025, 12)
        check_figures(2025, 12)
        assert set(MonthlyReport.objects.values_list("year", flat=True)) == {2025}
        assert MonthlyReport.objects.filter(month=12).exists()
        # December's deadline (the 5th working day of January) has passed: the missing ones are overdue.
        assert reporting.overdue_projects(Project.objects.all()).count() >= 20


def test_the_demo_plans_are_approved_versions_some_changed_and_some_waiting(db, media):
    from yancheng.projects import plans
    from yancheng.projects.models import PlanVersion

    load_core()
    demo.load(io.StringIO())
    year, _last = reporting.period_due(clock.now())
    in_force = AnnualPlan.objects.filter(year=year)
    assert in_force.count() == Project.objects.count()
    for plan in in_force:
        assert len(plan.monthly_plan) == 12 and sum(plan.monthly_plan) == plan.planned_investment
    approved = PlanVersion.objects.filter(year=year, state="approved")
    assert approved.count() == Project.objects.count()  # one baseline each
    for version in approved.filter(number=1)[:20]:
        assert plans.content_of(version) == plans.baseline_of(version.project, year)
    changed = approved.filter(number=2)
    assert 3 <= changed.count() <= 5 and all(v.reason for v in changed)
    for version in changed:
        [newest, _first] = [v for v in plans.history(version.project) if v.year == year]
        assert newest.changes.get("added") and newest.changes.get("moved")
    waiting = PlanVersion.objects.filter(year=year, state="filed")
    assert 1 <= waiting.count() <= 2 and all(v.reason for v in waiting)
    owner = get_user_model().objects.get(username="yezhu")
    assert waiting.filter(filed_by=owner).exists()  # the demo owner's change waits for fagaiwei
