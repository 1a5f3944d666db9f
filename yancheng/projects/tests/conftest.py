import uuid
from collections import defaultdict
from datetime import date

import pytest

from yancheng.core.models import Region
from yancheng.core.roles import Role
from yancheng.core.validators import make_project_code
from yancheng.projects import actions
from yancheng.projects.models import AnnualPlan, MonthlyReport, Project, ProjectLevel, ProjectRules

WAN = 10_000  # yuan in a 万元


@pytest.fixture
def at(at):
    """The shared clock fixture (conftest.py), set to the ledger's day: 2 December 2026, 10:00."""
    at(2026, 12, 2, 10)
    return at


@pytest.fixture
def ledger(hengyang, users):
    """The ledger's parties: the commission is the government office's unit (its official is the
    administrator's colleague `commission`), samr is a responsible unit, enterprise a an owner."""
    from conftest import make_user

    units = hengyang["units"]
    ProjectRules.objects.create(pk=1, commission=units["gov"])
    commission = make_user("commission", Role.UNIT_OFFICIAL, unit=units["gov"])
    colleague = make_user("official_2", Role.UNIT_OFFICIAL, unit=units["samr"])
    return {"commission": commission, "colleague": colleague, **hengyang}


_serial = iter(range(1, 1_000_000))


@pytest.fixture
def make_project(ledger):
    def make(*, levels=("city_key",), unit="samr", enterprise="a", region="zhuhui", plan=1000 * WAN, **extra):
        region_obj = ledger["regions"][region]
        fields = {
            "code": make_project_code(2025, region_obj.code, next(_serial)),
            "name": extra.pop("name", f"测试项目{uuid.uuid4().hex[:4]}"),
            "industry": "39",
            "region": region_obj,
            "responsible_unit": ledger["units"][unit],
            "starts_on": date(2026, 1, 1),
            "completes_on": date(2027, 12, 31),
            "entered_on": date(2026, 1, 1),
            "total_investment": 50_000 * WAN,
            "stage": "continuing",
        }
        if enterprise:
            fields["owner_enterprise"] = ledger["enterprises"][enterprise]
        else:
            fields["owner_unit"] = ledger["units"][unit]
        fields.update(extra)
        project = Project.objects.create(**fields)
        ProjectLevel.objects.bulk_create(ProjectLevel(project=project, level=level) for level in levels)
        if plan is not None:
            AnnualPlan.objects.create(project=project, year=2026, planned_investment=plan)
        return project

    return make


@pytest.fixture
def report(users, ledger):
    """File and (unless confirm=False) confirm a month's report: by the owner, confirmed by samr."""

    def do(project, month, amount, *, year=2026, by=None, confirm=True, **extra):
        by = by or users[Role.ENTERPRISE_USER]
        filed, _ = actions.file_report(
            project,
            by=by,
            year=year,
            month=month,
            completed_investment=amount,
            progress=extra.pop("progress", "主体结构施工中"),
            submission_key=uuid.uuid4().hex,
            **extra,
        )
        if confirm:
            confirmer = users[Role.UNIT_OFFICIAL] if by != users[Role.UNIT_OFFICIAL] else ledger["colleague"]
            filed = actions.confirm_report(filed, by=confirmer)
        return filed

    return do


def region(code):
    return Region.objects.get(code=code)


def assert_figures_follow_reports():
    """Every plan whose completed_to_month is kept holds, month by month, what its year's reports in
    force sum to from January (models.refresh_completed's promise); a plan not kept yet is null."""
    done = defaultdict(lambda: [0] * 12)
    rows = MonthlyReport.objects.in_force().values_list("project_id", "year", "month", "completed_investment")
    for project_id, year, month, amount in rows:
        for later in range(month, 13):
            done[project_id, year][later - 1] += amount
    for plan in AnnualPlan.objects.filter(completed_to_month__isnull=False):
        assert plan.completed_to_month == done[plan.project_id, plan.year], (plan, plan.completed_to_month)
