"""Pages of supervision (云督查): the items with their lights, filters and Excel export; assigning an
item (also from a red figure elsewhere, its record linked); one-click dispatch and its live receipts;
the item with its units, reports, files, history and ladder, and the actions on it. Every state change
is a POST calling actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.output.official_document import docx_response
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.record_views import act_on

from . import actions, bulletin, lights, linking
from .actions import Share
from .choices import WITH_UNITS, Light
from .forms import CloseRequestForm, DispatchForm, FilterForm, ItemForm, ReportForm, ReturnForm
from .models import Dispatch, Item, ItemFile, sees_every_item

COLUMNS = ["序号", "督办事项", "督办来源", "牵头单位", "配合单位", "责任领导", "办理时限", "反馈频次", "状态", "红黄绿灯", "交办时间"]  # fmt: skip
PER_PAGE = 50
RECEIPTS_POLL_SECONDS = 5


def _visible(user):
    return Item.objects.for_user(user).select_related("lead_unit", "leader")


def _light_label(light) -> str:
    return str(Light(light).label) if light else _("已销号")


@login_required
def items(request):
    watch = lights.Watch.at()
    form = FilterForm(request.GET or None)
    visible = _visible(request.user)
    found = lights.annotate(form.apply(visible, watch), watch)
    if request.GET.get("export") == "xlsx":
        return _export(found)
    counts = visible.aggregate(
        **{light: Count("pk", filter=q) for light, q in lights.conditions(watch).items()}
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    context = {
        "form": form,
        "page": page,
        "counts": counts,
        "export_url": f"{request.path}?{query.urlencode()}",
        "may_assign": actions.may_assign(request.user),
        "may_import": actions.reviews(request.user),
        "sees_all": sees_every_item(request.user),
    }
    return render(request, "supervision/list.html", context)


def _export(found):
    found = found.prefetch_related("assignments__unit")
    rows = [
        [
            n,
            i.title,
            i.get_source_display(),
            i.lead_unit.name,
            "、".join(a.unit.name for a in i.assignments.all() if a.unit_id != i.lead_unit_id),
            i.leader.full_name if i.leader else "",
            i.due_on,
            i.get_cadence_display(),
            i.get_state_display(),
            _light_label(i.light),
            clock.local_text(i.assigned_at, "%Y-%m-%d %H:%M"),
        ]  # fmt: skip
        for n, i in enumerate(found, start=1)
    ]
    return xlsx_response("督办件.xlsx", "督办件", COLUMNS, rows)


@login_required
def monthly_bulletin(request):
    """The month's supervision bulletin (.docx): ?year=2026&month=11 (default: this month), &number=15."""
    if not sees_every_item(request.user):
        raise Http404  # it names every unit's red items
    today = timezone.localdate(clock.now())
    year, month = _month(request.GET, today)
    figures = bulletin.month_figures(_visible(request.user), year, month, clock.now())
    content = bulletin.build(figures, issued=today, number=request.GET.get("number", ""))
    return docx_response(f"{bulletin.title_text(figures)}.docx", content)


def _month(query, today) -> tuple[int, int]:
    year, month = query.get("year", ""), query.get("month", "")
    if year.isdigit() and month.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(month) <= 12:
        return int(year), int(month)
    return today.year, today.month


def _linked(request):
    """The record a red figure points at (?record=app.model:pk), if the person may see it."""
    value = request.POST.get("record") or request.GET.get("record", "")
    return linking.resolve(value, request.user) if value else None


@login_required
def new(request):
    if not actions.may_assign(request.user):
        raise Http404
    linked = _linked(request)
    initial = {}
    if linked:
        unit = linking.unit_of(linked)
        initial = {"record": linking.token(linked), "source": "finding", **linking.brief(linked)}
        initial["lead_unit"] = unit.pk if unit is not None else None
    initial["figure"] = request.GET.get("figure", "")[:200]
    form = ItemForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = _assign(request, form, linked)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("督办件已交办。"))
            return redirect("supervision:detail", item.pk)
    context = {"form": form, "linked": linked, "linked_url": linking.url_of(linked) if linked else None}
    return render(request, "supervision/form.html", context, status=400 if form.errors else 200)


def _assign(request, form, linked):
    data = form.cleaned_data
    return actions.assign(
        by=request.user, title=data["title"], content=data["content"], source=data["source"],
        source_text=data["source_text"], lead=Share(data["lead_unit"], data["lead_task"]),
        cooperating=[Share(unit, task) for unit, task in form.cooperating()], due_on=data["due_on"],
        cadence=data["cadence"], leader=data["leader"], files=data["files"], linked=linked,
        figure=data["figure"], submission_key=data["submission_key"],
    )  # fmt: skip


@login_required
def dispatch_new(request):
    if not actions.may_assign(request.user):
        raise Http404
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipients, units = form.recipients()
        try:
            sent = actions.dispatch(
                by=request.user, title=data["title"], content=data["content"], units=units,
                due_on=data["due_on"], recipients=recipients, source=data["source"],
                source_text=data["source_text"], cadence=data["cadence"], leader=data["leader"],
                submission_key=data["submission_key"],
            )  # fmt: skip
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已一键调度到 %(n)d 个单位。") % {"n": sent.items.count()})
            return redirect("supervision:dispatch", sent.pk)
    return render(
        request, "supervision/dispatch_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _dispatch(request, pk) -> Dispatch:
    """A dispatch is seen by whoever sees every item, and by its sender."""
    found = get_object_or_404(Dispatch, pk=pk)
    if not (actions.may_assign(request.user) or found.created_by_id == request.user.pk):
        raise Http404
    return found


# A dispatch to every unit of the city is a thousand rows: the page shows one page of them, and the
# units still to act can be picked out; the counts above are over all of them.
RECEIPTS_PER_PAGE = 50
RECEIPTS_SHOWN = {  # what `?show=` picks out: (its label, the rows, the count done of the totals)
    "unread": (gettext_lazy("未阅"), Q(read_at__isnull=True), "read"),
    "unsigned": (gettext_lazy("未签收"), Q(signed_at__isnull=True), "signed"),
    "unreported": (gettext_lazy("未反馈"), Q(first_report_at__isnull=True), "reported"),
}


def _receipts(request, sent: Dispatch) -> dict:
    rows, totals = sent.receipts()
    show = request.GET.get("show", "")
    if show in RECEIPTS_SHOWN:
        rows = rows.filter(RECEIPTS_SHOWN[show][1])
    else:
        show = ""
    choices = [("", _("全部"), totals["units"])] + [
        (key, label, totals["units"] - totals[done]) for key, (label, _rows, done) in RECEIPTS_SHOWN.items()
    ]
    paginator = Paginator(rows, RECEIPTS_PER_PAGE)
    paginator.count = next(n for key, _label, n in choices if key == show)  # counted with the totals
    return {
        "dispatch": sent,
        "page": paginator.get_page(request.GET.get("page")),
        "totals": totals,
        "show": show,
        "choices": choices,
        "poll": RECEIPTS_POLL_SECONDS,
        "now": clock.now(),
    }


@login_required
def dispatch(request, pk):
    sent = _dispatch(request, pk)
    return render(
        request,
        "supervision/dispatch.html",
        _receipts(request, sent) | {"may_remind": actions.may_remind(request.user, sent)},
    )


@login_required
def receipts(request, pk):
    """The receipts table alone: the dispatch's page polls it (htmx) so it is live."""
    return render(request, "supervision/_receipts.html", _receipts(request, _dispatch(request, pk)))


@login_required
@require_POST
def remind(request, pk):
    sent = _dispatch(request, pk)
    try:
        n = actions.remind(sent.items.all(), by=request.user, dispatch=sent)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已提醒 %(n)d 个尚未签收或未按时反馈的单位。") % {"n": n})
    return redirect("supervision:dispatch", sent.pk)


def _item(request, pk) -> Item:
    return get_object_or_404(_visible(request.user).prefetch_related("assignments__unit"), pk=pk)


@login_required
def detail(request, pk):
    item = _item(request, pk)
    user = request.user
    actions.mark_read(item, user)
    watch = lights.Watch.at()
    item.light = lights.annotate(Item.objects.filter(pk=item.pk), watch).values_list("light", flat=True)[0]
    context = {
        "item": item,
        "reasons": lights.reasons(item, watch),
        "assignments": item.assignments.all(),
        "reports": item.reports.select_related("unit", "by__person").prefetch_related("files"),
        "files": item.files.filter(report=None),
        "events": item.events.select_related("by__person", "unit"),
        "linked": item.linked,
        "linked_url": linking.url_of(item.linked) if item.linked_id else None,
        "may_sign": actions.may_sign(user, item),
        "report_form": ReportForm() if actions.may_report(user, item) else None,
        "close_form": CloseRequestForm() if actions.may_request_close(user, item) else None,
        "return_form": ReturnForm() if actions.may_review(user, item) else None,
        "may_remind": actions.may_remind(user) and item.state in WITH_UNITS,
        "may_see_dispatch": item.dispatch_id is not None and actions.may_remind(user, item.dispatch),
    }
    return render(request, "supervision/detail.html", context)


# What a POST on an item's page does (the URL names the step): the action, given the item, the person and
# the form's data, and the form it reads.
STEPS = {
    "sign": (lambda i, by, d: actions.sign_for(i, by=by), None),
    "report": (lambda i, by, d: actions.report(i, by=by, text=d["text"], files=d["files"]), ReportForm),
    "request_close": (
        lambda i, by, d: actions.request_close(i, by=by, summary=d["summary"], files=d["files"]),
        CloseRequestForm,
    ),
    "close": (lambda i, by, d: actions.close(i, by=by), None),
    "return": (lambda i, by, d: actions.return_item(i, by=by, reason=d["reason"]), ReturnForm),
    "remind_item": (lambda i, by, d: actions.remind([i], by=by), None),
}


@login_required
@require_POST
def step(request, pk, name):
    do, form_class = STEPS[name]
    return act_on(
        request, _item(request, pk), lambda i, d: do(i, request.user, d), form_class, "supervision:detail"
    )


@login_required
def file(request, pk):
    found = get_object_or_404(ItemFile.objects.filter(item__in=_visible(request.user).values("pk")), pk=pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)
