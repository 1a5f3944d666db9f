"""Pages of the major-project ledger (云调度).

- everyone signed in reads the ledger as far as their scope goes (Project.objects.for_user): owners
  their projects, a unit the projects it answers for, the commission and leaders all of them;
- owners (or the responsible unit) file monthly reports, from a phone;
- the responsible unit confirms or returns them; the commission keeps plans and stages;
- rankings and completion rates are computed from the confirmed reports when the page is read.

Every state change is a POST that calls a function of actions.py; its refusals come back as messages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.output.official_document import docx_response
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.templatetags.yancheng import percent, wan

from . import actions, bulletin, deviations, figures, plans, reporting
from .choices import STAGE_TRANSITIONS, Grouping, PlanState, ReportState, Stage
from .forms import (
    CompletionForm,
    LedgerFilterForm,
    PlanForm,
    PlanVersionForm,
    RankingForm,
    ReportForm,
    ReturnForm,
    StageForm,
    report_periods,
)
from .models import (
    AnnualPlan,
    MilestoneProgress,
    MonthlyReport,
    PlanVersion,
    Project,
    ProjectEvent,
    ReportPhoto,
    keeps_ledger,
    sees_whole_ledger,
)

PER_PAGE = 50
WAN = 10_000


def _page(request, template: str, context: dict):
    """Render a page of the app: its tabs need to know what this person may open."""
    context = {
        "sees_all": sees_whole_ledger(request.user),
        "may_import": keeps_ledger(request.user),
        **context,
    }
    return render(request, template, context)


def _projects(user):
    return _shown(Project.objects.for_user(user))


def _shown(projects):
    """Projects with everything a ledger line shows beside them."""
    return projects.select_related(
        "region", "responsible_unit", "park", "leader", "owner_enterprise", "owner_unit"
    ).prefetch_related("levels")


def _ledger_page(found, number, watch):
    """A page of the ledger: its ids from the filtered, sorted list alone, then those projects' lines.
    Sorting every project joined to six tables and cutting 50 out cost PostgreSQL ~35 ms at 5,000
    projects (half of it planning the join); the narrow sort and a join of 50 rows cost ~6."""
    page = Paginator(found.values_list("pk", flat=True), PER_PAGE).get_page(number)
    ids = list(page.object_list)
    lines = deviations.annotate(_shown(Project.objects.filter(pk__in=ids)), watch, scope=ids).in_bulk()
    page.object_list = [lines[pk] for pk in ids]
    return page


def _with_figures(projects, watch) -> list:
    """The projects, each with `.figure` (the watched year to its month) and `.status` (that month's
    report)."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    year, month = watch.year, watch.month
    done = figures.by_project(ids, year, month)
    statuses = reporting.statuses_for(projects, year, month, watch.now, watch.due)
    for project in projects:
        project.figure, project.status = done[project.pk], statuses[project.pk]
    return projects


LEDGER_COLUMNS = [
    "项目代码",
    "项目名称",
    "项目级别",
    "产业项目",
    "行业",
    "县市区",
    "所在园区",
    "业主",
    "责任单位",
    "联系市领导",
    "建设阶段",
    "计划开工",
    "计划竣工",
    "总投资（万元）",
    "年度计划投资（万元）",
    "累计完成投资（万元）",
    "投资完成率",
    "月报",
    "计划执行",
]


def _ledger_line(p) -> list:
    return [
        p.code,
        p.name,
        "、".join(p.level_labels),
        "是" if p.industrial else "否",
        p.get_industry_display(),
        p.region.name,
        p.park.name if p.park else "",
        str(p.owner),
        p.responsible_unit.name,
        p.leader.full_name if p.leader else "",
        p.get_stage_display(),
        p.starts_on,
        p.completes_on,
        round(p.total_investment / WAN, 2),
        round(p.figure.planned / WAN, 2),
        round(p.figure.completed / WAN, 2),
        percent(p.figure.rate),
        p.status.label,
        deviations.label(p.light),
    ]


@login_required
def ledger(request):
    watch = deviations.Watch.at()  # the rules and the calendar, read once for the whole page
    year, month = watch.year, watch.month
    form = LedgerFilterForm(request.GET or None)
    found = form.apply(Project.objects.for_user(request.user), watch)
    if request.GET.get("export") == "xlsx":
        rows = [_ledger_line(p) for p in _with_figures(deviations.annotate(_shown(found), watch), watch)]
        return xlsx_response(
            f"重大项目台账（{year}年1—{month}月）.xlsx", "重大项目台账", LEDGER_COLUMNS, rows
        )
    page = _ledger_page(found, request.GET.get("page"), watch)
    page.object_list = _with_figures(page.object_list, watch)
    summary, industrial_share = figures.ledger_summary(found, year, month, page.paginator.count)
    return _page(
        request,
        "projects/ledger.html",
        {
            "form": form,
            "page": page,
            "summary": summary,
            "industrial_share": industrial_share,
            "year": year,
            "month": month,
            "export_url": f"{request.path}?{_query(request, export='xlsx')}",
        },
    )


def _query(request, **changes) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


# --- one project ---------------------------------------------------------------------------------


def _project(request, pk) -> Project:
    return get_object_or_404(_projects(request.user), pk=pk)


@login_required
def detail(request, pk):
    project = _project(request, pk)
    now = clock.now()
    today = timezone.localdate(now)
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2015), 2100)
    year_plans = list(
        AnnualPlan.objects.filter(project=project).prefetch_related("milestones").order_by("-year")
    )
    reports = list(
        MonthlyReport.objects.filter(project=project)
        .select_related("filed_by__person", "decided_by__person")
        .prefetch_related(
            "photos",
            Prefetch(
                "milestones",
                queryset=MilestoneProgress.objects.select_related("milestone"),
                to_attr="milestone_rows",
            ),
        )
        .order_by("-year", "-month", "-version")
    )
    months = figures.monthly(project, year)
    due_year, due_month = reporting.period_due(now)
    status = reporting.status_of(
        project, due_year, due_month, [r for r in reports if (r.year, r.month) == (due_year, due_month)], now
    )
    chart = {
        "months": [f"{m['month']}月" for m in months],
        "completed": [None if m["completed"] is None else round(m["completed"] / WAN, 2) for m in months],
        "to_date": [round(m["to_date"] / WAN, 2) for m in months],
        "planned": months[0]["planned"] and round(months[0]["planned"] / WAN, 2),
        "labels": {
            "completed": _("当月完成（万元）"),
            "to_date": _("累计完成（万元）"),
            "planned": _("年度计划（万元）"),
        },
    }
    [this_year] = figures.completion(Project.objects.filter(pk=project.pk), year, 12)
    watch = deviations.Watch.at(now)
    watched = deviations.annotate(Project.objects.filter(pk=project.pk), watch).get()
    may_confirm = actions.may_confirm(request.user, project)
    return _page(
        request,
        "projects/detail.html",
        {
            "project": project,
            "plans": year_plans,
            **_plan_context(request.user, project, year, year_plans),
            "reports": reports,
            "year": year,
            "this_year": this_year,
            "status": status,
            "light": watched.light,
            "deviations": deviations.reasons(watched, watch),
            "chart": chart,
            "events": ProjectEvent.objects.filter(project=project)
            .select_related("by__person")
            .order_by("-at", "-id")[:50],
            "may_report": actions.may_report(request.user, project),
            "may_confirm": may_confirm,
            "pending": [r for r in reports if r.state == ReportState.SUBMITTED] if may_confirm else [],
            "stage_form": StageForm(project=project) if _may_move_on(request.user, project) else None,
            "return_form": ReturnForm(),
        },
    )


def _plan_context(user, project, year: int, year_plans) -> dict:
    """The 年度计划 section: the baseline in force for ``year`` with the version approved into it, and
    every version with what it changed."""
    versions = plans.history(project)
    plan = next((p for p in year_plans if p.year == year), None)
    return {
        "plan": plan,
        "plan_months": list(zip(range(1, 13), plan.monthly_plan, strict=True))
        if plan and plan.monthly_plan
        else [],
        "plan_milestones": [m for m in plan.milestones.all() if m.retired_at is None] if plan else [],
        "baseline_version": next(
            (v for v in versions if v.year == year and v.state == PlanState.APPROVED), None
        ),
        "plan_versions": versions,
        "may_file_plan": plans.may_file(user, project),
        "may_decide_plan": plans.may_decide(user),
    }


def _may_move_on(user, project) -> bool:
    return actions.may_move_stage(user, project) and bool(STAGE_TRANSITIONS[Stage(project.stage)])


@login_required
def report_new(request, pk):
    project = _project(request, pk)
    if not actions.may_report(request.user, project):
        raise Http404
    periods = report_periods(project)
    year = (
        int(request.POST.get("period", periods[0][0] if periods else "0-0").split("-")[0] or 0)
        if periods
        else 0
    )
    # A milestone a later plan version retired is no longer reported on (the action refuses it too).
    milestones = [
        m
        for plan in project.plans.filter(year=year).prefetch_related("milestones")
        for m in plan.milestones.all()
        if m.retired_at is None
    ]
    due_year, due_month = reporting.period_due()
    initial = {"period": f"{due_year}-{due_month}"}
    form = ReportForm(
        request.POST or None, request.FILES or None, milestones=milestones, periods=periods, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year, month = data["period"]
        try:
            filed, _created = actions.file_report(
                project,
                by=request.user,
                year=year,
                month=month,
                completed_investment=data["completed_investment"],
                progress=data["progress"],
                problems=data["problems"],
                milestones=form.milestone_statuses(),
                photos=data["photos"],
                submission_key=data["submission_key"],
                correction_reason=data["correction_reason"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("%(y)d 年 %(m)d 月月报已报送，等待责任单位确认。") % {"y": year, "m": month}
            )
            return redirect(f"{reverse('projects:detail', args=[project.pk])}#report-{filed.pk}")
    return _page(request, "projects/report_form.html", {"project": project, "form": form})


def _report(request, pk) -> MonthlyReport:
    return get_object_or_404(MonthlyReport.objects.for_user(request.user).select_related("project"), pk=pk)


def _back_to(report):
    return redirect(f"{reverse('projects:detail', args=[report.project_id])}#report-{report.pk}")


def _act(request, do, done: str) -> None:
    """Run an action; its refusal, or `done`, is the message the next page shows."""
    try:
        do()
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)


def _valid(form, message: str, code: str) -> dict:
    if not form.is_valid():
        raise ActionRefused(message, code)
    return form.cleaned_data


@login_required
@require_POST
def report_confirm(request, pk):
    report = _report(request, pk)
    _act(
        request,
        lambda: actions.confirm_report(report, by=request.user),
        _("月报已确认，完成投资已计入台账。"),
    )
    return _back_to(report)


@login_required
@require_POST
def report_return(request, pk):
    report = _report(request, pk)

    def do():
        data = _valid(
            ReturnForm(request.POST), _("请填写退回理由，告诉填报人需要修改什么。"), "reason_required"
        )
        actions.return_report(report, by=request.user, reason=data["reason"])

    _act(request, do, _("月报已退回填报人。"))
    return _back_to(report)


@login_required
@require_POST
def stage_change(request, pk):
    project = _project(request, pk)

    def do():
        data = _valid(StageForm(request.POST), _("请选择要变更的阶段并填写日期。"), "stage_form")
        actions.change_stage(project, by=request.user, to=data["to"], on=data["on"], note=data["note"])

    _act(request, do, _("建设阶段已变更。"))
    return redirect("projects:detail", project.pk)


@login_required
@require_POST
def plan_set(request, pk):
    project = _project(request, pk)

    def do():
        form = PlanForm(request.POST)
        data = _valid(form, " ".join(e for errors in form.errors.values() for e in errors), "plan_form")
        actions.set_plan(
            project,
            by=request.user,
            year=data["year"],
            planned_investment=data["planned_investment"],
            milestones=data["milestones"],
        )

    _act(request, do, _("年度计划已保存。"))
    return redirect("projects:detail", project.pk)


@login_required
def plan_new(request, pk):
    """The owner (or the ledger keeper) files a new version of a year's plan, starting from the baseline."""
    project = _project(request, pk)
    if not plans.may_file(request.user, project):
        raise Http404
    try:
        year = int(
            request.POST.get("year") or request.GET.get("year") or timezone.localdate(clock.now()).year
        )
    except ValueError:
        year = timezone.localdate(clock.now()).year
    baseline = plans.baseline_of(project, year)
    rows = len(baseline["milestones"]) + 3 if baseline else 6
    if request.method == "POST":
        form = PlanVersionForm(request.POST, rows=PlanVersionForm.rows_in(request.POST, rows))
    else:
        form = PlanVersionForm(initial=PlanVersionForm.initial_from(baseline, year), rows=rows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version, _created = plans.file_plan(
                project,
                by=request.user,
                year=data["year"],
                planned_investment=data["planned_investment"],
                monthly=data["monthly"],
                milestones=data["milestones"],
                reason=data["reason"],
                submission_key=data["submission_key"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(y)d 年年度计划第 %(n)d 版已报送，等待发展改革委审批。")
                % {"y": version.year, "n": version.number},
            )
            return redirect(f"{reverse('projects:detail', args=[project.pk])}?year={version.year}#plan")
    return _page(request, "projects/plan_form.html", {"project": project, "form": form, "baseline": baseline})


def _plan_version(request, pk) -> PlanVersion:
    """A version of a project this person sees, to decide: anyone but the commission gets 404."""
    version = get_object_or_404(
        PlanVersion.objects.filter(
            project__in=Project.objects.for_user(request.user).values("pk")
        ).select_related("project"),
        pk=pk,
    )
    if not plans.may_decide(request.user):
        raise Http404
    return version


def _back_to_plan(version):
    return redirect(f"{reverse('projects:detail', args=[version.project_id])}?year={version.year}#plan")


@login_required
@require_POST
def plan_approve(request, pk):
    version = _plan_version(request, pk)
    _act(
        request,
        lambda: plans.approve_plan(version, by=request.user),
        _("年度计划已批准，成为现行基线。"),
    )
    return _back_to_plan(version)


@login_required
@require_POST
def plan_return(request, pk):
    version = _plan_version(request, pk)

    def do():
        data = _valid(
            ReturnForm(request.POST), _("请填写退回理由，告诉报送人需要修改什么。"), "reason_required"
        )
        plans.return_plan(version, by=request.user, reason=data["reason"])

    _act(request, do, _("年度计划已退回报送人。"))
    return _back_to_plan(version)


@login_required
def photo(request, pk, thumbnail=False):
    photo = get_object_or_404(
        ReportPhoto.objects.filter(report__project__in=Project.objects.for_user(request.user).values("pk")),
        pk=pk,
    )
    file = photo.thumbnail if thumbnail else photo.image
    return FileResponse(file.open("rb"), content_type="image/jpeg" if thumbnail else None)


# --- the unit's and the owner's page ------------------------------------------------------------


@login_required
def mine(request):
    """The projects this person reports on or answers for, with what is due; reports waiting for them."""
    user = request.user
    projects = [p for p in _projects(user) if actions.may_report(user, p) or actions.may_confirm(user, p)]
    watch = deviations.Watch.at()
    year, month = watch.year, watch.month
    projects = _with_figures(projects, watch)
    waiting = [p for p in projects if p.status.code in ("missing", "overdue")]
    pending = (
        MonthlyReport.objects.for_user(user)
        .filter(
            state=ReportState.SUBMITTED, project__in=[p.pk for p in projects if actions.may_confirm(user, p)]
        )
        .exclude(filed_by=user)
        .select_related("project", "filed_by__person")
        .order_by("filed_at")
    )
    return _page(
        request,
        "projects/mine.html",
        {
            "projects": projects,
            "waiting": waiting,
            "pending": pending,
            "year": year,
            "month": month,
            "due_at": watch.due,
        },
    )


# --- rankings and completion ----------------------------------------------------------------------


def _period_initial():
    year, month = reporting.period_due()
    return {"year": year, "month": month}


RANKING_COLUMNS = [
    "排名",
    "上月排名",
    "变化",
    "名称",
    "项目数",
    "年度计划（万元）",
    "累计完成（万元）",
    "完成率",
    "新开工项目",
    "新开工总投资（万元）",
    "竣工投产项目",
]


def ranking_line(row) -> list:
    return [
        row.rank,
        "—" if row.previous_rank is None else row.previous_rank,
        change_text(row.change),
        row.label,
        row.projects,
        wan(row.planned),
        wan(row.completed),
        percent(row.rate),
        row.new_starts,
        wan(row.new_start_investment),
        row.finished,
    ]


def change_text(change) -> str:
    if change is None:
        return "—"
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"


@login_required
def rankings(request):
    if not sees_whole_ledger(request.user):
        raise Http404  # a ranking compares every county and unit: it is for who sees the whole ledger
    form = RankingForm(request.GET or None, initial=_period_initial())
    data = (
        form.cleaned_data
        if form.is_valid()
        else {**_period_initial(), "by": Grouping.REGION, "measure": figures.Measure.COMPLETED}
    )
    if not form.is_bound:
        form = RankingForm(initial=data)
    ranked = figures.ranking(Project.objects.all(), data["by"], data["measure"], data["year"], data["month"])
    title = bulletin.title_text(ranked)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{title}.xlsx", "排名", RANKING_COLUMNS, [ranking_line(r) for r in ranked.rows])
    if request.GET.get("export") == "docx":
        issued = timezone.localdate(clock.now())
        return docx_response(
            f"{title}.docx", bulletin.build(ranked, issued=issued, number=request.GET.get("number", ""))
        )
    return _page(
        request,
        "projects/rankings.html",
        {
            "form": form,
            "ranking": ranked,
            "rows": [(row, ranking_line(row)) for row in ranked.rows],
            "columns": RANKING_COLUMNS,
            "title": title,
            "xlsx_url": f"{request.path}?{_query(request, export='xlsx')}",
            "docx_url": f"{request.path}?{_query(request, export='docx')}",
        },
    )


@login_required
def completion(request):
    form = CompletionForm(request.GET or None, initial={**_period_initial(), "by": Grouping.LEVEL})
    data = form.cleaned_data if form.is_valid() else {**_period_initial(), "by": Grouping.LEVEL}
    if not form.is_bound:
        form = CompletionForm(initial=data)
    projects = Project.objects.for_user(request.user)
    rows = figures.completion(projects, data["year"], data["month"], data["by"])
    [whole] = figures.completion(projects, data["year"], data["month"])
    return _page(
        request,
        "projects/completion.html",
        {
            "form": form,
            "rows": rows,
            "whole": whole,
            "year": data["year"],
            "month": data["month"],
            "industrial_share": figures.industrial_share(projects, data["year"]),
            "chart": {
                "labels": [r.label for r in rows],
                "rates": [None if r.rate is None else float(r.rate) for r in rows],
                "name": _("投资完成率（%）"),
            },
        },
    )
