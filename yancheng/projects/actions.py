"""Every change to the ledger: atomic, audited, recorded as a project event, notifying after commit."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock
from yancheng.core.actions import refuse_unless, submission_key_taken
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, roles_of

from .choices import STAGE_TRANSITIONS, EventKind, MilestoneStatus, ReportState, Stage
from .models import (
    AnnualPlan,
    Milestone,
    MilestoneProgress,
    MonthlyReport,
    Project,
    ProjectEvent,
    ReportPhoto,
    keeps_ledger,
    refresh_completed,
    refresh_met,
)
from .photos import MAX_PHOTOS, read_photo, store_photo


def _active_users(**filters):
    return get_user_model().objects.filter(is_active=True, **filters)


def unit_officials(unit_id):
    return _active_users(person__unit_id=unit_id, person__roles__role=Role.UNIT_OFFICIAL)


def owner_users(project):
    if project.owner_enterprise_id:
        return _active_users(
            person__enterprise_id=project.owner_enterprise_id, person__roles__role=Role.ENTERPRISE_USER
        )
    return unit_officials(project.owner_unit_id)


def _person(user):
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


def is_owner(user, project) -> bool:
    person, roles = _person(user), roles_of(user)
    if person is None:
        return False
    if project.owner_enterprise_id:
        return Role.ENTERPRISE_USER in roles and person.enterprise_id == project.owner_enterprise_id
    return Role.UNIT_OFFICIAL in roles and person.unit_id == project.owner_unit_id


def is_responsible(user, project) -> bool:
    person = _person(user)
    return (
        person is not None
        and Role.UNIT_OFFICIAL in roles_of(user)
        and person.unit_id == project.responsible_unit_id
    )


def may_report(user, project) -> bool:
    """The owner reports its project; the responsible unit may report for it."""
    return is_owner(user, project) or is_responsible(user, project)


def may_confirm(user, project) -> bool:
    return is_responsible(user, project) or keeps_ledger(user)


def may_move_stage(user, project) -> bool:
    return is_responsible(user, project) or keeps_ledger(user)


def record_event(project, kind, by, note="", changes=None) -> ProjectEvent:
    event = ProjectEvent.objects.create(
        project=project, at=clock.now(), by=by, kind=kind, note=note, changes=changes or {}
    )
    audit.record(f"project_{kind}", project, actor=by, changes=changes)
    return event


def _after_commit_notify(recipients, title, project, body=""):
    def text(value):
        return value() if callable(value) else value

    link = f"/projects/{project.pk}/"
    notify_after_commit(lambda: notify(list(recipients), text(title), body=text(body), link=link))


def _locked(project) -> Project:
    # Locking the project serialises everything done to one project (two reports of one month at once).
    return Project.objects.select_for_update(of=("self",)).get(pk=project.pk)


# --- plans and stages -----------------------------------------------------------------------------


def set_plan(project, *, by, year: int, planned_investment: int, milestones=(), monthly=None) -> AnnualPlan:
    """Set a project's plan for ``year`` directly, as the ledger keeper (plans.set_plan: recorded as a
    version approved at once). Owners file versions for approval with plans.file_plan."""
    from . import plans

    return plans.set_plan(
        project,
        by=by,
        year=year,
        planned_investment=planned_investment,
        milestones=milestones,
        monthly=monthly,
    )


STAGE_DATES = {
    Stage.NEW_START: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.IN_PRODUCTION: "in_production_on",
}


def change_stage(project, *, by, to: str, on: date, note: str = "") -> Project:
    """Move a project to its next stage on the day it happened (a start, a completion, production)."""
    refuse_unless(may_move_stage(by, project), _("只有责任单位或项目主管单位可以变更建设阶段。"), "forbidden")
    refuse_unless(to in Stage.values, _("请选择建设阶段。"), "stage_unknown")
    refuse_unless(on <= timezone.localdate(clock.now()), _("日期不能晚于今天。"), "stage_date_future")
    with transaction.atomic():
        project = _locked(project)
        refuse_unless(
            to in STAGE_TRANSITIONS[Stage(project.stage)],
            _("建设阶段不能由“%(from)s”变为“%(to)s”。")
            % {"from": project.get_stage_display(), "to": Stage(to).label},
            "stage_transition",
        )
        changes = {"stage": [project.stage, to]}
        project.stage = to
        fields = ["stage", "updated_at"]
        if to in STAGE_DATES:
            setattr(project, STAGE_DATES[to], on)
            fields.append(STAGE_DATES[to])
            changes[STAGE_DATES[to]] = [None, str(on)]
        project.save(update_fields=fields)
        record_event(project, EventKind.STAGE_CHANGED, by, note=note.strip()[:500], changes=changes)
    return project


# --- monthly reports -------------------------------------------------------------------------------


def _check_period(project, year: int, month: int):
    refuse_unless(1 <= month <= 12 and 2015 <= year <= 2100, _("请选择正确的年月。"), "report_month")
    today = timezone.localdate(clock.now())
    refuse_unless((year, month) <= (today.year, today.month), _("不能报送尚未到来的月份。"), "report_future")


def _milestone_progress(project, year: int, statuses: dict) -> list[tuple[Milestone, str]]:
    # A retired milestone (dropped by a later plan) is no longer reported on.
    planned = {
        m.pk: m
        for m in Milestone.objects.filter(plan__project=project, plan__year=year, retired_at__isnull=True)
    }
    chosen = []
    for milestone_id, status in statuses.items():
        refuse_unless(
            milestone_id in planned,
            _("所选节点不属于该项目当年的计划，请刷新页面后重试。"),
            "milestone_unknown",
        )
        refuse_unless(status in MilestoneStatus.values, _("请选择节点完成情况。"), "milestone_status")
        chosen.append((planned[milestone_id], status))
    return chosen


def file_report(
    project,
    *,
    by,
    year: int,
    month: int,
    completed_investment: int,
    progress: str,
    submission_key: str,
    problems: str = "",
    milestones: dict | None = None,
    photos=(),
    correction_reason: str = "",
) -> tuple[MonthlyReport, bool]:
    """The owner (or the responsible unit) reports a month. A month already confirmed is corrected by a
    new version with its reason; one waiting for confirmation cannot be filed again until it is returned.
    Returns the report and whether this call created it (the same submission sent twice is one report)."""
    refuse_unless(may_report(by, project), _("只有项目业主或责任单位可以报送该项目的月报。"), "forbidden")
    existing = MonthlyReport.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.filed_by_id != by.pk:
            raise submission_key_taken()
        return existing, False
    _check_period(project, year, month)
    refuse_unless(completed_investment >= 0, _("本月完成投资不能为负数。"), "investment_negative")
    refuse_unless(bool(progress.strip()), _("请填写形象进度。"), "progress_required")
    refuse_unless(len(photos) <= MAX_PHOTOS, _("每份月报最多上传 9 张照片。"), "too_many_photos")
    chosen = _milestone_progress(project, year, milestones or {})
    read = [(upload, read_photo(upload)) for upload in photos]  # every photo checked before any write
    try:
        with transaction.atomic():
            project = _locked(project)
            report = _new_version(project, by, year, month, correction_reason)
            report.completed_investment = completed_investment
            report.progress = progress.strip()
            report.problems = problems.strip()
            report.submission_key = submission_key
            report.save()
            MilestoneProgress.objects.bulk_create(
                MilestoneProgress(report=report, milestone=m, status=s) for m, s in chosen
            )
            _save_photos(report, read)
            kind = (
                EventKind.REPORT_CORRECTED
                if report.version > 1 and report.correction_reason
                else EventKind.REPORTED
            )
            record_event(
                project,
                kind,
                by,
                note=f"{year}-{month:02d}"
                + (f"：{report.correction_reason}" if report.correction_reason else ""),
                changes={
                    "completed_investment": [None, completed_investment],
                    "version": [None, report.version],
                },
            )
    except IntegrityError:
        # The same submission key at the same moment: the other call created the report.
        existing = MonthlyReport.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        if existing.filed_by_id != by.pk:
            raise submission_key_taken() from None
        return existing, False
    _after_commit_notify(
        unit_officials(project.responsible_unit_id).exclude(pk=by.pk),
        lambda: (
            _("月报待确认：%(project)s %(year)s年%(month)s月")
            % {"project": project.name, "year": year, "month": month}
        ),
        project,
    )
    return report, True


def _new_version(project, by, year, month, correction_reason) -> MonthlyReport:
    reports = MonthlyReport.objects.filter(project=project, year=year, month=month)
    latest = reports.order_by("-version").first()
    reason = correction_reason.strip()[:300]
    if latest is not None:
        refuse_unless(
            latest.state != ReportState.SUBMITTED,
            _(
                "%(year)s年%(month)s月的月报已报送，正等待责任单位确认；如需修改，请联系责任单位退回后重新报送。"
            )
            % {"year": year, "month": month},
            "report_pending",
        )
        confirmed = reports.filter(state__in=[ReportState.CONFIRMED, ReportState.SUPERSEDED]).exists()
        refuse_unless(
            not confirmed or bool(reason),
            _("%(year)s年%(month)s月的月报已确认，更正须填写更正理由。") % {"year": year, "month": month},
            "correction_reason_required",
        )
    version = (reports.aggregate(top=Max("version"))["top"] or 0) + 1
    return MonthlyReport(
        project=project,
        year=year,
        month=month,
        version=version,
        filed_by=by,
        filed_at=clock.now(),
        correction_reason=reason,
    )


def _save_photos(report, read):
    now = clock.now()
    for upload, facts in read:
        name = upload.name[:200]
        photo = ReportPhoto(
            report=report,
            name=name,
            size=upload.size,
            uploaded_at=now,
            **{k: facts[k] for k in ("taken_at", "latitude", "longitude")},
        )
        store_photo(photo, upload, facts)


def _locked_report(report) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update(of=("self",)).select_related("project").get(pk=report.pk)


def confirm_report(report, *, by) -> MonthlyReport:
    """The responsible unit confirms a report: its figures count from now on, in place of any earlier
    version of the month."""
    refuse_unless(may_confirm(by, report.project), _("只有责任单位可以确认月报。"), "forbidden")
    with transaction.atomic():
        _locked(report.project)
        report = _locked_report(report)
        refuse_unless(
            report.state == ReportState.SUBMITTED, _("该月报已处理，无需再次确认。"), "report_not_pending"
        )
        refuse_unless(
            report.filed_by_id != by.pk, _("不能确认本人报送的月报，请由单位其他人员确认。"), "own_report"
        )
        MonthlyReport.objects.filter(
            project_id=report.project_id, year=report.year, month=report.month, in_force=True
        ).update(in_force=False, state=ReportState.SUPERSEDED)
        report.state = ReportState.CONFIRMED
        report.in_force = True
        report.decided_by = by
        report.decided_at = clock.now()
        report.save(update_fields=["state", "in_force", "decided_by", "decided_at"])
        refresh_met(Milestone.objects.filter(plan__project_id=report.project_id, plan__year=report.year))
        refresh_completed(AnnualPlan.objects.filter(project_id=report.project_id, year=report.year))
        record_event(
            report.project,
            EventKind.REPORT_CONFIRMED,
            by,
            note=f"{report.year}-{report.month:02d} v{report.version}",
        )
    _after_commit_notify(
        _active_users(pk=report.filed_by_id),
        lambda: (
            _("月报已确认：%(project)s %(year)s年%(month)s月")
            % {"project": report.project.name, "year": report.year, "month": report.month}
        ),
        report.project,
    )
    return report


def return_report(report, *, by, reason: str) -> MonthlyReport:
    refuse_unless(may_confirm(by, report.project), _("只有责任单位可以退回月报。"), "forbidden")
    reason = reason.strip()
    refuse_unless(bool(reason), _("请填写退回理由，告诉填报人需要修改什么。"), "reason_required")
    with transaction.atomic():
        report = _locked_report(report)
        refuse_unless(
            report.state == ReportState.SUBMITTED, _("该月报已处理，不能退回。"), "report_not_pending"
        )
        report.state = ReportState.RETURNED
        report.return_reason = reason[:300]
        report.decided_by = by
        report.decided_at = clock.now()
        report.save(update_fields=["state", "return_reason", "decided_by", "decided_at"])
        record_event(
            report.project,
            EventKind.REPORT_RETURNED,
            by,
            note=f"{report.year}-{report.month:02d}：{reason[:300]}",
        )
    _after_commit_notify(
        _active_users(pk=report.filed_by_id),
        lambda: (
            _("月报被退回：%(project)s %(year)s年%(month)s月")
            % {"project": report.project.name, "year": report.year, "month": report.month}
        ),
        report.project,
        body=reason,
    )
    return report
