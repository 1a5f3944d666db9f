"""Enterprise requests (企业诉求) for the enterprise's mobile app, the responsible units and the office.

Every write goes through actions.py, which checks who may do it; here a record outside the caller's
scope (EnterpriseRequest.objects.for_user) is simply absent, so it answers 404 exactly like an id that
does not exist. The state is derived when read (state.derive), so it follows the clock with no worker."""

from typing import Literal

from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.models import Unit
from yancheng.core.pagination import PageIn, page_of
from yancheng.core.schemas import MAX_ID, ErrorOut, Id
from yancheng.visits.models import Visit

from . import actions
from .choices import RequestKind
from .models import EnterpriseRequest, KindDeadline, RequestEvent
from .schemas import (
    ExtensionDecisionIn,
    ExtensionIn,
    KindOut,
    ReplyIn,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestRatingIn,
    RequestReasonIn,
    TransferIn,
    UnitIn,
)
from .state import derive

router = Router(tags=["企业诉求"])

StateCode = Literal["unrouted", "awaiting_acceptance", "in_progress", "replied", "closed"]
MAX_FILES = 10

# What an action answers: the request as it now is, or a refusal with a machine-readable code.
ACTION_RESPONSES = {200: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def attachment_url(attachment) -> str:
    # Served by the pages (it checks the same scope); the API only links to it.
    return reverse("requests:attachment", args=[attachment.pk])


def state_out(request: EnterpriseRequest, now) -> dict:
    state = derive(request, now)
    return {
        "code": state.code,
        "label": state.label,
        "colour": state.colour,
        "accepted": state.accepted,
        "accepted_on_time": state.accepted_on_time,
        "deemed_accepted_at": state.deemed_accepted_at,
        "replied": state.replied,
        "replied_on_time": state.replied_on_time,
        "due_soon": state.due_soon,
        "overdue": state.overdue,
        "deadline": state.deadline,
        "deadlines": {
            "accept": request.accept_deadline,
            "reply": request.reply_deadline,
            "extended": request.extended_deadline,
            "effective_reply": request.effective_reply_deadline,
        },
    }


def summary_out(request: EnterpriseRequest, now) -> dict:
    return {
        "id": request.pk,
        "enterprise_uscc": request.enterprise.uscc,
        "enterprise_name": request.enterprise.name,
        "kind": request.kind,
        "kind_label": request.get_kind_display(),
        "subject": request.subject,
        "filed_at": request.filed_at,
        "unit_id": request.unit_id,
        "unit": request.unit.name if request.unit_id else None,
        "state": state_out(request, now),
    }


def _name(user) -> str | None:
    if user is None:
        return None
    person = getattr(user, "person", None)
    return person.full_name if person is not None else user.get_username()


def _extension(request: EnterpriseRequest) -> dict:
    return {
        "pending": request.extension_pending,
        "days": request.extension_days,
        "reason": request.extension_reason,
        "extended_deadline": request.extended_deadline,
    }


def detail_out(request: EnterpriseRequest, now) -> dict:
    attachments = [
        {"id": a.pk, "event_id": a.event_id, "name": a.name, "size": a.size, "url": attachment_url(a)}
        for a in request.attachments.all()
    ]
    by_event: dict[int, list] = {}
    for attachment in attachments:
        by_event.setdefault(attachment["event_id"], []).append(attachment)
    return {
        **summary_out(request, now),
        "text": request.text,
        "visit_id": request.visit_id,
        "routed_at": request.routed_at,
        "transferred_from": request.transferred_from.name if request.transferred_from_id else None,
        "accepted_at": request.accepted_at,
        "replied_at": request.replied_at,
        "reply_text": request.reply_text,
        "satisfaction": request.satisfaction,
        "satisfaction_label": request.get_satisfaction_display() if request.satisfaction else "",
        "rated_at": request.rated_at,
        "reopened_at": request.reopened_at,
        "extension": _extension(request),
        "events": [
            {
                "id": e.pk,
                "at": e.at,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "by": _name(e.by),
                "note": e.note,
                "attachments": by_event.get(e.pk, []),
            }
            for e in request.events.all()
        ],
        "attachments": attachments,
    }


def _requests(user):
    return EnterpriseRequest.objects.for_user(user).select_related("enterprise", "unit")


def _with_details(found):
    return found.select_related("enterprise", "unit", "transferred_from").prefetch_related(
        Prefetch("events", queryset=RequestEvent.objects.select_related("by__person")),
        "attachments",
    )


def _detailed(user):
    return _with_details(EnterpriseRequest.objects.for_user(user))


def _detailed_all():
    return _with_details(EnterpriseRequest.objects.all())


def _found(request, request_id: Id) -> EnterpriseRequest:
    return get_object_or_404(_requests(request.user), pk=request_id)


def _answer(request, request_id: Id) -> dict:
    return detail_out(get_object_or_404(_detailed(request.user), pk=request_id), clock.now())


def state_filter(code: StateCode, now) -> Q:
    """The requests whose derived state (state.derive) at `now` has this code, as a database filter."""
    replied = Q(replied_at__isnull=False)
    accepted = Q(accepted_at__isnull=False) | Q(accept_deadline__lt=now)
    return {
        "closed": replied & ~Q(satisfaction=""),
        "replied": replied & Q(satisfaction=""),
        "in_progress": ~replied & accepted,
        "awaiting_acceptance": ~replied & ~accepted & Q(unit__isnull=False),
        "unrouted": ~replied & ~accepted & Q(unit__isnull=True),
    }[code]


def _units(user):
    return Unit.objects.for_user(user)


@router.get("/kinds", response=list[KindOut], summary="诉求类别及办理时限（工作日）")
def kinds(request):
    limits = KindDeadline.in_force()
    return [
        {
            "kind": kind.value,
            "label": str(kind.label),
            "accept_days": limits[kind.value].accept_days,
            "reply_days": limits[kind.value].reply_days,
        }
        for kind in RequestKind
    ]


@router.get("", response=RequestPage, summary="诉求列表（按权限范围，分页；状态随时间推算）")
def list_requests(
    request,
    page: Query[PageIn],
    kind: RequestKind | None = None,
    state: StateCode | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="责任单位 id"),
    overdue: bool | None = Query(None, description="只看已超期（true）或未超期（false）的"),
):
    now = clock.now()
    found = _requests(request.user).order_by("-filed_at", "-pk")
    if kind:
        found = found.filter(kind=kind)
    if state:
        found = found.filter(state_filter(state, now))
    if unit is not None:
        found = found.filter(unit_id=unit)
    if overdue is not None:
        late = (
            Q(replied_at__isnull=True)
            & (Q(accepted_at__isnull=False) | Q(accept_deadline__lt=now))
            & Q(effective_reply__lt=now)
        )
        found = found.alias(effective_reply=Coalesce("extended_deadline", "reply_deadline"))
        found = found.filter(late) if overdue else found.exclude(late)
    return page_of(found, page, lambda r: summary_out(r, now))


def _file(request, data: RequestIn, files=()):
    person = getattr(request.user, "person", None)
    if person is None or person.enterprise_id is None:
        raise ActionRefused("只有企业用户可以提交诉求。", "forbidden")
    if len(files) > MAX_FILES:
        raise ActionRefused(f"附件最多 {MAX_FILES} 个。", "too_many_attachments")
    visit = None
    if data.visit_id is not None:
        visit = get_object_or_404(Visit.objects.for_user(request.user), pk=data.visit_id)
    filed, created = actions.file_request(
        person.enterprise,
        by=request.user,
        kind=data.kind,
        subject=data.subject,
        text=data.text,
        submission_key=data.submission_key,
        visit=visit,
        files=files,
    )
    return Status(201 if created else 200, _answer(request, filed.pk))


FILE_RESPONSES = {201: RequestOut, 200: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "",
    response=FILE_RESPONSES,
    summary="企业提交诉求（201；以同一 submission_key 重复提交时返回原诉求，200）",
)
def file_request(request, data: RequestIn):
    return _file(request, data)


@router.post(
    "/with-attachments",
    response=FILE_RESPONSES,
    summary="企业提交诉求并上传附件（multipart/form-data；每个附件不超过 20 MB）",
)
def file_request_with_attachments(request, data: Form[RequestIn], files: File[list[UploadedFile]] = None):
    return _file(request, data, files or [])


@router.get(
    "/{request_id}", response={200: RequestOut, 404: ErrorOut}, summary="诉求详情（含办理过程和附件）"
)
def get_request(request, request_id: Id):
    return _answer(request, request_id)


@router.post("/{request_id}/route", response=ACTION_RESPONSES, summary="分派至责任单位（营商办）")
def route(request, request_id: Id, data: UnitIn):
    found = _found(request, request_id)
    unit = get_object_or_404(_units(request.user), pk=data.unit_id)
    actions.route(found, unit=unit, by=request.user)
    return _answer(request, request_id)


@router.post(
    "/{request_id}/transfer",
    response=ACTION_RESPONSES,
    summary="转办（责任单位或营商办；受理前、受理期限内，仅一次）",
)
def transfer(request, request_id: Id, data: TransferIn):
    found = _found(request, request_id)
    unit = get_object_or_404(_units(request.user), pk=data.unit_id)
    actions.transfer(found, to_unit=unit, by=request.user, reason=data.reason)
    # The unit that gave the request away no longer sees it from now on; it still gets the answer to
    # what it has just done.
    return detail_out(_detailed_all().get(pk=request_id), clock.now())


@router.post("/{request_id}/accept", response=ACTION_RESPONSES, summary="受理（责任单位）")
def accept(request, request_id: Id):
    actions.accept(_found(request, request_id), by=request.user)
    return _answer(request, request_id)


@router.post(
    "/{request_id}/extension",
    response=ACTION_RESPONSES,
    summary="申请延期答复（责任单位；最多一次，1–15 个工作日）",
)
def ask_extension(request, request_id: Id, data: ExtensionIn):
    actions.ask_extension(_found(request, request_id), by=request.user, days=data.days, reason=data.reason)
    return _answer(request, request_id)


@router.post("/{request_id}/extension/decision", response=ACTION_RESPONSES, summary="审批延期申请（营商办）")
def decide_extension(request, request_id: Id, data: ExtensionDecisionIn):
    actions.decide_extension(
        _found(request, request_id), by=request.user, approve=data.approve, note=data.note
    )
    return _answer(request, request_id)


@router.post("/{request_id}/reply", response=ACTION_RESPONSES, summary="答复（责任单位；受理或默认受理后）")
def reply(request, request_id: Id, data: ReplyIn):
    actions.reply(_found(request, request_id), by=request.user, text=data.text)
    return _answer(request, request_id)


@router.post(
    "/{request_id}/reply/with-attachments",
    response=ACTION_RESPONSES,
    summary="答复并上传附件（multipart/form-data；每个附件不超过 20 MB）",
)
def reply_with_attachments(
    request, request_id: Id, data: Form[ReplyIn], files: File[list[UploadedFile]] = None
):
    found = _found(request, request_id)
    files = files or []
    if len(files) > MAX_FILES:
        raise ActionRefused(f"附件最多 {MAX_FILES} 个。", "too_many_attachments")
    actions.reply(found, by=request.user, text=data.text, files=files)
    return _answer(request, request_id)


@router.post(
    "/{request_id}/rating",
    response=ACTION_RESPONSES,
    summary="评价答复（提交诉求的企业；满意/基本满意/不满意）",
)
def rate(request, request_id: Id, data: RequestRatingIn):
    actions.rate(_found(request, request_id), by=request.user, satisfaction=data.satisfaction)
    return _answer(request, request_id)


@router.post(
    "/{request_id}/reopen",
    response=ACTION_RESPONSES,
    summary="不满意，要求重新办理（企业；仅一次；答复期限从现在起重新计算）",
)
def reopen(request, request_id: Id, data: RequestReasonIn):
    actions.reopen(_found(request, request_id), by=request.user, reason=data.reason)
    return _answer(request, request_id)
