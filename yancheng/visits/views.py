"""Pages of the visit loop: file, approve, the visitor's pass, check-in both ways, rating, reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yancheng.core.actions import ActionRefused
from yancheng.core.roles import Role, has_role, role_required
from yancheng.core.urls import public_url

from . import actions, queries, rules
from .choices import Direction, RequestStatus, ScanMethod
from .forms import (
    MATCHES_SHOWN,
    NoPassReportForm,
    RatingForm,
    RulesForm,
    VisitRequestForm,
    enterprise_matches,
)
from .gate import approved_unit_names
from .models import EnterpriseCode, Pass, Visit, VisitRequest, VisitRules
from .poster import poster_pdf


def _requests(user):
    return VisitRequest.objects.for_user(user).select_related("visit__enterprise", "unit", "filed_by__person")


@login_required
def index(request):
    found = _requests(request.user)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        found = found.filter(status=status)
    page = Paginator(found.order_by("-visit__starts_at"), 25).get_page(request.GET.get("page"))
    return render(
        request, "visits/index.html", {"page": page, "status": status, "statuses": RequestStatus.choices}
    )


def _draft(form, visitors_certificates, join) -> rules.Draft:
    starts_at, ends_at = form.window()
    data = form.cleaned_data
    return rules.Draft(
        enterprise=data["enterprise"],
        unit=form.unit,
        purpose=data["purpose"],
        kind=data["kind"],
        starts_at=starts_at,
        ends_at=ends_at,
        trigger=data.get("trigger") or "",
        trigger_note=data.get("trigger_note") or "",
        items=data.get("items") or "",
        legal_basis=data.get("legal_basis") or "",
        visitors=visitors_certificates,
        join_visit=join,
    )


@role_required(Role.UNIT_OFFICIAL)
def request_new(request):
    person = request.user.person
    form = VisitRequestForm(request.POST or None, unit=person.unit, user=request.user)
    context = {
        "form": form,
        "violations": [],
        "candidates": [],
        **_matches(request, form["enterprise"].value()),
    }
    if request.method == "POST" and "check" in request.POST and not form.is_valid():
        # htmx check of a form still being filled in: nothing to judge yet (not the whole page in the box).
        return render(request, "visits/partials/verdict.html", context)
    if request.method == "POST" and form.is_valid():
        certificates = form.certificate_list()
        visitors = [
            (user, certificates[i] if i < len(certificates) else "")
            for i, user in enumerate(form.cleaned_data["visitors"])
        ]
        candidates = list(
            rules.joint_candidates(
                form.cleaned_data["enterprise"], person.unit, form.window()[0]
            ).prefetch_related("requests__unit")
        )
        join = next((v for v in candidates if v.pk == form.cleaned_data.get("join_visit")), None)
        draft = _draft(form, visitors, join)
        context["candidates"] = candidates
        if "check" in request.POST:  # htmx: show the rules' verdict while the official fills the form
            context["violations"] = rules.check(draft)
            context["checked"] = True
            return render(request, "visits/partials/verdict.html", context)
        try:
            filed = actions.file_request(
                draft, by=request.user, submission_key=form.cleaned_data["submission_key"]
            )
        except actions.RulesRefused as refusal:
            context["violations"] = refusal.violations
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("访企申请已提交并已自动批准。")
                if filed.auto_approved
                else _("访企申请已提交，等待营商办审批。"),
            )
            return redirect("visits:request", filed.pk)
    return render(request, "visits/request_new.html", context)


def _matches(request, text) -> dict:
    text = (text or "").strip()
    matches = enterprise_matches(request.user, text)[:MATCHES_SHOWN]
    return {"matches": matches, "typed": text, "picked": str(request.POST.get("enterprise_pick", ""))}


@role_required(Role.UNIT_OFFICIAL)
def enterprise_search(request):
    """htmx: the enterprises matching what the official has typed so far in the filing form."""
    return render(
        request, "visits/partials/enterprise_matches.html", _matches(request, request.GET.get("enterprise"))
    )


@login_required
def request_detail(request, request_id: int):
    found = get_object_or_404(
        _requests(request.user).prefetch_related("visitors__user__person", "visitors__green_pass"),
        pk=request_id,
    )
    others = found.visit.requests.exclude(pk=found.pk).select_related("unit")
    return render(
        request,
        "visits/request_detail.html",
        {
            "req": found,
            "others": others,
            "can_decide": has_role(request.user, Role.BUSINESS_ENVIRONMENT_OFFICE)
            and found.status == RequestStatus.PENDING,
            # The button only where the action would accept it: never once the visit has begun.
            "can_cancel": found.filed_by_id == request.user.pk and actions.cancel_refusal(found) is None,
        },
    )


@login_required
@require_POST
def request_decide(request, request_id: int):
    found = get_object_or_404(_requests(request.user), pk=request_id)
    try:
        if request.POST.get("decision") == "approve":
            actions.approve_request(found, by=request.user)
            messages.success(request, _("已批准，通行码已发放给访企人员。"))
        elif request.POST.get("decision") == "refuse":
            actions.refuse_request(found, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已不予批准，申请单位会收到理由。"))
        elif request.POST.get("decision") == "cancel":
            actions.cancel_request(found, by=request.user)
            messages.success(request, _("已撤回，通行码已作废。"))
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("visits:request", found.pk)


@login_required
def pass_page(request, pass_id: int):
    """The visitor's phone page: the QR code, the short code, the enterprise and the window."""
    green_pass = get_object_or_404(
        Pass.objects.select_related("visitor__request__visit__enterprise", "visitor__request__unit"),
        pk=pass_id,
        visitor__user=request.user,
    )
    import segno

    visit = green_pass.visitor.request.visit
    now = timezone.now()
    state = (
        "revoked"
        if green_pass.revoked_at
        else "early"
        if now < visit.starts_at - actions.LEEWAY
        else "over"
        if now > visit.ends_at + actions.LEEWAY
        else "valid"
    )
    qr = segno.make(green_pass.token, error="m").svg_inline(
        scale=4, dark="#1e8449" if state == "valid" else "#555"
    )
    return render(request, "visits/pass.html", {"pass": green_pass, "visit": visit, "qr": qr, "state": state})


@login_required
def my_passes(request):
    mine = queries.passes_in_order(request.user, timezone.now())
    return render(request, "visits/my_passes.html", {"passes": mine[:50]})


@login_required
def gate(request, code: str):
    """Where the enterprise's gate poster leads: the visitor checks in or out with their own pass."""
    enterprise_code = get_object_or_404(EnterpriseCode.objects.select_related("enterprise"), code=code)
    enterprise = enterprise_code.enterprise
    direction = request.POST.get("direction", request.GET.get("direction", Direction.IN))
    if direction not in Direction.values:
        raise Http404
    current = actions.passes_for_visitor(request.user, enterprise)
    chosen = request.POST.get("pass", request.GET.get("pass", ""))
    green_pass = actions.pass_for_visitor(request.user, enterprise, current, chosen)
    outcome = actions.scan(
        green_pass,
        enterprise=enterprise,
        direction=direction,
        method=ScanMethod.VISITOR_SCANS_ENTERPRISE,
        by=request.user,
        confirm=request.method == "POST",
    )
    return render(
        request,
        "visits/gate.html",
        {
            "enterprise": enterprise,
            "outcome": outcome,
            "direction": direction,
            "code": code,
            "others": [held for held in current if held != green_pass],
        },
    )


def _own_enterprise(request):
    person = getattr(request.user, "person", None)
    if person is None or person.enterprise_id is None:
        raise Http404
    return person.enterprise


@role_required(Role.ENTERPRISE_USER)
def scanner(request):
    enterprise = _own_enterprise(request)
    return render(request, "visits/scanner.html", {"enterprise": enterprise})


@role_required(Role.ENTERPRISE_USER)
@require_POST
def scanner_check(request):
    """htmx: judge a scanned pass (or a typed short code); with confirm, record the check-in/out."""
    enterprise = _own_enterprise(request)
    direction = request.POST.get("direction", Direction.IN)
    if direction not in Direction.values:
        direction = Direction.IN
    arguments = {
        "enterprise": enterprise,
        "direction": direction,
        "by": request.user,
        "confirm": request.POST.get("confirm") == "1",
    }
    token, short_code = request.POST.get("token", "").strip(), request.POST.get("short_code", "").strip()
    if token:
        outcome = actions.scan_token(token, **arguments)
    else:
        outcome = actions.scan_short_code(short_code, **arguments)
    units = []
    if outcome.shows_visit:
        units = approved_unit_names(outcome.green_pass.visitor.request.visit)
    return render(
        request,
        "visits/partials/scan_result.html",
        {
            "outcome": outcome,
            "direction": direction,
            "token": token,
            "short_code": short_code,
            "units": units,
        },
    )


@role_required(Role.ENTERPRISE_USER)
def enterprise_visits(request):
    enterprise = _own_enterprise(request)
    visits = actions.with_rating_facts(
        Visit.objects.for_user(request.user)
        .filter(enterprise=enterprise)
        .prefetch_related("requests__unit")
        .order_by("-starts_at")
    )
    page = Paginator(visits, 25).get_page(request.GET.get("page"))
    now, rules = timezone.now(), VisitRules.current()
    for visit in page:
        visit.rating_refusal = actions.rating_refusal(visit, now, rules)
        visit.rating_closes_at = actions.rating_closes_at(visit, rules)
    return render(request, "visits/enterprise_visits.html", {"page": page, "enterprise": enterprise})


def _approved_parts(visit):
    """Who came and why: the visit's approved requests with their units and visitors."""
    return (
        visit.requests.filter(status=RequestStatus.APPROVED)
        .select_related("unit")
        .prefetch_related("visitors__user__person")
        .order_by("filed_at", "pk")
    )


@role_required(Role.ENTERPRISE_USER)
def rate(request, visit_id: int):
    visit = get_object_or_404(
        actions.with_rating_facts(Visit.objects.for_user(request.user).select_related("enterprise")),
        pk=visit_id,
    )
    refusal = actions.rating_refusal(visit)
    form = RatingForm(request.POST or None) if refusal is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            actions.rate_visit(visit, by=request.user, scores=form.cleaned_data)
        except ActionRefused as refusal_now:
            form.add_error(None, refusal_now.message)
        else:
            messages.success(request, _("感谢评价。评价匿名，访企单位看不到单条评价。"))
            return redirect("visits:enterprise_visits")
    return render(
        request,
        "visits/rate.html",
        {"visit": visit, "form": form, "refusal": refusal, "parts": _approved_parts(visit)},
    )


@role_required(Role.ENTERPRISE_USER)
def no_pass_new(request):
    enterprise = _own_enterprise(request)
    form = NoPassReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.report_no_pass(
                enterprise,
                by=request.user,
                unit_text=data["unit_text"],
                occurred_at=data["occurred_at"],
                visitors_text=data["visitors_text"],
                description=data["description"],
                submission_key=data["submission_key"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("报告已提交，营商办将核查处理。"))
            return redirect("visits:enterprise_visits")
    return render(request, "visits/no_pass_new.html", {"form": form})


@role_required(Role.BUSINESS_ENVIRONMENT_OFFICE)
def rules_edit(request):
    form = RulesForm(request.POST or None, instance=VisitRules.current())
    if request.method == "POST" and form.is_valid():
        actions.update_rules(form, by=request.user)
        messages.success(request, _("访企规则已更新。"))
        return redirect("visits:rules")
    return render(request, "visits/rules.html", {"form": form})


@role_required(Role.UNIT_OFFICIAL)
def unit_ratings(request):
    unit = request.user.person.unit
    return render(
        request, "visits/unit_ratings.html", {"unit": unit, "summary": queries.unit_rating_summary(unit)}
    )


@login_required
def poster(request, enterprise_id: int):
    from yancheng.core.models import Enterprise

    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=enterprise_id)
    if not has_role(request.user, Role.ENTERPRISE_USER, Role.BUSINESS_ENVIRONMENT_OFFICE, Role.ADMINISTRATOR):
        raise Http404
    code = actions.enterprise_code(enterprise, by=request.user)
    url = public_url(reverse("visits:gate", args=[code.code]), request)
    return poster_pdf(enterprise, url)
