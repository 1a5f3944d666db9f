"""Commitments in the API: the list as each caller may see it (with the pages' filters), one commitment,
recording one, the owner's confirmation or dispute, and the fulfilment rates. A commitment outside the
caller's scope answers 404; refusals answer with their machine code (403 `forbidden`, else 400).
Evidence files are filed on the commitment's page; the API lists them."""

from datetime import date
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.models import Person, Unit
from yancheng.core.pagination import PageIn, page_of
from yancheng.core.schemas import ErrorOut, EvidenceOut, Id, Lines, SubmissionKey, evidence_of, text
from yancheng.projects.models import Project, sees_whole_ledger

from . import actions, figures
from .choices import Kind
from .models import Commitment

router = Router(tags=["承诺兑现"])

READ = {404: ErrorOut}
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class CommitmentOut(Schema):
    id: int
    project_id: int
    project_name: str
    kind: str
    kind_label: str
    content: str
    unit_id: int
    unit_name: str
    leader: str | None
    promised_to: str
    made_on: date
    due_on: date
    state: str = Field(description="open 待兑现；fulfilled 待业主确认；confirmed 已兑现；disputed 业主有异议")
    fulfilled_on: date | None
    overdue: bool
    evidence: list[EvidenceOut]


class CommitmentPage(Schema):
    count: int
    items: list[CommitmentOut]


class CommitmentFilterIn(Schema):
    project: Id | None = None
    unit: Id | None = None
    state: Literal["open", "fulfilled", "confirmed", "disputed"] | None = None
    overdue: bool = False


class CommitmentIn(Schema):
    project_id: Id
    kind: Literal[tuple(Kind.values)]
    content: Lines = Field(min_length=1, max_length=2000)
    unit_id: Id
    leader_id: Id | None = None
    promised_to: text(200) = ""
    due_on: date | None = Field(None, description="兑现期限；与 working_days 二选一")
    working_days: int | None = Field(None, ge=1, le=750, description="自今天起的工作日数")
    submission_key: SubmissionKey = Field(description="同一编号重复提交只登记一次")


class DisputeIn(Schema):
    reason: text(500, 1)


class RateOut(Schema):
    key: int
    label: str
    counted: int
    on_time: int
    late: int
    overdue: int
    waiting: int
    rate: str | None = Field(description="按期兑现率（%），一位小数")


def _today() -> date:
    return timezone.localdate(clock.now())


def _visible(user):
    return (
        Commitment.objects.for_user(user)
        .select_related("project", "unit", "leader")
        .prefetch_related("evidence")
    )


def _answer(c: Commitment, today: date) -> dict:
    return {
        "id": c.pk, "project_id": c.project_id, "project_name": c.project.name, "kind": c.kind,
        "kind_label": str(c.get_kind_display()), "content": c.content, "unit_id": c.unit_id, "unit_name": c.unit.name,
        "leader": c.leader.full_name if c.leader else None, "promised_to": c.promised_to, "made_on": c.made_on,
        "due_on": c.due_on, "state": c.state, "fulfilled_on": c.fulfilled_on, "overdue": figures.is_overdue(c, today),
        "evidence": evidence_of(c),
    }  # fmt: skip


@router.get("/", response=CommitmentPage, summary="承诺事项（本人可见的）")
def list_commitments(request, filters: Query[CommitmentFilterIn], page: Query[PageIn]):
    today = _today()
    found = _visible(request.user)
    if filters.project:
        found = found.filter(project_id=filters.project)
    if filters.unit:
        found = found.filter(unit_id=filters.unit)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.overdue:
        found = figures.overdue(found, today)
    return page_of(found, page, lambda c: _answer(c, today))


def _commitment(request, commitment_id) -> Commitment:
    return get_object_or_404(_visible(request.user), pk=commitment_id)


@router.get(
    "/rates", response={200: list[RateOut], 403: ErrorOut}, summary="承诺兑现率（按承诺单位或承诺领导）"
)
def rates(request, by: Literal["unit", "leader"] = "unit"):
    if not sees_whole_ledger(request.user):
        raise ActionRefused(_("只有市领导、督查室和市发展改革委可以查看兑现率。"), "forbidden")
    rows = figures.fulfilment(Commitment.objects.all(), by, _today())
    return [
        {"key": r.key, "label": r.label, "counted": r.counted, "on_time": r.on_time, "late": r.late,
         "overdue": r.overdue, "waiting": r.waiting, "rate": None if r.rate is None else f"{r.rate:.1f}"}
        for r in rows
    ]  # fmt: skip


@router.get("/{commitment_id}", response={200: CommitmentOut, **READ}, summary="承诺事项详情")
def get_commitment(request, commitment_id: Id):
    return _answer(_commitment(request, commitment_id), _today())


@router.post(
    "/", response={200: CommitmentOut, **WRITE}, summary="登记承诺事项（市发展改革委、市领导或承诺单位）"
)
def make_commitment(request, data: CommitmentIn):
    project = get_object_or_404(Project, pk=data.project_id)
    unit = get_object_or_404(Unit, pk=data.unit_id)
    leader = get_object_or_404(Person, pk=data.leader_id) if data.leader_id else None
    made = actions.make(
        project, by=request.user, kind=data.kind, content=data.content, unit=unit, leader=leader,
        promised_to=data.promised_to, due_on=data.due_on, working_days=data.working_days,
        submission_key=data.submission_key,
    )  # fmt: skip
    return _answer(_visible(request.user).get(pk=made.pk), _today())


@router.post("/{commitment_id}/confirm", response={200: CommitmentOut, **WRITE}, summary="业主确认已兑现")
def confirm(request, commitment_id: Id):
    actions.confirm(_commitment(request, commitment_id), by=request.user)
    return _answer(_commitment(request, commitment_id), _today())


@router.post(
    "/{commitment_id}/dispute", response={200: CommitmentOut, **WRITE}, summary="业主提出异议（退回承诺单位）"
)
def dispute(request, commitment_id: Id, data: DisputeIn):
    actions.dispute(_commitment(request, commitment_id), by=request.user, reason=data.reason)
    return _answer(_commitment(request, commitment_id), _today())
