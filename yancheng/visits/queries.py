"""Reads that are more than a scoped queryset: the figures a unit may see about itself."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, BooleanField, Case, Count, ExpressionWrapper, F, Q, When
from django.utils import timezone

from yancheng.core import clock

from .actions import LEEWAY
from .choices import RequestStatus
from .models import Pass, Rating, VisitRules

QUARTERS_SHOWN = 4
SCORES = ("overall", "conduct", "necessity", "efficiency", "integrity")


@dataclass
class Quarter:
    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first.year}年第{(self.first.month - 1) // 3 + 1}季度"

    def before(self) -> "Quarter":
        return quarter_of(self.first - timedelta(days=1))


def quarter_of(day: date) -> Quarter:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return Quarter(first, after - timedelta(days=1))


def unit_rating_summary(unit, today: date | None = None) -> dict:
    """A unit's rating averages, published by closed quarter: a quarter is shown once no rating can
    arrive for it any more (its visits' rating period has ended) and only if it holds at least
    `min_ratings_shown` ratings. Each figure is then a fixed average of at least that many ratings, and
    no figure contains another: a running average would give a single enterprise's scores away as the
    difference between two readings, one before and one after a visit. Never the single ratings, never
    who gave them."""
    rules = VisitRules.current()
    today = today or timezone.localdate(clock.now())
    # A visit starting on a quarter's last day may be rated until `rating_days` after it ends.
    quarter = quarter_of(today)
    while today <= quarter.last + timedelta(days=rules.rating_days + 1):
        quarter = quarter.before()
    quarters = []
    for _n in range(QUARTERS_SHOWN):
        quarters.append(_quarter_figures(unit, quarter, rules.min_ratings_shown))
        quarter = quarter.before()
    return {"minimum": rules.min_ratings_shown, "quarters": quarters}


def _quarter_figures(unit, quarter: Quarter, minimum: int) -> dict:
    since = timezone.make_aware(datetime.combine(quarter.first, time.min))
    until = timezone.make_aware(datetime.combine(quarter.last + timedelta(days=1), time.min))
    figures = Rating.objects.filter(
        visit__requests__unit=unit,
        visit__requests__status=RequestStatus.APPROVED,
        visit__starts_at__gte=since,
        visit__starts_at__lt=until,
    ).aggregate(count=Count("pk", distinct=True), **{name: Avg(name) for name in SCORES})
    shown = figures["count"] >= minimum
    averages = {name: round(figures[name], 1) if shown else None for name in SCORES}
    return {"label": quarter.label, "count": figures["count"], "shown": shown, **averages}


def passes_in_order(user, now: datetime):
    """A visitor's passes as 我的通行码 and the home card list them: the ones still to be used first, by
    start (so today's come before later days'), then the ended or revoked ones, the latest first. Each
    has `finished` (ended, with the scanner's leeway, or revoked) and `today` (starts today, local time)."""
    start = "visitor__request__visit__starts_at"
    finished = Q(revoked_at__isnull=False) | Q(visitor__request__visit__ends_at__lt=now - LEEWAY)
    today = Q(**{f"{start}__date": timezone.localdate(now)})
    return (
        Pass.objects.filter(visitor__user=user)
        .select_related("visitor__request__visit__enterprise", "visitor__request__unit")
        .annotate(
            finished=ExpressionWrapper(finished, output_field=BooleanField()),
            today=ExpressionWrapper(today, output_field=BooleanField()),
        )
        .order_by("finished", Case(When(finished=False, then=F(start))), F(start).desc())
    )
