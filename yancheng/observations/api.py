"""Site observation in the API: the rounds, their results, an observer's score of a site, publishing,
with the same scoping and actions as the pages. A round outside the caller's scope answers 404 like one
that does not exist; refusals answer with their machine code (403 for `forbidden`, else 400). Scores
are strings with two decimals ("85.50"), as the bulletin prints them. Photos are uploaded on the phone
page; the API takes the scores, the note and a problem seen on site."""

from datetime import date, datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from yancheng.core.models import Person, Unit
from yancheng.core.schemas import ErrorOut, Id, Lines, SubmissionKey

from . import actions, scoring
from .models import ObservationRound, Site

router = Router(tags=["现场观摩"])

READ = {404: ErrorOut}
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class CriterionOut(Schema):
    id: int
    name: str
    weight: int = Field(description="权重（%），合计 100")


class SiteOut(Schema):
    id: int
    project_id: int
    project_name: str
    region: str


class SiteResultOut(SiteOut):
    observers: int = Field(description="已评分的观摩人员数")
    score: str | None = Field(
        description="得分（0–100，两位小数）；五人及以上评分时去掉一个最高分和一个最低分"
    )
    rank: int | None


class CountyResultOut(Schema):
    code: str
    name: str
    sites: int
    score: str | None
    rank: int | None


class ResultsOut(Schema):
    sites: list[SiteResultOut]
    counties: list[CountyResultOut]


class RoundOut(Schema):
    id: int
    name: str
    held_on: date
    state: str = Field(description="open 评分中；published 已发布")
    published_at: datetime | None


class RoundDetailOut(RoundOut):
    criteria: list[CriterionOut]
    sites: list[SiteOut]
    results: ResultsOut | None = Field(description="排名；发布前只有市发展改革委和可看全部台账的人员可见")


class CriterionScoreIn(Schema):
    criterion_id: Id
    value: Annotated[int, Field(ge=0, le=100)]


class SeenProblemIn(Schema):
    description: Lines = Field(min_length=1, max_length=2000)
    measures: Lines = Field(min_length=1, max_length=2000)
    unit_id: Id
    person_id: Id | None = None
    due_on: date
    submission_key: SubmissionKey = Field(description="同一编号重复提交只挂账一次")


class ScoreIn(Schema):
    values: list[CriterionScoreIn] = Field(description="每个评分项目一项", max_length=20)
    note: Lines = Field("", max_length=2000)
    problem: SeenProblemIn | None = Field(None, description="现场发现的问题：与评分一并列入项目问题清单")


class ScoreOut(Schema):
    site_id: int
    values: dict[str, int] = Field(description="评分项目名称 → 得分")
    note: str
    scored_at: datetime


def _score_text(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _site(site) -> dict:
    project = site.project
    return {
        "id": site.pk,
        "project_id": project.pk,
        "project_name": project.name,
        "region": project.region.name,
    }


def _round_answer(request, observation_round) -> dict:
    sites = observation_round.sites.select_related("project__region")
    results = None
    if actions.sees_results(request.user, observation_round):
        found = scoring.results(observation_round)
        results = {
            "sites": [
                {**_site(r.site), "observers": r.observers, "score": _score_text(r.score), "rank": r.rank}
                for r in found.sites
            ],
            "counties": [
                {
                    "code": r.code,
                    "name": r.name,
                    "sites": r.sites,
                    "score": _score_text(r.score),
                    "rank": r.rank,
                }
                for r in found.counties
            ],
        }
    return {
        "id": observation_round.pk,
        "name": observation_round.name,
        "held_on": observation_round.held_on,
        "state": observation_round.state,
        "published_at": observation_round.published_at,
        "criteria": list(observation_round.criteria.values("id", "name", "weight")),
        "sites": [_site(site) for site in sites],
        "results": results,
    }


@router.get("/rounds", response=list[RoundOut], summary="观摩活动（本人可见的）")
def list_rounds(request):
    return list(ObservationRound.objects.for_user(request.user)[:200])


@router.get("/rounds/{round_id}", response={200: RoundDetailOut, **READ}, summary="观摩活动详情与排名")
def get_round(request, round_id: Id):
    observation_round = get_object_or_404(ObservationRound.objects.for_user(request.user), pk=round_id)
    return _round_answer(request, observation_round)


@router.post(
    "/rounds/{round_id}/publish",
    response={200: RoundDetailOut, **WRITE},
    summary="发布观摩结果（市发展改革委；发布后不再接受评分）",
)
def publish_round(request, round_id: Id):
    observation_round = get_object_or_404(ObservationRound.objects.for_user(request.user), pk=round_id)
    return _round_answer(request, actions.publish(observation_round, by=request.user))


def _seen(problem: SeenProblemIn | None) -> dict | None:
    if problem is None:
        return None
    return {
        "description": problem.description, "measures": problem.measures,
        "unit": get_object_or_404(Unit, pk=problem.unit_id),
        "person": get_object_or_404(Person, pk=problem.person_id) if problem.person_id else None,
        "due_on": problem.due_on, "submission_key": problem.submission_key,
    }  # fmt: skip


@router.post(
    "/sites/{site_id}/score",
    response={200: ScoreOut, **WRITE},
    summary="对观摩点评分（本次观摩的观摩人员；再次提交即更正）",
)
def score_site(request, site_id: Id, data: ScoreIn):
    visible = ObservationRound.objects.for_user(request.user).values("pk")
    site = get_object_or_404(Site.objects.filter(round__in=visible).select_related("round"), pk=site_id)
    values = {item.criterion_id: item.value for item in data.values}
    score = actions.score_site(
        site, by=request.user, values=values, note=data.note, problem=_seen(data.problem)
    )
    return {
        "site_id": site.pk,
        "values": dict(score.values.values_list("criterion__name", "value")),
        "note": score.note,
        "scored_at": score.scored_at,
    }
