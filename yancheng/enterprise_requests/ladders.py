"""The enterprise requests' two ladders on core's (core/ladder.py): the acceptance deadline's and the
reply deadline's. What they send, when and to whom is described in tasks.py, which schedules them."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role

from . import state
from .actions import _event, office_users, unit_users
from .choices import Escalation, EventKind
from .models import EnterpriseRequest, EscalationStep

AUTHORITY = "衡阳市优化经济发展环境办公室"
NUMBER_PREFIX = "衡优办督"
SUPERVISION_AFTER = 2  # working days overdue
REPORT_AFTER = 5

# The app's rungs (Escalation, kept as its record of steps) on core's: it has no liaison letter.
LEVEL_OF_RUNG = {
    Rung.REMINDER: Escalation.REMINDER,
    Rung.NOTICE: Escalation.NOTICE,
    Rung.SUPERVISION_ORDER: Escalation.SUPERVISION_ORDER,
    Rung.REPORT: Escalation.REPORT,
}
RUNG_OF_LEVEL = {level: rung for rung, level in LEVEL_OF_RUNG.items()}


def _role_users(role):
    return get_user_model().objects.filter(is_active=True, person__roles__role=role)


def officials(request):
    """Who answers for the request: the unit's officials, or the office while it is not routed."""
    return unit_users(request.unit) if request.unit_id else office_users()


def head_or_officials(request):
    head = request.unit.head if request.unit_id else None
    return [head] if head is not None and head.is_active else list(officials(request))


def supervision_recipients(request):
    """The unit head, else its officials, and the supervision office."""
    return head_or_officials(request) + list(_role_users(Role.SUPERVISION_OFFICE))


leaders = ladder.to_role(Role.LEADER)


def _handler(request) -> str:
    return str(request.unit) if request.unit_id else "市优化办"


def addressee(request, step) -> str:
    if step.rung == Rung.SUPERVISION_ORDER:
        return f"{_handler(request)}、市委督查室"
    if step.rung == Rung.REPORT:
        return "市领导"
    return _handler(request)


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


def _record(request, sent: ladder.Sent) -> None:
    """The step as the request's history: its row of steps and the escalation event (audited)."""
    row = sent.row
    EscalationStep.objects.create(
        request=request, level=LEVEL_OF_RUNG[row.rung], at=row.at, deadline=row.deadline
    )
    _event(request, EventKind.ESCALATED, None, sent.note)


def _link(request) -> str:
    return f"/requests/{request.pk}/"


def _visible(user):
    return EnterpriseRequest.objects.for_user(user)


def _accepted(request, now) -> bool:
    return request.accepted_at is not None or state.deemed_accepted_at(request, now) is not None


# --- acceptance: a reminder on the day the acceptance deadline ends, so a request is not deemed
# accepted by neglect ---------------------------------------------------------------------------------


def _acceptance_deadline(request, now):
    if request.accepted_at is None and request.replied_at is None and now <= request.accept_deadline:
        return request.accept_deadline
    return None


def _acceptance_open(now):
    return EnterpriseRequest.objects.filter(
        replied_at__isnull=True, accepted_at__isnull=True, accept_deadline__gte=now
    ).select_related("unit__head")


def _acceptance_message(_ladder, request, step, deadline, _late):
    return acceptance_message(subject=request.subject, unit=request.unit, deadline=deadline)


ACCEPTANCE = ladder.register(
    ladder.Ladder(
        kind="request_acceptance",
        model=EnterpriseRequest,
        steps=(ladder.Step(Rung.REMINDER, 0, officials),),
        deadline=_acceptance_deadline,
        deadline_sql=F("accept_deadline"),
        open=_acceptance_open,
        visible=_visible,
        link=_link,
        authority=AUTHORITY,
        number_prefix=NUMBER_PREFIX,
        subject=lambda request: request.subject,
        addressee=addressee,
        message=_acceptance_message,
        on_step=_record,
    )
)


# --- reply: due soon, then 提示单 → 督办单 → 报告单 ----------------------------------------------------


def _reply_deadline(request, now):
    if request.replied_at is None and _accepted(request, now):
        return request.effective_reply_deadline
    return None


def _reply_open(now):
    # Accepted, or past the acceptance deadline, so deemed accepted.
    return EnterpriseRequest.objects.filter(
        Q(accepted_at__isnull=False) | Q(accept_deadline__lt=now), replied_at__isnull=True
    ).select_related("unit__head")


def _reply_message(_ladder, request, step, deadline, late):
    return rung_message(
        LEVEL_OF_RUNG[step.rung], subject=request.subject, unit=request.unit, deadline=deadline, overdue=late
    )


REPLY = ladder.register(
    ladder.Ladder(
        kind="request_reply",
        model=EnterpriseRequest,
        steps=(
            ladder.Step(Rung.REMINDER, -1, officials),
            ladder.Step(Rung.NOTICE, 1, officials),
            ladder.Step(Rung.SUPERVISION_ORDER, SUPERVISION_AFTER, supervision_recipients),
            ladder.Step(Rung.REPORT, REPORT_AFTER, leaders),
        ),
        deadline=_reply_deadline,
        deadline_sql=Coalesce("extended_deadline", "reply_deadline"),
        open=_reply_open,
        visible=_visible,
        link=_link,
        authority=AUTHORITY,
        number_prefix=NUMBER_PREFIX,
        subject=lambda request: request.subject,
        addressee=addressee,
        message=_reply_message,
        on_step=_record,
    )
)

LADDERS = (ACCEPTANCE, REPLY)
