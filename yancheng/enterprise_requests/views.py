"""Pages of enterprise requests (企业诉求).

- the enterprise files a request, follows its own list, reads the history, rates the reply and may ask
  once for the request to be handled again;
- the business-environment office routes new requests, reads every request with filters, decides on
  extensions and edits the limits, routing rules and ledger thresholds;
- the unit official accepts, transfers once, asks for an extension and replies.

Every read goes through `EnterpriseRequest.objects.for_user` (a request outside the scope answers 404);
every state change is a POST that calls a function of actions.py, whose refusals come back as form
errors. The three settings pages write through the small audited functions of the "settings writes"
section below, the only place these tables are written outside the admin.
"""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from yancheng.core import audit, clock, workdays
from yancheng.core.actions import ActionRefused
from yancheng.core.roles import Role, has_role, role_required

from . import actions
from .choices import EventKind, Satisfaction
from .forms import (
    DecideExtensionForm,
    ExtensionForm,
    FileRequestForm,
    FilterForm,
    KindDeadlinesForm,
    RateForm,
    ReopenForm,
    ReplyForm,
    RouteForm,
    RoutingRuleForm,
    ThresholdsForm,
    TransferForm,
    handling_units,
)
from .models import (
    OVERSEERS,
    Attachment,
    EnterpriseRequest,
    KindDeadline,
    LedgerThresholds,
    RoutingRule,
)
from .state import derive

PER_PAGE = 25
OFFICE = Role.BUSINESS_ENVIRONMENT_OFFICE


def with_states(rows, now: datetime) -> list:
    """The rows, each with `.derived` = state.derive(row, now), in a fixed number of queries: the
    calendar is read once for the days their deadlines need."""
    rows = list(rows)
    today = timezone.localtime(now).date()
    last = max(
        (
            timezone.localtime(moment).date()
            for row in rows
            for moment in (row.accept_deadline, row.effective_reply_deadline)
        ),
        default=today,
    )
    with workdays.preloaded(today + timedelta(days=1), max(last, today + timedelta(days=1))):
        for row in rows:
            row.derived = derive(row, now)
    return rows


# --- the states as database filters (they agree with state.derive; a test checks it) ---------------


def with_deadlines(queryset):
    return queryset.alias(reply_due=Coalesce("extended_deadline", "reply_deadline"))


def state_q(code: str, now: datetime) -> Q:
    """The requests `with_deadlines` whose derived state is `code` at `now` (see forms.STATE_FILTERS)."""
    open_ = Q(replied_at__isnull=True)
    accepted = Q(accepted_at__isnull=False) | Q(accept_deadline__lt=now)
    if code == "open":
        return open_
    if code == "unrouted":
        return open_ & Q(unit__isnull=True, accepted_at__isnull=True, accept_deadline__gte=now)
    if code == "awaiting_acceptance":
        return open_ & Q(unit__isnull=False, accepted_at__isnull=True, accept_deadline__gte=now)
    if code == "in_progress":
        return open_ & accepted
    if code == "deemed":
        return Q(accept_deadline__lt=now) & (
            Q(accepted_at__isnull=True) | Q(accepted_at__gt=F("accept_deadline"))
        )
    if code == "due_soon":
        return open_ & accepted & Q(reply_due__gte=now, reply_due__lt=due_soon_cutoff(now))
    if code == "overdue":
        return open_ & accepted & Q(reply_due__lt=now)
    if code == "extension":
        return Q(extension_pending=True)
    if code == "replied":
        return Q(replied_at__isnull=False, satisfaction="")
    if code == "closed":
        return Q(replied_at__isnull=False) & ~Q(satisfaction="")
    return Q()


def due_soon_cutoff(now: datetime) -> datetime:
    """Deadlines before this moment have one working day or less left (state.derive's "due soon"):
    the start of the second working day after today."""
    second = workdays.add_working_days(timezone.localtime(now).date(), 2)
    return timezone.make_aware(datetime.combine(second, time.min))


def awaiting_first(queryset, now: datetime):
    """Awaiting acceptance first (soonest deadline first), then open ones by deadline, then the rest."""
    awaiting = Q(accepted_at__isnull=True, accept_deadline__gte=now, replied_at__isnull=True)
    return with_deadlines(queryset).order_by(
        Case(
            When(awaiting, then=Value(0)),
            When(replied_at__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        Case(When(awaiting, then=F("accept_deadline")), default=F("reply_due")),
        "-filed_at",
    )


# --- shared helpers ------------------------------------------------------------------------------------


def _requests(user):
    return EnterpriseRequest.objects.for_user(user).select_related("enterprise", "unit")


def _person(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


def _own_enterprise(request):
    person = _person(request)
    if person.enterprise_id is None:
        raise Http404
    return person.enterprise


def _page(request, queryset, now):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_states(page.object_list, now)
    return page


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# --- the enterprise ----------------------------------------------------------------------------------


@role_required(Role.ENTERPRISE_USER)
def file_new(request):
    enterprise = _own_enterprise(request)
    form = FileRequestForm(
        request.POST or None, request.FILES or None, user=request.user, enterprise=enterprise
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed, _created = actions.file_request(
                enterprise,
                by=request.user,
                kind=data["kind"],
                subject=data["subject"],
                text=data["text"],
                submission_key=data["submission_key"],
                visit=data["visit"],
                files=request.FILES.getlist("attachments"),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("诉求已提交。受理期限和答复期限见下方。"))
            return redirect("requests:detail", filed.pk)
    return render(request, "enterprise_requests/new.html", {"form": form, "enterprise": enterprise})


@role_required(Role.ENTERPRISE_USER)
def mine(request):
    person = _person(request)
    if person.enterprise_id is None:
        raise Http404
    now = clock.now()
    found = _requests(request.user).filter(enterprise_id=person.enterprise_id).order_by("-filed_at")
    return render(request, "enterprise_requests/mine.html", {"page": _page(request, found, now), "now": now})


# --- one request ---------------------------------------------------------------------------------------


def _detail_queryset(user):
    return _requests(user).select_related("filed_by__person", "transferred_from", "visit")


def _is_unit_official(user, found) -> bool:
    person = getattr(user, "person", None)
    return (
        found.unit_id is not None
        and person is not None
        and person.unit_id == found.unit_id
        and has_role(user, Role.UNIT_OFFICIAL)
    )


def _is_own_enterprise(user, found) -> bool:
    person = getattr(user, "person", None)
    return (
        person is not None
        and person.enterprise_id == found.enterprise_id
        and has_role(user, Role.ENTERPRISE_USER)
    )


def _pending_extension(found):
    """Days and reason of an extension waiting for the office's decision."""
    if not found.extension_pending:
        return None
    return {"days": found.extension_days, "reason": found.extension_reason}


def _render_detail(request, found, bound: dict | None = None, status: int = 200):
    """The detail page with the forms this person may use now; `bound` replaces one by a posted form."""
    bound = bound or {}
    now = clock.now()
    state = derive(found, now)
    events = list(
        found.events.select_related("by__person").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
        )
    )
    user = request.user
    office, unit, enterprise = (
        has_role(user, OFFICE),
        _is_unit_official(user, found),
        _is_own_enterprise(user, found),
    )
    replied = found.replied_at is not None
    extended = any(e.kind == EventKind.EXTENSION_APPROVED for e in events)
    can = {
        "route": office and found.unit_id is None,
        # The unit's own step (not its job, before accepting): once routed, the office only watches.
        "transfer": unit
        and found.transferred_from_id is None
        and found.accepted_at is None
        and now <= found.accept_deadline,
        "accept": unit and not state.accepted,
        "extension": unit and state.accepted and not replied and not found.extension_pending and not extended,
        "decide": office and found.extension_pending,
        "reply": unit and state.accepted and not replied,
        "rate": enterprise and replied and not found.satisfaction,
        "reopen": enterprise
        and found.satisfaction == Satisfaction.NOT_SATISFIED
        and found.reopened_at is None,
    }
    forms = {
        "route": lambda: RouteForm(),
        "transfer": lambda: TransferForm(current_unit_id=found.unit_id),
        "extension": lambda: ExtensionForm(),
        "decide": lambda: DecideExtensionForm(),
        "reply": lambda: ReplyForm(),
        "rate": lambda: RateForm(),
        "reopen": lambda: ReopenForm(),
    }
    context = {
        "req": found,
        "state": state,
        "events": events,
        "can": can,
        "pending_extension": _pending_extension(found),
        "accept_error": bound.pop("accept_error", None),
    }
    for name, make in forms.items():
        if name in bound:
            context[f"{name}_form"] = bound[name]
        elif can[name]:
            context[f"{name}_form"] = make()
    return render(request, "enterprise_requests/detail.html", context, status=status)


@login_required
def detail(request, pk: int):
    found = get_object_or_404(_detail_queryset(request.user), pk=pk)
    return _render_detail(request, found)


def _act(request, pk, name, form, perform, done: str, *, next_fallback=None):
    """Run `perform(found, cleaned_data)` for a valid form; a refusal comes back as the form's error."""
    found = get_object_or_404(_detail_queryset(request.user), pk=pk)
    form = form(found)
    if form.is_valid():
        try:
            perform(found, form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, done)
            fallback = reverse("requests:detail", args=[found.pk])
            return redirect(_next_url(request, fallback) if next_fallback else fallback)
    found = get_object_or_404(_detail_queryset(request.user), pk=pk)  # fresh, after a refused attempt
    return _render_detail(request, found, {name: form})


@role_required(OFFICE)
@require_POST
def route(request, pk: int):
    return _act(
        request,
        pk,
        "route",
        lambda found: RouteForm(request.POST),
        lambda found, data: actions.route(found, unit=data["unit"], by=request.user),
        _("已分派，责任单位会收到受理提醒。"),
        next_fallback=True,
    )


@role_required(Role.UNIT_OFFICIAL, OFFICE)
@require_POST
def transfer(request, pk: int):
    return _act(
        request,
        pk,
        "transfer",
        lambda found: TransferForm(request.POST, current_unit_id=found.unit_id),
        lambda found, data: actions.transfer(
            found, to_unit=data["to_unit"], by=request.user, reason=data["reason"]
        ),
        _("已转办，受理期限不变。"),
    )


@role_required(Role.UNIT_OFFICIAL)
@require_POST
def accept(request, pk: int):
    found = get_object_or_404(_detail_queryset(request.user), pk=pk)
    try:
        actions.accept(found, by=request.user)
    except ActionRefused as refusal:
        return _render_detail(request, found, {"accept_error": refusal.message})
    messages.success(request, _("已受理，请在答复期限内答复企业。"))
    return redirect("requests:detail", found.pk)


@role_required(Role.UNIT_OFFICIAL)
@require_POST
def ask_extension(request, pk: int):
    return _act(
        request,
        pk,
        "extension",
        lambda found: ExtensionForm(request.POST),
        lambda found, data: actions.ask_extension(
            found, by=request.user, days=data["days"], reason=data["reason"]
        ),
        _("延期申请已提交，等待营商办审批。"),
    )


@role_required(OFFICE)
@require_POST
def decide_extension(request, pk: int):
    return _act(
        request,
        pk,
        "decide",
        lambda found: DecideExtensionForm(request.POST),
        lambda found, data: actions.decide_extension(
            found, by=request.user, approve=data["decision"] == "approve", note=data["note"]
        ),
        _("已审批延期申请。"),
        next_fallback=True,
    )


@role_required(Role.UNIT_OFFICIAL)
@require_POST
def reply(request, pk: int):
    return _act(
        request,
        pk,
        "reply",
        lambda found: ReplyForm(request.POST, request.FILES),
        lambda found, data: actions.reply(
            found, by=request.user, text=data["text"], files=request.FILES.getlist("attachments")
        ),
        _("已答复，企业会收到评价提醒。"),
    )


@role_required(Role.ENTERPRISE_USER)
@require_POST
def rate(request, pk: int):
    return _act(
        request,
        pk,
        "rate",
        lambda found: RateForm(request.POST),
        lambda found, data: actions.rate(found, by=request.user, satisfaction=data["satisfaction"]),
        _("感谢您的评价。"),
    )


@role_required(Role.ENTERPRISE_USER)
@require_POST
def reopen(request, pk: int):
    return _act(
        request,
        pk,
        "reopen",
        lambda found: ReopenForm(request.POST),
        lambda found, data: actions.reopen(found, by=request.user, reason=data["reason"]),
        _("已要求重新办理，责任单位将重新答复。"),
    )


@login_required
def attachment(request, pk: int):
    """A file of the history, only for those who may see its request."""
    found = get_object_or_404(
        Attachment.objects.filter(request__in=EnterpriseRequest.objects.for_user(request.user)), pk=pk
    )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the unit ------------------------------------------------------------------------------------------


@role_required(Role.UNIT_OFFICIAL)
def unit_list(request):
    person = _person(request)
    if person.unit_id is None:
        raise Http404
    now = clock.now()
    form = FilterForm(request.GET or {"state": "open"}, with_unit=False)
    found = with_deadlines(_requests(request.user).filter(unit_id=person.unit_id))
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            found = found.filter(state_q(data["state"], now))
        if data["kind"]:
            found = found.filter(kind=data["kind"])
    return render(
        request,
        "enterprise_requests/unit.html",
        {"page": _page(request, awaiting_first(found, now), now), "form": form, "unit": person.unit},
    )


# --- the office ----------------------------------------------------------------------------------------


def _office_tabs(request, current: str) -> list[dict]:
    tabs = [
        ("office_queue", _("待分派"), {OFFICE}),
        ("office_extensions", _("延期审批"), {OFFICE}),
        ("office_all", _("全部诉求"), OVERSEERS),
        ("office_deadlines", _("办理时限"), {OFFICE}),
        ("office_routing", pgettext("office page", "分派规则"), {OFFICE}),
        ("office_thresholds", _("问责阈值"), {OFFICE}),
    ]
    return [
        {"label": label, "url": reverse(f"requests:{name}"), "current": name == current}
        for name, label, roles in tabs
        if has_role(request.user, *roles)
    ]


def _unit_choices():
    return [(unit.pk, unit.name) for unit in handling_units().only("pk", "name")]


@role_required(OFFICE)
def office_queue(request):
    now = clock.now()
    found = _requests(request.user).filter(unit__isnull=True).order_by("filed_at")
    return render(
        request,
        "enterprise_requests/office/queue.html",
        {
            "title": _("待分派诉求"),
            "tabs": _office_tabs(request, "office_queue"),
            "page": _page(request, found, now),
            "units": _unit_choices(),
        },
    )


@role_required(*OVERSEERS)
def office_all(request):
    now = clock.now()
    form = FilterForm(request.GET or None)
    found = with_deadlines(_requests(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            found = found.filter(state_q(data["state"], now))
        if data["unit"]:
            found = found.filter(unit=data["unit"])
        if data["kind"]:
            found = found.filter(kind=data["kind"])
    return render(
        request,
        "enterprise_requests/office/all.html",
        {
            "title": _("全部诉求"),
            "tabs": _office_tabs(request, "office_all"),
            "form": form,
            "page": _page(request, found.order_by("-filed_at"), now),
        },
    )


@role_required(OFFICE)
def office_extensions(request):
    now = clock.now()
    found = _requests(request.user).filter(extension_pending=True).order_by("reply_deadline")
    page = _page(request, found, now)
    for row in page.object_list:
        row.pending = _pending_extension(row)
    return render(
        request,
        "enterprise_requests/office/extensions.html",
        {"title": _("延期审批"), "tabs": _office_tabs(request, "office_extensions"), "page": page},
    )


# --- settings writes: audited, office only, the one place these tables are written (besides the admin) --


def _require_office(by, what: str):
    if not has_role(by, OFFICE):
        raise ActionRefused(_("只有营商办可以修改%(what)s。") % {"what": what}, "forbidden")


def save_kind_deadlines(limits: dict[str, tuple[int, int]], *, by) -> None:
    """{kind: (accept_days, reply_days)}; a kind whose limits change gets one audit entry with old/new.
    Requests already filed keep the deadlines stored when they were filed."""
    _require_office(by, pgettext("what the office may change", "办理时限"))
    fields = ["accept_days", "reply_days"]
    with transaction.atomic():
        current = {row.kind: row for row in KindDeadline.objects.select_for_update()}
        for kind, (accept_days, reply_days) in limits.items():
            row = current.get(kind) or KindDeadline(kind=kind)
            before = audit.snapshot(row, fields) if row.pk else {}
            row.accept_days, row.reply_days = accept_days, reply_days
            changes = audit.changes_between(before, audit.snapshot(row, fields))
            if changes:
                row.save()
                audit.record("request_deadlines_changed", row, actor=by, changes=changes)


RULE_FIELDS = ["priority", "kind", "region_id", "industry", "unit_id"]


def save_routing_rule(form: RoutingRuleForm, *, by) -> RoutingRule:
    _require_office(by, pgettext("what the office may change", "分派规则"))
    with transaction.atomic():
        before = {}
        if form.instance.pk:
            before = audit.snapshot(
                RoutingRule.objects.select_for_update().get(pk=form.instance.pk), RULE_FIELDS
            )
        rule = form.save()
        audit.record(
            "routing_rule_changed" if before else "routing_rule_created",
            rule,
            actor=by,
            changes=audit.changes_between(before, audit.snapshot(rule, RULE_FIELDS)),
        )
    return rule


def delete_routing_rule(rule: RoutingRule, *, by) -> None:
    _require_office(by, pgettext("what the office may change", "分派规则"))
    with transaction.atomic():
        audit.record(
            "routing_rule_deleted",
            rule,
            actor=by,
            changes=audit.changes_between(
                audit.snapshot(rule, RULE_FIELDS), {name: None for name in RULE_FIELDS}
            ),
        )
        rule.delete()


def save_thresholds(form: ThresholdsForm, *, by) -> LedgerThresholds:
    _require_office(by, pgettext("what the office may change", "问责阈值"))
    with transaction.atomic():
        LedgerThresholds.objects.get_or_create(pk=1)  # the first save starts from the defaults
        stored = LedgerThresholds.objects.select_for_update().get(pk=1)
        before = audit.snapshot(stored, list(form.Meta.fields))
        thresholds = form.save(commit=False)
        thresholds.pk = 1
        thresholds.save()
        thresholds.refresh_from_db()  # the stored decimals, so that 0.9 and 0.900 are no change
        audit.record(
            "ledger_thresholds_changed",
            thresholds,
            actor=by,
            changes=audit.changes_between(before, audit.snapshot(thresholds, list(form.Meta.fields))),
        )
    return thresholds


# --- the settings pages ------------------------------------------------------------------------------


def _settings_page(request, template, current, title, context):
    return render(
        request,
        f"enterprise_requests/office/{template}",
        {"title": title, "tabs": _office_tabs(request, current), **context},
    )


@role_required(OFFICE)
def office_deadlines(request):
    form = KindDeadlinesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_kind_deadlines(form.limits(), by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("办理时限已更新，对此后提交的诉求生效。"))
            return redirect("requests:office_deadlines")
    return _settings_page(request, "deadlines.html", "office_deadlines", _("办理时限"), {"form": form})


@role_required(OFFICE)
def office_routing(request):
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_routing_rule(form, by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("分派规则已添加。"))
            return redirect("requests:office_routing")
    rules = RoutingRule.objects.select_related("region", "unit")
    return _settings_page(
        request,
        "routing.html",
        "office_routing",
        pgettext("office page", "分派规则"),
        {"form": form, "rules": rules},
    )


@role_required(OFFICE)
def office_routing_edit(request, pk: int):
    rule = get_object_or_404(RoutingRule, pk=pk)
    if request.method == "POST" and request.POST.get("delete") == "1":
        try:
            delete_routing_rule(rule, by=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("分派规则已删除。"))
        return redirect("requests:office_routing")
    form = RoutingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            save_routing_rule(form, by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("分派规则已保存。"))
            return redirect("requests:office_routing")
    return _settings_page(
        request, "routing_edit.html", "office_routing", _("修改分派规则"), {"form": form, "rule": rule}
    )


@role_required(OFFICE)
def office_thresholds(request):
    form = ThresholdsForm(request.POST or None, instance=LedgerThresholds.current())
    if request.method == "POST" and form.is_valid():
        try:
            save_thresholds(form, by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("问责阈值已更新。"))
            return redirect("requests:office_thresholds")
    return _settings_page(request, "thresholds.html", "office_thresholds", _("问责阈值"), {"form": form})
