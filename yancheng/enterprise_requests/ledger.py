"""The protection ledger (赋码保护台账): per unit figures over a range of local days, ranked and checked
against the accountability thresholds.

Interface: ``compute(start, end, *, now=None) -> list[LedgerRow]``, ranked (rank 1 first).

The range is the local days [start, end] (Asia/Shanghai): from local midnight of `start` to local midnight
after `end`. `now` (default: the platform clock) decides only what has ended or fallen due; every
recorded time is taken as it stands.

Figures of a unit (each from ONE grouped query over all units, ``values("unit").annotate(...)``, so the
number of queries does not depend on the number of units or rows — nine in all, with the names and the
two settings rows). Every visit figure counts the visits that START in the range, so that they tell one
story: a unit with no visit in the range has none to check in, and is never flagged for it.

- ``visit_requests``: the unit's visit requests (访企预约, any status) for visits starting in the range.
- ``passes_used``: green passes of the unit's requests with a check-in, for visits starting in the range
  (a pass has at most one check-in).
- ``visits_ended`` / ``visits_checked_in``: the unit's approved requests for visits starting in the range
  whose window has ended (before `now`), and those of them with at least one check-in by any of the
  unit's visitors. Check-in compliance (签到率) = visits_checked_in ÷ visits_ended.
- ``ratings`` / ``rating_total``: enterprise ratings (overall score, 1–5) of the visits starting in the
  range in which the unit had an approved request; average rating = rating_total ÷ ratings.
- ``no_pass_reports``: no-pass reports (无码入企) naming the unit, by when the visit occurred.
- ``requests_received``: enterprise requests (诉求) routed to the unit (its current unit, after any
  transfer) and filed in the range. Unrouted requests belong to no unit and are left out.
- ``accepted_on_time``: accepted_at ≤ accept_deadline. ``deemed_accepted``: not accepted on time and
  accept_deadline < now (逾期未反馈视作默认受理, as in state.py). ``accept_due``: accepted, or the accept
  deadline has passed. Accepted-on-time rate = accepted_on_time ÷ accept_due.
- ``replied_on_time``: replied_at ≤ coalesce(extended_deadline, reply_deadline). ``reply_due``: replied,
  or that deadline has passed. Replied-on-time rate = replied_on_time ÷ reply_due: a request still
  within its time counts neither way.
- ``rated`` / ``satisfied``: requests the enterprise rated, and those rated satisfied or basically
  satisfied. Satisfaction (满意率) = satisfied ÷ rated.

A unit is in the ledger when at least one of these figures is not zero in the range.

Score (综合得分, 0–100), the ranking key::

    score = 100 × (0.25 × 签到率 + 0.20 × 平均评分 ÷ 5 + 0.15 × 按时受理率
                   + 0.20 × 按时答复率 + 0.20 × 满意率) − 5 × 无码入企报告数

floored at 0 and rounded to two decimals. A rate with no denominator (nothing to measure) counts as full
marks, so a unit is never penalised for work it had no occasion to do; each no-pass report costs five
points. A unit none of whose five rates can be measured has no score (None) and no rank: it is listed
after the ranked units, as having nothing to measure, instead of heading the ranking with full marks for
nothing. An average rating of fewer ratings than the office's ``VisitRules.min_ratings_shown`` is not
shown and counts the same way: the bulletin goes to the units, and a unit with one rating could read that
enterprise's score from its average, or from its score and the other published rates (赋码保护: a unit
never sees a single rating). Ranked units are ordered by score (high first), then fewer no-pass reports,
then name; units with the same score share a rank (1, 2, 2, 4).

Accountability (问责): a unit is flagged, with its reasons in Chinese, when a measured rate is below the
office's threshold (``LedgerThresholds.current()``), or when its no-pass reports exceed the allowed
number. Comparisons are exact (integers against Decimal thresholds), so a rate exactly at the threshold
passes. A rate with no denominator never breaches.

Indexes that keep this fast at 1,000 units / 1,000,000 requests / 1,000,000 visits: Visit.starts_at for
every visit figure, NoPassReport(occurred_at) (migration visits 0002), EnterpriseRequest.filed_at, the
foreign keys and unique constraints.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from yancheng.core import clock
from yancheng.core.models import Unit
from yancheng.visits.choices import Direction, RequestStatus
from yancheng.visits.models import CheckEvent, NoPassReport, VisitRequest, VisitRules

from . import state
from .models import EnterpriseRequest, LedgerThresholds

# The weights of the score (they add up to 1) and the penalty of one no-pass report, in points.
WEIGHTS = {
    "checkin_compliance": Decimal("0.25"),
    "average_rating": Decimal("0.20"),
    "accept_on_time_rate": Decimal("0.15"),
    "reply_on_time_rate": Decimal("0.20"),
    "satisfaction_rate": Decimal("0.20"),
}
NO_PASS_PENALTY = 5
MAX_RATING = 5

# The counts of a row, in the order of LedgerRow's fields.
COUNTS = (
    "visit_requests",
    "passes_used",
    "visits_ended",
    "visits_checked_in",
    "ratings",
    "rating_total",
    "no_pass_reports",
    "requests_received",
    "accept_due",
    "accepted_on_time",
    "deemed_accepted",
    "reply_due",
    "replied_on_time",
    "rated",
    "satisfied",
)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class LedgerRow:
    unit_id: int | None
    unit_name: str
    visit_requests: int = 0
    passes_used: int = 0
    visits_ended: int = 0
    visits_checked_in: int = 0
    ratings: int = 0
    rating_total: int = 0
    no_pass_reports: int = 0
    requests_received: int = 0
    accept_due: int = 0
    accepted_on_time: int = 0
    deemed_accepted: int = 0
    reply_due: int = 0
    replied_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    ratings_minimum: int = 1  # fewer ratings than this: no average (see the module docstring)
    score: float | None = None  # None: nothing to measure (see the module docstring)
    rank: int | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def checkin_compliance(self) -> float | None:
        return _rate(self.visits_checked_in, self.visits_ended)

    @property
    def average_rating(self) -> float | None:
        return _rate(self.rating_total, self.ratings) if self.ratings >= self.ratings_minimum else None

    @property
    def accept_on_time_rate(self) -> float | None:
        return _rate(self.accepted_on_time, self.accept_due)

    @property
    def reply_on_time_rate(self) -> float | None:
        return _rate(self.replied_on_time, self.reply_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def measured(self) -> bool:
        """Whether at least one of the score's rates has a denominator."""
        return any(getattr(self, name) is not None for name in WEIGHTS)


def percent(value: float | None) -> str:
    """A rate as shown on the page, in Excel and in the bulletin: "95.0%", or "—" with no denominator."""
    return "—" if value is None else f"{value * 100:.1f}%"


def rating_text(value: float | None) -> str:
    """An average rating or a score as printed, "4.25", or "—" when there is none."""
    return "—" if value is None else f"{value:.2f}"


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local midnight of `start`, and local midnight after `end`."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return since, until


def _grouped(queryset, key: str, **figures) -> dict[int, dict]:
    """{unit id: {figure: value}} from one grouped query."""
    return {
        row.pop("unit_key"): row
        for row in queryset.order_by()
        .values(unit_key=F(key))
        .annotate(**figures)
        .values("unit_key", *figures)
    }


def _figures(since: datetime, until: datetime, now: datetime) -> list[dict[int, dict]]:
    approved = VisitRequest.objects.filter(status=RequestStatus.APPROVED)
    starting = {"visit__starts_at__gte": since, "visit__starts_at__lt": until}
    return [
        _grouped(VisitRequest.objects.filter(**starting), "unit", visit_requests=Count("pk")),
        _grouped(
            CheckEvent.objects.filter(
                direction=Direction.IN,
                green_pass__visitor__request__visit__starts_at__gte=since,
                green_pass__visitor__request__visit__starts_at__lt=until,
            ),
            "green_pass__visitor__request__unit",
            passes_used=Count("pk"),  # one check-in per pass (unique constraint)
        ),
        _grouped(
            approved.filter(**starting, visit__ends_at__lte=now),
            "unit",
            # Joined to the visitors' check-ins (several rows a request), hence distinct; a correlated
            # EXISTS was 3-4 times slower on PostgreSQL and no faster on SQLite.
            visits_ended=Count("pk", distinct=True),
            visits_checked_in=Count(
                "pk", distinct=True, filter=Q(visitors__green_pass__checks__direction=Direction.IN)
            ),
        ),
        _grouped(
            approved.filter(**starting, visit__rating__isnull=False),
            "unit",
            ratings=Count("visit__rating"),
            rating_total=Sum("visit__rating__overall"),
        ),
        _grouped(
            NoPassReport.objects.filter(unit__isnull=False, occurred_at__gte=since, occurred_at__lt=until),
            "unit",
            no_pass_reports=Count("pk"),
        ),
        _grouped(
            EnterpriseRequest.objects.filter(unit__isnull=False, filed_at__gte=since, filed_at__lt=until),
            "unit",
            requests_received=Count("pk"),
            accept_due=Count("pk", filter=state.accept_due(now)),
            accepted_on_time=Count("pk", filter=state.ACCEPTED_ON_TIME),
            deemed_accepted=Count("pk", filter=state.deemed_accepted(now)),
            reply_due=Count("pk", filter=state.reply_due(now)),
            replied_on_time=Count("pk", filter=state.REPLIED_ON_TIME),
            rated=Count("pk", filter=state.RATED),
            satisfied=Count("pk", filter=state.SATISFIED),
        ),
    ]


def score(row: LedgerRow) -> float | None:
    """The documented score: weighted rates (no denominator = full marks) minus the no-pass penalty;
    None when no rate can be measured."""
    if not row.measured:
        return None
    total = Decimal(0)
    for name, weight in WEIGHTS.items():
        value = getattr(row, name)
        if value is None:
            part = Decimal(1)
        elif name == "average_rating":
            part = Decimal(row.rating_total) / (Decimal(row.ratings) * MAX_RATING)
        else:
            part = Decimal(value)
        total += weight * part
    points = 100 * total - NO_PASS_PENALTY * row.no_pass_reports
    return float(max(points, Decimal(0)).quantize(Decimal("0.01")))


def _exact(value) -> Decimal:
    """A threshold as an exact Decimal (a freshly created LedgerThresholds holds its float defaults)."""
    return Decimal(str(value))


def breaches(row: LedgerRow, thresholds: LedgerThresholds) -> list[str]:
    """The reasons, in Chinese, why the unit is to be held to account (empty: none)."""
    reasons = []

    def below(label: str, part: int, whole: int, minimum):
        minimum = _exact(minimum)
        if whole and part < minimum * whole:
            reasons.append(f"{label}{percent(part / whole)}，低于{percent(minimum)}")

    below("签到率", row.visits_checked_in, row.visits_ended, thresholds.min_checkin_compliance)
    minimum_rating = _exact(thresholds.min_average_rating)
    if row.average_rating is not None and row.rating_total < minimum_rating * row.ratings:
        reasons.append(f"平均评分{rating_text(row.average_rating)}分，低于{minimum_rating:.2f}分")
    if row.no_pass_reports > thresholds.max_no_pass_reports:
        reasons.append(f"无码入企报告{row.no_pass_reports}起，超过{thresholds.max_no_pass_reports}起")
    below("按时受理率", row.accepted_on_time, row.accept_due, thresholds.min_accept_on_time)
    below("按时答复率", row.replied_on_time, row.reply_due, thresholds.min_reply_on_time)
    below("满意率", row.satisfied, row.rated, thresholds.min_satisfaction)
    return reasons


def rank(rows: list[LedgerRow], thresholds: LedgerThresholds) -> list[LedgerRow]:
    """Score, order, rank and flag the rows (in place); return them in ranking order."""
    for row in rows:
        row.score = score(row)
        row.flags = breaches(row, thresholds)
    rows.sort(
        key=lambda r: (r.score is None, -(r.score or 0), r.no_pass_reports, r.unit_name, r.unit_id or 0)
    )
    for index, row in enumerate(rows):
        if row.score is None:
            continue  # nothing to measure: listed after the ranked units, without a rank
        row.rank = rows[index - 1].rank if index and rows[index - 1].score == row.score else index + 1
    return rows


def compute(start: date, end: date, *, now: datetime | None = None) -> list[LedgerRow]:
    """The ledger of the local days [start, end], ranked; see the module docstring."""
    now = now or clock.now()
    since, until = bounds(start, end)
    by_unit: dict[int, dict] = {}
    for grouped in _figures(since, until, now):
        for unit_id, figures in grouped.items():
            by_unit.setdefault(unit_id, {}).update({k: v or 0 for k, v in figures.items()})
    active = {unit_id: f for unit_id, f in by_unit.items() if any(f.values())}
    names = dict(Unit.objects.filter(pk__in=list(active)).values_list("pk", "name"))
    minimum = VisitRules.current().min_ratings_shown
    rows = [
        LedgerRow(unit_id=unit_id, unit_name=names[unit_id], ratings_minimum=minimum, **f)
        for unit_id, f in active.items()
    ]
    return rank(rows, LedgerThresholds.current())


def totals(rows: list[LedgerRow]) -> LedgerRow:
    """The sum of every count over the rows (the city's totals), as a row without a unit."""
    return LedgerRow(
        unit_id=None,
        unit_name="合计",
        ratings_minimum=rows[0].ratings_minimum if rows else 1,
        **{name: sum(getattr(r, name) for r in rows) for name in COUNTS},
    )
