"""What is done in a task force, each checked, atomic, recorded as an event and audited; refusals raise
ActionRefused with a message for the person and change nothing.

- the lead leader and the lead unit's officials set the timeline and the tasks and record meetings;
- members and the lead unit file the period's check-in, with its blockers put to a unit;
- the lead leader reads (acknowledges) each check-in and assesses the members each quarter;
- a unit meets its milestones, answers and finishes its tasks, solves the blockers put to it;
- a city leader chooses the year's excellent individuals from the ranked candidates."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, workdays
from yancheng.core.actions import ActionRefused, refuse_unless
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, has_role, official_unit, unit_officials

from . import stalls
from .choices import PROFILED_FROM, Cadence, EventKind, Grade, StallKind
from .models import (
    Assessment,
    Blocker,
    CheckIn,
    Decision,
    Excellent,
    Meeting,
    Member,
    Milestone,
    Task,
    TaskForceEvent,
    TaskForceRules,
)

MAX_TEXT = 2000
# Biweekly periods are counted from this Monday, so every task force's fortnights line up.
FORTNIGHT_ANCHOR = date(2024, 1, 1)


# --- who may ------------------------------------------------------------------------------------


def leads(user, task_force) -> bool:
    """The task force's lead leader (牵头市领导)."""
    return task_force.leader.user_id == getattr(user, "pk", None) and has_role(user, Role.LEADER)


def of_lead_unit(user, task_force) -> bool:
    return official_unit(user) == task_force.lead_unit_id


def is_member(user, task_force) -> bool:
    return Member.objects.filter(task_force=task_force, cadre__person__user=user).exists()


def may_manage(user, task_force) -> bool:
    """Set the timeline and the tasks, record meetings: the lead leader and the lead unit."""
    return leads(user, task_force) or of_lead_unit(user, task_force)


def may_check_in(user, task_force) -> bool:
    return of_lead_unit(user, task_force) or (official_unit(user) is not None and is_member(user, task_force))


def answers_for(user, record) -> bool:
    """An official of the unit a milestone, task or blocker names."""
    return official_unit(user) == record.unit_id


def may_assess(user, cadre) -> bool:
    """A city leader who leads a task force the cadre serves in, for a cadre the profile is drawn of."""
    return (
        has_role(user, Role.LEADER)
        and cadre.rank >= PROFILED_FROM
        and Member.objects.filter(cadre=cadre, task_force__leader__user=user).exists()
    )


def may_choose_excellent(user) -> bool:
    return has_role(user, Role.LEADER)


# --- helpers ------------------------------------------------------------------------------------


def _event(task_force, kind, by, note="", unit=None) -> None:
    TaskForceEvent.objects.create(
        task_force=task_force, at=clock.now(), by=by, kind=kind, note=note, unit=unit
    )
    audit.record(f"taskforce_{kind}", task_force, actor=by, changes={"note": [None, note[:200]]})


def _text(value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    refuse_unless(bool(value) or not required, _("请填写%(what)s。") % {"what": label}, "required")
    refuse_unless(
        len(value) <= MAX_TEXT, _("%(what)s不能超过 %(n)s 字。") % {"what": label, "n": MAX_TEXT}, "too_long"
    )
    return value


def _of_task_force(task_force, unit) -> None:
    units = {task_force.lead_unit_id, *task_force.cooperating_units.values_list("pk", flat=True)}
    refuse_unless(unit.pk in units, _("请选择本专班的牵头或配合单位。"), "unit")


def _member_of(task_force, cadre) -> None:
    refuse_unless(
        cadre is None or Member.objects.filter(task_force=task_force, cadre=cadre).exists(),
        _("责任人须是本专班成员。"),
        "owner",
    )


def _tell(users, title, link) -> None:
    users = list(users)
    if users:
        notify_after_commit(lambda: notify(users, title, link=link))


def _locked(model, record):
    return model.objects.select_for_update().get(pk=record.pk)


# --- the timeline and the tasks -----------------------------------------------------------------


def add_milestone(task_force, *, by, title: str, planned_on: date, unit, owner=None) -> Milestone:
    refuse_unless(may_manage(by, task_force), _("只有牵头市领导或牵头单位可以编排推进时序。"), "forbidden")
    title = _text(title, _("节点"))
    _of_task_force(task_force, unit)
    _member_of(task_force, owner)
    deadline = workdays.end_of_day(planned_on)
    grace = TaskForceRules.current().milestone_grace_days
    with transaction.atomic():
        milestone = Milestone.objects.create(
            task_force=task_force, title=title[:200], planned_on=planned_on, deadline_at=deadline,
            stalls_at=workdays.deadline_after(deadline, grace), unit=unit, owner=owner,
        )  # fmt: skip
        audit.record(
            "taskforce_milestone_added", milestone, actor=by, changes={"planned_on": [None, str(planned_on)]}
        )
    return milestone


def meet_milestone(milestone, *, by, note: str) -> Milestone:
    task_force = milestone.task_force
    refuse_unless(
        answers_for(by, milestone) or of_lead_unit(by, task_force),
        _("只有节点责任单位或牵头单位可以报完成。"),
        "forbidden",
    )
    note = _text(note, _("完成情况"))
    with transaction.atomic():
        locked = _locked(Milestone, milestone)
        refuse_unless(locked.met_at is None, _("该节点已报完成。"), "state")
        now = clock.now()
        locked.met_at, locked.met_note = now, note
        locked.save(update_fields=["met_at", "met_note"])
        stalls.close(StallKind.MILESTONE, locked, now)
        _event(task_force, EventKind.MILESTONE_MET, by, f"{locked.title}：{note}", locked.unit)
    return locked


def add_task(task_force, *, by, title: str, unit, due_on: date, measures: str = "", owner=None) -> Task:
    refuse_unless(may_manage(by, task_force), _("只有牵头市领导或牵头单位可以交办任务。"), "forbidden")
    title = _text(title, _("任务"))
    measures = _text(measures, _("措施要求"), required=False)
    _of_task_force(task_force, unit)
    _member_of(task_force, owner)
    now = clock.now()
    refuse_unless(due_on >= timezone.localdate(now), _("完成时限不能早于今天。"), "due_on")
    with transaction.atomic():
        task = Task.objects.create(
            task_force=task_force, title=title[:200], measures=measures, unit=unit, owner=owner,
            assigned_at=now, answer_by=workdays.deadline_after(now, TaskForceRules.current().task_answer_days),
            due_on=due_on, deadline_at=workdays.end_of_day(due_on),
        )  # fmt: skip
        audit.record("taskforce_task_added", task, actor=by, changes={"unit": [None, unit.name]})
    _tell(
        unit_officials(unit.pk), _("专班交办任务：%(t)s") % {"t": task.title}, task_force.get_absolute_url()
    )
    return task


def answer_task(task, *, by, answer: str) -> Task:
    refuse_unless(answers_for(by, task), _("只有任务责任单位可以响应。"), "forbidden")
    answer = _text(answer, _("响应意见"))
    with transaction.atomic():
        locked = _locked(Task, task)
        refuse_unless(locked.answered_at is None, _("该任务已响应。"), "state")
        now = clock.now()
        locked.answered_at, locked.answer = now, answer
        locked.save(update_fields=["answered_at", "answer"])
        stalls.close(StallKind.TASK, locked, now)
        _event(task.task_force, EventKind.TASK_ANSWERED, by, f"{locked.title}：{answer}", locked.unit)
    return locked


def finish_task(task, *, by, note: str) -> Task:
    refuse_unless(answers_for(by, task), _("只有任务责任单位可以报完成。"), "forbidden")
    note = _text(note, _("完成情况"))
    with transaction.atomic():
        locked = _locked(Task, task)
        refuse_unless(locked.done_at is None, _("该任务已报完成。"), "state")
        now = clock.now()
        if locked.answered_at is None:  # finishing answers it too
            locked.answered_at, locked.answer = now, note
            stalls.close(StallKind.TASK, locked, now)
        locked.done_at, locked.done_note = now, note
        locked.save(update_fields=["answered_at", "answer", "done_at", "done_note"])
        _event(task.task_force, EventKind.TASK_DONE, by, f"{locked.title}：{note}", locked.unit)
    return locked


# --- check-ins and blockers ---------------------------------------------------------------------


def period_start(day: date, cadence: str) -> date:
    """The first day (a Monday) of the reporting period ``day`` falls in."""
    monday = day - timedelta(days=day.weekday())
    if cadence == Cadence.BIWEEKLY:
        return monday - timedelta(weeks=((monday - FORTNIGHT_ANCHOR).days // 7) % 2)
    return monday


def check_in(task_force, *, by, done: str, next_steps: str, blockers=()) -> CheckIn:
    """The period's check-in, once a period: a second filing is refused with who filed it.
    ``blockers``: (text, unit) pairs, each put to a unit of the task force."""
    refuse_unless(may_check_in(by, task_force), _("只有专班成员或牵头单位可以报送进展。"), "forbidden")
    done, next_steps = _text(done, _("本期完成情况")), _text(next_steps, _("下步计划"))
    blockers = [(_text(text, _("卡点问题")), unit) for text, unit in blockers if (text or "").strip()]
    for blocker in blockers:
        _of_task_force(task_force, blocker[1])
    now = clock.now()
    start = period_start(timezone.localdate(now), task_force.cadence)
    filed = CheckIn.objects.filter(task_force=task_force, period_start=start).first()
    if filed is not None:
        raise _already(filed)
    days = TaskForceRules.current().blocker_days
    try:
        with transaction.atomic():
            made = CheckIn.objects.create(
                task_force=task_force,
                period_start=start,
                done=done,
                next=next_steps,
                filed_by=by,
                filed_at=now,
            )
            Blocker.objects.bulk_create(
                Blocker(check_in=made, task_force=task_force, text=text, unit=unit, raised_at=now,
                        stalls_at=workdays.deadline_after(now, days))
                for text, unit in blockers
            )  # fmt: skip
            _event(task_force, EventKind.CHECKED_IN, by, done[:200])
    except IntegrityError:
        raise _already(CheckIn.objects.get(task_force=task_force, period_start=start)) from None
    link = task_force.get_absolute_url()
    _tell([task_force.leader.user], _("专班进展待阅：%(tf)s") % {"tf": task_force.name}, link)
    for text, unit in blockers:
        _tell(unit_officials(unit.pk), _("专班卡点待协调：%(t)s") % {"t": text[:60]}, link)
    return made


def _already(filed: CheckIn) -> ActionRefused:
    who = getattr(getattr(filed.filed_by, "person", None), "full_name", "") or filed.filed_by.get_username()
    return ActionRefused(
        _("本期（%(day)s 起）进展已由%(who)s于 %(at)s 报送，不能重复报送。")
        % {"day": filed.period_start.isoformat(), "who": who, "at": clock.local_text(filed.filed_at)},
        "already_filed",
    )


def acknowledge(check_in_, *, by, comment: str = "") -> CheckIn:
    task_force = check_in_.task_force
    refuse_unless(leads(by, task_force), _("只有牵头市领导可以阅示进展。"), "forbidden")
    comment = _text(comment, _("组长意见"), required=False)
    with transaction.atomic():
        locked = _locked(CheckIn, check_in_)
        refuse_unless(locked.acknowledged_at is None, _("该期进展已阅示。"), "state")
        locked.acknowledged_by, locked.acknowledged_at, locked.comment = by, clock.now(), comment
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "comment"])
        _event(task_force, EventKind.ACKNOWLEDGED, by, comment or _("已阅"))
    return locked


def resolve_blocker(blocker, *, by, resolution: str) -> Blocker:
    task_force = blocker.task_force
    refuse_unless(
        answers_for(by, blocker) or may_manage(by, task_force),
        _("只有需协调单位、牵头单位或牵头市领导可以销号卡点。"),
        "forbidden",
    )
    resolution = _text(resolution, _("解决情况"))
    with transaction.atomic():
        locked = _locked(Blocker, blocker)
        refuse_unless(locked.resolved_at is None, _("该卡点已解决。"), "state")
        now = clock.now()
        locked.resolved_at, locked.resolved_by, locked.resolution = now, by, resolution
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        stalls.close(StallKind.BLOCKER, locked, now)
        _event(task_force, EventKind.BLOCKER_RESOLVED, by, f"{locked.text[:60]}：{resolution}", locked.unit)
    return locked


# --- meetings -----------------------------------------------------------------------------------


def record_meeting(task_force, *, by, title: str, held_on: date, minutes: str, decisions=()) -> Meeting:
    """A dispatch meeting with its minutes; ``decisions``: (text, unit, due_on) each to become a
    supervision item."""
    refuse_unless(may_manage(by, task_force), _("只有牵头市领导或牵头单位可以记录调度会。"), "forbidden")
    title, minutes = _text(title, _("会议名称")), _text(minutes, _("会议纪要"))
    refuse_unless(held_on <= timezone.localdate(clock.now()), _("召开日期不能晚于今天。"), "held_on")
    decisions = [
        (_text(text, _("议定事项")), unit, due) for text, unit, due in decisions if (text or "").strip()
    ]
    for decision in decisions:
        _of_task_force(task_force, decision[1])
        due = decision[2]
        refuse_unless(due is not None and due >= held_on, _("议定事项的完成时限须晚于会议日期。"), "due_on")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            task_force=task_force, title=title[:200], held_on=held_on, minutes=minutes, recorded_by=by,
            recorded_at=clock.now(),
        )  # fmt: skip
        Decision.objects.bulk_create(
            Decision(meeting=meeting, text=text[:500], unit=unit, due_on=due) for text, unit, due in decisions
        )
        _event(task_force, EventKind.MEETING, by, f"{title}（{len(decisions)} 项议定事项）")
    return meeting


# --- cadres -------------------------------------------------------------------------------------


def assess(cadre, *, by, year: int, quarter: int, grade: str, text: str) -> Assessment:
    """The leader's assessment of a quarter; written again, it replaces theirs (the change audited)."""
    refuse_unless(may_assess(by, cadre), _("只有该干部所在专班的牵头市领导可以评价。"), "forbidden")
    refuse_unless(grade in Grade.values, _("请选择评价等次。"), "grade")
    refuse_unless(1 <= quarter <= 4 and 2000 <= year <= 2100, _("请选择评价的年度和季度。"), "quarter")
    today = timezone.localdate(clock.now())
    refuse_unless(
        (year, quarter) <= (today.year, (today.month + 2) // 3), _("不能评价尚未开始的季度。"), "quarter"
    )
    text = _text(text, _("评价意见"))
    with transaction.atomic():
        found, created = Assessment.objects.select_for_update().get_or_create(
            cadre=cadre, year=year, quarter=quarter, by=by,
            defaults={"grade": grade, "text": text, "at": clock.now()},
        )  # fmt: skip
        before = {} if created else {"grade": found.grade, "text": found.text}
        if not created:
            found.grade, found.text, found.at = grade, text, clock.now()
            found.save(update_fields=["grade", "text", "at"])
        changes = {k: [before.get(k), v] for k, v in {"grade": grade, "text": text}.items()}
        audit.record(
            "cadre_assessed", cadre, actor=by, changes={"quarter": [None, f"{year}Q{quarter}"], **changes}
        )
    return found


def choose_excellent(cadre, *, by, year: int) -> Excellent:
    refuse_unless(may_choose_excellent(by), _("只有市领导可以确定优秀个人。"), "forbidden")
    refuse_unless(cadre.rank >= PROFILED_FROM, _("优秀个人从副处级以上干部中确定。"), "rank")
    with transaction.atomic():
        chosen, created = Excellent.objects.get_or_create(
            cadre=cadre, year=year, defaults={"chosen_by": by, "chosen_at": clock.now()}
        )
        if created:
            audit.record("cadre_chosen_excellent", cadre, actor=by, changes={"year": [None, year]})
    return chosen
