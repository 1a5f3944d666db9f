"""What is done to commitments, each checked, atomic, recorded as an event and audited; refusals raise
ActionRefused with a message for the person and change nothing.

- a commitment is recorded by the development and reform commission, a city leader, or an official
  of the committing unit (for their own unit);
- the committing unit's officials fulfil it by filing evidence (at least one file);
- the project's owner confirms it, or disputes it with a reason, which sends it back to the unit."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, evidence
from yancheng.core.actions import refuse_unless
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, roles_of
from yancheng.core.roles import official_unit as unit_of
from yancheng.core.workdays import add_working_days, end_of_day
from yancheng.projects.actions import is_owner, owner_users, unit_officials
from yancheng.projects.models import is_commission

from .choices import PENDING, EventKind, State
from .models import Commitment, CommitmentEvent, Evidence


def records_any_unit(user) -> bool:
    return is_commission(user) or Role.LEADER in roles_of(user)


def may_record(user, unit_id=None) -> bool:
    """The commission and leaders record any unit's commitment; a unit's official their own unit's."""
    if records_any_unit(user):
        return True
    return unit_of(user) is not None and (unit_id is None or unit_of(user) == unit_id)


def may_fulfil(user, commitment) -> bool:
    return unit_of(user) == commitment.unit_id and commitment.state in PENDING


def may_answer(user, commitment) -> bool:
    return is_owner(user, commitment.project) and commitment.state == State.FULFILLED


def _event(commitment, kind, by, note="") -> None:
    CommitmentEvent.objects.create(commitment=commitment, at=clock.now(), by=by, kind=kind, note=note)
    audit.record(f"commitment_{kind}", commitment, actor=by, changes={"state": [None, commitment.state]})


def _tell(recipients, title: str, commitment) -> None:
    link = f"/commitments/{commitment.pk}/"
    notify_after_commit(lambda: notify(list(recipients), title, body=commitment.content[:200], link=link))


def due_day(made_on: date, *, due_on: date | None = None, working_days: int | None = None) -> date:
    """The deadline as promised: a day, or N working days after the commitment (the work calendar)."""
    refuse_unless(due_on is None or working_days is None, _("兑现期限请只填日期或工作日数中的一项。"), "due")
    if due_on is not None:
        return due_on
    refuse_unless(
        working_days is not None and 1 <= working_days <= 750,
        _("请填写兑现期限：日期，或 1 到 750 个工作日。"),
        "due",
    )
    return add_working_days(made_on, working_days)


def make(project, *, by, kind, content, unit, promised_to="", leader=None, due_on=None, working_days=None,
         submission_key: str) -> Commitment:  # fmt: skip
    """Record a commitment to `project`. The same submission twice is one commitment."""
    refuse_unless(
        may_record(by, unit.pk), _("只有市发展改革委、市领导或承诺单位本身可以登记承诺事项。"), "forbidden"
    )
    refuse_unless(bool(content.strip()), _("请填写承诺内容。"), "content")
    made_on = timezone.localdate(clock.now())
    deadline = due_day(made_on, due_on=due_on, working_days=working_days)
    refuse_unless(deadline >= made_on, _("兑现期限不能早于今天。"), "due")
    with transaction.atomic():
        commitment, created = Commitment.objects.get_or_create(
            submission_key=submission_key[:64],
            defaults={
                "project": project, "kind": kind, "content": content.strip(), "unit": unit, "leader": leader,
                "promised_to": (promised_to.strip() or str(project.owner))[:200], "made_on": made_on,
                "due_on": deadline, "deadline_at": end_of_day(deadline), "created_by": by, "created_at": clock.now(),
            },
        )  # fmt: skip
        if created:
            _event(commitment, EventKind.MADE, by)
            _tell(unit_officials(unit.pk), _("新的承诺事项：%(p)s") % {"p": project.name}, commitment)
    return commitment


def _locked(commitment) -> Commitment:
    return Commitment.objects.select_for_update().select_related("project").get(pk=commitment.pk)


def fulfil(commitment, *, by, files, note: str = "") -> Commitment:
    """The committing unit files its evidence; the owner is asked to confirm."""
    files = list(files)
    refuse_unless(unit_of(by) == commitment.unit_id, _("只有承诺单位可以提交兑现材料。"), "forbidden")
    refuse_unless(bool(files), _("请上传兑现材料（批复、合同、照片等）。"), "no_evidence")
    evidence.check_files(files)
    with transaction.atomic():
        locked = _locked(commitment)
        refuse_unless(locked.state in PENDING, _("该承诺已提交兑现材料，等待业主确认。"), "state")
        now = clock.now()
        evidence.store(Evidence, files, by=by, at=now, commitment=locked)
        locked.state, locked.fulfilled_on = State.FULFILLED, timezone.localdate(now)
        locked.save(update_fields=["state", "fulfilled_on"])
        _event(locked, EventKind.FULFILLED, by, note.strip())
        _tell(owner_users(locked.project), _("承诺事项待确认：%(p)s") % {"p": locked.project.name}, locked)
    return locked


def confirm(commitment, *, by) -> Commitment:
    refuse_unless(is_owner(by, commitment.project), _("只有项目业主可以确认承诺兑现。"), "forbidden")
    with transaction.atomic():
        locked = _locked(commitment)
        refuse_unless(locked.state == State.FULFILLED, _("承诺单位尚未提交兑现材料。"), "state")
        locked.state = State.CONFIRMED
        locked.save(update_fields=["state"])
        _event(locked, EventKind.CONFIRMED, by)
    return locked


def dispute(commitment, *, by, reason: str) -> Commitment:
    """The owner says the commitment is not kept: back to the unit, whose fulfilment no longer counts."""
    refuse_unless(is_owner(by, commitment.project), _("只有项目业主可以对承诺兑现提出异议。"), "forbidden")
    refuse_unless(bool(reason.strip()), _("请填写异议理由。"), "reason")
    with transaction.atomic():
        locked = _locked(commitment)
        refuse_unless(locked.state == State.FULFILLED, _("承诺单位尚未提交兑现材料。"), "state")
        locked.state, locked.fulfilled_on = State.DISPUTED, None
        locked.save(update_fields=["state", "fulfilled_on"])
        _event(locked, EventKind.DISPUTED, by, reason.strip()[:500])
        _tell(
            unit_officials(locked.unit_id),
            _("业主对承诺兑现有异议：%(p)s") % {"p": locked.project.name},
            locked,
        )
    return locked
