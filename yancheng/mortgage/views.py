"""Pages of mortgage registration: the bank clerk's filing and list, the registry's queue and register
browser, the mortgagor's certificate page and the public verification page."""

import functools

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yancheng.core import audit
from yancheng.core.actions import ActionRefused
from yancheng.core.roles import Role, has_role, role_required
from yancheng.core.validators import normalise_lookup

from . import actions
from .choices import PENDING, ApplicationStatus, NoticeState, Operation
from .forms import ApplicationForm
from .models import (
    Application,
    Bank,
    Certificate,
    Holding,
    MortgageRight,
    PropertyUnit,
    RegisterEntry,
)

REGISTRY = (Role.REGISTRY_OFFICIAL, Role.ADMINISTRATOR)


def _clerk_bank(user) -> Bank:
    bank = Bank.objects.filter(unit_id=getattr(user.person, "unit_id", None)).first()
    if bank is None:
        raise Http404(_("您所在的单位不是登记的抵押权人银行。"))
    return bank


def _applications(user):
    return (
        Application.objects.for_user(user)
        .select_related("bank", "property_unit", "certificate")
        .prefetch_related("checks")
    )


@role_required(Role.BANK_CLERK)
def apply(request):
    bank = _clerk_bank(request.user)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed, _created = actions.file_application(bank, by=request.user, filing=form.filing())
        except ActionRefused as refusal:
            field = getattr(refusal, "field", None)
            form.add_error(field if field in form.fields else None, refusal.message)
        else:
            return redirect("mortgage:application", filed.pk)
    return render(request, "mortgage/apply.html", {"form": form, "bank": bank})


@role_required(Role.BANK_CLERK)
def applications(request):
    found = _applications(request.user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        found = found.filter(status=status)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "mortgage/applications.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices},
    )


@role_required(Role.BANK_CLERK, *REGISTRY)
def application(request, application_id: int):
    found = get_object_or_404(_applications(request.user), pk=application_id)
    certificate = getattr(found, "certificate", None) if found.status == ApplicationStatus.RECORDED else None
    context = {
        "app": found,
        "certificate": certificate,
        "is_clerk": has_role(request.user, Role.BANK_CLERK),
        "pending": PENDING,
        "poll": NOTICE_POLL_SECONDS.get(found.notice_state),
    }
    return render(request, "mortgage/application.html", context)


# While a notice is on its way the page asks again by itself: soon for the first try, then as the
# retries are spaced (1, 2, 4 … minutes).
NOTICE_POLL_SECONDS = {NoticeState.WAITING: 3, NoticeState.RETRYING: 30}


@role_required(Role.BANK_CLERK, *REGISTRY)
def notice(request, application_id: int):
    """The delivery of the notice to the bank, as the application's page shows and refreshes it."""
    found = get_object_or_404(_applications(request.user), pk=application_id)
    poll = NOTICE_POLL_SECONDS.get(found.notice_state)
    return render(request, "mortgage/_notice.html", {"app": found, "poll": poll})


# What the bank's clerk does on an application's page: the action and what they are told once it is done.
BANK_STEPS = {
    "withdraw": (actions.withdraw, gettext_lazy("已撤回申请，该合同编号可以重新提交。")),
    "acknowledge": (actions.acknowledge_notice, gettext_lazy("已确认收到登簿通知。")),
    "loan_released": (actions.record_loan_released, gettext_lazy("已登记放款。")),
}


@role_required(Role.BANK_CLERK)
@require_POST
def bank_step(request, application_id: int, step: str):
    action, done = BANK_STEPS[step]
    found = get_object_or_404(_applications(request.user), pk=application_id)
    try:
        action(found, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("mortgage:application", found.pk)


@role_required(*REGISTRY)
def queue(request):
    waiting = _applications(request.user).filter(status=ApplicationStatus.TO_PERSON).order_by("received_at")
    page = Paginator(waiting, 20).get_page(request.GET.get("page"))
    return render(request, "mortgage/queue.html", {"page": page})


@role_required(*REGISTRY)
@require_POST
def decide(request, application_id: int):
    found = get_object_or_404(_applications(request.user), pk=application_id)
    try:
        if request.POST.get("decision") == "record":
            recorded = actions.record_by_person(found, by=request.user)
            if recorded.operation == Operation.CANCELLATION:  # a cancellation has no certificate
                rank = {"unit": recorded.property_unit.number, "rank": recorded.cancels.rank}
                messages.success(request, _("已登簿：%(unit)s 第%(rank)s顺位抵押权已注销。") % rank)
            else:
                number = {"number": recorded.certificate.number}
                messages.success(request, _("已登簿，证明号：%(number)s。") % number)
        elif request.POST.get("decision") == "refuse":
            actions.refuse(found, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已不予登记，银行会看到理由。"))
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("mortgage:queue")


@role_required(*REGISTRY)
def register(request):
    number = request.GET.get("number", "").strip().upper()
    unit = None
    if number:
        unit = (
            PropertyUnit.objects.for_user(request.user)
            .select_related("region")
            .prefetch_related(
                Prefetch("holdings", queryset=Holding.objects.for_user(request.user).order_by("pk")),
                "encumbrances",
                Prefetch(
                    "mortgages",
                    queryset=unit_mortgages(request.user),
                ),
                Prefetch(
                    "entries",
                    queryset=RegisterEntry.objects.for_user(request.user).select_related("application"),
                ),
            )
            .filter(number=number)
            .first()
        )
    return render(request, "mortgage/register.html", {"number": number, "unit": unit})


def unit_mortgages(user):
    return (
        MortgageRight.objects.for_user(user)
        .select_related("bank", "application__certificate")
        .order_by("rank", "recorded_at")
    )


def _certificate(request) -> Certificate | None:
    """The certificate with this number and code, or None: which of the two is wrong is not told."""
    # A Chinese keyboard's full-width brackets and digits （２０２６）, spaces and lower case are not misses.
    number = normalise_lookup(request.GET.get("number", ""))
    code = normalise_lookup(request.GET.get("code", ""))
    if not number or not code or len(number) > 60 or len(code) > 12:
        return None
    found = (
        # With its right: a certificate of a cancelled mortgage is genuine but no longer to be relied on.
        Certificate.objects.select_related(
            "application__bank", "application__property_unit", "application__mortgage_right"
        ).filter(number=number, verification_code=code)
    )
    return actions.counted_lookup(audit.client_ip(request) or "", found.first, request=request)


def _lookup_limited(view):
    """A public certificate page that answers 429, in Chinese, to an address over its misses."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except actions.TooManyLookups:
            minutes = int(actions.LOOKUP_MISS_WINDOW.total_seconds()) // 60
            return render(request, "mortgage/too_many_lookups.html", {"minutes": minutes}, status=429)

    return wrapper


@_lookup_limited
def certificate(request):
    """The mortgagor's phone page: number and code from the bank give the certificate and its PDF."""
    found = _certificate(request)
    asked = bool(request.GET.get("number") or request.GET.get("code"))
    return render(
        request,
        "mortgage/certificate.html",
        {
            "cert": found,
            "asked": asked,
            "number": request.GET.get("number", ""),
            "code": request.GET.get("code", ""),
        },
    )


@_lookup_limited
def certificate_pdf(request):
    found = _certificate(request)
    if found is None:
        raise Http404(_("证明号或核验码不正确。"))
    if not found.pdf:
        found = actions.sign_certificate(found.application)
    if not found.pdf:
        return render(request, "mortgage/not_signed.html", {"message": actions.NOT_SIGNED_YET}, status=503)
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{found.year}-{found.serial:07d}.pdf"'
    )
    return response


@_lookup_limited
def verify(request):
    """Public verification: anyone holding a certificate can check that it is genuine."""
    found = _certificate(request)
    asked = bool(request.GET.get("number") or request.GET.get("code"))
    return render(
        request,
        "mortgage/verify.html",
        {
            "cert": found,
            "asked": asked,
            "number": request.GET.get("number", ""),
            "code": request.GET.get("code", ""),
        },
    )
