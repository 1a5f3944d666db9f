"""The projects app's navigation entries and home-page panels."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import clock
from yancheng.core.navigation import NAV_ITEMS, NavItem, home_panel
from yancheng.core.roles import GOVERNMENT_ROLES, Role, has_role

from .choices import ReportState
from .models import OVERSEERS, MonthlyReport, Project

REPORTERS = frozenset({Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER})

NAV_ITEMS += [
    NavItem(gettext_lazy("我的项目"), "projects:mine", REPORTERS),
    NavItem(gettext_lazy("重大项目台账"), "projects:ledger", GOVERNMENT_ROLES),
    NavItem(gettext_lazy("项目排名"), "projects:rankings", OVERSEERS),
]


def _my_projects(request) -> list:
    """The projects this person reports on or answers for (owner or responsible unit), read once a
    request for both panels: one query, and nothing more for the many who have none."""
    cached = getattr(request, "_yancheng_my_projects", None)
    if cached is None:
        person = getattr(request.user, "person", None)
        mine = Q(pk__in=[])
        if person is not None and person.unit_id and has_role(request.user, Role.UNIT_OFFICIAL):
            mine |= Q(responsible_unit_id=person.unit_id) | Q(owner_unit_id=person.unit_id)
        if person is not None and person.enterprise_id and has_role(request.user, Role.ENTERPRISE_USER):
            mine |= Q(owner_enterprise_id=person.enterprise_id)
        cached = request._yancheng_my_projects = list(Project.objects.filter(mine).order_by("code"))
    return cached


@home_panel
def reports_to_confirm(request):
    """Reports the unit's official should confirm (not their own: someone else confirms those)."""
    from .actions import may_confirm

    projects = [p.pk for p in _my_projects(request) if may_confirm(request.user, p)]
    if not projects:
        return None
    waiting = (
        MonthlyReport.objects.filter(project_id__in=projects, state=ReportState.SUBMITTED)
        .exclude(filed_by=request.user)
        .select_related("project")
        .order_by("filed_at")
    )
    rows = [
        {
            "text": _("%(project)s：%(y)d年%(m)d月月报")
            % {"project": r.project.name, "y": r.year, "m": r.month},
            "note": clock.local_text(r.filed_at, "%m-%d %H:%M"),
            "url": f"{reverse('projects:detail', args=[r.project_id])}#report-{r.pk}",
        }
        for r in waiting[:6]
    ]
    return {
        "key": "project-reports-to-confirm",
        "title": _("项目月报待确认"),
        "count": len(rows) if len(rows) < 6 else waiting.count(),
        "rows": rows,
        "empty": _("没有待确认的项目月报"),
    }


@home_panel
def reports_due(request):
    """The projects whose report on last month this person still has to file."""
    from . import actions, reporting

    mine = [p for p in _my_projects(request) if actions.may_report(request.user, p)]
    if not mine:
        return None
    year, month = reporting.period_due()
    statuses = reporting.statuses_for(mine, year, month)
    due = [p for p in mine if statuses[p.pk].code in ("missing", "overdue")]
    rows = [
        {
            "text": _("%(project)s：%(y)d年%(m)d月月报%(state)s")
            % {"project": p.name, "y": year, "m": month, "state": statuses[p.pk].label},
            "note": clock.local_text(statuses[p.pk].due_at, "%m-%d"),
            "url": reverse("projects:report_new", args=[p.pk]),
        }
        for p in due[:6]
    ]
    return {
        "key": "project-reports-due",
        "title": _("项目月报待报送"),
        "count": len(due),
        "rows": rows,
        "empty": _("本月项目月报均已报送"),
    }
