"""Pages of the problem lists (清单管理制): the list with its filters and its Excel export (per project,
unit or county), raising a problem, the problem with its evidence, history and ladder, and the actions
of the responsible unit and the raiser. Every state change is a POST calling actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.record_views import act_on
from yancheng.projects.models import Project

from . import actions, figures
from .forms import FilterForm, ProblemForm, ReopenForm, ResolveForm, ReturnForm
from .models import Problem, ProblemEvidence

# The layout the offices use for the three lists (问题、措施、责任分工).
COLUMNS = ["序号", "项目名称", "县市区", "问题", "整改措施", "责任单位", "责任人", "完成时限", "状态", "问题来源", "挂账日期", "是否逾期"]  # fmt: skip
PER_PAGE = 50


def _today():
    return timezone.localdate(clock.now())


def _visible(user):
    return Problem.objects.for_user(user).select_related("project__region", "unit", "person")


def _line(n, p, today) -> list:
    return [
        n, p.project.name, p.project.region.name, p.description, p.measures, p.unit.name,
        p.person.full_name if p.person else "", p.due_on, p.get_state_display(), p.get_source_display(),
        p.raised_on, "是" if figures.is_overdue(p, today) else "否",
    ]  # fmt: skip


def _of_project(request, found):
    """The list of one project (?project=<id>), if asked, and that project for the title."""
    wanted = request.GET.get("project", "")
    if not wanted:
        return found, None
    project = Project.objects.filter(pk=wanted).first() if wanted.isdigit() else None
    return (found.filter(project=project), project) if project else (found.none(), None)


@login_required
def problems(request):
    today = _today()
    form = FilterForm(request.GET or None)
    found, project = _of_project(request, form.apply(_visible(request.user), today))
    if request.GET.get("export") == "xlsx":
        title = f"问题清单-{project.name}" if project else form.title()
        rows = [_line(n, p, today) for n, p in enumerate(found, start=1)]
        return xlsx_response(f"{title}.xlsx", "问题清单", COLUMNS, rows)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    for p in page.object_list:
        p.overdue = figures.is_overdue(p, today)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    context = {
        "form": form,
        "page": page,
        "project": project,
        "export_url": f"{request.path}?{query.urlencode()}",
        "may_raise": Project.objects.for_user(request.user).exists(),
    }
    return render(request, "problems/list.html", context)


@login_required
def new(request):
    projects = Project.objects.for_user(request.user)
    initial = {"project": request.GET["project"]} if request.GET.get("project", "").isdigit() else {}
    form = ProblemForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            raised = actions.raise_problem(
                data["project"], by=request.user, description=data["description"], measures=data["measures"],
                unit=data["unit"], person=data["person"], due_on=data["due_on"],
                submission_key=data["submission_key"],
            )  # fmt: skip
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("问题已挂账。"))
            return redirect("problems:detail", raised.pk)
    return render(request, "problems/form.html", {"form": form}, status=400 if form.errors else 200)


def _problem(request, pk) -> Problem:
    return get_object_or_404(_visible(request.user), pk=pk)


@login_required
def detail(request, pk):
    problem = _problem(request, pk)
    user = request.user
    context = {
        "p": problem,
        "overdue": figures.is_overdue(problem, _today()),
        "evidence": problem.evidence.all(),
        "events": problem.events.select_related("by__person"),
        "resolve_form": ResolveForm() if actions.may_resolve(user, problem) else None,
        "return_form": ReturnForm() if actions.may_answer(user, problem) else None,
        "reopen_form": ReopenForm() if actions.may_reopen(user, problem) else None,
    }
    return render(request, "problems/detail.html", context)


def _act(request, pk, do, form_class=None):
    return act_on(request, _problem(request, pk), do, form_class, "problems:detail")


@login_required
@require_POST
def resolve(request, pk):
    do = lambda p, d: actions.resolve(p, by=request.user, files=d["files"], note=d["note"])  # noqa: E731
    return _act(request, pk, do, ResolveForm)


@login_required
@require_POST
def close(request, pk):
    return _act(request, pk, lambda p, d: actions.close(p, by=request.user))


@login_required
@require_POST
def return_problem(request, pk):
    do = lambda p, d: actions.return_problem(p, by=request.user, reason=d["reason"])  # noqa: E731
    return _act(request, pk, do, ReturnForm)


@login_required
@require_POST
def reopen(request, pk):
    do = lambda p, d: actions.reopen(p, by=request.user, reason=d["reason"], due_on=d["due_on"])  # noqa: E731
    return _act(request, pk, do, ReopenForm)


@login_required
def evidence(request, pk):
    found = get_object_or_404(
        ProblemEvidence.objects.filter(problem__in=_visible(request.user).values("pk")), pk=pk
    )
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)
