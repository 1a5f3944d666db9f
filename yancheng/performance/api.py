"""Performance scores in the API: the scorecards, a scorecard's ranking, one score with its lines (each
indicator's value, the records' count and the points) and its objections, and a unit's objection. A
unit sees its own published scores only; a score outside the caller's scope answers 404."""

from datetime import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from yancheng.core import indicators
from yancheng.core.schemas import ErrorOut, Id, text

from . import actions
from .models import Score, Scorecard, ScoreLine

router = Router(tags=["绩效考核"])

READ = {404: ErrorOut}
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ScorecardOut(Schema):
    id: int
    scheme: str
    unit_kind: str
    period: str = Field(description="2026-11 月度；2026-Q4 季度；2026 年度")
    version: int
    computed_at: datetime
    published_at: datetime | None
    objections_until: datetime | None


class ScoreLineOut(Schema):
    id: int
    indicator: str
    name: str
    measure: str
    weight: float
    value: float | None = Field(description="无可计算记录时为空，不计分")
    numerator: float | None
    denominator: float | None
    records: int
    points: float | None


class ObjectionOut(Schema):
    id: int
    line_id: int | None
    reason: str
    filed_at: datetime
    state: str = Field(description="pending 待处理；upheld 申诉成立；rejected 申诉不成立")
    decision: str
    corrected_total: float | None
    decided_at: datetime | None


class UnitScoreOut(Schema):
    id: int
    scorecard_id: int
    unit_id: int
    unit_name: str
    total: float | None = Field(description="百分制，按已计算指标的分值折算")
    rank: int | None
    final_total: float | None = Field(description="申诉更正后的得分；无更正时同 total")
    lines: list[ScoreLineOut]
    objections: list[ObjectionOut]


class ObjectionIn(Schema):
    reason: text(2000, 1)
    line_id: Id | None = None


def _card(card) -> dict:
    return {
        "id": card.pk, "scheme": card.scheme.name, "unit_kind": card.scheme.unit_kind, "period": card.period,
        "version": card.version.number, "computed_at": card.computed_at, "published_at": card.published_at,
        "objections_until": card.objections_until,
    }  # fmt: skip


def _line(line: ScoreLine) -> dict:
    about = indicators.registry.get(line.line.indicator)
    return {
        "id": line.pk, "indicator": line.line.indicator, "name": str(about.name) if about else line.line.indicator,
        "measure": about.measure if about else "", "weight": float(line.line.weight), "value": line.value,
        "numerator": line.numerator, "denominator": line.denominator, "records": line.count, "points": line.points,
    }  # fmt: skip


def _score(score: Score) -> dict:
    return {
        "id": score.pk, "scorecard_id": score.scorecard_id, "unit_id": score.unit_id, "unit_name": score.unit.name,
        "total": score.total, "rank": score.rank, "final_total": actions.final_total(score),
        "lines": [_line(line) for line in score.lines.all()],
        "objections": [
            {"id": o.pk, "line_id": o.line_id, "reason": o.reason, "filed_at": o.filed_at, "state": o.state,
             "decision": o.decision, "corrected_total": o.corrected_total, "decided_at": o.decided_at}
            for o in score.objections.all()
        ],
    }  # fmt: skip


def _scores(user):
    lines = Prefetch("lines", queryset=ScoreLine.objects.select_related("line"))
    return (
        Score.objects.for_user(user).select_related("unit", "scorecard").prefetch_related(lines, "objections")
    )


@router.get("/scorecards", response=list[ScorecardOut], summary="考核结果（各期）")
def scorecards(request):
    cards = Scorecard.objects.for_user(request.user).select_related("scheme", "version")
    if not actions.is_office(request.user):
        cards = cards.filter(published_at__isnull=False)
    return [_card(card) for card in cards[:200]]


@router.get(
    "/scorecards/{card_id}/scores",
    response={200: list[UnitScoreOut], **READ},
    summary="一期考核的各单位得分（本人可见的）",
)
def scorecard_scores(request, card_id: Id):
    card = get_object_or_404(Scorecard.objects.for_user(request.user), pk=card_id)
    return [_score(s) for s in _scores(request.user).filter(scorecard=card).order_by("rank", "unit__code")]


@router.get(
    "/scores/{score_id}", response={200: UnitScoreOut, **READ}, summary="单位得分：各项指标的值、记录数和得分"
)
def score(request, score_id: Id):
    return _score(get_object_or_404(_scores(request.user), pk=score_id))


@router.post(
    "/scores/{score_id}/objections", response={200: UnitScoreOut, **WRITE}, summary="被考核单位提出申诉"
)
def object_to(request, score_id: Id, data: ObjectionIn):
    found = get_object_or_404(_scores(request.user), pk=score_id)
    line = get_object_or_404(ScoreLine, pk=data.line_id, score=found) if data.line_id else None
    actions.object_to(found, by=request.user, reason=data.reason, line=line)
    return _score(get_object_or_404(_scores(request.user), pk=score_id))  # with the new objection
