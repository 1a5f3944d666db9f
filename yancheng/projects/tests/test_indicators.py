"""The ledger's indicators: the completion rate equals the completion page's figures and a sum of the
raw rows; reports on time equal the months counted here from the reports this test files (on time, on
the deadline's last minute, late, returned and filed again, corrected, missing, not owed)."""

import uuid
from datetime import datetime

import pytest
from django.utils import timezone

from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.core.tests.indicator_checks import check_contract
from yancheng.projects import figures, reporting
from yancheng.projects.choices import Grouping as LedgerGrouping
from yancheng.projects.models import AnnualPlan, MonthlyReport, Project

from .conftest import WAN

pytestmark = pytest.mark.django_db

Q4 = Period.quarter(2026, 4)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def now(at):
    return at(2026, 12, 8, 12)


@pytest.fixture
def world(make_project, users, ledger, now):
    owner, leader = users[Role.ENTERPRISE_USER], users[Role.LEADER].person

    def file(project, month, state, filed_at, amount=0, *, year=2026, version=1, in_force=None):
        return MonthlyReport.objects.create(
            project=project, year=year, month=month, version=version, state=state,
            in_force=state == "confirmed" if in_force is None else in_force, completed_investment=amount * WAN,
            progress="施工中", filed_by=owner, filed_at=filed_at, submission_key=uuid.uuid4().hex,
        )  # fmt: skip

    p = {
        1: make_project(unit="samr", region="zhuhui", leader=leader),
        2: make_project(unit="samr", region="leiyang", plan=2000 * WAN),
        3: make_project(unit="eco", region="zhuhui", stage="completed", plan=500 * WAN),
        4: make_project(unit="samr", region="zhuhui", entered_on=local(2026, 11, 15).date(), plan=None),
        5: make_project(unit="eco", region="leiyang", leader=leader, plan=800 * WAN),
    }
    AnnualPlan.objects.create(project=p[1], year=2025, planned_investment=9999 * WAN)
    file(p[1], 12, "confirmed", local(2026, 1, 3, 9), 777, year=2025)  # another year
    file(p[1], 9, "confirmed", local(2026, 10, 20, 9), 300)  # late, and before the quarter
    file(p[1], 10, "confirmed", local(2026, 11, 3, 10), 100)
    file(p[1], 11, "confirmed", local(2026, 12, 7, 23, 30), 50)  # the deadline's last hour
    file(p[2], 11, "returned", local(2026, 12, 1, 9), 70)
    file(p[2], 11, "submitted", local(2026, 12, 8, 0, 10), 70, version=2)  # filed again, too late
    file(p[3], 10, "confirmed", local(2026, 11, 9, 9), 40)  # late; no November report owed (completed)
    file(p[5], 10, "superseded", local(2026, 11, 5, 9), 90)
    file(p[5], 10, "confirmed", local(2026, 11, 20, 9), 95, version=2)  # a correction of a report on time
    file(p[5], 11, "confirmed", local(2026, 12, 2, 9), 60)
    file(p[5], 12, "submitted", local(2026, 12, 8, 9), 10)  # early, not yet confirmed
    # {project: {month: (owed, on time)}} in the fourth quarter, as of now.
    owed = {
        1: {10: (1, 1), 11: (1, 1)},
        2: {10: (1, 0), 11: (1, 0)},
        3: {10: (1, 0)},
        4: {11: (1, 0)},
        5: {10: (1, 1), 11: (1, 1), 12: (1, 1)},
    }
    return {"projects": p, "owed": owed, "leader": leader, **ledger}


def test_the_deadlines_the_test_counts_on():
    assert reporting.due_at(2026, 10) == local(2026, 11, 6, 23, 59, 59, 999999)
    assert reporting.due_at(2026, 11) == local(2026, 12, 7, 23, 59, 59, 999999)


def _groups(world):
    p, units, regions = world["projects"], world["units"], world["regions"]
    return {
        Grouping.UNIT: {units["samr"].pk: [1, 2, 4], units["eco"].pk: [3, 5], units["gov"].pk: []},
        Grouping.REGION: {regions["zhuhui"].code: [1, 3, 4], regions["leiyang"].code: [2, 5], "430412": []},
        Grouping.PERSON: {world["leader"].pk: [1, 5]},
    } | {"projects": p}


@pytest.mark.parametrize("grouping", [Grouping.UNIT, Grouping.REGION])
@pytest.mark.parametrize("period", [Q4, Period.month(2026, 11), Period.month(2026, 10)])
def test_reports_on_time_equal_the_months_counted_from_the_reports(world, now, grouping, period):
    groups = _groups(world)[grouping]
    got = check_contract(get("projects.reports_on_time"), grouping, list(groups), period, now)
    for subject, members in groups.items():
        months = [world["owed"][n].get(m.start.month, (0, 0)) for n in members for m in period.months()]
        on_time, owed = sum(t for _o, t in months), sum(o for o, _t in months)
        projects = sum(any(world["owed"][n].get(m.start.month) for m in period.months()) for n in members)
        figure = got[subject]
        assert (figure.numerator, figure.denominator, figure.count) == (
            (on_time, owed, projects) if owed else (None, None, 0)
        ), (subject, period)


@pytest.mark.parametrize("grouping", [Grouping.UNIT, Grouping.REGION, Grouping.PERSON])
def test_the_completion_rate_is_the_completion_pages_figure(world, now, grouping):
    groups = _groups(world)
    subjects = groups[grouping]
    got = check_contract(get("projects.completion_rate"), grouping, list(subjects), Q4, now)
    by = {
        Grouping.UNIT: LedgerGrouping.UNIT,
        Grouping.REGION: LedgerGrouping.REGION,
        Grouping.PERSON: "leader",
    }
    page = {row.key: row for row in figures.completion(Project.objects.all(), 2026, 12, by[grouping])}
    for subject, members in subjects.items():
        projects = [groups["projects"][n] for n in members]
        planned = sum(
            AnnualPlan.objects.filter(project=p, year=2026)
            .values_list("planned_investment", flat=True)
            .first()
            or 0
            for p in projects
        )
        done = sum(
            r.completed_investment
            for r in MonthlyReport.objects.filter(project__in=projects, year=2026, in_force=True)
        )
        figure = got[subject]
        if not members:
            assert figure.value is None and figure.count == 0
            continue
        assert (figure.numerator, figure.denominator, figure.count) == (done, planned, len(members))
        assert figure.value == float(page[subject].rate)
        assert figure.value == pytest.approx(100 * done / planned, abs=0.05)


def test_the_completion_rate_of_a_month_counts_the_year_to_that_month(world, now):
    samr = world["units"]["samr"].pk
    october = get("projects.completion_rate").compute("unit", [samr], Period.month(2026, 10), now=now)[samr]
    assert (october.numerator, october.denominator) == ((300 + 100) * WAN, 3000 * WAN)  # p1 and p2 plans
    records = get("projects.completion_rate").records("unit", samr, Period.month(2026, 10), now=now)
    assert {r.pk: (r.part, r.whole, r.counted) for r in records} == {
        world["projects"][1].pk: (400 * WAN, 1000 * WAN, True),
        world["projects"][2].pk: (0, 2000 * WAN, False),
        world["projects"][4].pk: (0, 0, False),
    }
