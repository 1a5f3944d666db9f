"""The escalation ladder (到期提醒 → 提示单 → 督办单 → 报告单) and the periodic tick that runs it."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from yancheng.core import periodic, workdays
from yancheng.core.models import AuditEntry, Notification
from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions, tasks
from yancheng.enterprise_requests.choices import Escalation, EventKind
from yancheng.enterprise_requests.models import EscalationStep, RequestEvent
from yancheng.enterprise_requests.state import derive
from yancheng.enterprise_requests.tests.conftest import SHANGHAI


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """escalate() with its after-commit notifications delivered; returns (steps taken, new messages)."""

    def do():
        before = set(Notification.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            taken = tasks.escalate()
        new = Notification.objects.exclude(pk__in=before).select_related("recipient")
        return taken, {(n.recipient.username, n.title.split("：")[0]) for n in new}

    return do


@pytest.fixture
def samr_head(hengyang):
    head = make_user("samr_head", Role.UNIT_OFFICIAL, unit=hengyang["units"]["samr"], full_name="局长")
    hengyang["units"]["samr"].head = head
    hengyang["units"]["samr"].save()
    return head


@pytest.fixture
def accepted(at, file_request, users, hengyang):
    """A consultation filed Monday 2 March 2026, routed to the market regulator and accepted at once:
    5 working days to reply, so due at the end of Monday 9 March."""

    def do(unit="samr", **extra):
        at(2026, 3, 2, 10)
        request = actions.route(
            file_request(kind="consultation", **extra),
            unit=hengyang["units"][unit],
            by=users[Role.BUSINESS_ENVIRONMENT_OFFICE],
        )
        official = users[Role.UNIT_OFFICIAL] if unit == "samr" else users["other_official"]
        actions.accept(request, by=official)
        request.refresh_from_db()
        assert request.reply_deadline == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
        return request

    return do


def steps_of(request):
    return list(
        EscalationStep.objects.filter(request=request)
        .order_by("level", "deadline")
        .values_list("level", "deadline")
    )


def test_each_rung_at_its_moment_to_its_recipients_and_never_twice(at, run, accepted, samr_head):
    request = accepted()
    deadline = request.reply_deadline
    samr = {"official", "samr_head"}

    at(2026, 3, 5, 12)  # Thursday: two working days left (Friday, Monday)
    assert run() == (0, set())

    at(2026, 3, 6, 9)  # Friday: one working day left
    assert derive(request, datetime(2026, 3, 6, 9, tzinfo=SHANGHAI)).due_soon
    assert run() == (1, {(name, "到期提醒") for name in samr})
    assert run() == (0, set())

    at(2026, 3, 9, 23, 50)  # the last minutes of the deadline: still only reminded
    assert run() == (0, set())

    at(2026, 3, 10, 0, 5)  # overdue: 提示单 to the unit
    assert run() == (1, {(name, "提示单") for name in samr})
    assert run() == (0, set())

    at(2026, 3, 10, 17)  # one working day overdue still
    assert run() == (0, set())

    at(2026, 3, 11, 9)  # two working days overdue: 督办单 to the unit head and the supervision office
    assert run() == (1, {("samr_head", "督办单"), ("supervision", "督办单")})

    at(2026, 3, 13, 9)  # four
    assert run() == (0, set())

    at(2026, 3, 15, 9)  # Sunday: still four
    assert run() == (0, set())

    at(2026, 3, 16, 9)  # five working days overdue: 报告单 to the leaders
    assert run() == (1, {("leader", "报告单")})
    assert run() == (0, set())
    assert steps_of(request) == [
        (Escalation.REMINDER, deadline),
        (Escalation.NOTICE, deadline),
        (Escalation.SUPERVISION_ORDER, deadline),
        (Escalation.REPORT, deadline),
    ]
    events = RequestEvent.objects.filter(request=request, kind=EventKind.ESCALATED).order_by("at", "id")
    assert [e.note.split("：")[0] for e in events] == ["到期提醒", "提示单", "督办单", "报告单"]
    assert all(e.by is None for e in events)
    assert "超期 5 个工作日" in events.last().note
    assert AuditEntry.objects.filter(action="request_escalated", object_id=str(request.pk)).count() == 4
    # Every rung taken: the request is no longer even a candidate.
    assert request.pk not in {r.pk for r in tasks.candidates(datetime(2026, 3, 30, tzinfo=SHANGHAI))}


def test_without_a_head_the_supervision_order_goes_to_the_units_officials(at, run, accepted):
    accepted()
    at(2026, 3, 11, 9)  # two working days overdue at the first run: every rung that holds, but no reminder
    taken, messages = run()
    assert taken == 2
    assert messages == {("official", "提示单"), ("official", "督办单"), ("supervision", "督办单")}


def test_a_worker_that_was_down_takes_every_rung_that_holds_at_once(at, run, accepted, samr_head):
    request = accepted()
    at(2026, 3, 20, 9)
    assert run()[0] == 3
    assert [level for level, _d in steps_of(request)] == [
        Escalation.NOTICE,
        Escalation.SUPERVISION_ORDER,
        Escalation.REPORT,
    ]


def test_a_reply_stops_the_ladder(at, run, accepted, users):
    request = accepted()
    at(2026, 3, 6, 9)
    assert run()[0] == 1
    actions.reply(request, by=users[Role.UNIT_OFFICIAL], text="已答复。")
    at(2026, 3, 20, 9)
    assert run() == (0, set())


def test_a_reopened_request_climbs_afresh(at, run, accepted, users, samr_head):
    request = accepted()
    at(2026, 3, 16, 9)
    assert run()[0] == 3
    at(2026, 3, 17, 10)
    actions.reply(request, by=users[Role.UNIT_OFFICIAL], text="已答复。")
    actions.rate(request, by=users[Role.ENTERPRISE_USER], satisfaction="not_satisfied")
    at(2026, 3, 18, 10)
    actions.reopen(request, by=users[Role.ENTERPRISE_USER], reason="问题没有解决。")
    request.refresh_from_db()
    new_deadline = request.reply_deadline
    assert new_deadline == datetime(2026, 3, 25, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert run() == (0, set())
    at(2026, 3, 24, 9)  # one working day left of the new deadline
    assert run() == (1, {("official", "到期提醒"), ("samr_head", "到期提醒")})
    at(2026, 3, 26, 9)
    assert run() == (1, {("official", "提示单"), ("samr_head", "提示单")})
    assert [(level, d == new_deadline) for level, d in steps_of(request)] == [
        (Escalation.REMINDER, True),
        (Escalation.NOTICE, False),
        (Escalation.NOTICE, True),
        (Escalation.SUPERVISION_ORDER, False),
        (Escalation.REPORT, False),
    ]


def test_an_approved_extension_is_a_new_deadline(at, run, accepted, users):
    request = accepted()
    at(2026, 3, 6, 9)
    assert run()[0] == 1
    actions.ask_extension(request, by=users[Role.UNIT_OFFICIAL], days=5, reason="需现场核实。")
    actions.decide_extension(request, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE], approve=True)
    request.refresh_from_db()
    assert request.extended_deadline.date() == date(2026, 3, 16)
    at(2026, 3, 10, 9)  # past the first deadline, not the extended one
    assert run() == (0, set())
    at(2026, 3, 13, 9)
    assert run() == (1, {("official", "到期提醒")})


def test_a_deemed_accepted_request_climbs_too(at, run, file_request, users, hengyang):
    at(2026, 3, 2, 10)
    request = actions.route(
        file_request(kind="consultation"),
        unit=hengyang["units"]["samr"],
        by=users[Role.BUSINESS_ENVIRONMENT_OFFICE],
    )
    at(2026, 3, 10, 9)  # never accepted: deemed accepted at the end of 3 March, and now overdue
    state = derive(request, datetime(2026, 3, 10, 9, tzinfo=SHANGHAI))
    assert state.deemed_accepted_at is not None and state.overdue
    assert run() == (1, {("official", "提示单")})


def test_the_unit_is_reminded_on_the_day_its_acceptance_deadline_ends(at, run, file_request, users, hengyang):
    at(2026, 3, 2, 10)
    request = actions.route(
        file_request(), unit=hengyang["units"]["samr"], by=users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    )
    assert request.accept_deadline == datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert run() == (0, set())  # Monday: the acceptance deadline is tomorrow
    at(2026, 3, 3, 0, 5)
    assert run() == (1, {("official", "受理提醒")})
    at(2026, 3, 3, 15)
    assert run() == (0, set())
    assert steps_of(request) == [(Escalation.REMINDER, request.accept_deadline)]
    event = RequestEvent.objects.get(request=request, kind=EventKind.ESCALATED)
    assert event.note.startswith("到期提醒：受理期限")
    # Accepted in time: nothing more until the reply deadline comes near.
    actions.accept(request, by=users[Role.UNIT_OFFICIAL])
    at(2026, 3, 4, 9)
    assert run() == (0, set())


def test_a_request_not_routed_yet_reminds_the_office(at, run, file_request):
    at(2026, 3, 2, 10)
    file_request(kind="consultation")
    at(2026, 3, 3, 9)
    assert run() == (1, {("office", "受理提醒")})
    at(2026, 3, 23, 9)  # deemed accepted with no unit, and far overdue: the office hears of it
    taken, messages = run()
    assert taken == 3
    assert ("office", "提示单") in messages and ("office", "督办单") in messages
    assert ("supervision", "督办单") in messages and ("leader", "报告单") in messages


def test_a_step_taken_by_another_worker_meanwhile_is_not_repeated(at, accepted):
    request = accepted()
    at(2026, 3, 10, 9)
    ladder = tasks._Ladder(datetime(2026, 3, 10, 9, tzinfo=SHANGHAI))
    args = (request, Escalation.NOTICE, request.reply_deadline, "提示单", "提示单：…", [])
    assert ladder.take(*args) is True
    assert ladder.take(*args) is False  # the unique row is there: no second event
    assert RequestEvent.objects.filter(request=request, kind=EventKind.ESCALATED).count() == 1


def test_candidates_are_selected_in_one_query_and_a_run_costs_the_same_however_many(
    at, run, file_request, users, hengyang
):
    at(2026, 3, 2, 10)
    office, official = users[Role.BUSINESS_ENVIRONMENT_OFFICE], users[Role.UNIT_OFFICIAL]
    samr = hengyang["units"]["samr"]

    def overdue_requests(n):
        made = []
        for _ in range(n):
            request = actions.route(file_request(kind="consultation"), unit=samr, by=office)
            actions.accept(request, by=official)
            made.append(request)
        return made

    at(2026, 3, 2, 10)
    far = actions.route(file_request(kind="demand"), unit=samr, by=office)  # due 23 March
    actions.accept(far, by=official)
    replied = overdue_requests(1)[0]
    actions.reply(replied, by=official, text="已答复。")
    few = overdue_requests(2)
    at(2026, 3, 10, 9)
    assert {r.pk for r in tasks.candidates(datetime(2026, 3, 10, 9, tzinfo=SHANGHAI))} == {r.pk for r in few}
    with CaptureQueriesContext(connection) as selecting:
        list(tasks.candidates(datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)))
    assert len(selecting) == 3  # the calendar overrides, the ladder's offsets in force, then the requests

    assert run()[0] == 2
    with CaptureQueriesContext(connection) as idle_few:
        assert tasks.escalate() == 0
    at(2026, 3, 2, 10)
    overdue_requests(8)
    at(2026, 3, 10, 9)
    assert run()[0] == 8
    with CaptureQueriesContext(connection) as idle_many:
        assert tasks.escalate() == 0
    assert len(idle_many) == len(idle_few) == 5  # the calendar, then each ladder's offsets and candidates


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_runs_count_of_working_days_matches_the_calendars(db, year):
    start = datetime(year, 9, 20, 10, tzinfo=SHANGHAI)
    overrides = workdays.load_overrides(date(year, 9, 1), date(year, 11, 30))
    for deadline_day in range(0, 30, 3):
        deadline = workdays.deadline_after(start, 1) + timedelta(days=deadline_day)
        for hours in range(0, 24 * 40, 13):
            now = start + timedelta(hours=hours)
            assert tasks.working_days_left(deadline, now, overrides) == workdays.working_days_left(
                deadline, now
            ), (deadline, now)


def test_the_rungs_due_for_the_days_left():
    assert tasks.rungs_due(2) == []
    assert tasks.rungs_due(1) == tasks.rungs_due(0) == [Escalation.REMINDER]
    assert tasks.rungs_due(-1) == [Escalation.NOTICE]
    assert tasks.rungs_due(-4) == [Escalation.NOTICE, Escalation.SUPERVISION_ORDER]
    assert tasks.rungs_due(-5) == [Escalation.NOTICE, Escalation.SUPERVISION_ORDER, Escalation.REPORT]


# --- the periodic tick -----------------------------------------------------------------------------


def ticks():
    return DBTaskResult.objects.filter(task_path=periodic.tick.module_path)


def test_ensure_ticking_queues_one_tick_when_none_waits(db):
    assert periodic.ensure_ticking() is True
    assert periodic.ensure_ticking() is False
    assert ticks().count() == 1
    assert ticks().get().status == "READY"


def test_a_running_tick_counts_unless_its_worker_died_long_ago(db):
    periodic.ensure_ticking()
    ticks().update(status="RUNNING", started_at=timezone.now())
    assert periodic.ensure_ticking() is False
    ticks().update(started_at=timezone.now() - timedelta(hours=1))
    assert periodic.ensure_ticking() is True


def test_escalation_is_registered_every_ten_minutes_and_found_by_discovery(db):
    periodic.discover()
    job = periodic.registry["yancheng.enterprise_requests.tasks.escalate"]
    assert job.minutes == 10 and job.function is tasks.escalate


def test_a_tick_runs_what_is_due_once_per_interval_and_queues_the_next(db, at, accepted, monkeypatch):
    accepted()
    at(2026, 3, 10, 9)
    calls = []
    monkeypatch.setitem(
        periodic.registry, "test.boom", periodic.Periodic("test.boom", 5, lambda: calls.append(1) / 0)
    )
    before = timezone.now()
    first = periodic.tick.call()
    assert first["yancheng.enterprise_requests.tasks.escalate"] == 1
    assert first["test.boom"].startswith("error: TypeError")  # logged; the other jobs still ran
    waiting = ticks().get()
    assert waiting.status == "READY" and waiting.run_after >= before + timedelta(seconds=59)

    second = periodic.tick.call()  # a minute later, say: nothing is due yet
    assert "yancheng.enterprise_requests.tasks.escalate" not in second and "test.boom" not in second
    assert ticks().count() == 1  # a tick was waiting already: no second chain
    assert calls == [1]
    assert EscalationStep.objects.count() == 1
