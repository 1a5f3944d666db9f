"""What is done to supervision items (督办件), each checked, atomic, recorded as an event and audited;
refusals raise ActionRefused with a message for the person and change nothing.

- the supervision office or a city leader assigns (交办) an item to a lead unit and its cooperating
  units, or dispatches (一键调度) one instruction to many units, each getting its own item;
- each unit's officials sign for (签收) their part, within the office's working hours, and report (反馈);
- the lead unit requests the close (办结申请) with evidence; the office closes it (销号) or returns it with
  a reason;
- the office, a leader or the dispatcher reminds (提醒) the units that have not signed for or reported."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, evidence
from yancheng.core.actions import refuse_unless, submission_key_taken
from yancheng.core.models import Unit
from yancheng.core.notify import notify_after_commit, notify_each
from yancheng.core.roles import Role, has_role, official_unit
from yancheng.core.workdays import add_working_hours, end_of_day

from .choices import REPORT_EVERY, Cadence, EventKind, FileKind, Part, Source, State
from .models import Assignment, Dispatch, Item, ItemEvent, ItemFile, Report, SupervisionRules

MAX_DAYS_AHEAD = 730  # further than two years is a typing error, not a deadline
MAX_UNITS = 2000  # of one dispatch: every unit of the city and its counties


@dataclass(frozen=True)
class Share:
    """A unit's part of an item: the unit and its own task (可为空：同督办内容)."""

    unit: Unit
    task: str = ""


def officials(unit_id=None):
    """The active officials of `unit_id` (of any unit when None)."""
    users = get_user_model().objects.filter(is_active=True, person__roles__role=Role.UNIT_OFFICIAL)
    return users if unit_id is None else users.filter(person__unit_id=unit_id)


def officials_of(unit_ids) -> dict[int, list]:
    """Every active official of each of `unit_ids`, in one query (a dispatch writes to a thousand)."""
    found: dict[int, list] = {unit_id: [] for unit_id in unit_ids}
    for user in officials(None).filter(person__unit_id__in=found).select_related("person").distinct():
        found[user.person.unit_id].append(user)
    return found


def office_users():
    return get_user_model().objects.filter(is_active=True, person__roles__role=Role.SUPERVISION_OFFICE)


def may_assign(user) -> bool:
    return has_role(user, Role.SUPERVISION_OFFICE, Role.LEADER)


def reviews(user) -> bool:
    return has_role(user, Role.SUPERVISION_OFFICE)


def own_assignment(user, item) -> Assignment | None:
    unit = official_unit(user)
    return None if unit is None else next((a for a in item.assignments.all() if a.unit_id == unit), None)


def may_sign(user, item) -> bool:
    mine = own_assignment(user, item)
    return mine is not None and mine.signed_at is None and item.state != State.CLOSED


def may_report(user, item) -> bool:
    mine = own_assignment(user, item)
    return (
        mine is not None and mine.signed_at is not None and item.state in (State.ASSIGNED, State.IN_PROGRESS)
    )


def may_request_close(user, item) -> bool:
    return official_unit(user) == item.lead_unit_id and item.state == State.IN_PROGRESS


def may_review(user, item) -> bool:
    return reviews(user) and item.state == State.CLOSE_REQUESTED


def may_remind(user, dispatch=None) -> bool:
    return may_assign(user) or (dispatch is not None and user.pk == dispatch.created_by_id)


def _event(item, kind, by, note="", unit=None, changes=None) -> None:
    ItemEvent.objects.create(item=item, at=clock.now(), by=by, kind=kind, note=note, unit=unit)
    audit.record_all([_entry(kind, item, by, changes)])


def _entry(kind, item, by, changes=None):
    return audit.unsaved(
        f"supervision_{kind}", item, actor=by, changes=changes or {"state": [None, item.state]}
    )


def _tell(messages) -> None:
    """(recipients, title, item) triples, sent once the transaction commits."""
    rows = [
        (list(users), title, item.title[:200], f"/supervision/{item.pk}/") for users, title, item in messages
    ]
    notify_after_commit(lambda: notify_each(rows))


def _tell_units(messages) -> None:
    """(unit id, title, item) triples: to each unit's officials, read in one query."""
    messages = list(messages)
    users = officials_of({unit_id for unit_id, _title, _item in messages})
    _tell((users[unit_id], title, item) for unit_id, title, item in messages)


def _check_item(by, title, content, source, due_on, leader) -> None:
    refuse_unless(may_assign(by), _("只有督查室或市领导可以交办督办件。"), "forbidden")
    refuse_unless(bool(title.strip()), _("请填写督办事项。"), "title")
    refuse_unless(bool(content.strip()), _("请填写督办内容。"), "content")
    refuse_unless(source in Source.values, _("请选择督办来源。"), "source")
    today = timezone.localdate(clock.now())
    refuse_unless(due_on is not None, _("请填写办理时限。"), "due")
    refuse_unless(due_on >= today, _("办理时限不能早于今天。"), "due")
    refuse_unless((due_on - today).days <= MAX_DAYS_AHEAD, _("办理时限不能超过两年。"), "due")
    refuse_unless(
        leader is None or leader.roles.filter(role=Role.LEADER).exists(), _("责任领导应为市领导。"), "leader"
    )


def _check_units(shares: list[Share]) -> None:
    refuse_unless(bool(shares), _("请选择承办单位。"), "units")
    refuse_unless(len(shares) <= MAX_UNITS, _("一次最多交办 %(n)d 个单位。") % {"n": MAX_UNITS}, "units")
    ids = [share.unit.pk for share in shares]
    refuse_unless(len(set(ids)) == len(ids), _("同一单位不能重复交办。"), "units")
    refuse_unless(
        all(share.unit.kind not in Unit.NOT_GOVERNMENT for share in shares),
        _("督办件只能交办给党政机关和园区。"),
        "units",
    )


def _item(by, now, fields, lead: Share, submission_key, dispatch=None) -> Item:
    return Item(
        **fields, lead_unit=lead.unit, deadline_at=end_of_day(fields["due_on"]), assigned_by=by,
        assigned_at=now, submission_key=submission_key[:64], dispatch=dispatch,
    )  # fmt: skip


def _assignments(item, lead: Share, cooperating, sign_by) -> list[Assignment]:
    parts = [(lead, Part.LEAD)] + [(share, Part.COOPERATING) for share in cooperating]
    return [
        Assignment(item=item, unit=share.unit, kind=part, task=share.task.strip()[:2000], sign_by=sign_by)
        for share, part in parts
    ]


def _fields(
    title, content, source, source_text, due_on, cadence, leader, linked=None, figure="", number=""
) -> dict:
    refuse_unless(cadence in Cadence.values, _("请选择反馈频次。"), "cadence")
    fields = {
        "number": number.strip()[:40],
        "title": title.strip()[:200], "content": content.strip(), "source": source,
        "source_text": source_text.strip()[:200], "due_on": due_on, "cadence": cadence, "leader": leader,
        "figure": figure.strip()[:200],
    }  # fmt: skip
    if linked is not None:
        from django.contrib.contenttypes.models import ContentType

        fields |= {"linked_type": ContentType.objects.get_for_model(linked), "linked_id": linked.pk}
    return fields


def assign(*, by, title, content, source, lead: Share, due_on: date, submission_key: str, cooperating=(),
           source_text="", cadence=Cadence.NONE, leader=None, files=(), linked=None, figure="", number="") -> Item:  # fmt: skip
    """Assign an item (交办) to `lead` and `cooperating` units, each with its part; `linked` is the
    record a red figure pointed at. The same submission twice is one item."""
    cooperating, files = list(cooperating), list(files)
    _check_item(by, title, content, source, due_on, leader)
    _check_units([lead, *cooperating])
    evidence.check_files(files)
    fields = _fields(title, content, source, source_text, due_on, cadence, leader, linked, figure, number)
    now = clock.now()
    with transaction.atomic():
        existing = Item.objects.filter(submission_key=submission_key[:64]).first()
        if existing is not None:
            if existing.assigned_by_id != by.pk:
                raise submission_key_taken()
            return existing
        numbered = fields["number"] and Item.objects.filter(number=fields["number"]).exists()
        refuse_unless(not numbered, _("督办编号“%(n)s”已被使用。") % {"n": fields["number"]}, "number")
        item = _item(by, now, fields, lead, submission_key)
        item.save()
        sign_by = add_working_hours(now, SupervisionRules.current().sign_within_hours)
        Assignment.objects.bulk_create(_assignments(item, lead, cooperating, sign_by))
        evidence.store(ItemFile, files, by=by, at=now, item=item, kind=FileKind.ATTACHMENT)
        _event(item, EventKind.ASSIGNED, by, fields["source_text"])
        _tell_units((share.unit.pk, _new(item), item) for share in [lead, *cooperating])
    return item


def _new(item) -> str:
    return _("新的督办件，请及时签收：%(t)s") % {"t": item.title}


def dispatch(*, by, title, content, units, due_on: date, submission_key: str, recipients: str,
             source=Source.INSTRUCTION, source_text="", cadence=Cadence.NONE, leader=None) -> Dispatch:  # fmt: skip
    """One instruction to many units at once (一键调度): each unit gets its own item, which it leads.
    The same submission twice is one dispatch."""
    units = list(units)
    _check_item(by, title, content, source, due_on, leader)
    _check_units([Share(unit) for unit in units])
    fields = _fields(title, content, source, source_text, due_on, cadence, leader)
    key = submission_key[:56]
    now = clock.now()
    with transaction.atomic():
        found = Item.objects.filter(submission_key=f"{key}:{units[0].pk}").select_related("dispatch").first()
        if found is not None:
            if found.assigned_by_id != by.pk or found.dispatch is None:
                raise submission_key_taken()
            return found.dispatch
        sent = Dispatch.objects.create(
            title=fields["title"], created_by=by, created_at=now, recipients=recipients.strip()[:200]
        )
        items = Item.objects.bulk_create(
            [_item(by, now, fields, Share(unit), f"{key}:{unit.pk}", sent) for unit in units]
        )
        sign_by = add_working_hours(now, SupervisionRules.current().sign_within_hours)
        Assignment.objects.bulk_create(
            [a for item, unit in zip(items, units, strict=True) for a in _assignments(item, Share(unit), (), sign_by)]
        )  # fmt: skip
        ItemEvent.objects.bulk_create(
            ItemEvent(item=item, at=now, by=by, kind=EventKind.ASSIGNED, note=sent.recipients)
            for item in items
        )
        audit.record("supervision_dispatched", sent, actor=by, changes={"items": [None, len(items)]})
        audit.record_all([_entry(EventKind.ASSIGNED, item, by) for item in items])
        _tell_units((unit.pk, _new(item), item) for item, unit in zip(items, units, strict=True))
    return sent


def mark_read(item, user) -> None:
    """The receipt's "read" (已阅): the first time an official of an assigned unit opens the item."""
    unit = official_unit(user)
    if unit is None:
        return
    with transaction.atomic():
        if Assignment.objects.filter(item=item, unit_id=unit, read_at=None).update(read_at=clock.now()):
            ItemEvent.objects.create(item=item, at=clock.now(), by=user, kind=EventKind.READ, unit_id=unit)


def _locked(item) -> Item:
    return Item.objects.select_for_update(of=("self",)).select_related("lead_unit").get(pk=item.pk)


def _locked_assignment(item, user) -> Assignment | None:
    unit = official_unit(user)
    return (
        None
        if unit is None
        else Assignment.objects.select_for_update().filter(item=item, unit_id=unit).first()
    )


def sign_for(item, *, by) -> Item:
    """The unit's official signs for its part (签收); the lead unit's signature puts the item in hand."""
    refuse_unless(own_assignment(by, item) is not None, _("只有承办单位可以签收。"), "forbidden")
    with transaction.atomic():
        locked = _locked(item)
        mine = _locked_assignment(locked, by)
        refuse_unless(locked.state != State.CLOSED, _("该督办件已销号。"), "state")
        refuse_unless(mine.signed_at is None, _("本单位已签收该督办件。"), "signed")
        now = clock.now()
        mine.signed_at, mine.signed_by, mine.read_at = now, by, mine.read_at or now
        mine.save(update_fields=["signed_at", "signed_by", "read_at"])
        if mine.kind == Part.LEAD and locked.state == State.ASSIGNED:
            locked.state = State.IN_PROGRESS
            locked.save(update_fields=["state"])
        late = now > mine.sign_by
        _event(locked, EventKind.SIGNED, by, _("超时签收") if late else "", mine.unit)
        _tell([([locked.assigned_by], _("督办件已签收：%(t)s") % {"t": locked.title}, locked)])
    return locked


def report(item, *, by, text: str, files=()) -> Report:
    """A unit's progress report (反馈) on its part."""
    files = list(files)
    refuse_unless(own_assignment(by, item) is not None, _("只有承办单位可以反馈进展。"), "forbidden")
    refuse_unless(bool(text.strip()), _("请填写进展情况。"), "text")
    evidence.check_files(files)
    with transaction.atomic():
        locked = _locked(item)
        mine = _locked_assignment(locked, by)
        refuse_unless(mine.signed_at is not None, _("请先签收再反馈进展。"), "unsigned")
        refuse_unless(
            locked.state in (State.ASSIGNED, State.IN_PROGRESS), _("该督办件已申请办结或已销号。"), "state"
        )
        now = clock.now()
        row = Report.objects.create(item=locked, unit=mine.unit, text=text.strip()[:5000], by=by, at=now)
        evidence.store(ItemFile, files, by=by, at=now, item=locked, kind=FileKind.REPORT, report=row)
        mine.first_report_at, mine.last_report_at = mine.first_report_at or now, now
        mine.save(update_fields=["first_report_at", "last_report_at"])
        _event(locked, EventKind.REPORTED, by, row.text[:200], mine.unit)
    return row


def request_close(item, *, by, summary: str, files) -> Item:
    """The lead unit reports the work done and asks the office to close the item (办结申请)."""
    files = list(files)
    refuse_unless(official_unit(by) == item.lead_unit_id, _("只有牵头单位可以申请办结。"), "forbidden")
    refuse_unless(bool(summary.strip()), _("请填写办结情况。"), "summary")
    refuse_unless(bool(files), _("请上传办结材料（文件、照片、记录等）。"), "no_evidence")
    evidence.check_files(files)
    with transaction.atomic():
        locked = _locked(item)
        refuse_unless(locked.state == State.IN_PROGRESS, _("只有办理中的督办件可以申请办结。"), "state")
        now = clock.now()
        evidence.store(ItemFile, files, by=by, at=now, item=locked, kind=FileKind.CLOSING)
        locked.state, locked.close_requested_at = State.CLOSE_REQUESTED, now
        locked.save(update_fields=["state", "close_requested_at"])
        _event(locked, EventKind.CLOSE_REQUESTED, by, summary.strip()[:2000], locked.lead_unit)
        _tell([(office_users(), _("督办件申请办结，请审核：%(t)s") % {"t": locked.title}, locked)])
    return locked


def close(item, *, by) -> Item:
    """The office accepts the evidence: the item is closed (销号)."""
    refuse_unless(reviews(by), _("只有督查室可以审核销号。"), "forbidden")
    with transaction.atomic():
        locked = _locked(item)
        refuse_unless(locked.state == State.CLOSE_REQUESTED, _("承办单位尚未申请办结，不能销号。"), "state")
        refuse_unless(
            locked.files.filter(kind=FileKind.CLOSING).exists(), _("没有办结材料，不能销号。"), "no_evidence"
        )
        locked.state, locked.closed_at = State.CLOSED, clock.now()
        locked.save(update_fields=["state", "closed_at"])
        _event(locked, EventKind.CLOSED, by)
        _tell_units([(locked.lead_unit_id, _("督办件已销号：%(t)s") % {"t": locked.title}, locked)])
    return locked


def return_item(item, *, by, reason: str) -> Item:
    """The office finds the work not done: back to the units, the deadline unchanged."""
    refuse_unless(reviews(by), _("只有督查室可以退回督办件。"), "forbidden")
    refuse_unless(bool(reason.strip()), _("请填写退回理由。"), "reason")
    with transaction.atomic():
        locked = _locked(item)
        refuse_unless(locked.state == State.CLOSE_REQUESTED, _("承办单位尚未申请办结。"), "state")
        locked.state, locked.close_requested_at = State.IN_PROGRESS, None
        locked.save(update_fields=["state", "close_requested_at"])
        _event(locked, EventKind.RETURNED, by, reason.strip()[:500])
        _tell_units([(locked.lead_unit_id, _("督办件被退回：%(t)s") % {"t": locked.title}, locked)])
    return locked


def remind(items, *, by, dispatch=None) -> int:
    """Remind (提醒) every unit of `items` that has not signed for its part, or whose report is due (its
    cadence's time since the last report has passed: lights.REPORT_EVERY): one message and one event
    each. Returns how many units were reminded."""
    refuse_unless(may_remind(by, dispatch), _("只有督查室、市领导或调度人可以提醒。"), "forbidden")
    now = clock.now()
    waiting = [
        a
        for a in Assignment.objects.filter(
            item__in=items, item__state__in=(State.ASSIGNED, State.IN_PROGRESS)
        )
        .filter(Q(signed_at=None) | Q(item__cadence__in=list(REPORT_EVERY)))
        .select_related("item", "unit")
        if a.signed_at is None or report_due(a, now)
    ]
    with transaction.atomic():
        Assignment.objects.filter(pk__in=[a.pk for a in waiting]).update(reminded_at=now)
        ItemEvent.objects.bulk_create(
            ItemEvent(item=a.item, at=now, by=by, kind=EventKind.REMINDED, unit=a.unit, note=_ask(a))
            for a in waiting
        )
        audit.record_all(
            [_entry(EventKind.REMINDED, a.item, by, {"unit": [None, a.unit.name]}) for a in waiting]
        )
        _tell_units((a.unit_id, f"{_ask(a)}：{a.item.title}", a.item) for a in waiting)
    return len(waiting)


def report_due(assignment, now) -> bool:
    """Whether the unit has gone longer than its item's cadence without a report (the rule of the red
    light, lights.py)."""
    every = REPORT_EVERY.get(assignment.item.cadence)
    return every is not None and (assignment.last_report_at or assignment.item.assigned_at) < now - every


def _ask(assignment) -> str:
    return _("请尽快签收") if assignment.signed_at is None else _("请尽快反馈进展")
