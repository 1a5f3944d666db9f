"""Background work on enterprise requests: the escalation ladder (催办).

The worker only sends reminders and records what already holds (architecture, habit 4): a request's
state — due soon, overdue, deemed accepted — is derived from its stored deadlines whether or not this
ran. ``escalate`` looks at the requests near or past their effective reply deadline and takes the
rungs that hold now and have not been taken for that deadline:

====================  ==========================================  ====================================
rung                  when                                        to
====================  ==========================================  ====================================
到期提醒 REMINDER      ≤ 1 working day left (not yet overdue)      the unit's officials
提示单 NOTICE          the reply deadline has passed               the unit's officials
督办单 SUPERVISION     2 working days overdue                      the unit head (else its officials)
                                                                  and the supervision office (督查室)
报告单 REPORT          5 working days overdue                      the city leaders
====================  ==========================================  ====================================

plus a REMINDER (about the acceptance deadline) to the unit of a request not yet accepted whose
acceptance deadline ends today, so it is not deemed accepted by neglect. A request not routed yet has
no unit: what would go to the unit's officials goes to the business-environment office, whose task
routing is.

The rules live in core's ladder (core/ladder.py); this app declares two ladders there (ladders.py): the
acceptance deadline's (the reminder) and the reply deadline's (the rest). Each step is one core
``LadderStep`` row, unique per (kind, request, rung, deadline): a second run, or a second worker running
at the same moment, finds the row and does nothing. Each instrument (提示单, 督办单, 报告单) is a numbered
document (衡优办督〔2026〕12号). The app keeps its ``EscalationStep`` rows as the request's own record of
steps (written with each step by the ladder's hook, with the escalation event): its ledger, its demo
and its tests read them. A new reply deadline (an approved
extension, a reopened request) is another deadline, so the ladder is climbed afresh. A worker that was
down takes every rung that holds at once (but no "due soon" reminder once the deadline has passed).

``escalate`` runs every 10 minutes through ``yancheng.core.periodic``; several workers may each run it,
which is harmless since every step is taken at most once."""

from datetime import datetime, timedelta

from django.utils import timezone

from yancheng.core import clock, ladder, workdays
from yancheng.core.periodic import every

from .actions import office_users, unit_users
from .choices import Escalation
from .ladders import (
    ACCEPTANCE,
    LADDERS,
    LEVEL_OF_RUNG,
    REPLY,
    REPORT_AFTER,
    RUNG_OF_LEVEL,
    SUPERVISION_AFTER,
    acceptance_message,
    officials,
    rung_message,
)

__all__ = [
    "REPORT_AFTER",
    "SUPERVISION_AFTER",
    "acceptance_message",
    "candidates",
    "escalate",
    "office_users",
    "officials",
    "recipients",
    "rung_message",
    "rungs_due",
    "unit_users",
    "working_days_left",
]

ONE_DAY = timedelta(days=1)


def candidates(now: datetime):
    """The requests on the reply ladder that may need a step now, in one query (and one of the
    calendar and one of the offsets in force): core's candidates of the reply ladder. (Those awaiting acceptance on the last day are
    ``ladder.candidates(ACCEPTANCE, now)``.)"""
    return ladder.candidates(REPLY, now).select_related("unit__head")


def working_days_left(deadline: datetime, now: datetime, overrides) -> int:
    """``workdays.working_days_left`` with the calendar overrides given (the tests hold the two equal)."""
    today = timezone.localdate(now)
    due_day = timezone.localdate(deadline)
    if now > deadline:
        return -max(1, _working_days_between(due_day, today, overrides))
    return _working_days_between(today, due_day, overrides)


def _working_days_between(start, end, overrides) -> int:
    if end <= start:
        return 0
    return sum(workdays.is_workday(start + i * ONE_DAY, overrides) for i in range(1, (end - start).days + 1))


def rungs_due(days_left: int) -> list[int]:
    """The rungs of the reply ladder (its declared offsets) that hold with ``days_left`` working days
    left (negative: overdue)."""
    late = -days_left
    return [
        LEVEL_OF_RUNG[step.rung]
        for step in REPLY.steps
        if ladder.holds(step.rung, step.offset, late, passed=days_left < 0)
    ]


def recipients(request, level) -> list:
    """Who is told of a rung of the reply ladder."""
    return list(REPLY.step(RUNG_OF_LEVEL[level]).to(request))


class _Ladder:
    """The app's former ladder, kept as a thin wrapper of core's for its callers."""

    def __init__(self, now: datetime):
        self.now = now

    def take(self, request, level, deadline, title: str, note: str, to) -> bool:
        """One step through core's ladder (the acceptance ladder's for the acceptance deadline's
        reminder); False when it was taken already."""
        on = ACCEPTANCE if level == Escalation.REMINDER and deadline == request.accept_deadline else REPLY
        step = on.step(RUNG_OF_LEVEL[level])
        late = ladder.days_late(deadline, self.now)
        return ladder.take(on, request, step, deadline, late=late, title=title, note=note, to=to)


@every(minutes=10)
def escalate(now: datetime | None = None) -> int:
    """Take every rung of the two ladders that holds at ``now`` (default: the platform's clock) and was
    not taken yet; return how many steps were taken. Safe to run at any time, any number of times, from
    any number of workers."""
    return ladder.run_pass(LADDERS, now or clock.now())
