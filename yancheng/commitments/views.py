"""Pages of commitments (承诺兑现制): the list with its filters and Excel export, recording one, the
commitment with its evidence and history and the actions of the unit and the owner, the fulfilment
rates per unit and per leader. Every state change is a POST calling actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.record_views import act_on
from yancheng.projects.models import sees_whole_ledger

from . import actions, figures
from .forms import CommitmentForm, DisputeForm, FilterForm, FulfilForm
from .models import Commitment, Evidence

COLUMNS = ["序号", "项目名称", "承诺事项", "承诺内容", "承诺单位", "承诺领导", "承诺对象", "承诺日期", "兑现期限", "状态", "兑现日期", "是否逾期"]  # fmt: skip
PER_PAGE = 50
RATE_COLUMNS = ["名称", "应兑现", "按期兑现", "逾期兑现", "逾期未兑现", "待业主确认", "按期兑现率"]


def _today():
    return timezone.localdate(clock.now())


def _visible(user):
    return Commitment.objects.for_user(user).select_related("project", "unit", "leader")


def _line(n, c, today) -> list:
    return [
        n, c.project.name, c.get_kind_display(), c.content, c.unit.name, c.leader.full_name if c.leader else "",
        c.promised_to, c.made_on, c.due_on, c.get_state_display(), c.fulfilled_on or "",
        "是" if figures.is_overdue(c, today) else "否",
    ]  # fmt: skip


@login_required
def commitments(request):
    today = _today()
    form = FilterForm(request.GET or None)
    found = form.apply(_visible(request.user), today)
    if request.GET.get("project"):
        found = (
            found.filter(project_id=request.GET["project"])
            if request.GET["project"].isdigit()
            else found.none()
        )
    if request.GET.get("export") == "xlsx":
        rows = [_line(n, c, today) for n, c in enumerate(found, start=1)]
        return xlsx_response("承诺事项清单.xlsx", "承诺事项", COLUMNS, rows)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.overdue = figures.is_overdue(c, today)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    context = {
        "form": form,
        "page": page,
        "export_url": f"{request.path}?{query.urlencode()}",
        "may_record": actions.may_record(request.user),
        "sees_rates": sees_whole_ledger(request.user),
    }
    return render(request, "commitments/list.html", context)


@login_required
def new(request):
    if not actions.may_record(request.user):
        raise Http404
    unit = None if actions.records_any_unit(request.user) else actions.unit_of(request.user)
    initial = {"project": request.GET.get("project")} if request.GET.get("project", "").isdigit() else {}
    form = CommitmentForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = actions.make(
                data["project"], by=request.user, kind=data["kind"], content=data["content"], unit=data["unit"],
                leader=data["leader"], promised_to=data["promised_to"], due_on=data["due_on"],
                working_days=data["working_days"], submission_key=data["submission_key"],
            )  # fmt: skip
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已登记承诺事项。"))
            return redirect("commitments:detail", made.pk)
    return render(request, "commitments/form.html", {"form": form}, status=400 if form.errors else 200)


def _commitment(request, pk) -> Commitment:
    return get_object_or_404(_visible(request.user), pk=pk)


@login_required
def detail(request, pk):
    commitment = _commitment(request, pk)
    context = {
        "c": commitment,
        "overdue": figures.is_overdue(commitment, _today()),
        "evidence": commitment.evidence.all(),
        "events": commitment.events.select_related("by__person"),
        "fulfil_form": FulfilForm() if actions.may_fulfil(request.user, commitment) else None,
        "dispute_form": DisputeForm() if actions.may_answer(request.user, commitment) else None,
    }
    return render(request, "commitments/detail.html", context)


def _act(request, pk, do, form_class=None):
    return act_on(request, _commitment(request, pk), do, form_class, "commitments:detail")


@login_required
@require_POST
def fulfil(request, pk):
    return _act(
        request,
        pk,
        lambda c, d: actions.fulfil(c, by=request.user, files=d["files"], note=d["note"]),
        FulfilForm,
    )


@login_required
@require_POST
def confirm(request, pk):
    return _act(request, pk, lambda c, d: actions.confirm(c, by=request.user))


@login_required
@require_POST
def dispute(request, pk):
    return _act(
        request, pk, lambda c, d: actions.dispute(c, by=request.user, reason=d["reason"]), DisputeForm
    )


@login_required
def evidence(request, pk):
    found = get_object_or_404(
        Evidence.objects.filter(commitment__in=_visible(request.user).values("pk")), pk=pk
    )
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


@login_required
def rates(request):
    if not sees_whole_ledger(request.user):
        raise Http404  # a comparison of every unit and leader: for who sees the whole ledger
    by = request.GET.get("by") if request.GET.get("by") in figures.GROUPS else "unit"
    rows = figures.fulfilment(Commitment.objects.all(), by, _today())
    if request.GET.get("export") == "xlsx":
        lines = [
            [
                r.label,
                r.counted,
                r.on_time,
                r.late,
                r.overdue,
                r.waiting,
                "" if r.rate is None else f"{r.rate}%",
            ]
            for r in rows
        ]
        return xlsx_response("承诺兑现率.xlsx", "承诺兑现率", RATE_COLUMNS, lines)
    return render(request, "commitments/rates.html", {"rows": rows, "by": by})
