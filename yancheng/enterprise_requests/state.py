"""The state of a request at any moment, derived from its stored deadlines — never from a job having run.

Acceptance: a request not accepted by the end of its acceptance deadline counts as accepted at that
moment (逾期未反馈视作默认受理). Reply: due soon (yellow) with one working day or less left, overdue (red)
once the deadline has passed; a reply is on time if it came before the (possibly extended) deadline."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from yancheng.core import clock, workdays

from .choices import Satisfaction


@dataclass(frozen=True)
class State:
    code: str  # unrouted, awaiting_acceptance, in_progress, replied, closed
    label: str  # in the active language when derived
    colour: str  # green, yellow, red, grey
    accepted: bool
    accepted_on_time: bool
    deemed_accepted_at: datetime | None
    replied: bool
    replied_on_time: bool | None
    due_soon: bool
    overdue: bool
    deadline: datetime | None  # the deadline that matters now


def deemed_accepted_at(request, now: datetime) -> datetime | None:
    if request.accepted_at is not None and request.accepted_at <= request.accept_deadline:
        return None
    return request.accept_deadline if now > request.accept_deadline else None


def derive(request, now: datetime | None = None) -> State:
    now = now or clock.now()
    deemed = deemed_accepted_at(request, now)
    accepted = request.accepted_at is not None or deemed is not None
    on_time = request.accepted_at is not None and request.accepted_at <= request.accept_deadline
    reply_deadline = request.effective_reply_deadline
    replied = request.replied_at is not None
    replied_on_time = request.replied_at <= reply_deadline if replied else None

    if replied:
        closed = bool(request.satisfaction)
        return State(
            "closed" if closed else "replied",
            _("已办结") if closed else _("已答复待评价"),
            "green" if replied_on_time else "yellow",
            accepted,
            on_time,
            deemed,
            True,
            replied_on_time,
            False,
            False,
            None,
        )
    deadline = reply_deadline if accepted else request.accept_deadline
    overdue = accepted and now > reply_deadline
    due_soon = not overdue and workdays.working_days_left(deadline, now) <= 1
    if not accepted:
        if request.unit_id is None:
            code, label = "unrouted", _("待分派")
        else:
            code, label = "awaiting_acceptance", _("待受理")
    elif deemed is not None:
        code, label = "in_progress", _("默认受理，办理中")
    else:
        code, label = "in_progress", _("已受理，办理中")
    colour = "red" if overdue else "yellow" if due_soon else "green"
    return State(
        code,
        _("%(state)s（已超期）") % {"state": label} if overdue else label,
        colour,
        accepted,
        on_time,
        deemed,
        False,
        None,
        due_soon,
        overdue,
        deadline,
    )


# --- the same rules as conditions on a queryset (the ledger and the indicators count with them) ---

# Accepted by the deadline (a deemed acceptance is not on time).
ACCEPTED_ON_TIME = Q(accepted_at__lte=F("accept_deadline"))
# Replied by the deadline in force, extended or not.
REPLIED_ON_TIME = Q(replied_at__lte=Coalesce("extended_deadline", "reply_deadline"))
RATED = ~Q(satisfaction="")
SATISFIED = Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])


def accept_due(now: datetime) -> Q:
    """Counted for acceptance: accepted, or its acceptance deadline has passed."""
    return Q(accepted_at__isnull=False) | Q(accept_deadline__lt=now)


def deemed_accepted(now: datetime) -> Q:
    """Not accepted on time, and the deadline has passed: deemed accepted (逾期未反馈视作默认受理)."""
    not_on_time = Q(accepted_at__isnull=True) | Q(accepted_at__gt=F("accept_deadline"))
    return not_on_time & Q(accept_deadline__lt=now)


def reply_due(now: datetime) -> Q:
    """Counted for the reply: replied, or the deadline in force has passed (a request still within its
    time counts neither way)."""
    return (
        Q(replied_at__isnull=False)
        | Q(extended_deadline__isnull=True, reply_deadline__lt=now)
        | Q(extended_deadline__lt=now)
    )
