"""Reads that are more than a scoped queryset: the figures a unit may see about itself."""

from django.db.models import Avg, Count

from .choices import RequestStatus
from .models import Rating, VisitRules


def unit_rating_summary(unit) -> dict:
    """A unit's rating averages, only once it has at least `min_ratings_shown` ratings: below that, an
    average could give away a single enterprise's scores. Never the single ratings, never who gave them."""
    minimum = VisitRules.current().min_ratings_shown
    ratings = Rating.objects.filter(
        visit__requests__unit=unit, visit__requests__status=RequestStatus.APPROVED
    )
    figures = ratings.aggregate(
        count=Count("pk", distinct=True),
        overall=Avg("overall"),
        conduct=Avg("conduct"),
        necessity=Avg("necessity"),
        efficiency=Avg("efficiency"),
        integrity=Avg("integrity"),
    )
    if figures["count"] < minimum:
        return {"count": figures["count"], "shown": False, "minimum": minimum}
    return {
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()},
        "shown": True,
        "minimum": minimum,
    }
