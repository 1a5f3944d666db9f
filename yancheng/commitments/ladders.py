"""The commitment's deadline on core's escalation ladder (core/ladder.py): one working day before it,
the committing unit is reminded; once it has passed without the unit's evidence, a 提示单 to the unit,
then a 督办单 to its head and the commission, a 联系单 to the leader who made the commitment (or the
city leaders), and a 报告单 to the supervision office and the leaders. A commitment the unit has filed
evidence for is off the ladder; a dispute puts it back (its deadline unchanged: the day has passed)."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role
from yancheng.projects.actions import unit_officials
from yancheng.projects.models import ProjectRules

from .choices import PENDING, EventKind
from .models import Commitment, CommitmentEvent

AUTHORITY = "衡阳市发展和改革委员会"
NUMBER_PREFIX = "衡发改督"


def officials(commitment) -> list:
    return list(unit_officials(commitment.unit_id))


def head_and_commission(commitment) -> list:
    head = ladder.to_head(lambda c: c.unit)(commitment) or officials(commitment)
    commission = ProjectRules.current().commission_id
    return head + (list(unit_officials(commission)) if commission else [])


def leader(commitment) -> list:
    user = commitment.leader.user if commitment.leader_id else None
    return [user] if user is not None and user.is_active else ladder.to_role(Role.LEADER)(commitment)


def report_recipients(commitment) -> list:
    return ladder.to_role(Role.SUPERVISION_OFFICE)(commitment) + ladder.to_role(Role.LEADER)(commitment)


def _deadline(commitment, now):
    return commitment.deadline_at if commitment.state in PENDING else None


def _record(commitment, sent: ladder.Sent) -> None:
    CommitmentEvent.objects.create(
        commitment=commitment, at=sent.row.at, by=None, kind=EventKind.ESCALATED, note=sent.note
    )


def _addressee(commitment, step) -> str:
    if step.rung == Rung.SUPERVISION_ORDER:
        return f"{commitment.unit.name}、市发展改革委"
    if step.rung in (Rung.LIAISON_LETTER, Rung.REPORT):
        return "市领导、市委督查室" if step.rung == Rung.REPORT else "联系市领导"
    return commitment.unit.name


COMMITMENT = ladder.register(
    ladder.Ladder(
        kind="commitment",
        model=Commitment,
        steps=(
            ladder.Step(Rung.REMINDER, -1, officials),
            ladder.Step(Rung.NOTICE, 1, officials),
            ladder.Step(Rung.SUPERVISION_ORDER, 3, head_and_commission),
            ladder.Step(Rung.LIAISON_LETTER, 5, leader),
            ladder.Step(Rung.REPORT, 10, report_recipients),
        ),
        deadline=_deadline,
        deadline_sql=F("deadline_at"),
        open=lambda now: Commitment.objects.filter(state__in=PENDING).select_related(
            "project", "unit__head", "leader__user"
        ),
        visible=lambda user: Commitment.objects.for_user(user),
        link=lambda commitment: f"/commitments/{commitment.pk}/",
        authority=AUTHORITY,
        number_prefix=NUMBER_PREFIX,
        subject=lambda commitment: f"{commitment.project.name}（{commitment.get_kind_display()}）",
        addressee=_addressee,
        on_step=_record,
    )
)
