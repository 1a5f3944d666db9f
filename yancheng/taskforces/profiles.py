"""The performance profile (质效画像) of a cadre at deputy-division level or above, from the data: the
milestones and tasks they own that fell due in the year (on time, late, still open), the stalls they
caused (how often, how long), the supervision items closed with them as responsible leader — beside the
leaders' quarterly assessments. The year's candidates for excellent individuals are the cadres ranked by
those figures; a leader chooses among them.

Every figure is a count of rows, in a fixed number of grouped queries however many cadres."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from yancheng.core import workdays
from yancheng.core.indicators import grouped
from yancheng.supervision.choices import State as ItemState
from yancheng.supervision.models import Item

from . import stalls
from .choices import PROFILED_FROM, Grade
from .models import Assessment, Cadre, Milestone, Stall, Task


@dataclass
class Owned:
    """Milestones or tasks that fell due in the year: how many, done on time, done late, open late."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    open_late: int = 0


@dataclass
class Profile:
    cadre: Cadre
    milestones: Owned = field(default_factory=Owned)
    tasks: Owned = field(default_factory=Owned)
    stalls: int = 0
    stall_days: int = 0
    items_closed: int = 0
    excellent_grades: int = 0

    @property
    def due(self) -> int:
        return self.milestones.due + self.tasks.due

    @property
    def on_time_share(self) -> float | None:
        """On time among everything owned that fell due, in %; None with nothing due."""
        done = self.milestones.on_time + self.tasks.on_time
        return 100 * done / self.due if self.due else None

    def rank_key(self):
        """Candidates first by the on-time share, then the fewest stalls, the most items closed, the most
        优秀 assessments; a cadre with nothing due comes last."""
        share = self.on_time_share
        return (share is None, -(share or 0), self.stalls, -self.items_closed, -self.excellent_grades)


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _owned(model, done_field: str, day_field: str, ids, year: int, now: datetime) -> dict[int, Owned]:
    first, last = _year(year)
    rows = model.objects.filter(owner_id__in=ids, **{f"{day_field}__range": (first, last)}).filter(
        Q(**{f"{done_field}__isnull": False}) | Q(deadline_at__lt=now)
    )
    on_time = Q(**{f"{done_field}__lte": F("deadline_at")})
    counts = grouped(
        rows, "owner_id", due=Count("pk"), on_time=Count("pk", filter=on_time),
        open_late=Count("pk", filter=Q(**{f"{done_field}__isnull": True})),
    )  # fmt: skip
    return {
        owner: Owned(
            row["due"], row["on_time"], row["due"] - row["on_time"] - row["open_late"], row["open_late"]
        )
        for owner, row in counts.items()
    }


def stalls_of(ids, year: int):
    first, last = _year(year)
    return Stall.objects.filter(cadre_id__in=ids, started_at__date__range=(first, last))


def profiles(cadres, year: int, now: datetime) -> list[Profile]:
    """The profiles of ``cadres`` for ``year`` as of ``now``."""
    cadres = list(cadres)
    ids = [c.pk for c in cadres]
    milestones = _owned(Milestone, "met_at", "planned_on", ids, year, now)
    tasks = _owned(Task, "done_at", "due_on", ids, year, now)
    kept = {}
    first, last = _year(year)
    with workdays.covering(first, max(last, timezone.localdate(now))):
        for stall in stalls_of(ids, year):
            count, days = kept.get(stall.cadre_id, (0, 0))
            kept[stall.cadre_id] = (count + 1, days + stalls.working_days(stall, now))
    people = {c.person_id: c.pk for c in cadres}
    closed = grouped(
        Item.objects.filter(leader_id__in=people, state=ItemState.CLOSED, closed_at__date__range=(first, last)),
        "leader_id", n=Count("pk"),
    )  # fmt: skip
    graded = grouped(
        Assessment.objects.filter(cadre_id__in=ids, year=year, grade=Grade.EXCELLENT),
        "cadre_id",
        n=Count("pk"),
    )
    found = []
    for cadre in cadres:
        count, days = kept.get(cadre.pk, (0, 0))
        found.append(
            Profile(
                cadre,
                milestones.get(cadre.pk, Owned()),
                tasks.get(cadre.pk, Owned()),
                count,
                days,
                closed.get(cadre.person_id, {}).get("n", 0),
                graded.get(cadre.pk, {}).get("n", 0),
            )  # fmt: skip
        )
    return found


def candidates(year: int, now: datetime, limit: int = 30) -> list[Profile]:
    """The year's candidates for excellent individuals: the profiled cadres with something due, ranked."""
    cadres = Cadre.objects.filter(rank__gte=PROFILED_FROM).select_related("person__unit")
    ranked = sorted((p for p in profiles(cadres, year, now) if p.due), key=Profile.rank_key)
    return ranked[:limit]
