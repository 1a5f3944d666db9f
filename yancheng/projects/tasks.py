"""Periodic work of the ledger, run by the worker (core.periodic): reminders for overdue reports.

A report is overdue whether or not this has run (reporting.overdue_projects derives it when read); this
only tells the people who must file it, once per project and month (a ReportReminder row, unique)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yancheng.core import clock
from yancheng.core.notify import notify
from yancheng.core.periodic import every

from . import actions, reporting
from .choices import EventKind
from .models import Project, ProjectEvent, ReportReminder


@every(minutes=60)
def remind_overdue_reports(now=None) -> int:
    """Remind the owner and the responsible unit of each project whose report on the month being
    collected is overdue and not reminded yet; how many projects were reminded."""
    now = now or clock.now()
    year, month = reporting.period_due(now)
    reminded = ReportReminder.objects.filter(year=year, month=month).values("project_id")
    due = reporting.overdue_projects(Project.objects.all(), now).exclude(pk__in=reminded)
    count = 0
    for project in due.select_related("responsible_unit"):
        try:
            with transaction.atomic():
                ReportReminder.objects.create(project=project, year=year, month=month, at=now)
                note = _("%(y)d年%(m)d月月报逾期未报，已催报") % {"y": year, "m": month}
                ProjectEvent.objects.create(project=project, at=now, kind=EventKind.REMINDED, note=note)
                recipients = [
                    *actions.owner_users(project),
                    *actions.unit_officials(project.responsible_unit_id),
                ]
                notify(
                    recipients,
                    _("月报逾期未报：%(project)s %(y)d年%(m)d月")
                    % {"project": project.name, "y": year, "m": month},
                    body=_("截止时间 %(at)s 已过，请尽快报送。")
                    % {"at": clock.local_text(reporting.due_at(year, month))},
                    link=f"/projects/{project.pk}/reports/new/",
                )
        except IntegrityError:  # another worker reminded it at the same moment
            continue
        count += 1
    return count
