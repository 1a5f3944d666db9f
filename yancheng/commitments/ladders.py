"""The commitment's deadline on core's escalation ladder (core/ladder.py): one working day before it,
the committing unit is reminded; once it has passed without the unit's evidence, a 提示单 to the unit,
then a 督办单 to its head and the commission, a 联系单 to the leader who made the commitment (or the
city leaders), and a 报告单 to the supervision office and the leaders. A commitment the unit has filed
evidence for is off the ladder; a dispute puts it back (its deadline unchanged: the day has passed)."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.projects import escalation

from .choices import PENDING, EventKind
from .models import Commitment, CommitmentEvent

NUMBER_PREFIX = "衡发改督"


def _deadline(commitment, now):
    return commitment.deadline_at if commitment.state in PENDING else None


def _record(sent: list[tuple]) -> None:
    CommitmentEvent.objects.bulk_create(
        CommitmentEvent(commitment=record, at=step.row.at, by=None, kind=EventKind.ESCALATED, note=step.note)
        for record, step in sent
    )


COMMITMENT = ladder.register(
    ladder.Ladder(
        kind="commitment",
        model=Commitment,
        steps=(
            ladder.Step(Rung.REMINDER, -1, escalation.officials),
            ladder.Step(Rung.NOTICE, 1, escalation.officials),
            ladder.Step(Rung.SUPERVISION_ORDER, 3, escalation.head_and_commission),
            ladder.Step(Rung.LIAISON_LETTER, 5, lambda c: escalation.leader_or_leaders(c.leader, c)),
            ladder.Step(Rung.REPORT, 10, escalation.report_recipients),
        ),
        deadline=_deadline,
        deadline_sql=F("deadline_at"),
        open=lambda now: Commitment.objects.filter(state__in=PENDING).select_related(
            "project", "unit__head", "leader__user"
        ),
        visible=lambda user: Commitment.objects.for_user(user),
        link=lambda commitment: f"/commitments/{commitment.pk}/",
        authority=escalation.AUTHORITY,
        number_prefix=NUMBER_PREFIX,
        subject=lambda commitment: f"{commitment.project.name}（{commitment.get_kind_display()}）",
        addressee=escalation.addressee,
        on_steps=_record,
    )
)
