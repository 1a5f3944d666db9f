"""Overdue commitments and fulfilment rates, derived on read (one grouped query) — never stored.

On a day `today`, a commitment counts once its deadline has passed or it is confirmed:
- on time: confirmed, its evidence filed on or before the deadline;
- late: confirmed, its evidence filed after the deadline;
- overdue: still with the unit (open or disputed) after the deadline;
- waiting: evidence filed, the owner has not answered yet (counts against the unit only if filed late).
The on-time rate is on time ÷ counted."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from yancheng.core.models import Person, Unit

from .choices import PENDING, State

GROUPS = {"unit": "unit_id", "leader": "leader_id"}


# On time: confirmed by the owner, its evidence filed on or before the deadline.
ON_TIME = Q(state=State.CONFIRMED) & Q(fulfilled_on__lte=F("due_on"))


def counted(today: date) -> Q:
    """The commitments a rate counts on ``today``: confirmed, or their deadline's day has passed."""
    return Q(state=State.CONFIRMED) | Q(due_on__lt=today)


def overdue(commitments, today: date):
    return commitments.filter(state__in=PENDING, due_on__lt=today)


def is_overdue(commitment, today: date) -> bool:
    return commitment.state in PENDING and commitment.due_on < today


@dataclass
class Fulfilment:
    key: object
    label: str
    counted: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    waiting: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.on_time) * 100 / self.counted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fulfilment(commitments, by: str, today: date) -> list[Fulfilment]:
    """Per committing unit (`by="unit"`) or leader (`by="leader"`), best rate first."""
    key = GROUPS[by]
    confirmed = Q(state=State.CONFIRMED)
    passed = Q(due_on__lt=today)
    rows = (
        commitments.exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(
            counted=Count("pk", filter=counted(today)),
            on_time=Count("pk", filter=ON_TIME),
            late=Count("pk", filter=confirmed & Q(fulfilled_on__gt=F("due_on"))),
            overdue=Count("pk", filter=Q(state__in=PENDING) & passed),
            waiting=Count("pk", filter=Q(state=State.FULFILLED) & passed),
        )
        .order_by()
    )
    keys = [row[key] for row in rows]
    model = Unit if by == "unit" else Person
    labels = dict(
        model.objects.filter(pk__in=keys).values_list("pk", "name" if by == "unit" else "full_name")
    )
    found = [
        Fulfilment(
            row[key],
            labels.get(row[key], ""),
            *(row[n] for n in ("counted", "on_time", "late", "overdue", "waiting")),
        )
        for row in rows
    ]
    return sorted(found, key=lambda r: (r.rate is None, -(r.rate or 0), r.label))
