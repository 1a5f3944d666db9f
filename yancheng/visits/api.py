from collections import Counter

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from yancheng.core.actions import ActionRefused
from yancheng.core.models import Enterprise, Unit
from yancheng.core.pagination import PageIn, page_of
from yancheng.core.schemas import ErrorOut, Id

from . import actions, gate, passes, rules
from .choices import RequestStatus
from .models import Pass, Visit, VisitRequest
from .schemas import (
    NoPassReportIn,
    PassCheckIn,
    PassCheckOut,
    PassOut,
    VisitRatingIn,
    VisitReasonIn,
    VisitRequestIn,
    VisitRequestOut,
)

router = Router(tags=["赋码入企"])


class VisitRequestPage(Schema):
    count: int
    items: list[VisitRequestOut]


def request_out(request: VisitRequest) -> dict:
    visit = request.visit
    return {
        "id": request.pk,
        "visit_id": visit.pk,
        "enterprise_uscc": visit.enterprise.uscc,
        "enterprise_name": visit.enterprise.name,
        "unit": request.unit.name,
        "purpose": request.purpose,
        "kind": request.kind,
        "trigger": request.trigger,
        "status": request.status,
        "status_label": request.get_status_display(),
        "filed_late": request.filed_late,
        "auto_approved": request.auto_approved,
        "starts_at": visit.starts_at,
        "ends_at": visit.ends_at,
        "decision_reason": request.decision_reason,
        "joint": len(visit.requests.all()) > 1,
        "visitors": [
            {"name": str(v), "unit": request.unit.name, "certificate_no": v.certificate_no}
            for v in request.visitors.all()
        ],
    }


def _requests(user):
    return (
        VisitRequest.objects.for_user(user)
        .select_related("visit__enterprise", "unit")
        .prefetch_related("visitors__user__person", "visit__requests")
    )


@router.get("/pass-keys", auth=None, summary="通行码验签公钥（JWKS，供离线核验）")
def pass_keys(request):
    return passes.public_jwks()


@router.get("/requests", response=VisitRequestPage, summary="访企申请（按权限范围，分页）")
def list_requests(
    request,
    page: Query[PageIn],
    status: RequestStatus | None = None,
):
    found = _requests(request.user).order_by("-filed_at")
    if status:
        found = found.filter(status=status)
    return page_of(found, page, request_out)


@router.post(
    "/requests",
    response={201: VisitRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="提交访企申请（规则不符时返回各项原因）",
)
def file_request(request, data: VisitRequestIn):
    person = getattr(request.user, "person", None)
    if person is None or person.unit_id is None:
        raise ActionRefused("只有本单位工作人员可以申请访企。", "forbidden")
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), uscc=data.enterprise_uscc)
    repeated = sorted(name for name, n in Counter(v.username for v in data.visitors).items() if n > 1)
    if repeated:  # a visitor listed twice would fail the database's one-visitor-per-request constraint
        raise ActionRefused(
            _("访企人员重复：%(names)s。每人只能列一次。") % {"names": "、".join(repeated)},
            "duplicate_visitor",
        )
    users = {
        u.get_username(): u
        for u in get_user_model()
        .objects.select_related("person")
        .filter(username__in=[v.username for v in data.visitors])
    }
    missing = [v.username for v in data.visitors if v.username not in users]
    if missing:
        raise ActionRefused(f"找不到访企人员：{'、'.join(missing)}。", "unknown_visitor")
    join = None
    if data.join_visit_id is not None:
        join = get_object_or_404(
            rules.joint_candidates(enterprise, person.unit, data.starts_at), pk=data.join_visit_id
        )
    draft = rules.Draft(
        enterprise=enterprise,
        unit=person.unit,
        purpose=data.purpose,
        kind=data.kind,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        trigger=data.trigger or "",
        trigger_note=data.trigger_note,
        items=data.items,
        legal_basis=data.legal_basis,
        visitors=[(users[v.username], v.certificate_no) for v in data.visitors],
        join_visit=join,
    )
    filed = actions.file_request(draft, by=request.user, submission_key=data.submission_key)
    return Status(201, request_out(_requests(request.user).get(pk=filed.pk)))


@router.get("/requests/{request_id}", response={200: VisitRequestOut, 404: ErrorOut}, summary="访企申请详情")
def get_request(request, request_id: Id):
    return request_out(get_object_or_404(_requests(request.user), pk=request_id))


@router.post(
    "/requests/{request_id}/approve",
    response={200: VisitRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="批准（营商办）",
)
def approve(request, request_id: Id):
    found = get_object_or_404(_requests(request.user), pk=request_id)
    actions.approve_request(found, by=request.user)
    return request_out(_requests(request.user).get(pk=request_id))


@router.post(
    "/requests/{request_id}/refuse",
    response={200: VisitRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="不批准（须写明理由）",
)
def refuse(request, request_id: Id, data: VisitReasonIn):
    found = get_object_or_404(_requests(request.user), pk=request_id)
    actions.refuse_request(found, by=request.user, reason=data.reason)
    return request_out(_requests(request.user).get(pk=request_id))


@router.post(
    "/requests/{request_id}/cancel",
    response={200: VisitRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="撤回（申请人）",
)
def cancel(request, request_id: Id):
    found = get_object_or_404(_requests(request.user), pk=request_id)
    actions.cancel_request(found, by=request.user)
    return request_out(_requests(request.user).get(pk=request_id))


@router.get("/passes/mine", response=list[PassOut], summary="我的通行码")
def my_passes(request):
    mine = Pass.objects.filter(visitor__user=request.user).select_related(
        "visitor__request__visit__enterprise"
    )
    return [
        {
            "id": p.pk,
            "token": p.token,
            "short_code": p.short_code,
            "enterprise_name": p.visitor.request.visit.enterprise.name,
            "starts_at": p.visitor.request.visit.starts_at,
            "ends_at": p.visitor.request.visit.ends_at,
            "revoked": p.revoked_at is not None,
        }
        for p in mine.order_by("-visitor__request__visit__starts_at")[:50]
    ]


def check_out_data(outcome) -> dict:
    data = {
        "ok": outcome.ok,
        "result": outcome.result,
        "message": outcome.message,
        "recorded": outcome.check is not None,
        "checked_at": outcome.check.at if outcome.check else None,
    }
    if outcome.shows_visit:
        request = outcome.green_pass.visitor.request
        data.update(
            visitor=str(outcome.green_pass.visitor),
            purpose=request.get_purpose_display(),
            units=gate.approved_unit_names(request.visit),
            starts_at=request.visit.starts_at,
            ends_at=request.visit.ends_at,
        )
    return data


@router.post(
    "/check",
    response={200: PassCheckOut, 400: ErrorOut, 403: ErrorOut},
    summary="企业核验访企人员通行码并签到/签退（扫码得到的 token，或短码）",
)
def check(request, data: PassCheckIn):
    person = getattr(request.user, "person", None)
    if person is None or person.enterprise_id is None:
        raise ActionRefused("只有企业用户可以核验通行码。", "forbidden")
    if not data.token and not data.short_code:
        raise ActionRefused("请提供通行码（token）或短码（short_code）。", "code_required")
    arguments = {
        "enterprise": person.enterprise,
        "direction": data.direction,
        "by": request.user,
        "confirm": data.confirm,
    }
    outcome = (
        actions.scan_token(data.token, **arguments)
        if data.token
        else actions.scan_short_code(data.short_code, **arguments)
    )
    return check_out_data(outcome)


@router.post(
    "/{visit_id}/rating",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="企业评价访企活动（匿名，单位只能看到汇总）",
)
def rate(request, visit_id: Id, data: VisitRatingIn):
    visit = get_object_or_404(Visit.objects.for_user(request.user), pk=visit_id)
    actions.rate_visit(visit, by=request.user, scores=data.dict())
    return Status(201, {"rated": True})


@router.post(
    "/no-pass-reports", response={201: dict, 400: ErrorOut, 403: ErrorOut}, summary="企业报告无码入企"
)
def no_pass_report(request, data: NoPassReportIn):
    person = getattr(request.user, "person", None)
    if person is None or person.enterprise_id is None:
        raise ActionRefused("只有企业用户可以报告无码入企。", "forbidden")
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=data.unit_id) if data.unit_id else None
    report = actions.report_no_pass(
        person.enterprise,
        by=request.user,
        unit=unit,
        unit_text=data.unit_text,
        occurred_at=data.occurred_at,
        visitors_text=data.visitors_text,
        description=data.description,
        submission_key=data.submission_key,
    )
    return Status(201, {"id": report.pk, "status": report.status})
