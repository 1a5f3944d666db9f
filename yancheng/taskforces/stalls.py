"""Stalls (卡壳), derived on read from the stored moments, so a page is right whether or not the worker
ran: a milestone not met by its ``stalls_at`` (the end of the N-th working day after its planned date),
a blocker not solved by its ``stalls_at``, a task its unit has not answered by ``answer_by``.

Each stall is also kept as an accountability record (``Stall``): the worker writes the ones that hold
(``record``, idempotent: one row per milestone, blocker or task), and the action that solves the thing
closes it — or writes it closed, should the worker not have run in between. The record's start is when
the rule first held, never when a worker noticed."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from yancheng.core import workdays

from .choices import StallKind
from .models import Blocker, Milestone, Stall, Task

# Per kind: the model, the moment it stalls, the field that ends it, who answers for it.
SOURCES = {
    StallKind.MILESTONE: (Milestone, "stalls_at", "met_at", "owner_id"),
    StallKind.BLOCKER: (Blocker, "stalls_at", "resolved_at", None),
    StallKind.TASK: (Task, "answer_by", "answered_at", "owner_id"),
}


def stalled(kind: str, now: datetime) -> Q:
    """The records of ``kind`` stalled at ``now``."""
    _model, starts, ends, _owner = SOURCES[kind]
    return Q(**{f"{ends}__isnull": True, f"{starts}__lt": now})


def ever_stalled(kind: str, now: datetime) -> Q:
    """Stalled at ``now``, or solved after the moment they stalled."""
    _model, starts, ends, _owner = SOURCES[kind]
    return stalled(kind, now) | Q(**{f"{ends}__gt": F(starts)})


def stalled_task_forces(now: datetime) -> Q:
    """A Q over task forces: those with anything stalled at ``now``."""
    found = Q()
    for kind, (model, *_rest) in SOURCES.items():
        found |= Exists(model.objects.filter(stalled(kind, now), task_force=OuterRef("pk")))
    return found


@dataclass(frozen=True)
class Current:
    """A stall that holds now, as a page names it."""

    kind: str
    record: object
    unit: object
    since: datetime

    @property
    def label(self) -> str:
        return StallKind(self.kind).label

    def working_days(self, now: datetime) -> int:
        return workdays.working_days_between(timezone.localdate(self.since), timezone.localdate(now))


def current(task_force, now: datetime) -> list[Current]:
    """What holds ``task_force`` up at ``now``, oldest first, with the unit that must act (3 queries)."""
    found = []
    for kind, (model, starts, _ends, _owner) in SOURCES.items():
        for record in model.objects.filter(stalled(kind, now), task_force=task_force).select_related("unit"):
            found.append(Current(kind, record, record.unit, getattr(record, starts)))
    return sorted(found, key=lambda stall: stall.since)


def _row(kind, record, started_at, ended_at=None) -> Stall:
    _model, _starts, _ends, owner = SOURCES[kind]
    return Stall(
        task_force_id=record.task_force_id, unit_id=record.unit_id, kind=kind,
        cadre_id=getattr(record, owner) if owner else None, started_at=started_at, ended_at=ended_at,
        **{kind: record},
    )  # fmt: skip


def record(now: datetime) -> int:
    """Keep every stall that holds or held by ``now`` as an accountability record, once; close the ones
    whose cause was solved. Safe to run any number of times, from any number of workers."""
    written = 0
    for kind, (model, starts, ends, _owner) in SOURCES.items():
        kept = Stall.objects.filter(**{f"{kind}__isnull": False}).values(f"{kind}_id")
        missing = model.objects.filter(ever_stalled(kind, now)).exclude(pk__in=kept)
        rows = [_row(kind, r, getattr(r, starts), getattr(r, ends)) for r in missing]
        Stall.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
        solved = model.objects.filter(**{f"{ends}__isnull": False}).values("pk")
        for stall in Stall.objects.filter(ended_at=None, **{f"{kind}__in": solved}).select_related(kind):
            stall.ended_at = getattr(getattr(stall, kind), ends)
            stall.save(update_fields=["ended_at"])
    return written


def close(kind: str, record, now: datetime) -> None:
    """The action solving ``record`` at ``now`` closes its stall, writing it if it stalled unrecorded
    (called inside the action's transaction)."""
    _model, starts, _ends, _owner = SOURCES[kind]
    if getattr(record, starts) >= now:
        return
    updated = Stall.objects.filter(**{kind: record}, ended_at=None).update(ended_at=now)
    if not updated and not Stall.objects.filter(**{kind: record}).exists():
        Stall.objects.bulk_create([_row(kind, record, getattr(record, starts), now)], ignore_conflicts=True)


def working_days(stall: Stall, now: datetime) -> int:
    """How long a kept stall lasted (or has lasted), in working days."""
    end = stall.ended_at or now
    return workdays.working_days_between(timezone.localdate(stall.started_at), timezone.localdate(end))
