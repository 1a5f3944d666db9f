"""The major-project ledger (云调度) in the API: projects, their plans and monthly reports, completion
rates and rankings, with the same scoping and the same actions as the pages.

A record outside the caller's scope (Project.objects.for_user, MonthlyReport.objects.for_user) is
absent: it answers 404 exactly like an id that does not exist. Every write is an action of actions.py,
which checks who may do it; a refusal answers with its machine code (403 for `forbidden`, else 400, as
everywhere in the API). Figures are read through figures.py and report statuses through reporting.py:
nothing here is stored. Amounts are whole yuan (元) in and out."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.pagination import PageIn
from yancheng.core.reference.industries import DIVISIONS, SECTIONS, section_of
from yancheng.core.schemas import ErrorOut, Id

from . import actions, figures, plans, reporting
from .choices import STAGE_TRANSITIONS, Grouping, Level, MilestoneStatus, Stage
from .models import (
    AnnualPlan,
    MilestoneProgress,
    MonthlyReport,
    PlanVersion,
    Project,
    ProjectLevel,
    keeps_ledger,
)
from .schemas import (
    CompletionOut,
    Ordering,
    PlanIn,
    PlanOut,
    PlanVersionIn,
    PlanVersionOut,
    PlanVersionReturnIn,
    ProjectFilterIn,
    ProjectOut,
    ProjectPage,
    ProjectPeriodIn,
    ProjectStageIn,
    RankingGrouping,
    RankingMeasure,
    RankingOut,
    ReportFilterIn,
    ReportIn,
    ReportOut,
    ReportPage,
    ReportReturnIn,
    Year,
)

router = Router(tags=["重大项目调度"])

READ = {404: ErrorOut}
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LEVEL_ORDER = {value: position for position, value in enumerate(Level.values)}
# Query parameters with their descriptions, made once (a call in a default would be made at import anyway).
ORDERING = Query("code", description="排序（前加 - 为倒序）")
COMPLETION_BY = Query(None, description="分组；不填只给合计")
RANKING_BY = Query("region", description="排名对象")
RANKING_MEASURE = Query("completed", description="排名指标")
PHOTOS_NOTE = "现场照片请在月报页面上传；接口只返回照片的信息（文件名、拍摄时间和地点），不返回文件。"


# --- reading ------------------------------------------------------------------------------------------


def _period(period: ProjectPeriodIn) -> tuple[int, int]:
    """The year and month asked for; by default the month being reported (last month), and for another
    year than that month's, its December."""
    due_year, due_month = reporting.period_due()
    year = period.year or due_year
    month = period.month or (due_month if year == due_year else 12)
    return year, month


def _projects(user):
    return (
        Project.objects.for_user(user)
        .select_related("region", "park", "owner_enterprise", "owner_unit", "responsible_unit", "leader")
        .prefetch_related("levels")
    )


def _filtered(found, filters: ProjectFilterIn):
    if filters.level:
        # A subquery, not a join: grouped by level afterwards, a project keeps all its levels.
        found = found.filter(pk__in=ProjectLevel.objects.filter(level=filters.level).values("project_id"))
    if filters.region:
        found = found.filter(Q(region_id=filters.region) | Q(region__parent_id=filters.region))
    if filters.unit is not None:
        found = found.filter(responsible_unit_id=filters.unit)
    if filters.park is not None:
        found = found.filter(park_id=filters.park)
    if filters.leader is not None:
        found = found.filter(leader_id=filters.leader)
    if filters.stage:
        found = found.filter(stage=filters.stage)
    if filters.industrial is not None:
        found = found.filter(industrial=filters.industrial)
    if filters.q:
        found = found.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    return found


def _rate(value) -> str | None:
    return None if value is None else f"{value:.1f}"


def _choice(code: str, label) -> dict:
    return {"code": code, "label": str(label)}


def _unit(unit) -> dict | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}


def _owner(project: Project) -> dict:
    if project.owner_enterprise_id:
        enterprise = project.owner_enterprise
        return {"kind": "enterprise", "name": enterprise.name, "uscc": enterprise.uscc, "unit_id": None}
    return {"kind": "unit", "name": project.owner_unit.name, "uscc": None, "unit_id": project.owner_unit_id}


def _industry(division: str) -> dict:
    section = section_of(division) if division in DIVISIONS else ""
    return {
        "division": division,
        "division_label": DIVISIONS.get(division, ""),
        "section": section,
        "section_label": SECTIONS.get(section, ""),
    }


def summary_out(project: Project, figure: figures.Completion, status: reporting.ReportStatus, year, month):
    levels = sorted(project.levels.all(), key=lambda x: LEVEL_ORDER.get(x.level, len(LEVEL_ORDER)))
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "levels": [_choice(x.level, x.get_level_display()) for x in levels],
        "industrial": project.industrial,
        "industry": _industry(project.industry),
        "region": {"code": project.region_id, "name": project.region.name},
        "park": _unit(project.park),
        "owner": _owner(project),
        "responsible_unit": _unit(project.responsible_unit),
        "leader": (
            None if project.leader is None else {"id": project.leader_id, "name": project.leader.full_name}
        ),
        "stage": _choice(project.stage, project.get_stage_display()),
        "starts_on": project.starts_on,
        "completes_on": project.completes_on,
        "total_investment": project.total_investment,
        "figures": {
            "year": year,
            "through_month": month,
            "planned": figure.planned,
            "completed": figure.completed,
            "rate": _rate(figure.rate),
        },
        "report_status": {
            "year": status.year,
            "month": status.month,
            "code": status.code,
            "label": str(status.label),
            "colour": status.colour,
            "due_at": status.due_at,
        },
    }


def plan_out(plan: AnnualPlan) -> dict:
    return {
        "year": plan.year,
        "planned_investment": plan.planned_investment,
        "monthly_plan": plan.monthly_plan,
        "milestones": [
            {"id": m.pk, "name": m.name, "due_on": m.due_on}
            for m in plan.milestones.all()
            if m.retired_at is None
        ],
    }


def _coordinate(value) -> float | None:
    return None if value is None else float(value)


def detail_out(request, project_id: int, period: ProjectPeriodIn) -> dict:
    project = get_object_or_404(
        _projects(request.user).prefetch_related(
            Prefetch("plans", queryset=AnnualPlan.objects.order_by("year").prefetch_related("milestones"))
        ),
        pk=project_id,
    )
    year, month = _period(period)
    user = request.user
    summary = summary_out(
        project,
        figures.by_project([project.pk], year, month)[project.pk],
        reporting.statuses_for([project], year, month)[project.pk],
        year,
        month,
    )
    following = sorted(STAGE_TRANSITIONS[Stage(project.stage)], key=Stage.values.index)
    return {
        **summary,
        "address": project.address,
        "latitude": _coordinate(project.latitude),
        "longitude": _coordinate(project.longitude),
        "content": project.content,
        "started_on": project.started_on,
        "completed_on": project.completed_on,
        "in_production_on": project.in_production_on,
        "entered_on": project.entered_on,
        "next_stages": [_choice(s, Stage(s).label) for s in following],
        "plans": [plan_out(plan) for plan in project.plans.all()],
        "allowed": {
            "report": actions.may_report(user, project),
            "confirm": actions.may_confirm(user, project),
            "move_stage": actions.may_move_stage(user, project),
            "set_plan": keeps_ledger(user),
            "file_plan": plans.may_file(user, project),
            "decide_plan": plans.may_decide(user),
        },
    }


def _name(user) -> str | None:
    if user is None:
        return None
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.get_username()


def report_summary_out(report: MonthlyReport) -> dict:
    return {
        "id": report.pk,
        "project_id": report.project_id,
        "project_code": report.project.code,
        "project_name": report.project.name,
        "year": report.year,
        "month": report.month,
        "version": report.version,
        "state": _choice(report.state, report.get_state_display()),
        "in_force": report.in_force,
        "completed_investment": report.completed_investment,
        "correction_reason": report.correction_reason,
        "return_reason": report.return_reason,
        "filed_by": _name(report.filed_by),
        "filed_at": report.filed_at,
        "decided_by": _name(report.decided_by),
        "decided_at": report.decided_at,
    }


def report_out(report: MonthlyReport) -> dict:
    return {
        **report_summary_out(report),
        "progress": report.progress,
        "problems": report.problems,
        "milestones": [
            {
                "milestone_id": p.milestone_id,
                "name": p.milestone.name,
                "due_on": p.milestone.due_on,
                "status": _choice(p.status, MilestoneStatus(p.status).label),
            }
            for p in report.milestones.all()
        ],
        "photos": [
            {
                "id": photo.pk,
                "name": photo.name,
                "size": photo.size,
                "taken_at": photo.taken_at,
                "latitude": _coordinate(photo.latitude),
                "longitude": _coordinate(photo.longitude),
                "uploaded_at": photo.uploaded_at,
            }
            for photo in report.photos.all()
        ],
    }


def _reports(user):
    return MonthlyReport.objects.for_user(user).select_related(
        "project", "filed_by__person", "decided_by__person"
    )


def _report_answer(request, report_id: int) -> dict:
    progress = MilestoneProgress.objects.select_related("milestone").order_by("milestone__due_on", "pk")
    found = _reports(request.user).prefetch_related(Prefetch("milestones", queryset=progress), "photos")
    return report_out(get_object_or_404(found, pk=report_id))


def _project(request, project_id: int) -> Project:
    return get_object_or_404(Project.objects.for_user(request.user), pk=project_id)


def _report(request, report_id: int) -> MonthlyReport:
    return get_object_or_404(
        MonthlyReport.objects.for_user(request.user).select_related("project"), pk=report_id
    )


# --- projects -------------------------------------------------------------------------------------------


@router.get(
    "/projects",
    response=ProjectPage,
    summary="重大项目列表（按权限范围，筛选，分页；含所查年度的完成率和所查月份的月报情况）",
    description="年度和月份默认为正在报送的月份（上月）；只给年度时截至该年 12 月。金额单位：元。",
)
def list_projects(
    request,
    page: Query[PageIn],
    filters: Query[ProjectFilterIn],
    period: Query[ProjectPeriodIn],
    ordering: Ordering = ORDERING,
):
    year, month = _period(period)
    found = _filtered(_projects(request.user), filters).order_by(ordering, "pk")
    items = list(found[page.offset : page.offset + page.limit])
    figures_by_project = figures.by_project([p.pk for p in items], year, month)
    statuses = reporting.statuses_for(items, year, month)
    return {
        "count": found.count(),
        "items": [summary_out(p, figures_by_project[p.pk], statuses[p.pk], year, month) for p in items],
    }


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, **READ},
    summary="项目详情（基本情况、位置、级别、各年度计划和节点、阶段日期，以及本人可做的操作）",
)
def get_project(request, project_id: Id, period: Query[ProjectPeriodIn]):
    return detail_out(request, project_id, period)


@router.post(
    "/projects/{project_id}/stage",
    response={200: ProjectOut, **WRITE},
    summary="变更建设阶段（责任单位或项目主管单位；只能向前，日期不晚于今天）",
)
def change_stage(request, project_id: Id, data: ProjectStageIn):
    project = _project(request, project_id)
    on = data.on or timezone.localdate(clock.now())
    actions.change_stage(project, by=request.user, to=data.to, on=on, note=data.note)
    return detail_out(request, project_id, ProjectPeriodIn())


@router.put(
    "/projects/{project_id}/plans/{year}",
    response={200: PlanOut, **WRITE},
    summary="设置某年度的计划投资和节点（项目主管单位；整体替换，同名同日的节点保留）",
)
def set_plan(request, project_id: Id, year: Year, data: PlanIn):
    project = _project(request, project_id)
    plan = actions.set_plan(
        project,
        by=request.user,
        year=year,
        planned_investment=data.planned_investment,
        milestones=[(m.name, m.due_on) for m in data.milestones],
    )
    return plan_out(AnnualPlan.objects.prefetch_related("milestones").get(pk=plan.pk))


# --- plan versions (备案监督制) --------------------------------------------------------------------------


def plan_version_out(version: PlanVersion) -> dict:
    changes = getattr(version, "changes", {})
    return {
        "id": version.pk,
        "project_id": version.project_id,
        "year": version.year,
        "number": version.number,
        "state": _choice(version.state, version.get_state_display()),
        "planned_investment": version.planned_investment,
        "monthly": version.monthly,
        "milestones": version.milestones,
        "reason": version.reason,
        "changes": {
            "planned_investment": changes.get("planned_investment"),
            "months": [{"month": m, "before": a, "after": b} for m, a, b in changes.get("months", [])],
            "added": changes.get("added", []),
            "retired": changes.get("retired", []),
            "moved": [{"name": n, "before": a, "after": b} for n, a, b in changes.get("moved", [])],
            "words": getattr(version, "change_words", []),
        },
        "filed_by": _name(version.filed_by),
        "filed_at": version.filed_at,
        "decided_by": _name(version.decided_by),
        "decided_at": version.decided_at,
        "return_reason": version.return_reason,
    }


def _version_answer(project, version_id: int) -> dict:
    [version] = [v for v in plans.history(project) if v.pk == version_id]
    return plan_version_out(version)


def _plan_version(request, version_id: int) -> PlanVersion:
    seen = Project.objects.for_user(request.user).values("pk")
    return get_object_or_404(
        PlanVersion.objects.filter(project__in=seen).select_related("project"), pk=version_id
    )


@router.get(
    "/projects/{project_id}/plan-versions",
    response={200: list[PlanVersionOut], **READ},
    summary="年度计划的备案版本（新的在前；每版附与其所替换的基线相比的变化）",
)
def list_plan_versions(request, project_id: Id, year: Year | None = None):
    versions = plans.history(_project(request, project_id))
    return [plan_version_out(v) for v in versions if year is None or v.year == year]


@router.post(
    "/projects/{project_id}/plan-versions",
    response={201: PlanVersionOut, 200: PlanVersionOut, **WRITE},
    summary="报送年度计划（项目业主或项目主管单位；201；以同一 submission_key 重复提交时返回原版本，200）",
    description="分月计划 12 个月合计须等于年度计划投资；节点日期须在该年度内、名称不重复。该年度已有批准的"
    "计划时为变更，须填写变更理由；已有待审批的版本时不能再报。经发展改革委批准后成为现行基线。",
)
def file_plan_version(request, project_id: Id, data: PlanVersionIn):
    project = _project(request, project_id)
    version, created = plans.file_plan(
        project,
        by=request.user,
        year=data.year,
        planned_investment=data.planned_investment,
        monthly=data.monthly,
        milestones=[(m.name, m.due_on) for m in data.milestones],
        reason=data.reason,
        submission_key=data.submission_key,
    )
    return Status(201 if created else 200, _version_answer(project, version.pk))


@router.post(
    "/plan-versions/{version_id}/approve",
    response={200: PlanVersionOut, **WRITE},
    summary="批准年度计划（发展改革委，不能批准本人报送的；批准后成为现行基线，取代原批准版本）",
)
def approve_plan_version(request, version_id: Id):
    version = _plan_version(request, version_id)
    plans.approve_plan(version, by=request.user)
    return _version_answer(version.project, version_id)


@router.post(
    "/plan-versions/{version_id}/return",
    response={200: PlanVersionOut, **WRITE},
    summary="退回年度计划（发展改革委；须填写退回理由，现行基线不变）",
)
def return_plan_version(request, version_id: Id, data: PlanVersionReturnIn):
    version = _plan_version(request, version_id)
    plans.return_plan(version, by=request.user, reason=data.reason)
    return _version_answer(version.project, version_id)


# --- monthly reports ------------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/reports",
    response={201: ReportOut, 200: ReportOut, **WRITE},
    summary="报送月报（项目业主或责任单位；201；以同一 submission_key 重复提交时返回原月报，200）",
    description="已确认的月份须填写更正理由（correction_reason），作为新的一版，确认后取代原版本；待确认的"
    "月份不能再报，须先由责任单位退回。" + PHOTOS_NOTE,
)
def file_report(request, project_id: Id, data: ReportIn):
    project = _project(request, project_id)
    statuses: dict[int, str] = {}
    for entry in data.milestones:
        if entry.milestone in statuses:
            raise ActionRefused(_("同一节点只能填写一次完成情况。"), "milestone_repeated")
        statuses[entry.milestone] = entry.status
    report, created = actions.file_report(
        project,
        by=request.user,
        year=data.year,
        month=data.month,
        completed_investment=data.completed_investment,
        progress=data.progress,
        problems=data.problems,
        milestones=statuses,
        submission_key=data.submission_key,
        correction_reason=data.correction_reason,
    )
    return Status(201 if created else 200, _report_answer(request, report.pk))


@router.get(
    "/reports",
    response=ReportPage,
    summary="月报列表（按权限范围，含各版本，分页；可按项目、年月、状态筛选）",
)
def list_reports(request, page: Query[PageIn], filters: Query[ReportFilterIn]):
    found = _reports(request.user).order_by("-year", "-month", "project__code", "-version", "-pk")
    if filters.project is not None:
        found = found.filter(project_id=filters.project)
    if filters.year is not None:
        found = found.filter(year=filters.year)
    if filters.month is not None:
        found = found.filter(month=filters.month)
    if filters.state:
        found = found.filter(state=filters.state)
    return {
        "count": found.count(),
        "items": [report_summary_out(r) for r in found[page.offset : page.offset + page.limit]],
    }


@router.get(
    "/reports/{report_id}",
    response={200: ReportOut, **READ},
    summary="月报详情（节点完成情况、现场照片信息）",
    description=PHOTOS_NOTE,
)
def get_report(request, report_id: Id):
    return _report_answer(request, report_id)


@router.post(
    "/reports/{report_id}/confirm",
    response={200: ReportOut, **WRITE},
    summary="确认月报（责任单位，不能确认本人报送的；确认后计入统计，取代该月原版本）",
)
def confirm_report(request, report_id: Id):
    actions.confirm_report(_report(request, report_id), by=request.user)
    return _report_answer(request, report_id)


@router.post(
    "/reports/{report_id}/return",
    response={200: ReportOut, **WRITE},
    summary="退回月报（责任单位；须填写退回理由，填报人修改后重新报送）",
)
def return_report(request, report_id: Id, data: ReportReturnIn):
    actions.return_report(_report(request, report_id), by=request.user, reason=data.reason)
    return _report_answer(request, report_id)


# --- completion and rankings -------------------------------------------------------------------------


def _key(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _completion_row(row: figures.Completion) -> dict:
    return {
        "key": _key(row.key),
        "label": str(row.label),
        "projects": row.projects,
        "planned": row.planned,
        "completed": row.completed,
        "rate": _rate(row.rate),
    }


@router.get(
    "/completion",
    response=CompletionOut,
    summary="投资完成率（按权限范围和筛选条件；合计及按 by 分组）",
    description="完成率 = 年初至截至月份已确认的完成投资 ÷ 年度计划投资。年度和月份默认为正在报送的月份"
    "（上月）。金额单位：元；完成率和产业投资占比为一位小数的百分数字符串。",
)
def completion(
    request,
    filters: Query[ProjectFilterIn],
    period: Query[ProjectPeriodIn],
    by: Grouping | None = COMPLETION_BY,
):
    year, month = _period(period)
    projects = _filtered(Project.objects.for_user(request.user), filters)
    [total] = figures.completion(projects, year, month)
    rows = figures.completion(projects, year, month, by) if by else []
    return {
        "year": year,
        "month": month,
        "by": by,
        "total": _completion_row(total),
        "rows": [_completion_row(row) for row in rows],
        "industrial_share": _rate(figures.industrial_share(projects, year)),
    }


@router.get(
    "/rankings",
    response=RankingOut,
    summary="规模榜单（县市区、园区或责任单位，按完成投资、完成率、新开工或竣工投产排名，附上月名次）",
    description="年初至所查月份累计；1 月无上月名次。年度和月份默认为正在报送的月份（上月）。金额单位：元。",
)
def rankings(
    request,
    filters: Query[ProjectFilterIn],
    period: Query[ProjectPeriodIn],
    by: RankingGrouping = RANKING_BY,
    measure: RankingMeasure = RANKING_MEASURE,
):
    year, month = _period(period)
    projects = _filtered(Project.objects.for_user(request.user), filters)
    ranked = figures.ranking(projects, by, measure, year, month)
    return {
        "year": year,
        "month": month,
        "by": by,
        "measure": measure,
        "measure_label": str(figures.Measure.LABELS[measure]),
        "rows": [
            {
                "rank": row.rank,
                "previous_rank": row.previous_rank,
                "change": row.change,
                "key": _key(row.key),
                "label": str(row.label),
                "projects": row.projects,
                "planned": row.planned,
                "completed": row.completed,
                "rate": _rate(row.rate),
                "new_starts": row.new_starts,
                "new_start_investment": row.new_start_investment,
                "finished": row.finished,
            }
            for row in ranked.rows
        ],
    }
