"""The visits demo: it loads twice without duplicates, and its year of history keeps the rules the
platform enforces when an official files, scans or rates."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from yancheng.core import workdays
from yancheng.core.models import Enterprise
from yancheng.core.roles import Role
from yancheng.visits import passes, rules
from yancheng.visits.actions import LEEWAY, rating_opens_at, with_rating_facts
from yancheng.visits.choices import INSPECTING, CaseStatus, Direction, Kind, Purpose, RequestStatus, Trigger
from yancheng.visits.models import (
    CheckEvent,
    NoPassReport,
    Pass,
    Rating,
    Visit,
    Visitor,
    VisitRequest,
    VisitRules,
)


def visit_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("visits").get_models()}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_loads_twice_without_adding_anything(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = visit_counts()
    assert "访企演示数据" in out.getvalue()
    call_command("load_demo", stdout=io.StringIO())
    assert visit_counts() == first
    assert 560 <= first["visits.Visit"] <= 640
    assert first["visits.Rating"] > 300 and first["visits.CheckEvent"] > 1500


def test_only_pilots_are_visited_and_the_rules_are_kept(demo):
    pilots = set(Enterprise.objects.filter(pilot=True).values_list("pk", flat=True))
    visited = set(Visit.objects.values_list("enterprise_id", flat=True))
    assert visited == pilots
    current = VisitRules.current()
    now = timezone.now()

    # The caps, per enterprise and year (a joint visit counts once) and per unit.
    for enterprise in Enterprise.objects.filter(pilot=True):
        for year in set(Visit.objects.filter(enterprise=enterprise).values_list("year", flat=True)):
            counted = rules.planned_inspections(enterprise, year)
            assert counted.values("visit").distinct().count() <= current.cap_per_enterprise
            by_unit = Counter(counted.values_list("unit_id", flat=True))
            assert max(by_unit.values(), default=0) <= current.cap_per_unit_per_enterprise
    spared = VisitRequest.objects.filter(kind=Kind.PLANNED, purpose__in=INSPECTING).filter(
        visit__enterprise__exempt=True
    ) | VisitRequest.objects.filter(
        kind=Kind.PLANNED, purpose__in=INSPECTING, visit__enterprise__risk_grade="A"
    )
    assert not spared.exists()

    # Every request passes the filing rules as of its filing time (caps checked above).
    requests = VisitRequest.objects.select_related("visit__enterprise", "unit").prefetch_related(
        "visitors__user__person"
    )
    for request in requests:
        visit = request.visit
        draft = rules.Draft(
            enterprise=visit.enterprise,
            unit=request.unit,
            purpose=request.purpose,
            kind=request.kind,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            visitors=[(v.user, v.certificate_no) for v in request.visitors.all()],
            trigger=request.trigger,
            items=request.items,
            legal_basis=request.legal_basis,
            filed_at=request.filed_at,
        )
        for rule in (
            rules._window,
            rules._content,
            rules._visitors,
            rules._timing,
            rules._quiet_day,
            rules._exempt,
        ):
            assert not list(rule(draft, current)), (request.submission_key, rule.__name__)
        assert request.filed_late == (request.filed_at > visit.starts_at)
        assert request.filed_at <= now
        assert timezone.localdate(visit.starts_at).year == visit.year
        if request.kind == Kind.PLANNED:
            assert workdays.is_workday(timezone.localdate(visit.starts_at))
        if request.status in (RequestStatus.APPROVED, RequestStatus.REFUSED):
            assert request.filed_at <= request.decided_at <= now
            if request.auto_approved:
                assert request.purpose == Purpose.RESEARCH and request.decided_by is None
            else:
                assert request.decided_by.username == "yingshangban"
        if request.status == RequestStatus.REFUSED:
            assert request.decision_reason

    # The mix: mostly approved, some joint, a few refused, cancelled and emergencies filed late.
    past = VisitRequest.objects.filter(visit__starts_at__lt=now)
    statuses = Counter(past.values_list("status", flat=True))
    assert statuses[RequestStatus.APPROVED] > 0.9 * past.count()
    assert 0 < statuses[RequestStatus.REFUSED] < 30 and 0 < statuses[RequestStatus.CANCELLED] < 30
    assert statuses[RequestStatus.PENDING] == 0
    purposes = Counter(VisitRequest.objects.values_list("purpose", flat=True))
    total = sum(purposes.values())
    assert 0.28 < purposes[Purpose.RESEARCH] / total < 0.42
    assert 0.38 < purposes[Purpose.INSPECTION] / total < 0.52
    assert 0.14 < purposes[Purpose.ENFORCEMENT] / total < 0.26
    joint = Visit.objects.annotate(n=Count("requests")).filter(n__gt=1).count()
    assert 0.08 < joint / Visit.objects.count() < 0.16
    late = VisitRequest.objects.filter(filed_late=True)
    assert 1 <= late.count() <= 6 and set(late.values_list("trigger", flat=True)) == {Trigger.EMERGENCY}
    assert VisitRequest.objects.filter(visit__starts_at__gt=now, status=RequestStatus.PENDING).exists()


def test_passes_checks_and_ratings_are_consistent(demo):
    now = timezone.now()
    # A pass for every visitor of an approved request; none for refused or never-approved ones.
    approved = Visitor.objects.filter(request__status=RequestStatus.APPROVED)
    assert Pass.objects.filter(visitor__in=approved, revoked_at__isnull=True).count() == approved.count()
    assert not Pass.objects.filter(
        visitor__request__status__in=[RequestStatus.REFUSED, RequestStatus.PENDING]
    )
    assert not Pass.objects.filter(visitor__request__status=RequestStatus.CANCELLED, revoked_at__isnull=True)
    sample = Pass.objects.select_related("visitor__request__visit__enterprise").order_by("pk")[:20]
    for green_pass in sample:
        visit = green_pass.visitor.request.visit
        claims = passes.verify_pass(green_pass.token, now=visit.starts_at + timedelta(minutes=5))
        assert claims["jti"] == str(green_pass.pk) and claims["ent"] == visit.enterprise.uscc

    # Check-ins and check-outs within the pass's window, as the scanner allows, out after in.
    checks = CheckEvent.objects.select_related("green_pass__visitor__request__visit")
    ins = {}
    for check in checks:
        visit = check.green_pass.visitor.request.visit
        assert check.green_pass.visitor.request.status == RequestStatus.APPROVED
        assert visit.starts_at - LEEWAY <= check.at <= visit.ends_at + LEEWAY <= now
        if check.direction == Direction.IN:
            ins[check.green_pass_id] = check.at
    for check in checks:
        if check.direction == Direction.OUT:
            assert ins[check.green_pass_id] < check.at
    past_approved = Visit.objects.filter(ends_at__lt=now, requests__status=RequestStatus.APPROVED).distinct()
    checked_in = past_approved.filter(
        requests__visitors__green_pass__checks__direction=Direction.IN
    ).distinct()
    assert 0.85 < checked_in.count() / past_approved.count() < 0.97

    # Ratings: by a user of the rated enterprise, once a visitor checked out or the window ended,
    # within the rating period; mostly 4 and 5.
    days = VisitRules.current().rating_days
    ratings = Rating.objects.select_related("visit__enterprise", "rated_by__person")
    facts = with_rating_facts(Visit.objects.all()).in_bulk()
    for rating in ratings:
        visit = rating.visit
        assert rating.rated_by.person.enterprise_id == visit.enterprise_id
        assert rating.rated_by.person.roles.filter(role=Role.ENTERPRISE_USER).exists()
        assert (
            rating_opens_at(facts[visit.pk])
            <= rating.rated_at
            <= min(visit.ends_at + timedelta(days=days), now)
        )
        assert visit.requests.filter(status=RequestStatus.APPROVED).exists()
    scores = Counter(ratings.values_list("overall", flat=True))
    assert (scores[4] + scores[5]) / ratings.count() > 0.75
    assert 0 < scores[1] + scores[2] < 0.08 * ratings.count()
    assert 0 < ratings.filter(flag_favours=True).count() <= 2
    assert ratings.filter(flag_repeated=True).exists()


def test_demo_logins_have_a_visit_today_and_next_week(demo):
    today = timezone.localdate()
    visit = Visit.objects.get(enterprise__people__user__username="qiye", starts_at__date=today)
    start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    assert (start.hour, start.minute, end.hour, end.minute) == (9, 0, 17, 0)
    visitor = Visitor.objects.get(request__visit=visit, user__username="danwei")
    assert visitor.request.status == RequestStatus.APPROVED and visitor.certificate_no.startswith(
        "湘执法430400"
    )
    assert visitor.green_pass.revoked_at is None
    claims = passes.verify_pass(visitor.green_pass.token, now=visit.starts_at + timedelta(hours=1))
    assert claims["sub"] == str(visitor.user_id)
    assert not CheckEvent.objects.filter(green_pass__visitor__request__visit=visit).exists()

    upcoming = Visitor.objects.filter(
        user__username="danwei",
        request__status=RequestStatus.APPROVED,
        request__visit__starts_at__date__gte=today + timedelta(days=7 - today.weekday()),  # next Monday
        request__visit__starts_at__date__lte=today + timedelta(days=14),
    )
    assert upcoming.exists()
    assert 5 <= Visit.objects.filter(requests__visitors__user__username="danwei").distinct().count() <= 9


def test_no_pass_reports_are_handled_step_by_step(demo):
    reports = NoPassReport.objects.prefetch_related("steps__by")
    assert Counter(reports.values_list("status", flat=True)) == {
        CaseStatus.CLOSED: 3,
        CaseStatus.HANDLING: 1,
        CaseStatus.OPEN: 1,
    }
    for report in reports:
        steps = list(report.steps.all())
        assert report.enterprise.pilot
        assert report.reported_by.person.enterprise_id == report.enterprise_id
        assert report.occurred_at < report.reported_at <= timezone.now()
        assert report.status == (steps[-1].status if steps else CaseStatus.OPEN)
        assert all(step.by.username == "yingshangban" and step.at > report.reported_at for step in steps)
        assert [s.at for s in steps] == sorted(s.at for s in steps)
