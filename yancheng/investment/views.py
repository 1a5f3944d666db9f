"""Pages of investment attraction (招商引资): the list with its warnings, filters and Excel export;
filing a lead (told who has it when it is on record, and offered to join); the lead with its steps,
evidence, transfers and history, and its actions. Every change is a POST calling actions.py."""

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
from yancheng.core.reference.industries import division_label
from yancheng.core.roles import official_unit
from yancheng.core.templatetags.yancheng import wan

from . import actions, funnel, summary, warnings
from .choices import CONTRACTED, FUNNEL, Stage, WarningKind
from .forms import (
    DropForm,
    FilterForm,
    FollowUpForm,
    LeadForm,
    SigningForm,
    StepForm,
    ToProjectForm,
    TransferForm,
)
from .models import Lead, LeadFile, is_investment_office, sees_every_lead

PER_PAGE = 50
COLUMNS = ["序号", "项目名称", "投资方", "行业", "县市区", "责任单位", "责任人", "招商方式", "阶段", "入库日期", "首次签约日期", "合同投资额（万元）", "计入招商额（万元）", "累计到位（万元）", "预警"]  # fmt: skip


def _visible(user):
    return Lead.objects.for_user(user).select_related("region", "unit", "person")


def _found(request, limits):
    form = FilterForm(request.GET or None)
    chosen = form.apply(_visible(request.user))
    shown = request.GET.get("warning", "")
    if shown == "any" or shown in WarningKind.values:
        return form, warnings.warned(chosen, limits, None if shown == "any" else shown)
    return form, warnings.with_funds_due(chosen, limits)


@login_required
def leads(request):
    limits = warnings.Limits.now()
    form, found = _found(request, limits)
    if request.GET.get("export") == "xlsx":
        return _export(found, limits)
    counts = warnings.counts(Lead.objects.for_user(request.user), limits)
    paginator = Paginator(found, PER_PAGE)
    if request.GET.get("warning") in counts and not _narrowed(form):
        paginator.count = counts[request.GET["warning"]]  # one kind's list: counted with the others
    page = paginator.get_page(request.GET.get("page"))
    for lead in page.object_list:
        lead.reasons = warnings.reasons(lead, limits)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    context = {
        "form": form,
        "page": page,
        "counts": [(kind, WarningKind(kind).label, counts[kind]) for kind in WarningKind],
        "export_url": f"{request.path}?{query.urlencode()}",
        "may_file": actions.may_file(request.user),
    }
    return render(request, "investment/list.html", context)


def _narrowed(form) -> bool:
    """Whether the filters narrow the list beyond a warning (an invalid form narrows nothing)."""
    return form.is_valid() and any(value for name, value in form.cleaned_data.items() if name != "warning")


def _export(found, limits):
    rows = [
        [
            n, x.name, x.investor_name, division_label(x.industry), x.region.name, x.unit.name,
            x.person.full_name, x.get_source_display(), x.get_stage_display(), x.pooled_on,
            x.signed_on or "", wan(x.contracted_amount), wan(x.counted_amount), wan(x.funded_total),
            "；".join(warnings.reasons(x, limits)),
        ]
        for n, x in enumerate(found, start=1)
    ]  # fmt: skip
    return xlsx_response("招商项目清单.xlsx", "招商项目", COLUMNS, rows)


@login_required
def new(request):
    if not actions.may_file(request.user):
        raise Http404
    unit = None if is_investment_office(request.user) else official_unit(request.user)
    form = LeadForm(request.POST or None, user=request.user, unit=unit)
    filed = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = data.pop("submission_key")
        draft = actions.Draft(**data)
        try:
            lead = actions.file_lead(draft, by=request.user, submission_key=key)
        except actions.AlreadyFiled as refusal:
            form.add_error(None, refusal.message)
            filed = refusal.lead
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已登记入库。"))
            return redirect("investment:detail", lead.pk)
    context = {"form": form, "filed": filed}
    return render(request, "investment/form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def join(request, pk):
    """Join a lead filed by another unit: it need not be visible yet (the refusal named it)."""
    lead = get_object_or_404(Lead, pk=pk)
    try:
        actions.join(lead, by=request.user)
    except ActionRefused as refusal:
        if refusal.code == "forbidden":
            raise Http404 from None
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已作为协办单位加入该项目。"))
    return redirect("investment:detail", lead.pk)


def _lead(request, pk) -> Lead:
    return get_object_or_404(_visible(request.user), pk=pk)


@login_required
def detail(request, pk):
    limits = warnings.Limits.now()
    lead = get_object_or_404(warnings.with_funds_due(_visible(request.user), limits), pk=pk)
    moves = actions.may_move(request.user, lead) and lead.stage not in (Stage.PRODUCING, Stage.DROPPED)
    context = {
        "lead": lead,
        "reasons": warnings.reasons(lead, limits),
        "funnel": [(stage, stage.label, FUNNEL.index(stage) <= FUNNEL.index(lead.stage) if lead.stage in FUNNEL else False) for stage in FUNNEL],
        "events": lead.events.select_related("by__person").prefetch_related("files"),
        "transfers": lead.transfers.all(),
        "schedule": lead.schedule.all(),
        "co_units": lead.co_units.select_related("unit"),
        "signing_form": SigningForm() if moves and lead.stage in (Stage.POOLED, Stage.NEGOTIATING) else None,
        "step_form": StepForm() if moves else None,
        "transfer_form": TransferForm() if moves and lead.stage in CONTRACTED else None,
        "follow_up_form": FollowUpForm() if actions.may_follow_up(request.user, lead) and lead.stage not in (Stage.PRODUCING, Stage.DROPPED) else None,
        "drop_form": DropForm() if moves else None,
        "project_form": ToProjectForm() if actions.may_make_project(request.user, lead) else None,
    }  # fmt: skip
    return render(request, "investment/detail.html", context)


def _act(request, pk, do, form_class=None):
    return act_on(request, _lead(request, pk), do, form_class, "investment:detail")


@login_required
@require_POST
def sign(request, pk):
    def do(lead, d):
        terms = actions.Signing(
            signed_on=d["signed_on"], contracted_amount=d["contracted_amount"],
            start_due_on=d["start_due_on"], schedule=d["schedule"],
        )  # fmt: skip
        actions.move(lead, Stage.SIGNED, by=request.user, files=d["files"], note=d["note"], signing=terms)

    return _act(request, pk, do, SigningForm)


@login_required
@require_POST
def step(request, pk):
    return _act(
        request,
        pk,
        lambda lead, d: actions.move(lead, d["stage"], by=request.user, files=d["files"], note=d["note"]),
        StepForm,
    )


@login_required
@require_POST
def transfer(request, pk):
    def do(lead, d):
        actions.record_transfer(
            lead, by=request.user, amount=d["amount"], received_on=d["received_on"], files=d["files"],
            note=d["note"],
        )  # fmt: skip

    return _act(request, pk, do, TransferForm)


@login_required
@require_POST
def follow_up(request, pk):
    return _act(
        request, pk, lambda lead, d: actions.follow_up(lead, by=request.user, note=d["note"]), FollowUpForm
    )


@login_required
@require_POST
def drop(request, pk):
    return _act(
        request, pk, lambda lead, d: actions.drop(lead, by=request.user, reason=d["reason"]), DropForm
    )


@login_required
@require_POST
def to_project(request, pk):
    lead = _lead(request, pk)
    form = ToProjectForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("investment:detail", lead.pk)
    try:
        project = actions.to_project(lead, by=request.user, **form.cleaned_data)
    except ActionRefused as refusal:
        if refusal.code == "forbidden":
            raise Http404 from None
        messages.error(request, refusal.message)
        return redirect("investment:detail", lead.pk)
    messages.success(request, _("已纳入重大项目库。"))
    return redirect("projects:detail", project.pk)


@login_required
def lead_file(request, pk):
    found = get_object_or_404(
        LeadFile.objects.filter(event__lead__in=_visible(request.user).values("pk")), pk=pk
    )
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


FUNNEL_COLUMNS = ["分组", *[f"{s.label}{what}" for s in FUNNEL for what in ("（个）", "（万元）", "（上年，个）", "（上年，万元）")]]  # fmt: skip


@login_required
def big_data(request):
    """招商大数据: the funnel of a year against the last, by a grouping, and the conversion."""
    today = timezone.localdate(clock.now())
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    year = min(max(year, 2000), 2100)
    group = request.GET.get("by") if request.GET.get("by") in funnel.GROUPS else "region"
    visible = Lead.objects.for_user(request.user)
    # Who sees every lead reads the cells kept on write; a unit counts its own leads.
    counted = summary.Kept() if sees_every_lead(request.user) else visible
    rows, total = funnel.funnel_and_total(counted, year, group)
    if request.GET.get("export") == "xlsx":
        lines = [
            [r.label, *[x for s in FUNNEL for x in (r.cells[s].count, wan(r.cells[s].amount), r.cells[s].last_count, wan(r.cells[s].last_amount))]]
            for r in rows
        ]  # fmt: skip
        return xlsx_response(f"招商引资{year}年分析.xlsx", "招商引资", FUNNEL_COLUMNS, lines)
    context = {
        "year": year,
        "years": range(today.year, today.year - 5, -1),
        "group": group,
        "groups": [(key, label) for key, (label, _field, _name) in funnel.GROUPS.items()],
        "group_field": funnel.GROUPS[group][1] if group != "section" else "section",
        "steps": list(zip(funnel.conversion(counted, year), total.ordered, strict=True)),
        "rows": rows,
        "stages": [(s, s.label) for s in FUNNEL],
    }
    return render(request, "investment/big_data.html", context)
