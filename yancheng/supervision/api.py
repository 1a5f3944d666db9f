"""Supervision items in the API: the items as each caller may see them (with the list's filters and
lights), one item with its units' receipts, assigning one, one-click dispatch and its receipts, and
the steps: sign for, report (multipart), request the close (multipart, evidence required), close,
return, remind. An item outside the caller's scope answers 404; refusals answer with their machine
code (403 `forbidden`, else 400)."""

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from yancheng.core.models import Person, Unit
from yancheng.core.pagination import PageIn, page_of
from yancheng.core.schemas import ErrorOut, Id, Lines, ReasonIn, SubmissionKey, text

from . import actions, lights
from .actions import Share
from .choices import Cadence, Light, Source, State
from .models import Dispatch, Item

router = Router(tags=["督办件"])

READ = {404: ErrorOut}
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class AssignmentOut(Schema):
    unit_id: int
    unit_name: str
    kind: str = Field(description="lead 牵头单位；cooperating 配合单位")
    task: str
    sign_by: datetime
    read_at: datetime | None
    signed_at: datetime | None
    first_report_at: datetime | None
    last_report_at: datetime | None
    reminded_at: datetime | None


class ItemOut(Schema):
    id: int
    title: str
    content: str
    source: str = Field(
        description="instruction 领导批示；meeting 会议决定；document 文件要求；key_task 重点工作；finding 平台预警"
    )
    source_text: str
    lead_unit_id: int
    leader: str | None
    due_on: date
    cadence: str = Field(description="none 不定期；weekly 每周；monthly 每月")
    state: str = Field(
        description="assigned 待签收；in_progress 办理中；close_requested 待审核；closed 已销号"
    )
    light: str | None = Field(description="red 红灯；yellow 黄灯；green 绿灯；已销号为空")
    reasons: list[str]
    dispatch_id: int | None
    linked: str | None = Field(description="关联记录，如 projects.project:12")
    figure: str
    assigned_at: datetime
    close_requested_at: datetime | None
    closed_at: datetime | None
    assignments: list[AssignmentOut]


class ItemPage(Schema):
    count: int
    items: list[ItemOut]


class ItemFilterIn(Schema):
    light: Literal[tuple(Light.values)] | None = None
    state: Literal[tuple(State.values)] | None = None
    unit: Id | None = Field(None, description="承办单位（牵头或配合）")
    dispatch: Id | None = None


class ShareIn(Schema):
    unit_id: Id
    task: text(2000) = ""


class ItemFields(Schema):
    title: text(200, 1)
    content: Lines = Field(min_length=1, max_length=5000)
    source: Literal[tuple(Source.values)]
    source_text: text(200) = ""
    due_on: date
    cadence: Literal[tuple(Cadence.values)] = Cadence.NONE
    leader_id: Id | None = Field(None, description="责任市领导")
    submission_key: SubmissionKey = Field(description="同一编号重复提交只交办一次")


class ItemIn(ItemFields):
    lead: ShareIn
    cooperating: list[ShareIn] = Field(default_factory=list, max_length=50)


class DispatchIn(ItemFields):
    unit_ids: list[Id] = Field(min_length=1, max_length=actions.MAX_UNITS)
    recipients: text(200, 1) = Field(description="调度范围，如“全部县市区政府”")


class ReceiptsOut(Schema):
    id: int
    title: str
    recipients: str
    created_at: datetime
    units: int
    read: int
    signed: int
    reported: int
    assignments: list[AssignmentOut]


class ProgressReportIn(Schema):
    text: text(5000, 1)


class CloseRequestIn(Schema):
    summary: text(2000, 1)


def _visible(user):
    return (
        Item.objects.for_user(user)
        .select_related("lead_unit", "leader")
        .prefetch_related("assignments__unit")
    )


def _assignment(a) -> dict:
    return {
        "unit_id": a.unit_id, "unit_name": a.unit.name, "kind": a.kind, "task": a.task, "sign_by": a.sign_by,
        "read_at": a.read_at, "signed_at": a.signed_at, "first_report_at": a.first_report_at,
        "last_report_at": a.last_report_at, "reminded_at": a.reminded_at,
    }  # fmt: skip


def _answer(i: Item, watch) -> dict:
    return {
        "id": i.pk, "title": i.title, "content": i.content, "source": i.source, "source_text": i.source_text,
        "lead_unit_id": i.lead_unit_id, "leader": i.leader.full_name if i.leader else None, "due_on": i.due_on,
        "cadence": i.cadence, "state": i.state, "light": i.light, "reasons": lights.reasons(i, watch),
        "dispatch_id": i.dispatch_id, "linked": f"{i.linked_type.app_label}.{i.linked_type.model}:{i.linked_id}" if i.linked_type_id else None,
        "figure": i.figure, "assigned_at": i.assigned_at, "close_requested_at": i.close_requested_at,
        "closed_at": i.closed_at, "assignments": [_assignment(a) for a in i.assignments.all()],
    }  # fmt: skip


@router.get("/", response=ItemPage, summary="督办件（本人可见的）")
def list_items(request, filters: Query[ItemFilterIn], page: Query[PageIn]):
    watch = lights.Watch.at()
    found = _visible(request.user).select_related("linked_type")
    if filters.light:
        found = lights.filter_light(found, filters.light, watch)
    if filters.unit:
        found = found.filter(assignments__unit_id=filters.unit)
    found = found.filter(
        **{k: v for k, v in {"state": filters.state, "dispatch_id": filters.dispatch}.items() if v}
    )
    return page_of(lights.annotate(found, watch), page, lambda i: _answer(i, watch))


def _item(request, item_id) -> Item:
    return get_object_or_404(_visible(request.user), pk=item_id)


def _fresh(request, item_id) -> dict:
    watch = lights.Watch.at()
    return _answer(get_object_or_404(lights.annotate(_visible(request.user), watch), pk=item_id), watch)


def _leader(leader_id):
    return get_object_or_404(Person, pk=leader_id) if leader_id else None


@router.post("/", response={200: ItemOut, **WRITE}, summary="交办督办件")
def assign(request, data: ItemIn):
    def share(s):
        return Share(get_object_or_404(Unit, pk=s.unit_id), s.task)

    item = actions.assign(
        by=request.user, title=data.title, content=data.content, source=data.source, source_text=data.source_text,
        lead=share(data.lead), cooperating=[share(s) for s in data.cooperating], due_on=data.due_on,
        cadence=data.cadence, leader=_leader(data.leader_id), submission_key=data.submission_key,
    )  # fmt: skip
    return _fresh(request, item.pk)


@router.post("/dispatches", response={200: ReceiptsOut, **WRITE}, summary="一键调度：同一指令发给多个单位")
def dispatch(request, data: DispatchIn):
    units = list(Unit.objects.filter(pk__in=data.unit_ids).order_by("code"))
    if len(units) != len(set(data.unit_ids)):
        raise Http404  # an unknown unit, as for any record not found
    sent = actions.dispatch(
        by=request.user, title=data.title, content=data.content, units=units, due_on=data.due_on,
        recipients=data.recipients, source=data.source, source_text=data.source_text, cadence=data.cadence,
        leader=_leader(data.leader_id), submission_key=data.submission_key,
    )  # fmt: skip
    return _receipts(sent)


def _dispatch(request, dispatch_id) -> Dispatch:
    found = get_object_or_404(Dispatch, pk=dispatch_id)
    if not actions.may_remind(request.user, found):
        raise Http404  # the receipts are the offices', the leaders' and the sender's
    return found


def _receipts(sent) -> dict:
    parts, totals = sent.receipts()
    return {
        "id": sent.pk, "title": sent.title, "recipients": sent.recipients, "created_at": sent.created_at,
        **totals, "assignments": [_assignment(a) for a in parts],
    }  # fmt: skip


@router.get("/dispatches/{dispatch_id}", response={200: ReceiptsOut, **READ}, summary="一键调度的签收回执")
def receipts(request, dispatch_id: Id):
    return _receipts(_dispatch(request, dispatch_id))


@router.post(
    "/dispatches/{dispatch_id}/remind",
    response={200: ReceiptsOut, **WRITE},
    summary="一键提醒未签收、未按时反馈的单位",
)
def remind_dispatch(request, dispatch_id: Id):
    sent = _dispatch(request, dispatch_id)
    actions.remind(sent.items.all(), by=request.user, dispatch=sent)
    return _receipts(sent)


@router.post("/{item_id}/sign", response={200: ItemOut, **WRITE}, summary="签收")
def sign(request, item_id: Id):
    actions.sign_for(_item(request, item_id), by=request.user)
    return _fresh(request, item_id)


@router.post(
    "/{item_id}/report", response={200: ItemOut, **WRITE}, summary="反馈进展（multipart/form-data，材料可选）"
)
def report(request, item_id: Id, data: Form[ProgressReportIn], files: File[list[UploadedFile]] = None):
    actions.report(_item(request, item_id), by=request.user, text=data.text, files=files or [])
    return _fresh(request, item_id)


@router.post(
    "/{item_id}/request-close",
    response={200: ItemOut, **WRITE},
    summary="牵头单位申请办结（multipart/form-data，须上传办结材料）",
)
def request_close(request, item_id: Id, data: Form[CloseRequestIn], files: File[list[UploadedFile]] = None):
    actions.request_close(_item(request, item_id), by=request.user, summary=data.summary, files=files or [])
    return _fresh(request, item_id)


@router.post("/{item_id}/close", response={200: ItemOut, **WRITE}, summary="督查室审核销号")
def close(request, item_id: Id):
    actions.close(_item(request, item_id), by=request.user)
    return _fresh(request, item_id)


@router.post("/{item_id}/return", response={200: ItemOut, **WRITE}, summary="督查室退回")
def return_item(request, item_id: Id, data: ReasonIn):
    actions.return_item(_item(request, item_id), by=request.user, reason=data.reason)
    return _fresh(request, item_id)


# After the dispatches' routes: "/{item_id}" would take "/dispatches" for an item's id.
@router.get("/{item_id}", response={200: ItemOut, **READ}, summary="督办件详情（含各单位签收、反馈情况）")
def get_item(request, item_id: Id):
    actions.mark_read(_item(request, item_id), request.user)
    return _fresh(request, item_id)
