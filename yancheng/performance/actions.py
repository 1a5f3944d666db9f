"""What is done in performance scoring, each checked, atomic and audited; refusals raise ActionRefused
with a message for the person and change nothing.

- the performance office publishes a scheme's version (its lines), in force from a month on, never
  before a month already scored;
- the office computes a period's scorecard with the version in force when the period began, again as
  often as it likes until it publishes it; a published scorecard never changes;
- a unit's official objects to the unit's score within N working days of publication; the office
  upholds (with the corrected score, kept beside the original) or rejects it, with its reasons."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, indicators
from yancheng.core.actions import refuse_unless
from yancheng.core.indicators import Grouping, Period
from yancheng.core.models import Unit
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, has_role, official_unit
from yancheng.core.workdays import deadline_after

from . import scoring
from .choices import ObjectionState
from .models import (
    Objection,
    PerformanceRules,
    Scheme,
    SchemeLine,
    SchemeVersion,
    Score,
    Scorecard,
    ScoreLine,
)

MAX_LINES = 30


@dataclass(frozen=True)
class Line:
    indicator: str
    weight: float
    target: float
    floor: float


def is_office(user) -> bool:
    return has_role(user, Role.PERFORMANCE_OFFICE)


def _check_lines(lines: list[Line]) -> None:
    refuse_unless(bool(lines), _("请至少设置一项考核指标。"), "lines")
    refuse_unless(len(lines) <= MAX_LINES, _("一个方案最多 %(n)d 项指标。") % {"n": MAX_LINES}, "lines")
    codes = [line.indicator for line in lines]
    refuse_unless(len(set(codes)) == len(codes), _("同一指标不能重复设置。"), "lines")
    for line in lines:
        known = indicators.registry.get(line.indicator)
        refuse_unless(
            known is not None and Grouping.UNIT in known.groupings,
            _("“%(c)s”不是可按单位计算的指标。") % {"c": line.indicator},
            "indicator",
        )
        refuse_unless(line.weight > 0, _("指标“%(n)s”的分值应大于 0。") % {"n": known.name}, "weight")
        refuse_unless(
            line.target != line.floor or known.measure == "件",
            _("指标“%(n)s”的满分值与零分值不能相同。") % {"n": known.name},
            "target",
        )


def create_scheme(*, by, name: str, unit_kind: str, in_force_from: date, lines: list[Line]) -> Scheme:
    """A new scheme for a kind of unit, with its first version."""
    refuse_unless(is_office(by), _("只有绩效办可以制定考核方案。"), "forbidden")
    with transaction.atomic():
        scheme = Scheme.objects.create(
            name=name.strip()[:100], unit_kind=unit_kind, created_by=by, created_at=clock.now()
        )
        publish_version(scheme, by=by, in_force_from=in_force_from, lines=lines)
    return scheme


def publish_version(scheme, *, by, in_force_from: date, lines: list[Line], reason: str = "") -> SchemeVersion:
    """A new version of ``scheme`` in force from ``in_force_from``'s month on. The first needs no reason;
    every later one does, and none may start in a month a published scorecard already measured."""
    refuse_unless(is_office(by), _("只有绩效办可以制定考核方案。"), "forbidden")
    lines = list(lines)
    _check_lines(lines)
    start = in_force_from.replace(day=1)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        latest = scheme.versions.order_by("-number").first()
        refuse_unless(latest is None or bool(reason.strip()), _("修订考核方案请填写修订理由。"), "reason")
        scored = scheme.scorecards.filter(published_at__isnull=False).values_list("period", flat=True)
        refuse_unless(
            all(Period.parse(p).end < start for p in scored),
            _("新版本不能从已公布考核结果的月份开始执行。"),
            "in_force_from",
        )
        try:
            version = SchemeVersion.objects.create(
                scheme=scheme, number=(latest.number + 1) if latest else 1, in_force_from=start,
                reason=reason.strip()[:500], created_by=by, created_at=clock.now(),
            )  # fmt: skip
        except IntegrityError:
            refuse_unless(False, _("该月已有一个版本开始执行。"), "in_force_from")
        SchemeLine.objects.bulk_create(
            SchemeLine(version=version, indicator=x.indicator, weight=x.weight, target=x.target, floor=x.floor, order=n)
            for n, x in enumerate(lines)
        )  # fmt: skip
        audit.record(
            "performance_scheme_versioned",
            version,
            actor=by,
            changes={"lines": [None, [x.indicator for x in lines]]},
        )
    return version


def version_for(scheme, period: Period) -> SchemeVersion | None:
    """The version in force when ``period`` began."""
    return scheme.versions.filter(in_force_from__lte=period.start).order_by("-in_force_from").first()


def units_of(scheme):
    return Unit.objects.filter(kind=scheme.unit_kind).order_by("code")


def compute(scheme, period: Period, *, by, now=None) -> Scorecard:
    """Score every unit of ``scheme``'s kind for ``period`` with the version in force then; again until
    published. Each indicator is asked once for all the units."""
    refuse_unless(is_office(by), _("只有绩效办可以计算考核得分。"), "forbidden")
    version = version_for(scheme, period)
    refuse_unless(version is not None, _("该考核期没有生效的考核方案。"), "version")
    now = now or clock.now()
    refuse_unless(period.start <= timezone.localdate(now), _("考核期尚未开始。"), "period")
    units = list(units_of(scheme))
    lines = list(version.lines.all())
    figures = {
        line.pk: indicators.get(line.indicator).compute(Grouping.UNIT, [u.pk for u in units], period, now=now)
        for line in lines
    }
    with transaction.atomic():
        card = Scorecard.objects.select_for_update().filter(scheme=scheme, period=period.code).first()
        refuse_unless(
            card is None or card.published_at is None, _("该期考核结果已公布，不能重新计算。"), "published"
        )
        if card is None:
            card = Scorecard.objects.create(
                scheme=scheme, version=version, period=period.code, computed_at=now, computed_by=by
            )
        else:
            card.scores.all().delete()
            card.version, card.computed_at, card.computed_by = version, now, by
            card.save(update_fields=["version", "computed_at", "computed_by"])
        _write_scores(card, units, lines, figures)
        audit.record("performance_scored", card, actor=by, changes={"units": [None, len(units)]})
    return card


def _write_scores(card, units, lines, figures) -> None:
    per_unit = {}
    for unit in units:
        got = [(line, figures[line.pk][unit.pk]) for line in lines]
        per_unit[unit.pk] = [
            (line, f, scoring.points(f.value, float(line.weight), line.target, line.floor)) for line, f in got
        ]
    totals = {
        pk: scoring.total([(p, float(line.weight)) for line, _f, p in rows]) for pk, rows in per_unit.items()
    }
    scores = Score.objects.bulk_create(
        Score(scorecard=card, unit_id=r.subject, total=r.total, rank=r.rank) for r in scoring.rank(totals)
    )
    ScoreLine.objects.bulk_create(
        ScoreLine(score=score, line=line, value=f.value, numerator=f.numerator, denominator=f.denominator, count=f.count, points=p)
        for score in scores
        for line, f, p in per_unit[score.unit_id]
    )  # fmt: skip


def publish(card, *, by) -> Scorecard:
    """Make the scorecard final and open the objection window (N working days)."""
    refuse_unless(is_office(by), _("只有绩效办可以公布考核结果。"), "forbidden")
    with transaction.atomic():
        card = Scorecard.objects.select_for_update().get(pk=card.pk)
        refuse_unless(card.published_at is None, _("该期考核结果已公布。"), "published")
        now = clock.now()
        card.published_at = now
        card.objections_until = deadline_after(now, PerformanceRules.current().objection_days)
        card.save(update_fields=["published_at", "objections_until"])
        audit.record("performance_published", card, actor=by, changes={"published_at": [None, str(now)]})
    return card


def may_object(user, score) -> bool:
    card = score.scorecard
    return (
        official_unit(user) == score.unit_id
        and card.published_at is not None
        and clock.now() <= card.objections_until
        and not score.objections.filter(state=ObjectionState.PENDING).exists()
    )


def object_to(score, *, by, reason: str, line=None) -> Objection:
    """The unit objects to its score (申诉), within the window, one pending objection at a time."""
    refuse_unless(official_unit(by) == score.unit_id, _("只有被考核单位可以提出申诉。"), "forbidden")
    refuse_unless(bool(reason.strip()), _("请填写申诉理由。"), "reason")
    card = score.scorecard
    refuse_unless(card.published_at is not None, _("考核结果尚未公布。"), "unpublished")
    refuse_unless(clock.now() <= card.objections_until, _("已超过申诉期限。"), "late")
    refuse_unless(line is None or line.score_id == score.pk, _("该指标不属于本单位得分。"), "line")
    with transaction.atomic():
        Score.objects.select_for_update().get(pk=score.pk)
        pending = score.objections.filter(state=ObjectionState.PENDING).exists()
        refuse_unless(not pending, _("本单位已有一项申诉在处理中。"), "pending")
        found = Objection.objects.create(
            score=score, line=line, reason=reason.strip()[:2000], filed_by=by, filed_at=clock.now()
        )
        audit.record("performance_objected", found, actor=by, changes={"reason": [None, found.reason]})
        office = list(_office_users())
        notify_after_commit(
            lambda: notify(
                office,
                _("考核申诉待处理：%(u)s") % {"u": score.unit.name},
                link=f"/performance/scores/{score.pk}/",
            )
        )
    return found


def _office_users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, person__roles__role=Role.PERFORMANCE_OFFICE)


def decide(objection, *, by, upheld: bool, decision: str, corrected_total: float | None = None) -> Objection:
    """The office's decision; an upheld objection may carry the corrected score, kept beside the
    original (Score.total never changes)."""
    refuse_unless(is_office(by), _("只有绩效办可以处理申诉。"), "forbidden")
    refuse_unless(bool(decision.strip()), _("请填写处理意见。"), "decision")
    refuse_unless(upheld or corrected_total is None, _("申诉不成立时不更正得分。"), "corrected_total")
    refuse_unless(
        corrected_total is None or 0 <= corrected_total <= 100,
        _("更正后得分应在 0 到 100 之间。"),
        "corrected_total",
    )
    with transaction.atomic():
        found = Objection.objects.select_for_update().select_related("score__unit").get(pk=objection.pk)
        refuse_unless(found.state == ObjectionState.PENDING, _("该申诉已处理。"), "decided")
        found.state = ObjectionState.UPHELD if upheld else ObjectionState.REJECTED
        found.decision, found.corrected_total = decision.strip()[:2000], corrected_total
        found.decided_by, found.decided_at = by, clock.now()
        found.save(update_fields=["state", "decision", "corrected_total", "decided_by", "decided_at"])
        audit.record(
            "performance_objection_decided",
            found,
            actor=by,
            changes={
                "state": [ObjectionState.PENDING, found.state],
                "corrected_total": [None, corrected_total],
            },
        )
        filer = found.filed_by
        notify_after_commit(
            lambda: notify(
                [filer],
                _("考核申诉已处理：%(s)s") % {"s": found.get_state_display()},
                link=f"/performance/scores/{found.score_id}/",
            )
        )
    return found


def final_total(score) -> float | None:
    """The score that stands: the latest upheld objection's correction, else the original. Reads the
    score's objections as given (a ranking prefetches them: no query a row)."""
    corrected = [
        o
        for o in score.objections.all()
        if o.state == ObjectionState.UPHELD and o.corrected_total is not None
    ]
    return max(corrected, key=lambda o: o.decided_at).corrected_total if corrected else score.total
