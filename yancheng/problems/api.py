"""Problems in the API: the lists as each caller may see them (with the pages' filters), one problem,
raising one, the responsible unit's evidence (multipart), the raiser's close or return, reopening. A
problem outside the caller's scope answers 404; refusals answer with their machine code (403
`forbidden`, else 400)."""

from datetime import date, datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from yancheng.core import clock
from yancheng.core.models import Person, Unit
from yancheng.core.pagination import PageIn, page_of
from yancheng.core.schemas import ErrorOut, EvidenceOut, Id, Lines, ReasonIn, SubmissionKey, evidence_of, text
from yancheng.projects.models import MonthlyReport, Project

from . import actions, figures
from .choices import Source, State
from .models import Problem

router = Router(tags=["问题清单"])

READ = {404: ErrorOut}
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ProblemOut(Schema):
    id: int
    project_id: int
    project_name: str
    region: str
    description: str
    measures: str
    unit_id: int
    unit_name: str
    person: str | None
    source: str = Field(description="owner 业主反映；report 月报反映；observation 现场观摩；leader 领导交办；supervision 督查发现；unit 单位排查")  # fmt: skip
    raised_on: date
    due_on: date
    state: str = Field(description="open 整改中；resolved 待确认销号；closed 已销号")
    resolved_on: date | None
    closed_at: datetime | None
    reopened: bool
    overdue: bool
    evidence: list[EvidenceOut]


class ProblemPage(Schema):
    count: int
    items: list[ProblemOut]


class ProblemFilterIn(Schema):
    project: Id | None = None
    unit: Id | None = None
    region: text(6) | None = Field(None, description="县市区行政区划代码")
    source: Literal[tuple(Source.values)] | None = None
    state: Literal[tuple(State.values)] | None = None
    overdue: bool = False


class ProblemIn(Schema):
    project_id: Id
    description: Lines = Field(min_length=1, max_length=2000)
    measures: Lines = Field(min_length=1, max_length=2000)
    unit_id: Id
    person_id: Id | None = None
    due_on: date
    report_id: Id | None = Field(None, description="发现问题的月报（来源为月报时）")
    submission_key: SubmissionKey = Field(description="同一编号重复提交只挂账一次")


class ResolveIn(Schema):
    note: text(1000) = ""


class ReopenIn(Schema):
    reason: text(500, 1)
    due_on: date


def _today() -> date:
    return timezone.localdate(clock.now())


def _visible(user):
    return (
        Problem.objects.for_user(user)
        .select_related("project__region", "unit", "person")
        .prefetch_related("evidence")
    )


def _answer(p: Problem, today: date) -> dict:
    return {
        "id": p.pk, "project_id": p.project_id, "project_name": p.project.name, "region": p.project.region.name,
        "description": p.description, "measures": p.measures, "unit_id": p.unit_id, "unit_name": p.unit.name,
        "person": p.person.full_name if p.person else None, "source": p.source, "raised_on": p.raised_on,
        "due_on": p.due_on, "state": p.state, "resolved_on": p.resolved_on, "closed_at": p.closed_at,
        "reopened": p.reopened_at is not None, "overdue": figures.is_overdue(p, today),
        "evidence": evidence_of(p),
    }  # fmt: skip


@router.get("/", response=ProblemPage, summary="问题清单（本人可见的）")
def list_problems(request, filters: Query[ProblemFilterIn], page: Query[PageIn]):
    today = _today()
    found = _visible(request.user)
    wanted = {"project_id": filters.project, "unit_id": filters.unit, "project__region_id": filters.region,
              "source": filters.source, "state": filters.state}  # fmt: skip
    found = found.filter(**{k: v for k, v in wanted.items() if v})
    if filters.overdue:
        found = figures.overdue(found, today)
    return page_of(found, page, lambda p: _answer(p, today))


def _problem(request, problem_id) -> Problem:
    return get_object_or_404(_visible(request.user), pk=problem_id)


def _fresh(request, problem_id) -> dict:
    return _answer(_problem(request, problem_id), _today())


@router.get("/{problem_id}", response={200: ProblemOut, **READ}, summary="问题详情")
def get_problem(request, problem_id: Id):
    return _fresh(request, problem_id)


@router.post("/", response={200: ProblemOut, **WRITE}, summary="提出问题（挂账）")
def raise_problem(request, data: ProblemIn):
    project = get_object_or_404(Project, pk=data.project_id)
    report = get_object_or_404(MonthlyReport, pk=data.report_id, project=project) if data.report_id else None
    raised = actions.raise_problem(
        project, by=request.user, description=data.description, measures=data.measures,
        unit=get_object_or_404(Unit, pk=data.unit_id),
        person=get_object_or_404(Person, pk=data.person_id) if data.person_id else None,
        due_on=data.due_on, report=report, submission_key=data.submission_key,
    )  # fmt: skip
    return _fresh(request, raised.pk)


@router.post(
    "/{problem_id}/resolve",
    response={200: ProblemOut, **WRITE},
    summary="责任单位提交整改材料（multipart/form-data；每个文件不超过 20 MB）",
)
def resolve(request, problem_id: Id, data: Form[ResolveIn], files: File[list[UploadedFile]] = None):
    actions.resolve(_problem(request, problem_id), by=request.user, files=files or [], note=data.note)
    return _fresh(request, problem_id)


@router.post("/{problem_id}/close", response={200: ProblemOut, **WRITE}, summary="提出人确认销号")
def close(request, problem_id: Id):
    actions.close(_problem(request, problem_id), by=request.user)
    return _fresh(request, problem_id)


@router.post("/{problem_id}/return", response={200: ProblemOut, **WRITE}, summary="提出人退回重新整改")
def return_problem(request, problem_id: Id, data: ReasonIn):
    actions.return_problem(_problem(request, problem_id), by=request.user, reason=data.reason)
    return _fresh(request, problem_id)


@router.post(
    "/{problem_id}/reopen", response={200: ProblemOut, **WRITE}, summary="已销号问题重新挂账（限一次）"
)
def reopen(request, problem_id: Id, data: ReopenIn):
    actions.reopen(_problem(request, problem_id), by=request.user, reason=data.reason, due_on=data.due_on)
    return _fresh(request, problem_id)
