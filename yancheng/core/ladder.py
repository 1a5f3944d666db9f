"""One escalation ladder for every record with a deadline (architecture, second wave, pattern 2).

An app declares, once per deadline it watches, a ``Ladder``: its kind, its steps (a reminder before
the deadline, then 提示单 → 督办单 → 联系单 → 报告单, or a subset), each with an offset in working days
relative to the deadline and its recipients (functions of the record), the record's current deadline
(None: off the ladder) and the queryset of the records that may be on it. Then:

- the step reached is derived from the deadline and the time now (``reached``), so it is right whether
  or not a worker has run;
- the worker pass (``run_pass``, which the app schedules with ``core.periodic.every``) sends each step
  that holds once: one ``LadderStep`` row per (kind, record, rung, deadline), inserted in the step's
  transaction under a unique constraint, so a second pass or a second worker finds it and does nothing.
  Each step is a numbered GB/T 9704 document (衡优办督〔2026〕12号, a serial per kind and year given in the
  same transaction, so without gaps), an event on the record (the app's ``on_step`` hook), a message to
  its recipients and an audit entry. The document's content is fixed on the row; its .docx (~40 ms to
  make) is made and stored by a task once the step commits (or on the first download, if that comes
  first), so a pass that sends thousands of steps writes rows only. A worker that was down takes every step that holds, in order.

Offsets, in working days relative to the deadline, counted as ``workdays.working_days_left`` counts:

- ``offset <= 0``: before the deadline. −1: one working day or less left ("due soon"); 0: on the
  deadline's own day. A reminder is not sent once the deadline has passed (the notice says it then).
- ``offset >= 1``: once the deadline has passed and it is ``offset`` working days late, the day it
  passed counting as the first. 1: as soon as it has passed; 2: two working days late.

An office changes an offset in ``LadderOffset`` (the admin) without a deploy; the declared one is the
default. The candidates query reads the offsets with the records (no query of its own), so a pass costs
one calendar query plus one query per ladder, however many records are on it.
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from itertools import batched
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    Expression,
    OuterRef,
    Q,
    QuerySet,
    SmallIntegerField,
    Subquery,
    Value,
    When,
)
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, workdays
from yancheng.core.models import LadderOffset, LadderSerial, LadderStep, Rung
from yancheng.core.models.ladder import document_path
from yancheng.core.notify import notify_after_commit, notify_each
from yancheng.core.output.official_document import OfficialDocument, chinese_date, number_text

# Bounds of an offset an office may set: far enough for any rule, near enough that one calendar query
# (below) covers every day a pass asks about.
MAX_LEAD = 10  # working days before the deadline
MAX_LATE = 60  # working days after it
ONE_DAY = timedelta(days=1)
# 2n + 31 calendar days hold n working days even across the Spring Festival: the window that
# workdays.add_working_days reads from the day after, for the horizons (up to MAX_LEAD + 1 working days
# ahead), and what counting MAX_LATE working days back needs.
CALENDAR_BEHIND = timedelta(days=2 * MAX_LATE + 31)
CALENDAR_AHEAD = timedelta(days=1 + 2 * (MAX_LEAD + 1) + 31)
BATCH = 500  # steps a transaction: short enough not to keep the pages waiting on SQLite's write lock


@dataclass(frozen=True)
class Step:
    """A rung of a ladder: when (``offset``, see the module's doc), to whom (``to(record)``: users), and
    whether it is a numbered document (every rung but the reminder, unless said otherwise)."""

    rung: Rung
    offset: int
    to: Callable[[Any], Iterable]
    document: bool | None = None

    @property
    def label(self) -> str:
        """The rung's name in the active language (messages)."""
        return str(Rung(self.rung).label)

    @property
    def chinese_label(self) -> str:
        """The rung's name in what is kept: the record's history, the documents."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.label

    @property
    def with_document(self) -> bool:
        return self.rung != Rung.REMINDER if self.document is None else self.document


@dataclass(frozen=True)
class Sent:
    """A step just sent, as the app's ``on_step`` hook is told of it."""

    row: LadderStep
    step: Step
    days_late: int
    title: str
    note: str


def _subject(record) -> str:
    return str(record)


def default_message(ladder, record, step: Step, deadline: datetime, days_late: int) -> tuple[str, str]:
    """(message title, event note): the title in the active language, the note as the record's history
    keeps it (in Chinese)."""
    values = {"step": step.label, "subject": ladder.subject(record), "due": _title_day(deadline)}
    due = chinese_date(timezone.localdate(deadline))
    if days_late < 1:
        return (
            _("%(step)s：“%(subject)s”将于%(due)s到期，请及时办理") % values,
            f"{step.chinese_label}：期限为{due}，即将到期。",
        )
    values["days"] = days_late
    return (
        _("%(step)s：“%(subject)s”已超期 %(days)s 个工作日") % values,
        f"{step.chinese_label}：期限{due}，已超期 {days_late} 个工作日。",
    )


def _title_day(moment: datetime) -> str:
    # Translators: a Django date format (Y year, n month, j day: numbers without leading zeros).
    return date_format(timezone.localdate(moment), _("Y年n月j日"))


@dataclass(frozen=True)
class Ladder:
    """An app's declaration of the ladder of one deadline of one model; see the module's doc.

    ``deadline(record, now)`` and ``deadline_sql`` (an expression over the model's fields) name the same
    deadline; ``open(now)`` is the records that may be on the ladder at ``now`` (not closed, not
    answered), as a queryset the pass narrows in SQL; ``visible(user)`` the records a user may see
    (who may download a step's document besides its recipients); ``link(record)`` the record's page.
    """

    kind: str
    model: type
    steps: tuple[Step, ...]
    deadline: Callable[[Any, datetime], datetime | None]
    deadline_sql: Expression
    open: Callable[[datetime], QuerySet]
    visible: Callable[[Any], QuerySet]
    link: Callable[[Any], str]
    authority: str  # the issuing office of the documents, 衡阳市优化经济发展环境办公室
    number_prefix: str  # of the document numbers, 衡优办督
    subject: Callable[[Any], str] = _subject
    addressee: Callable[[Any, Step], str] = field(default=lambda record, step: "有关单位")
    message: Callable[..., tuple[str, str]] = default_message
    on_step: Callable[[Any, Sent], None] | None = None
    # The same for many steps at once (a pass sends hundreds in a transaction): one insert for all.
    on_steps: Callable[[list[tuple[Any, Sent]]], None] | None = None

    def __post_init__(self):
        rungs = [step.rung for step in self.steps]
        if rungs != sorted(set(rungs)):
            raise ValueError(f"ladder {self.kind}: steps must climb, each rung once")
        _check_offsets(self, {step.rung: step.offset for step in self.steps})

    def step(self, rung) -> Step:
        return next(step for step in self.steps if step.rung == rung)

    def offsets(self) -> dict[int, int]:
        """Every step's offset now: the office's where it set one, else the declared one (one query)."""
        stored = dict(LadderOffset.objects.filter(kind=self.kind).values_list("rung", "offset"))
        return {step.rung: stored.get(step.rung, step.offset) for step in self.steps}


registry: dict[str, Ladder] = {}

# What the recipients functions answered during the pass under way (per_pass), None outside a pass.
_pass_memo: ContextVar[dict | None] = ContextVar("ladder_pass_memo", default=None)


def per_pass(key: Callable[[Any], Any]):
    """Decorate a recipients function so that a pass asks it once per ``key(record)`` (a unit, a
    leader): a pass writes to the same unit's people for many of its records. Outside a pass (a single
    step) it is asked every time."""

    def wrap(function):
        @wraps(function)
        def cached(record) -> list:
            memo = _pass_memo.get()
            if memo is None:
                return list(function(record))
            found = memo.get((function, key(record)))
            if found is None:
                found = memo[(function, key(record))] = list(function(record))
            return list(found)

        return cached

    return wrap


def to_role(role) -> Callable[[Any], list]:
    """Recipients: every active user with the role (the supervision office, the city leaders)."""
    from django.contrib.auth import get_user_model

    @per_pass(lambda _record: role)
    def users(_record) -> list:
        return list(get_user_model().objects.filter(is_active=True, person__roles__role=role).distinct())

    return users


def to_head(unit_of: Callable[[Any], Any]) -> Callable[[Any], list]:
    """Recipients: the head (负责人) of the record's unit, ``unit_of(record)``, if it has an active one."""

    def users(record) -> list:
        unit = unit_of(record)
        head = unit.head if unit is not None else None
        return [head] if head is not None and head.is_active else []

    return users


def register(ladder: Ladder) -> Ladder:
    """Make a ladder known to the document view (by its kind); apps register theirs when loaded."""
    registry[ladder.kind] = ladder
    return ladder


def _check_offsets(ladder: Ladder, offsets: dict[int, int]) -> None:
    values = [offsets[step.rung] for step in ladder.steps]
    if values != sorted(values) or not all(-MAX_LEAD <= v <= MAX_LATE for v in values):
        raise ValueError(f"ladder {ladder.kind}: offsets must not go down and lie in −{MAX_LEAD}…{MAX_LATE}")


def check_offset(ladder: Ladder, rung, offset: int) -> None:
    """Refuse an office's offset that would put the ladder's steps out of order (ValueError)."""
    offsets = ladder.offsets()
    offsets[rung] = offset
    _check_offsets(ladder, offsets)


# --- the step reached: pure functions of the deadline and now ---------------------------------------


def days_late(deadline: datetime, now: datetime) -> int:
    """Working days late (≥ 1 once the deadline has passed), or minus the working days left. A pass
    counts once per deadline: its records share a few dozen (a day's end each), and counting the days
    one by one for each of thousands of records was a fifth of a pass."""
    memo = _pass_memo.get()
    if memo is None:
        return -workdays.working_days_left(deadline, now)
    key = (days_late, deadline, now)
    if key not in memo:
        memo[key] = -workdays.working_days_left(deadline, now)
    return memo[key]


def holds(rung, offset: int, late: int, *, passed: bool) -> bool:
    """Whether a step at ``offset`` holds ``late`` working days late. The reminder no longer does once
    the deadline has passed ("due soon" is no use then: the notice says it); an instrument holds from
    its offset on, whenever the pass comes to it."""
    return late >= offset and (rung != Rung.REMINDER or not passed)


def steps_due(ladder: Ladder, deadline: datetime, now: datetime, offsets=None) -> list[Step]:
    """The steps that hold at ``now`` for ``deadline``, in order."""
    offsets = offsets or {step.rung: step.offset for step in ladder.steps}
    late = days_late(deadline, now)
    return [s for s in ladder.steps if holds(s.rung, offsets[s.rung], late, passed=now > deadline)]


def reached(ladder: Ladder, record, now: datetime | None = None, offsets=None) -> Step | None:
    """The highest step that holds for the record now (None: none yet, or off the ladder)."""
    now = now or clock.now()
    deadline = ladder.deadline(record, now)
    if deadline is None:
        return None
    due = steps_due(ladder, deadline, now, offsets or _offsets_of(ladder, record))
    return due[-1] if due else None


def sent(ladder: Ladder, record) -> QuerySet:
    """The steps sent for a record, every deadline's, in the order they were sent."""
    return LadderStep.objects.filter(kind=ladder.kind, object_id=record.pk).order_by("at", "id")


def forget(ladders: Iterable[Ladder], record) -> None:
    """Drop a record's steps before the record itself is deleted: the rows name it by id only."""
    LadderStep.objects.filter(kind__in=[each.kind for each in ladders], object_id=record.pk).delete()


# --- the pass ---------------------------------------------------------------------------------------


def _offset_column(rung) -> str:
    return f"ladder_offset_{int(rung)}"


def _offsets_of(ladder: Ladder, record) -> dict[int, int]:
    """The offsets read with the record by ``candidates``, or read now."""
    if hasattr(record, _offset_column(ladder.steps[0].rung)):
        return {step.rung: getattr(record, _offset_column(step.rung)) for step in ladder.steps}
    return ladder.offsets()


def horizons(now: datetime) -> dict[int, datetime]:
    """{offset: the latest deadline for which a step at that offset holds at ``now``}, for every offset
    an office may set (−MAX_LEAD…MAX_LATE): days_late(deadline, now) ≥ offset exactly when the deadline
    is no later than it (days_late only grows as the deadline moves back)."""
    today = timezone.localdate(now)
    with workdays.covering(today - CALENDAR_BEHIND, today + CALENDAR_AHEAD):
        # k working days or less left: due no later than the day before the (k+1)-th working day.
        found = {
            -k: workdays.end_of_day(workdays.add_working_days(today, k + 1) - ONE_DAY)
            for k in range(MAX_LEAD + 1)
        }
        found[1] = now  # passed: one working day late at least
        # o ≥ 2 working days late: a deadline on a day with o working days in (that day, today].
        day, between = today, 0
        for offset in range(2, MAX_LATE + 1):
            while between < offset:
                between += workdays.is_workday(day)
                day -= ONE_DAY
            found[offset] = workdays.end_of_day(day)
    return found


def candidates(ladder: Ladder, now: datetime) -> QuerySet:
    """The records that need a step now, in one query (plus one of the offsets in force and one of the
    calendar, unless a pass has it loaded): open, with a deadline, and some step not taken yet for that
    deadline that holds now — in SQL, so a pass does not read the records still waiting for their next
    step. Each comes with its deadline (``ladder_deadline``), the highest rung taken for it
    (``ladder_top``) and the offsets in force.

    The offsets are read first and each step's horizon goes in as a constant: the query once carried
    every offset an office may set as a CASE of its own (72 branches a step, the offset's subquery in
    each), 200 kB of SQL that PostgreSQL spent seconds a pass planning and evaluating."""
    held = horizons(now)
    offsets = ladder.offsets()
    taken = LadderStep.objects.filter(
        kind=ladder.kind, object_id=OuterRef("pk"), deadline=OuterRef("ladder_deadline")
    )

    def holds_now(step):
        # days_late ≥ offset exactly when the deadline is no later than the offset's horizon.
        condition = Q(ladder_deadline__lte=Value(held[offsets[step.rung]]))
        return condition & Q(ladder_deadline__gte=now) if step.rung == Rung.REMINDER else condition

    # The highest step that holds now: the record needs a step when no step that high was taken for
    # its deadline.
    reached_sql = Case(
        *[When(holds_now(step), then=Value(step.rung)) for step in reversed(ladder.steps)],
        default=None,
        output_field=SmallIntegerField(),
    )
    in_force = {
        _offset_column(rung): Value(offset, output_field=SmallIntegerField())
        for rung, offset in offsets.items()
    }
    return (
        ladder.open(now)
        .annotate(ladder_deadline=ladder.deadline_sql)
        .annotate(ladder_reached=reached_sql)
        .filter(ladder_deadline__isnull=False, ladder_reached__isnull=False)
        .filter(~Exists(taken.filter(rung__gte=OuterRef("ladder_reached"))))
        .annotate(ladder_top=Subquery(taken.order_by("-rung").values("rung")[:1]), **in_force)
        .order_by("pk")
    )


def run_pass(ladders: Iterable[Ladder], now: datetime | None = None) -> int:
    """Send every step of these ladders that holds at ``now`` (default: the platform's clock) and was
    not sent yet; return how many were sent. Safe at any time, any number of times, from any number of
    workers. The calendar for every day it may ask about is read once, each recipient list once."""
    now = now or clock.now()
    today = timezone.localdate(now)
    memo = _pass_memo.set({})
    try:
        with workdays.covering(today - CALENDAR_BEHIND, today + CALENDAR_AHEAD):
            return sum(_send(ladder, now) for ladder in ladders)
    finally:
        _pass_memo.reset(memo)


@dataclass(frozen=True)
class Due:
    """A step to send for a record, with its title, note and recipients when the caller has its own."""

    record: Any
    step: Step
    deadline: datetime
    late: int
    title: str | None = None
    note: str | None = None
    to: Iterable | None = None


def _send(ladder: Ladder, now: datetime) -> int:
    due = [each for record in candidates(ladder, now) for each in _due(ladder, record, now)]
    return sum(_take_all(ladder, list(chunk)) for chunk in batched(due, BATCH))


def _due(ladder: Ladder, record, now: datetime) -> list[Due]:
    """The record's steps that hold and were not sent, lowest first."""
    deadline = ladder.deadline(record, now)
    if deadline is None:
        return []
    top = (
        getattr(record, "ladder_top", None) if getattr(record, "ladder_deadline", None) == deadline else None
    )
    late = days_late(deadline, now)
    due = steps_due(ladder, deadline, now, _offsets_of(ladder, record))
    return [Due(record, step, deadline, late) for step in due if top is None or step.rung > top]


def climb(ladder: Ladder, record, now: datetime) -> int:
    """Send the record's steps that hold and were not sent, lowest first."""
    return _take_all(ladder, _due(ladder, record, now))


def take(
    ladder: Ladder, record, step: Step, deadline: datetime, *, late: int, title=None, note=None, to=None
) -> bool:
    """One step (False when it was there: another pass sent it); see ``_take_all``."""
    return bool(_take_all(ladder, [Due(record, step, deadline, late, title, note, to)]))


def _take_all(ladder: Ladder, due: list[Due]) -> int:
    """Send these steps, all or nothing: their rows, numbered documents, events on the records, audit
    entries, and the messages once committed; a step whose row is there already (another pass sent it)
    is skipped. A statement each for all the steps, not for each (a pass sends thousands).

    Passes of a ladder take turns on the row that numbers its documents, locked until the transaction
    ends, so a second worker waits and then finds the rows the first one wrote."""
    if not due:
        return 0
    at = clock.now()
    issued = timezone.localdate(at)
    with transaction.atomic():
        # Read what is sent before taking the lock (nothing left: nothing written), and again once held.
        if not _not_sent(ladder, due):
            return 0
        counter = _locked_serial(ladder.kind, issued.year)
        fresh = _not_sent(ladder, due)
        if not fresh:
            return 0
        sents = [_row(ladder, d, at, issued, counter) for d in fresh]
        counter.save(update_fields=["last"])
        LadderStep.objects.bulk_create([sent.row for sent in sents])
        recipients = [_distinct(d.step.to(d.record) if d.to is None else d.to) for d in fresh]
        Recipient = LadderStep.recipients.through
        Recipient.objects.bulk_create(
            Recipient(ladderstep_id=sent.row.pk, user_id=user.pk)
            for sent, users in zip(sents, recipients, strict=True)
            for user in users
        )
        _on_steps(ladder, [(d.record, sent) for d, sent in zip(fresh, sents, strict=True)])
        audit.record_all([_audit_entry(d.record, sent) for d, sent in zip(fresh, sents, strict=True)])
        messages = [
            (users, sent.title, sent.note, ladder.link(d.record))
            for d, sent, users in zip(fresh, sents, recipients, strict=True)
        ]
        notify_after_commit(lambda: notify_each(messages))
        documents = [sent.row.pk for sent in sents if sent.row.number]
        if documents:
            transaction.on_commit(lambda: _enqueue_documents(documents), robust=True)
    return len(fresh)


def _not_sent(ladder: Ladder, due: list[Due]) -> list[Due]:
    taken = set(
        LadderStep.objects.filter(kind=ladder.kind, object_id__in={d.record.pk for d in due}).values_list(
            "object_id", "rung", "deadline"
        )
    )
    return [d for d in due if (d.record.pk, d.step.rung, d.deadline) not in taken]


def _row(ladder: Ladder, due: Due, at: datetime, issued, counter: LadderSerial) -> Sent:
    title, note = due.title, due.note
    if title is None:
        title, note = ladder.message(ladder, due.record, due.step, due.deadline, due.late)
    row = LadderStep(
        kind=ladder.kind, object_id=due.record.pk, rung=due.step.rung, deadline=due.deadline, at=at
    )
    if due.step.with_document:
        counter.last += 1
        _number(ladder, row, due.record, due.step, note, issued, counter.last)
    return Sent(row, due.step, due.late, title, note)


def _on_steps(ladder: Ladder, sent: list[tuple[Any, Sent]]) -> None:
    if ladder.on_steps is not None:
        ladder.on_steps(sent)
    elif ladder.on_step is not None:
        for record, each in sent:
            ladder.on_step(record, each)


def _audit_entry(record, sent: Sent):
    changes = {
        "step": [None, sent.step.chinese_label],
        "number": [None, sent.row.number],
        "note": [None, sent.note[:200]],
    }
    return audit.unsaved("ladder_step_sent", record, changes=changes)


def _distinct(users) -> list:
    seen, out = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


# --- the documents ----------------------------------------------------------------------------------


def _locked_serial(kind: str, year: int) -> LadderSerial:
    """The counter of a kind's documents in a year, locked until the transaction ends: concurrent passes
    number one after another, and steps rolled back give their numbers back (no gaps)."""
    counter, _created = LadderSerial.objects.select_for_update().get_or_create(kind=kind, year=year)
    return counter


def _number(ladder: Ladder, row: LadderStep, record, step: Step, note: str, issued, serial: int) -> None:
    """Give the step its number and fix its document's content; the .docx is made once it commits."""
    row.year, row.serial = issued.year, serial
    row.number = number_text(ladder.number_prefix, row.year, str(row.serial))
    row.title = f"关于“{ladder.subject(record)}”的{step.chinese_label}"[:200]
    row.addressee = ladder.addressee(record, step)[:200]
    closing = "特此报告。" if step.rung == Rung.REPORT else "请接此单后抓紧办理，并将办理结果及时反馈。"
    row.body = "\n".join([note.partition("：")[2] or note, closing])


def _enqueue_documents(step_ids: list[int]) -> None:
    from yancheng.core.tasks import store_ladder_documents

    store_ladder_documents.enqueue(step_ids)


def render(row: LadderStep) -> bytes:
    """The step's document (GB/T 9704) as .docx bytes, from the content fixed when it was sent."""
    issued = timezone.localdate(row.at)
    ladder = registry.get(row.kind)
    doc = OfficialDocument(authority=ladder.authority if ladder else "", title=row.title)
    doc.head(number=row.number, issued=issued, addressee=f"{row.addressee}：")
    for paragraph in row.body.splitlines():
        doc.text(paragraph)
    return doc.close(issued)


def store_document(row: LadderStep) -> bool:
    """Make and keep the step's .docx unless it is kept already; False when there was nothing to do
    (no document, or another worker stored it first)."""
    if not row.number or row.document:
        return False
    name = row.document.storage.save(document_path(row, f"{row.serial}.docx"), ContentFile(render(row)))
    if not LadderStep.objects.filter(pk=row.pk, document="").update(document=name):
        row.document.storage.delete(name)  # another worker's is there: keep one
        return False
    row.document.name = name
    return True


def document_bytes(row: LadderStep) -> bytes:
    """The kept .docx, or the same made now if the worker has not stored it yet."""
    if row.document:
        with row.document.open("rb") as file:
            return file.read()
    return render(row)
