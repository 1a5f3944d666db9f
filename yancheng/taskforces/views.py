"""Pages of the task forces (专班): the list (stalled ones marked), a task force with its timeline,
tasks, check-ins, blockers, meetings and stalls, each action a POST calling actions.py; the check-in on a
phone; the meeting with its decisions (each to a supervision item in one step); the accountability
records per unit; a cadre's performance profile with the leaders' assessments; the year's candidates
for excellent individuals."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yancheng.core import clock, workdays
from yancheng.core.actions import ActionRefused, refuse_unless
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.roles import has_role, official_unit
from yancheng.supervision.models import Item

from . import actions, profiles, stalls
from .choices import PROFILED_FROM, StallKind
from .forms import (
    AnswerForm,
    AssessmentForm,
    CheckInForm,
    CommentForm,
    FilterForm,
    MeetingForm,
    MilestoneForm,
    NoteForm,
    ResolveForm,
    TaskForm,
)
from .models import SEE_ALL, Blocker, Cadre, CheckIn, Decision, Milestone, Stall, Task, TaskForce

CHECK_INS_SHOWN = 8  # the latest, on the task force's page


def _visible(user):
    return TaskForce.objects.for_user(user).select_related("leader", "lead_unit")


def _task_force(request, pk) -> TaskForce:
    return get_object_or_404(_visible(request.user), pk=pk)


def _part(request, model, pk):
    """A milestone, task, check-in or blocker of a task force the person may see."""
    return get_object_or_404(
        model.objects.filter(task_force__in=TaskForce.objects.for_user(request.user)).select_related(
            "task_force__leader", "task_force__lead_unit"
        ),
        pk=pk,
    )


@login_required
def task_forces(request):
    now = clock.now()
    form = FilterForm(request.GET or None)
    found = _visible(request.user).annotate(stalled=stalls.stalled_task_forces(now), size=Count("members"))
    if form.is_valid():
        if form.cleaned_data["kind"]:
            found = found.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["stalled"]:
            found = found.filter(stalled=True)
    me = Cadre.objects.filter(person__user=request.user, rank__gte=PROFILED_FROM).first()
    context = {"form": form, "task_forces": found, "me": me, "sees_all": has_role(request.user, *SEE_ALL)}
    return render(request, "taskforces/list.html", context)


@login_required
def detail(request, pk):
    task_force = _task_force(request, pk)
    now, user = clock.now(), request.user
    manages = actions.may_manage(user, task_force)
    meetings = list(task_force.meetings.prefetch_related("decisions__unit"))
    decisions = [d for m in meetings for d in m.decisions.all()]
    items = _items_of(decisions)
    for decision in decisions:
        decision.item = items.get(decision.pk)
    context = {
        "tf": task_force,
        "now": now,
        "stalls": [(s, s.working_days(now)) for s in stalls.current(task_force, now)],
        "members": task_force.members.select_related("cadre__person__unit").order_by("-cadre__rank"),
        "cooperating": task_force.cooperating_units.all(),
        "milestones": task_force.milestones.select_related("unit", "owner__person"),
        "tasks": task_force.tasks.select_related("unit", "owner__person"),
        "check_ins": task_force.check_ins.select_related(
            "filed_by__person", "acknowledged_by__person"
        ).prefetch_related("blockers__unit")[:CHECK_INS_SHOWN],
        "meetings": meetings,
        "projects": task_force.projects.all(),
        "items": task_force.items.all(),
        "leads": task_force.leads.all(),
        "events": task_force.events.select_related("by__person", "unit")[:30],
        "leads_it": actions.leads(user, task_force),
        "manages": manages,
        "mine": official_unit(user),
        "profile_ids": _profiles_shown(user, task_force),
        "may_check_in": actions.may_check_in(user, task_force),
        "milestone_form": MilestoneForm(task_force=task_force) if manages else None,
        "task_form": TaskForm(task_force=task_force) if manages else None,
    }
    return render(request, "taskforces/detail.html", context)


def _profiles_shown(user, task_force) -> set[int]:
    """The members whose profile the person may open (drawn from 副处级 up)."""
    shown = Cadre.objects.for_user(user).filter(memberships__task_force=task_force, rank__gte=PROFILED_FROM)
    return set(shown.values_list("pk", flat=True))


def _items_of(decisions) -> dict[int, Item]:
    """The supervision item each decision became, if any (the item links to it)."""
    kind = ContentType.objects.get_for_model(Decision)
    ids = [d.pk for d in decisions]
    found = Item.objects.filter(linked_type=kind, linked_id__in=ids) if ids else []
    return {item.linked_id: item for item in found}


def _back(task_force):
    return redirect("taskforces:detail", task_force.pk)


def _run(request, do, form) -> bool:
    """Run ``do(cleaned_data)`` when the form is valid; errors and refusals become messages (a refusal
    for who may not act at all is a 404). True when done."""
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return False
    try:
        do(form.cleaned_data)
    except ActionRefused as refusal:
        if refusal.code == "forbidden":
            raise Http404 from None
        messages.error(request, refusal.message)
        return False
    return True


# A step on a part of a task force, one POST each: (the part's model, its form, the action called with
# the part, the person and the form's one field, what the person is told when it is done).
STEPS = {
    "meet_milestone": (Milestone, NoteForm, actions.meet_milestone, "note", gettext_lazy("节点已报完成。")),
    "answer_task": (Task, AnswerForm, actions.answer_task, "answer", gettext_lazy("已响应任务。")),
    "finish_task": (Task, NoteForm, actions.finish_task, "note", gettext_lazy("任务已报完成。")),
    "acknowledge": (CheckIn, CommentForm, actions.acknowledge, "comment", gettext_lazy("已阅示。")),
    "resolve_blocker": (
        Blocker,
        ResolveForm,
        actions.resolve_blocker,
        "resolution",
        gettext_lazy("卡点已销号。"),
    ),
}


@login_required
@require_POST
def step(request, pk, name):
    model, form_class, action, field, done = STEPS[name]
    record = _part(request, model, pk)
    if _run(
        request, lambda d: action(record, by=request.user, **{field: d[field]}), form_class(request.POST)
    ):
        messages.success(request, done)
    return _back(record.task_force)


@login_required
@require_POST
def add_milestone(request, pk):
    task_force = _task_force(request, pk)
    form = MilestoneForm(request.POST, task_force=task_force)
    if _run(request, lambda d: actions.add_milestone(task_force, by=request.user, **d), form):
        messages.success(request, _("已加入推进时序表。"))
    return _back(task_force)


@login_required
@require_POST
def add_task(request, pk):
    task_force = _task_force(request, pk)
    form = TaskForm(request.POST, task_force=task_force)
    if _run(request, lambda d: actions.add_task(task_force, by=request.user, **d), form):
        messages.success(request, _("任务已交办。"))
    return _back(task_force)


@login_required
def check_in(request, pk):
    """The period's check-in, on a phone: done, next, and a blocker put to a unit."""
    task_force = _task_force(request, pk)
    if not actions.may_check_in(request.user, task_force):
        raise Http404
    form = CheckInForm(request.POST or None, task_force=task_force)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.check_in(
                task_force,
                by=request.user,
                done=data["done"],
                next_steps=data["next_steps"],
                blockers=form.blockers(),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("进展已报送。"))
            return _back(task_force)
    context = {"tf": task_force, "form": form}
    return render(request, "taskforces/check_in.html", context, status=400 if form.errors else 200)


@login_required
def meeting_new(request, pk):
    task_force = _task_force(request, pk)
    if not actions.may_manage(request.user, task_force):
        raise Http404
    today = timezone.localdate(clock.now())
    initial = {
        "held_on": today,
        "title": _("%(y)s年第%(q)s季度专班调度会") % {"y": today.year, "q": (today.month + 2) // 3},
    }
    form = MeetingForm(request.POST or None, task_force=task_force, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_meeting(
                task_force, by=request.user, title=data["title"], held_on=data["held_on"],
                minutes=data["minutes"], decisions=form.decisions(),
            )  # fmt: skip
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("调度会已记录。"))
            return _back(task_force)
    return render(
        request,
        "taskforces/meeting_form.html",
        {"tf": task_force, "form": form},
        status=400 if form.errors else 200,
    )


# --- accountability -------------------------------------------------------------------------------

ACCOUNTABILITY_COLUMNS = [
    "单位",
    "卡壳次数",
    "其中仍卡壳",
    "累计卡壳工作日",
    "节点逾期",
    "卡点未解决",
    "任务未响应",
]


@login_required
def accountability(request):
    """Per unit: how often it stalled a task force this year, how long, and what still holds."""
    if not has_role(request.user, *SEE_ALL):
        raise Http404
    now = clock.now()
    year = _year(request, now)
    with workdays.covering(date(year, 1, 1), max(date(year, 12, 31), timezone.localdate(now))):
        rows = _accountability(year, now)
        if request.GET.get("export") == "xlsx":
            lines = [[r["unit"].name, r["count"], r["open"], r["days"], *r["kinds"]] for r in rows]
            return xlsx_response(f"专班卡壳问责{year}年.xlsx", "卡壳问责", ACCOUNTABILITY_COLUMNS, lines)
        records = _stalls_of(year).select_related("task_force", "cadre__person")[:RECORDS_SHOWN]
        shown = [(stall, stalls.working_days(stall, now)) for stall in records]
    return render(request, "taskforces/accountability.html", {"year": year, "rows": rows, "records": shown})


RECORDS_SHOWN = 200


def _stalls_of(year):
    """The stalls that began in ``year`` (local days)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return Stall.objects.filter(started_at__date__range=(first, last)).select_related("unit")


def _year(request, now) -> int:
    value = request.GET.get("year", "")
    return min(max(int(value), 2000), 2100) if value.isdigit() else timezone.localdate(now).year


def _accountability(year, now) -> list[dict]:
    found: dict[int, dict] = {}
    for stall in _stalls_of(year):
        row = found.setdefault(
            stall.unit_id, {"unit": stall.unit, "count": 0, "open": 0, "days": 0, "by_kind": {}}
        )
        row["count"] += 1
        row["open"] += stall.ended_at is None
        row["days"] += stalls.working_days(stall, now)
        row["by_kind"][stall.kind] = row["by_kind"].get(stall.kind, 0) + 1
    for row in found.values():
        row["kinds"] = [row["by_kind"].get(kind, 0) for kind in StallKind]
    return sorted(found.values(), key=lambda r: (-r["count"], -r["days"]))


# --- cadres ---------------------------------------------------------------------------------------


@login_required
def profile(request, pk):
    cadre = get_object_or_404(Cadre.objects.for_user(request.user).select_related("person__unit"), pk=pk)
    if cadre.rank < PROFILED_FROM:
        raise Http404
    now = clock.now()
    year = _year(request, now)
    today = timezone.localdate(now)
    assesses = actions.may_assess(request.user, cadre)
    context = {
        "cadre": cadre,
        "year": year,
        "profile": profiles.profiles([cadre], year, now)[0],
        "memberships": cadre.memberships.select_related("task_force"),
        "assessments": cadre.assessments.filter(year=year).select_related("by__person"),
        "excellent": cadre.excellent_years.order_by("-year"),
        "form": AssessmentForm(initial={"year": today.year, "quarter": (today.month + 2) // 3})
        if assesses
        else None,
    }
    return render(request, "taskforces/profile.html", context)


@login_required
@require_POST
def assess(request, pk):
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=pk)
    form = AssessmentForm(request.POST)

    def do(d):
        actions.assess(
            cadre, by=request.user, year=d["year"], quarter=d["quarter"], grade=d["grade"], text=d["text"]
        )

    if _run(request, do, form):
        messages.success(request, _("季度评价已保存。"))
    return redirect("taskforces:profile", cadre.pk)


@login_required
def candidates(request):
    """The year's candidates for excellent individuals, ranked from the data; a leader chooses."""
    if not has_role(request.user, *SEE_ALL):
        raise Http404
    now = clock.now()
    year = _year(request, now)
    ranked = profiles.candidates(year, now)
    chosen = set(Cadre.objects.filter(excellent_years__year=year).values_list("pk", flat=True))
    context = {
        "year": year,
        "ranked": ranked,
        "chosen": chosen,
        "may_choose": actions.may_choose_excellent(request.user),
    }
    return render(request, "taskforces/candidates.html", context)


@login_required
@require_POST
def choose(request, pk):
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=pk)
    value = request.POST.get("year", "")
    year = int(value) if value.isdigit() else 0
    try:
        refuse_unless(2000 <= year <= 2100, _("请选择年度。"), "year")
        actions.choose_excellent(cadre, by=request.user, year=year)
    except ActionRefused as refusal:
        if refusal.code == "forbidden":
            raise Http404 from None
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已确定为优秀个人。"))
    return redirect(f"/taskforces/excellent/?year={year}")
