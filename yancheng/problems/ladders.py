"""The problem's deadline on core's escalation ladder (core/ladder.py): one working day before it,
the responsible person (or unit) is reminded; once it has passed with the problem still open, a 提示单
to the unit, then a 督办单 to its head and the commission, a 联系单 to the project's leader (or the city
leaders), and a 报告单 to the supervision office and the leaders. A problem whose evidence is filed is
off the ladder; a return puts it back (its deadline unchanged), a reopening with its new deadline."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role
from yancheng.projects.actions import unit_officials
from yancheng.projects.models import ProjectRules

from .actions import responsible_users
from .choices import EventKind, State
from .models import Problem, ProblemEvent

AUTHORITY = "衡阳市发展和改革委员会"
# Not the commitments' 衡发改督: each ladder numbers its documents from 1 a year.
NUMBER_PREFIX = "衡发改清督"


def head_and_commission(problem) -> list:
    head = ladder.to_head(lambda p: p.unit)(problem) or list(unit_officials(problem.unit_id))
    commission = ProjectRules.current().commission_id
    return head + (list(unit_officials(commission)) if commission else [])


def leader(problem) -> list:
    person = problem.project.leader
    user = person.user if person is not None and person.user_id else None
    return [user] if user is not None and user.is_active else ladder.to_role(Role.LEADER)(problem)


def report_recipients(problem) -> list:
    return ladder.to_role(Role.SUPERVISION_OFFICE)(problem) + ladder.to_role(Role.LEADER)(problem)


def _deadline(problem, now):
    return problem.deadline_at if problem.state == State.OPEN else None


def _record(problem, sent: ladder.Sent) -> None:
    ProblemEvent.objects.create(
        problem=problem, at=sent.row.at, by=None, kind=EventKind.ESCALATED, note=sent.note
    )


def _addressee(problem, step) -> str:
    if step.rung == Rung.SUPERVISION_ORDER:
        return f"{problem.unit.name}、市发展改革委"
    if step.rung == Rung.LIAISON_LETTER:
        return "联系市领导"
    if step.rung == Rung.REPORT:
        return "市领导、市委督查室"
    return problem.unit.name


PROBLEM = ladder.register(
    ladder.Ladder(
        kind="problem",
        model=Problem,
        steps=(
            ladder.Step(Rung.REMINDER, -1, responsible_users),
            ladder.Step(Rung.NOTICE, 1, lambda problem: list(unit_officials(problem.unit_id))),
            ladder.Step(Rung.SUPERVISION_ORDER, 3, head_and_commission),
            ladder.Step(Rung.LIAISON_LETTER, 5, leader),
            ladder.Step(Rung.REPORT, 10, report_recipients),
        ),
        deadline=_deadline,
        deadline_sql=F("deadline_at"),
        open=lambda now: Problem.objects.filter(state=State.OPEN).select_related(
            "project__leader__user", "unit__head", "person__user"
        ),
        visible=lambda user: Problem.objects.for_user(user),
        link=lambda problem: f"/problems/{problem.pk}/",
        authority=AUTHORITY,
        number_prefix=NUMBER_PREFIX,
        subject=lambda problem: f"{problem.project.name}（{problem.description[:20]}）",
        addressee=_addressee,
        on_step=_record,
    )
)
