"""The bank's API: its core system files mortgage applications with a bank clerk's token, reads its own
applications and certificates, and tells the registry when it acknowledged the notice and lent."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from yancheng.core.actions import ActionRefused
from yancheng.core.pagination import PageIn, page_of
from yancheng.core.roles import Role, has_role
from yancheng.core.schemas import ErrorOut, Id

from . import actions, tasks
from .choices import ApplicationStatus, Operation
from .models import Application, Bank, MortgageRight
from .schemas import ApplicationIn, ApplicationOut, ApplicationPage, ContractInUseOut

router = Router(tags=["不动产抵押登记"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _bank_of(user) -> Bank:
    """The caller's bank. The API is the banks': registry staff work in the registry's pages."""
    person = getattr(user, "person", None)
    bank = None
    if has_role(user, Role.BANK_CLERK) and person is not None and person.unit_id:
        bank = Bank.objects.filter(unit_id=person.unit_id).first()
    if bank is None:
        raise ActionRefused("只有银行柜员（银行核心系统的令牌）可以使用抵押登记接口。", "forbidden")
    return bank


def _applications(user):
    bank = _bank_of(user)
    return (
        Application.objects.for_user(user)
        .filter(bank=bank)
        .select_related("bank", "certificate")
        .prefetch_related("checks")
    )


def application_out(app: Application) -> dict:
    certificate = getattr(app, "certificate", None)
    recorded = app.status == ApplicationStatus.RECORDED and certificate is not None
    return {
        "id": app.pk,
        "bank": app.bank.name,
        "contract_number": app.contract_number,
        "operation": app.operation,
        "unit_number": app.unit_number,
        "status": app.status,
        "status_label": app.get_status_display(),
        "refusal_reason": app.refusal_reason,
        "mortgagors": app.mortgagors,
        "debtor": app.debtor,
        "kind": app.kind,
        "amount": app.amount,
        "term_start": app.term_start,
        "term_end": app.term_end,
        "identity_method": app.identity_method,
        "identity_verified_at": app.identity_verified_at,
        "cancels_right_id": app.cancels_id,
        "checks": [
            {"code": c.code, "label": c.label, "passed": c.passed, "reason": c.reason}
            for c in app.checks.all()
        ],
        "certificate_number": certificate.number if recorded else None,
        "certificate_url": tasks.certificate_url(app) if recorded else None,
        "received_at": app.received_at,
        "reviewed_at": app.reviewed_at,
        "recorded_at": app.recorded_at,
        "certificate_signed_at": app.certificate_signed_at,
        "bank_notified_at": app.bank_notified_at,
        "bank_acknowledged_at": app.bank_acknowledged_at,
        "loan_released_at": app.loan_released_at,
    }


def _cancelled_right(bank, data: ApplicationIn) -> int | None:
    if data.operation == Operation.MORTGAGE:
        if data.cancels_right_id is not None:
            raise ActionRefused("抵押权首次登记不应填写 cancels_right_id。", "cancels_right_not_allowed")
        return None
    if data.cancels_right_id is None:
        raise ActionRefused("注销登记须填写要注销的抵押权（cancels_right_id）。", "cancels_right_required")
    # The register is not the bank's to read: only its own rights can be named, others look missing.
    if not MortgageRight.objects.filter(pk=data.cancels_right_id, bank=bank).exists():
        raise ActionRefused("没有找到本银行的这项抵押权。", "unknown_right")
    return data.cancels_right_id


@router.post(
    "/applications",
    response={200: ApplicationOut, 201: ApplicationOut, 409: ContractInUseOut, **ERRORS},
    summary="提交抵押登记申请（自动审核，全部通过即登簿；同一请求重复提交返回原申请，200）",
    description="同一银行、合同编号和登记类型，内容相同的重复提交返回原申请（200）；内容不同而原申请"
    "仍在办或已登簿时答 409，并指明占用该合同编号的申请。原申请不予登记或已撤回后，可以重新提交。",
)
def file_application(request, data: ApplicationIn):
    bank = _bank_of(request.user)
    cancels_id = _cancelled_right(bank, data)
    filing = actions.Filing(
        unit_number=data.unit_number,
        contract_number=data.contract_number,
        mortgagors=[m.dict() for m in data.mortgagors],
        debtor=data.debtor,
        kind=data.kind,
        amount=data.amount,
        term_start=data.term_start,
        term_end=data.term_end,
        identity_method=data.identity_method,
        identity_verified_at=data.identity_verified_at,
        operation=data.operation,
        cancels_id=cancels_id,
    )
    try:
        app, created = actions.file_application(bank, by=request.user, filing=filing)
    except actions.ContractInUse as taken:
        return Status(
            409, {"code": taken.code, "detail": taken.message, "application_id": taken.application.pk}
        )
    answer = application_out(_applications(request.user).get(pk=app.pk))
    return Status(201 if created else 200, answer)


@router.get(
    "/applications", response={200: ApplicationPage, 403: ErrorOut}, summary="本银行的抵押登记申请（分页）"
)
def list_applications(
    request,
    page: Query[PageIn],
    status: ApplicationStatus | None = None,
):
    found = _applications(request.user).order_by("-received_at", "-pk")
    if status:
        found = found.filter(status=status)
    return page_of(found, page, application_out)


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, 403: ErrorOut, 404: ErrorOut},
    summary="抵押登记申请详情（审核项、证明号、各环节时间）",
)
def get_application(request, application_id: Id):
    return application_out(get_object_or_404(_applications(request.user), pk=application_id))


@router.get(
    "/applications/{application_id}/certificate.pdf",
    response={200: None, 403: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    url_name="mortgage_certificate_pdf",
    summary="不动产登记证明（已签章的 PDF；登簿前 404）",
    openapi_extra={
        "responses": {
            200: {
                "description": "已签章的 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def certificate_pdf(request, application_id: Id):
    app = get_object_or_404(_applications(request.user), pk=application_id, status=ApplicationStatus.RECORDED)
    certificate = getattr(app, "certificate", None)
    if certificate is None:
        raise Http404("no certificate")
    if not certificate.pdf:  # left unsigned by a crash or a failure after recording: signed now
        certificate = actions.sign_certificate(app)
    if not certificate.pdf:
        return Status(503, {"code": "certificate_not_signed", "detail": str(actions.NOT_SIGNED_YET)})
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{app.pk}.pdf"'
    return response


def _bank_step(request, application_id: Id, step) -> dict:
    app = get_object_or_404(_applications(request.user), pk=application_id)
    step(app, by=request.user)  # refuses, with a code, an application not in the state the step needs
    return application_out(_applications(request.user).get(pk=app.pk))


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **ERRORS},
    summary="撤回本银行尚未办结的申请（撤回后该合同编号可以重新提交）",
)
def withdraw(request, application_id: Id):
    return _bank_step(request, application_id, actions.withdraw)


@router.post(
    "/applications/{application_id}/acknowledge",
    response={200: ApplicationOut, **ERRORS},
    summary="银行确认已收到登簿通知（登簿后；只记第一次的时间）",
)
def acknowledge(request, application_id: Id):
    return _bank_step(request, application_id, actions.acknowledge_notice)


@router.post(
    "/applications/{application_id}/loan-released",
    response={200: ApplicationOut, **ERRORS},
    summary="银行已放款（登簿后；只记第一次的时间）",
)
def loan_released(request, application_id: Id):
    return _bank_step(request, application_id, actions.record_loan_released)
