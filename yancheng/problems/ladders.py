"""The problem's deadline on core's escalation ladder (core/ladder.py): one working day before it,
the responsible person (or unit) is reminded; once it has passed with the problem still open, a 提示单
to the unit, then a 督办单 to its head and the commission, a 联系单 to the project's leader (or the city
leaders), and a 报告单 to the supervision office and the leaders. A problem whose evidence is filed is
off the ladder; a return puts it back (its deadline unchanged), a reopening with its new deadline."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.projects import escalation

from .actions import responsible_users
from .choices import EventKind, State
from .models import Problem, ProblemEvent

# Not the commitments' 衡发改督: each ladder numbers its documents from 1 a year.
NUMBER_PREFIX = "衡发改清督"


def _deadline(problem, now):
    return problem.deadline_at if problem.state == State.OPEN else None


def _record(sent: list[tuple]) -> None:
    ProblemEvent.objects.bulk_create(
        ProblemEvent(problem=record, at=step.row.at, by=None, kind=EventKind.ESCALATED, note=step.note)
        for record, step in sent
    )


PROBLEM = ladder.register(
    ladder.Ladder(
        kind="problem",
        model=Problem,
        steps=(
            ladder.Step(Rung.REMINDER, -1, responsible_users),
            ladder.Step(Rung.NOTICE, 1, escalation.officials),
            ladder.Step(Rung.SUPERVISION_ORDER, 3, escalation.head_and_commission),
            ladder.Step(Rung.LIAISON_LETTER, 5, lambda p: escalation.leader_or_leaders(p.project.leader, p)),
            ladder.Step(Rung.REPORT, 10, escalation.report_recipients),
        ),
        deadline=_deadline,
        deadline_sql=F("deadline_at"),
        open=lambda now: Problem.objects.filter(state=State.OPEN).select_related(
            "project__leader__user", "unit__head", "person__user"
        ),
        visible=lambda user: Problem.objects.for_user(user),
        link=lambda problem: f"/problems/{problem.pk}/",
        authority=escalation.AUTHORITY,
        number_prefix=NUMBER_PREFIX,
        subject=lambda problem: f"{problem.project.name}（{problem.description[:20]}）",
        addressee=escalation.addressee,
        on_steps=_record,
    )
)
