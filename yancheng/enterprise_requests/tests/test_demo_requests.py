"""The requests demo: it loads twice without duplicates, its history keeps the platform's time rules,
and the open requests are, on any day, in the state they were made for, with the escalation steps the
worker would have taken (so the worker, run right after loading, has nothing left to do)."""

import io
from collections import Counter
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from yancheng.core import workdays
from yancheng.core.models import Enterprise, Notification, Unit
from yancheng.enterprise_requests import demo, tasks
from yancheng.enterprise_requests.choices import Escalation, EventKind, Satisfaction
from yancheng.enterprise_requests.models import EnterpriseRequest, EscalationStep, KindDeadline, RequestEvent
from yancheng.enterprise_requests.state import derive
from yancheng.enterprise_requests.tests.conftest import SHANGHAI

OPEN = {f"{demo.OPEN_PREFIX}{name}": (number, situation, n) for name, number, _t, situation, n in demo.OPEN}


def counts() -> dict:
    return {
        "requests": EnterpriseRequest.objects.count(),
        "events": RequestEvent.objects.count(),
        "steps": EscalationStep.objects.count(),
        "notifications": Notification.objects.count(),
        "users": get_user_model().objects.count(),
        "heads": Unit.objects.filter(head__isnull=False).count(),
    }


@pytest.fixture
def loaded(db):
    call_command("load_demo", stdout=io.StringIO())


def check_open_requests(now):
    """Every open request is in its intended state at ``now``, and the worker has nothing to add."""
    found = EnterpriseRequest.objects.filter(submission_key__startswith=demo.OPEN_PREFIX).select_related(
        "unit"
    )
    assert {r.submission_key for r in found} == set(OPEN)
    today = timezone.localdate(now)
    for request in found:
        _number, situation, n = OPEN[request.submission_key]
        state = derive(request, now)
        where = f"{request.submission_key} at {now}"
        assert state.code == demo.EXPECTED_CODE[situation], where
        levels = set(
            request.escalations.filter(deadline=request.reply_deadline).values_list("level", flat=True)
        )
        if situation == "unrouted":
            assert request.unit is None, where
        if situation == "accept_today" and workdays.is_workday(today):
            assert timezone.localdate(request.accept_deadline) == today, where
            assert request.escalations.filter(
                level=Escalation.REMINDER, deadline=request.accept_deadline
            ).exists()
        if situation == "due_soon":
            assert state.due_soon and not state.overdue, where
            assert Escalation.REMINDER in levels, where
        if situation in ("overdue", "overdue_deemed"):
            assert state.overdue and workdays.working_days_left(state.deadline, now) == -n, where
            expected = {Escalation.NOTICE} | ({Escalation.SUPERVISION_ORDER} if n >= 2 else set())
            assert expected | ({Escalation.REPORT} if n >= 5 else set()) <= levels, where
            assert (state.deemed_accepted_at is not None) == (situation == "overdue_deemed"), where
        if situation == "extension_pending":
            assert request.extension_pending and not state.due_soon and not state.overdue, where
    with mock.patch("yancheng.core.clock.now", return_value=now):
        assert tasks.escalate(now) == 0


def test_loads_twice_without_adding_anything_and_leaves_the_worker_nothing_to_do(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "企业诉求演示数据" in out.getvalue()
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    requests = EnterpriseRequest.objects.filter(submission_key__startswith=demo.KEY_PREFIX)
    assert 290 <= requests.count() <= 330
    check_open_requests(timezone.now())


def test_the_demo_logins_have_something_waiting(loaded):
    User = get_user_model()
    office, danwei, qiye = (User.objects.get(username=name) for name in ("yingshangban", "danwei", "qiye"))
    now = timezone.now()

    def codes(queryset):
        return Counter(
            "overdue" if s.overdue else "due_soon" if s.due_soon and s.code == "in_progress" else s.code
            for s in (derive(r, now) for r in queryset)
        )

    mine = EnterpriseRequest.objects.filter(submission_key__startswith=demo.OPEN_PREFIX)
    office_sees = codes(mine.for_user(office))
    assert office_sees["unrouted"] >= 3
    assert mine.for_user(office).filter(extension_pending=True).exists()
    samr = codes(mine.for_user(danwei))
    assert samr["awaiting_acceptance"] >= 3 and samr["due_soon"] >= 1 and samr["overdue"] >= 2
    home = codes(mine.for_user(qiye))
    assert home["unrouted"] == 1 and home["due_soon"] == 1 and home["overdue"] == 1 and home["replied"] == 1
    # Their inboxes, and those of the people the ladder reached.
    assert Notification.objects.filter(recipient=office, title__startswith="新诉求待分派").count() >= 3
    assert Notification.objects.filter(recipient=danwei, title__startswith="新诉求请受理").exists()
    assert Notification.objects.filter(recipient=danwei, title__startswith="提示单").exists()
    assert Notification.objects.filter(recipient=qiye, title__startswith="您的诉求已答复").exists()
    assert Notification.objects.filter(recipient__username="samr-head", title__startswith="督办单").exists()
    assert Notification.objects.filter(recipient__username="duchashi", title__startswith="督办单").exists()
    assert Notification.objects.filter(recipient__username="leader", title__startswith="报告单").exists()
    assert Unit.objects.get(code="city-samr").head.username == "samr-head"
    for notification in Notification.objects.filter(link__startswith="/requests/"):
        request = EnterpriseRequest.objects.get(pk=notification.link.split("/")[2])
        assert notification.created_at >= request.filed_at


def test_the_history_keeps_the_time_rules(loaded):
    now = timezone.now()
    history = list(
        EnterpriseRequest.objects.filter(submission_key__startswith=demo.KEY_PREFIX)
        .exclude(submission_key__startswith=demo.OPEN_PREFIX)
        .select_related("enterprise", "unit", "filed_by__person")
        .prefetch_related("events", "escalations")
    )
    limits = KindDeadline.in_force()
    pilots = set(Enterprise.objects.filter(pilot=True).values_list("pk", flat=True))
    units, late, deemed, reopened, transferred = Counter(), 0, 0, 0, 0
    for request in history:
        where = request.submission_key
        assert request.enterprise_id in pilots, where
        assert request.filed_by.person.enterprise_id == request.enterprise_id, where
        assert request.accept_deadline == workdays.deadline_after(
            request.filed_at, limits[request.kind].accept_days
        )
        start = request.reopened_at or request.filed_at
        assert request.reply_deadline == workdays.deadline_after(start, limits[request.kind].reply_days), (
            where
        )
        assert request.filed_at <= request.routed_at <= request.accept_deadline, where
        assert request.replied_at < now - timedelta(days=1), where
        if request.satisfaction:
            assert request.replied_at < request.rated_at < now, where
        events = list(request.events.all())
        assert [e.at for e in events] == sorted(e.at for e in events), where
        assert events[0].kind == EventKind.FILED and events[0].at == request.filed_at, where
        assert [e.at for e in events if e.kind == EventKind.ROUTED] == [request.routed_at], where
        kinds = Counter(e.kind for e in events)
        assert kinds[EventKind.ESCALATED] == len(request.escalations.all()), where
        assert kinds[EventKind.REPLIED] == 1 + (request.reopened_at is not None), where
        # Every escalation step came while the request was waiting, as the worker would have taken it.
        for step in request.escalations.all():
            assert step.at < request.replied_at, where
            assert any(e.at == step.at and e.kind == EventKind.ESCALATED for e in events), where
            if step.level == Escalation.NOTICE:
                assert step.at > step.deadline, where
        state = derive(request, now)
        units[request.unit_id] += 1
        late += state.replied_on_time is False
        deemed += state.deemed_accepted_at is not None
        reopened += request.reopened_at is not None
        transferred += request.transferred_from_id is not None
    assert 18 <= len(units) <= 30
    assert 0.05 * len(history) <= late <= 0.15 * len(history)
    assert 0.03 * len(history) <= deemed <= 0.15 * len(history)
    assert 2 <= reopened <= 5 and transferred >= 3
    assert sum(r.extended_deadline is not None for r in history) == 1
    ratings = Counter(r.satisfaction for r in history if r.satisfaction)
    assert ratings[Satisfaction.SATISFIED] > 0.6 * sum(ratings.values())
    assert set(Counter(r.kind for r in history)) == {"demand", "complaint", "consultation", "suggestion"}
    assert len({r.subject for r in history}) >= 30
    filed = [r.filed_at for r in history]
    assert now - timedelta(days=366) < min(filed) and max(filed) < now - timedelta(days=30)


@pytest.mark.parametrize(
    "moment",
    [
        (2026, 3, 2, 0, 30),  # a Monday, before office hours
        (2026, 3, 4, 10, 15),  # a Wednesday morning
        (2026, 3, 7, 15),  # a Saturday
        (2025, 9, 30, 16),  # the eve of the National Day holiday
        (2025, 10, 4, 11),  # in the holiday
        (2026, 2, 13, 20),  # a Friday evening before the Spring Festival holiday
    ],
)
def test_on_any_day_the_open_requests_are_made_for_that_day(loaded, moment):
    # Loaded on that day ...
    EnterpriseRequest.objects.all().delete()
    Notification.objects.filter(link__startswith="/requests/").delete()
    now = datetime(*moment, tzinfo=SHANGHAI)
    with mock.patch("yancheng.core.clock.now", return_value=now):
        demo.load(io.StringIO())
    check_open_requests(now)
    history = EnterpriseRequest.objects.exclude(submission_key__startswith=demo.OPEN_PREFIX).count()
    # ... and again a day and a few hours later: the history stays, the open ones are remade.
    later = now + timedelta(days=1, hours=3)
    with mock.patch("yancheng.core.clock.now", return_value=later):
        demo.load(io.StringIO())
        check_open_requests(later)
        remade = counts()
        demo.load(io.StringIO())
        assert counts() == remade
    assert EnterpriseRequest.objects.exclude(submission_key__startswith=demo.OPEN_PREFIX).count() == history
