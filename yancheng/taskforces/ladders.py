"""The task forces' deadlines on core's escalation ladder (core/ladder.py), three kinds:

- a milestone of the timeline (kind ``taskforce_milestone``): one working day before its planned date
  the responsible unit is reminded; once passed and not met, a 提示单 to the unit, a 督办单 to its head
  and the lead unit, a 联系单 to the task force's lead leader, a 报告单 to the supervision office and the
  leaders;
- a task's time to answer (``taskforce_task``): the same, faster, from the moment it stalls;
- a blocker's time to be solved (``taskforce_blocker``): from the moment it stalls.
Meeting, answering or solving takes the record off the ladder."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role
from yancheng.core.roles import unit_officials as officials_of_unit

from .choices import EventKind
from .models import Blocker, Milestone, Task, TaskForce, TaskForceEvent

AUTHORITY = "衡阳市人民政府督查室"


@ladder.per_pass(lambda record: record.unit_id)
def unit_officials(record) -> list:
    return officials_of_unit(record.unit_id)


@ladder.per_pass(lambda record: (record.unit_id, record.task_force_id))
def head_and_lead_unit(record) -> list:
    head = ladder.to_head(lambda r: r.unit)(record) or unit_officials(record)
    return head + officials_of_unit(record.task_force.lead_unit_id)


def lead_leader(record) -> list:
    user = record.task_force.leader.user
    return [user] if user.is_active else ladder.to_role(Role.LEADER)(record)


@ladder.per_pass(lambda record: None)
def office_and_leaders(record) -> list:
    return ladder.to_role(Role.SUPERVISION_OFFICE)(record) + ladder.to_role(Role.LEADER)(record)


def _addressee(record, step) -> str:
    if step.rung == Rung.SUPERVISION_ORDER:
        return f"{record.unit.name}主要负责同志、{record.task_force.lead_unit.name}"
    if step.rung == Rung.LIAISON_LETTER:
        return f"{record.task_force.name}牵头市领导"
    if step.rung == Rung.REPORT:
        return "市领导"
    return record.unit.name


def _escalated(sent: list[tuple]) -> None:
    TaskForceEvent.objects.bulk_create(
        TaskForceEvent(
            task_force_id=record.task_force_id,
            at=step.row.at,
            by=None,
            kind=EventKind.ESCALATED,
            note=step.note,
            unit_id=record.unit_id,
        )  # fmt: skip
        for record, step in sent
    )


def _declare(kind, model, steps, deadline_field, done_field, prefix, what):
    return ladder.register(
        ladder.Ladder(
            kind=kind,
            model=model,
            steps=steps,
            deadline=lambda r, now: getattr(r, deadline_field) if getattr(r, done_field) is None else None,
            deadline_sql=F(deadline_field),
            open=lambda now: model.objects.filter(**{f"{done_field}__isnull": True}).select_related(
                "unit__head", "task_force__leader__user", "task_force__lead_unit"
            ),
            visible=lambda user: model.objects.filter(task_force__in=TaskForce.objects.for_user(user)),
            link=lambda r: r.task_force.get_absolute_url(),
            authority=AUTHORITY,
            number_prefix=prefix,
            subject=lambda r: f"{r.task_force.name}：{what}“{str(r)[:60]}”",
            addressee=_addressee,
            on_steps=_escalated,
        )
    )


MILESTONE = _declare(
    "taskforce_milestone", Milestone,
    (
        ladder.Step(Rung.REMINDER, -1, unit_officials),
        ladder.Step(Rung.NOTICE, 1, unit_officials),
        ladder.Step(Rung.SUPERVISION_ORDER, 3, head_and_lead_unit),
        ladder.Step(Rung.LIAISON_LETTER, 5, lead_leader),
        ladder.Step(Rung.REPORT, 10, office_and_leaders),
    ),
    "deadline_at", "met_at", "衡专督", "推进节点",
)  # fmt: skip
TASK = _declare(
    "taskforce_task", Task,
    (
        ladder.Step(Rung.NOTICE, 1, unit_officials),
        ladder.Step(Rung.SUPERVISION_ORDER, 2, head_and_lead_unit),
        ladder.Step(Rung.LIAISON_LETTER, 3, lead_leader),
        ladder.Step(Rung.REPORT, 5, office_and_leaders),
    ),
    "answer_by", "answered_at", "衡专任", "协办任务",
)  # fmt: skip
BLOCKER = _declare(
    "taskforce_blocker", Blocker,
    (
        ladder.Step(Rung.NOTICE, 1, unit_officials),
        ladder.Step(Rung.SUPERVISION_ORDER, 3, head_and_lead_unit),
        ladder.Step(Rung.LIAISON_LETTER, 5, lead_leader),
        ladder.Step(Rung.REPORT, 10, office_and_leaders),
    ),
    "stalls_at", "resolved_at", "衡专卡", "卡点",
)  # fmt: skip
LADDERS = (MILESTONE, TASK, BLOCKER)
