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

Each step is one ``EscalationStep`` row, unique per (request, rung, deadline): a second run, or a second
worker running at the same moment, finds the row and does nothing. A new reply deadline (an approved
extension, a reopened request) is another deadline, so the ladder is climbed afresh. A worker that was
down takes every rung that holds at once (but no "due soon" reminder once the deadline has passed).

``escalate`` runs every 10 minutes through ``yancheng.core.periodic``; several workers may each run it,
which is harmless since every step is taken at most once."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yancheng.core import clock, workdays
from yancheng.core.periodic import every
from yancheng.core.roles import Role

from . import state
from .actions import _after_commit_notify, _event, office_users, unit_users
from .choices import Escalation, EventKind
from .models import EnterpriseRequest, EscalationStep

SUPERVISION_AFTER = 2  # working days overdue
REPORT_AFTER = 5
ONE_DAY = timedelta(days=1)


def _end_of(day, tz) -> datetime:
    return datetime.combine(day, time.max, tzinfo=tz)


def candidates(now: datetime):
    """The requests that may need a step now, in one query: not replied, and either accepted (or past
    the acceptance deadline, so deemed accepted) with a reply deadline no later than the end of the
    next working day (due soon or overdue) and the last rung for that deadline not yet taken; or not
    accepted with the acceptance deadline ending today and not yet reminded. ``top_level`` is the
    highest rung taken for the current deadline. (Finding the next working day reads the calendar
    overrides: one query more.)"""
    steps = EscalationStep.objects.filter(request=OuterRef("pk"))
    effective = Coalesce(OuterRef("extended_deadline"), OuterRef("reply_deadline"))
    local_now = timezone.localtime(now)
    end_of_today = _end_of(local_now.date(), local_now.tzinfo)
    # ≤ 1 working day left means due no later than the end of the next working day.
    horizon = _end_of(workdays.add_working_days(local_now.date(), 1), local_now.tzinfo)
    on_ladder = (
        (Q(accepted_at__isnull=False) | Q(accept_deadline__lt=now))
        & Q(effective_deadline__lte=horizon)
        & (Q(top_level__isnull=True) | Q(top_level__lt=Escalation.REPORT))
    )
    acceptance_today = Q(
        accepted_at__isnull=True,
        accept_deadline__gte=now,
        accept_deadline__lte=end_of_today,
        acceptance_reminded=False,
    )
    return (
        EnterpriseRequest.objects.filter(replied_at__isnull=True)
        .annotate(
            effective_deadline=Coalesce("extended_deadline", "reply_deadline"),
            top_level=Subquery(steps.filter(deadline=effective).order_by("-level").values("level")[:1]),
            acceptance_reminded=Exists(
                steps.filter(level=Escalation.REMINDER, deadline=OuterRef("accept_deadline"))
            ),
        )
        .filter(on_ladder | acceptance_today)
        .select_related("unit__head")
        .order_by("pk")
    )


def working_days_left(deadline: datetime, now: datetime, overrides) -> int:
    """``workdays.working_days_left`` with the calendar overrides loaded once for the whole run (the
    tests hold the two equal), so a run costs the same few queries however many requests it looks at."""
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
    """The rungs that hold with ``days_left`` working days left (negative: overdue)."""
    if days_left >= 0:
        return [Escalation.REMINDER] if days_left <= 1 else []
    overdue = -days_left
    rungs = [Escalation.NOTICE]
    if overdue >= SUPERVISION_AFTER:
        rungs.append(Escalation.SUPERVISION_ORDER)
    if overdue >= REPORT_AFTER:
        rungs.append(Escalation.REPORT)
    return rungs


def _role_users(role):
    return get_user_model().objects.filter(is_active=True, person__roles__role=role)


def _local_day(moment: datetime) -> str:
    """The day of a moment for an event note, which is stored in Chinese."""
    day = timezone.localdate(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _title_day(moment: datetime) -> str:
    """The day of a moment for a message title, in the active language."""
    # Translators: a Django date format (Y year, n month, j day: numbers without leading zeros).
    return date_format(timezone.localdate(moment), _("Y年n月j日"))


def rung_message(level, *, subject: str, unit, deadline: datetime, overdue: int = 0) -> tuple[str, str]:
    """(message title, event note) of a rung of the reply ladder; ``unit`` None: not routed yet.
    The title is translated; the note is recorded as the request's history and stays as it was."""
    who = unit or "营商办"
    subject = f"“{subject}”"
    due = _local_day(deadline)
    label = Escalation(level).label
    # The handling unit in a title, or a word for none yet.
    handler = unit or pgettext("no handling unit yet", "待分派")
    values = {
        "label": label,
        "subject": subject,
        "due": _title_day(deadline),
        "unit": handler,
        "days": overdue,
    }
    if level == Escalation.REMINDER:
        return (
            _("%(label)s：诉求%(subject)s将于%(due)s到期，请及时答复") % values,
            f"{label}：答复期限为{due}，剩余不足 1 个工作日，已提醒{who}。",
        )
    if level == Escalation.NOTICE:
        return (
            _("%(label)s：诉求%(subject)s已超过答复期限，请尽快答复") % values,
            f"{label}：答复期限{due}已过，已向{who}发出提示单。",
        )
    if level == Escalation.SUPERVISION_ORDER:
        return (
            _("%(label)s：%(unit)s办理的诉求%(subject)s超期 %(days)s 个工作日未答复") % values,
            f"{label}：答复期限{due}，已超期 {overdue} 个工作日，已向{who}负责人和督查室发出督办单。",
        )
    return (
        _("%(label)s：%(unit)s办理的诉求%(subject)s超期 %(days)s 个工作日仍未答复") % values,
        f"{label}：答复期限{due}，已超期 {overdue} 个工作日，已报告市领导。",
    )


def acceptance_message(*, subject: str, unit, deadline: datetime) -> tuple[str, str]:
    """(message title, event note) of the reminder on the last day of the acceptance period. The title
    is translated; the note is recorded as the request's history and stays as it was."""
    title = (
        _("受理提醒：诉求“%(subject)s”今日受理期限届满，请及时受理")
        if unit
        else _("受理提醒：诉求“%(subject)s”今日受理期限届满，请及时分派")
    )
    return (
        title % {"subject": subject},
        f"{Escalation.REMINDER.label}：受理期限为{_local_day(deadline)}，逾期未受理将视作默认受理，"
        f"已提醒{unit or '营商办'}。",
    )


def officials(request):
    """Who answers for the request: the unit's officials, or the office while it is not routed."""
    return unit_users(request.unit) if request.unit_id else office_users()


def recipients(request, level) -> list:
    """Who is told of a rung: the unit (reminder, notice); its head, else its officials, and the
    supervision office (supervision order); the city leaders (report)."""
    if level in (Escalation.REMINDER, Escalation.NOTICE):
        return list(officials(request))
    if level == Escalation.SUPERVISION_ORDER:
        head = request.unit.head if request.unit_id else None
        first = [head] if head is not None and head.is_active else list(officials(request))
        return first + list(_role_users(Role.SUPERVISION_OFFICE))
    return list(_role_users(Role.LEADER))


class _Ladder:
    def __init__(self, now: datetime):
        self.now = now

    def take(self, request, level, deadline, title: str, note: str, to) -> bool:
        """One step: the row, the event (with its audit entry), the messages once committed. False when
        the row was there already (another worker, or an earlier run, took it)."""
        with transaction.atomic():
            _step, created = EscalationStep.objects.get_or_create(
                request=request, level=level, deadline=deadline, defaults={"at": clock.now()}
            )
            if not created:
                return False
            _event(request, EventKind.ESCALATED, None, note)
            _after_commit_notify(to, title, request, note)
        return True

    def climb(self, request, overrides) -> int:
        taken = 0
        if request.accepted_at is None and request.accept_deadline >= self.now:
            # Not accepted, acceptance deadline today (the query selected only those): remind once.
            if not request.acceptance_reminded:
                title, note = acceptance_message(
                    subject=request.subject, unit=request.unit, deadline=request.accept_deadline
                )
                deadline = request.accept_deadline
                taken += self.take(request, Escalation.REMINDER, deadline, title, note, officials(request))
            return taken
        accepted = request.accepted_at is not None or state.deemed_accepted_at(request, self.now) is not None
        if not accepted:
            return taken
        deadline = request.effective_reply_deadline
        days_left = working_days_left(deadline, self.now, overrides)
        top = request.top_level
        for level in rungs_due(days_left):
            if top is not None and level <= top:
                continue
            title, note = rung_message(
                level, subject=request.subject, unit=request.unit, deadline=deadline, overdue=-days_left
            )
            taken += self.take(request, level, deadline, title, note, recipients(request, level))
        return taken


@every(minutes=10)
def escalate(now: datetime | None = None) -> int:
    """Take every rung of the ladder that holds at ``now`` (default: the platform's clock) and was not
    taken yet; return how many steps were taken. Safe to run at any time, any number of times, from any
    number of workers."""
    now = now or clock.now()
    found = list(candidates(now))
    if not found:
        return 0
    today = timezone.localdate(now)
    days = [timezone.localdate(r.effective_reply_deadline) for r in found]
    overrides = workdays.load_overrides(min([today, *days]), max([today, *days]))
    ladder = _Ladder(now)
    return sum(ladder.climb(request, overrides) for request in found)
