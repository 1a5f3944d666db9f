"""When a month's report is due, and which are missing — derived from the calendar when read, so it
holds whether or not the worker has run (architecture, habit 4).

The report on month M is due by the end of the N-th working day of month M+1 (N from ProjectRules,
default 5): the 5th working day of December 2026 is 7 December, so November's reports are due then."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import clock, workdays

from .choices import FILED_STATES, REPORTING_STAGES, ReportState
from .models import MonthlyReport, ProjectRules


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def due_at(year: int, month: int, rules: ProjectRules | None = None) -> datetime:
    """The end (23:59:59 local time) of the N-th working day after the month's last day."""
    rules = rules or ProjectRules.current()
    day = workdays.add_working_days(month_end(year, month), rules.report_due_workday)
    return workdays.end_of_day(day)


def period_due(now: datetime | None = None) -> tuple[int, int]:
    """The month whose report is being collected now: last month."""
    today = timezone.localdate(now or clock.now())
    return previous_month(today.year, today.month)


def latest_reportable_month(now: datetime | None = None) -> tuple[int, int]:
    """A report may be filed for any month up to this one (this month's, at its end, included)."""
    today = timezone.localdate(now or clock.now())
    return today.year, today.month


@dataclass(frozen=True)
class ReportStatus:
    """Where a project stands with one month's report."""

    year: int
    month: int
    code: str  # confirmed, submitted, missing, overdue, not_required
    label: str
    colour: str  # green, yellow, red, grey
    due_at: datetime


def expects_report(project, year: int, month: int) -> bool:
    """A project reports every month while it is being prepared or built, from the month it entered the
    ledger (a project imported in June owes no January report)."""
    entered = project.entered_on
    return project.stage in REPORTING_STAGES and (year, month) >= (entered.year, entered.month)


def status_of(project, year: int, month: int, reports=None, now=None, deadline=None) -> ReportStatus:
    """``reports``: the project's reports of that month, and ``deadline`` its due time, if the caller
    has them (else they are read)."""
    now = now or clock.now()
    deadline = deadline or due_at(year, month)
    if reports is None:
        reports = list(MonthlyReport.objects.filter(project=project, year=year, month=month))
    states = {r.state for r in reports}
    if ReportState.CONFIRMED in states:
        return ReportStatus(year, month, "confirmed", _("已确认"), "green", deadline)
    if ReportState.SUBMITTED in states:
        return ReportStatus(year, month, "submitted", _("已报送，待责任单位确认"), "green", deadline)
    if not expects_report(project, year, month):
        return ReportStatus(year, month, "not_required", _("无需报送"), "grey", deadline)
    if now > deadline:
        return ReportStatus(year, month, "overdue", _("逾期未报"), "red", deadline)
    return ReportStatus(year, month, "missing", _("待报送"), "yellow", deadline)


def statuses_for(projects, year: int, month: int, now=None, deadline=None) -> dict[int, ReportStatus]:
    """The status of many projects for one month, in one query for their reports (``deadline``: the
    month's due time, if the caller has it)."""
    now, deadline = now or clock.now(), deadline or due_at(year, month)
    by_project: dict[int, list] = {}
    for report in MonthlyReport.objects.filter(project__in=[p.pk for p in projects], year=year, month=month):
        by_project.setdefault(report.project_id, []).append(report)
    return {p.pk: status_of(p, year, month, by_project.get(p.pk, []), now, deadline) for p in projects}


def overdue_projects(projects, now=None, deadline=None):
    """Of ``projects`` (a queryset), those whose report on the month being collected is overdue
    (``deadline``: that month's due time, if the caller has it)."""
    now = now or clock.now()
    year, month = period_due(now)
    if now <= (deadline or due_at(year, month)):
        return projects.none()
    filed = MonthlyReport.objects.filter(year=year, month=month, state__in=FILED_STATES).values("project_id")
    return projects.filter(stage__in=REPORTING_STAGES, entered_on__lte=month_end(year, month)).exclude(
        pk__in=filed
    )
