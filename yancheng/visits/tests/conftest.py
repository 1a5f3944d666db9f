"""Fixtures for the visits tests: a working-day clock, a filing helper, an approved visit happening now."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from yancheng.core.roles import Role
from yancheng.visits import actions, rules
from yancheng.visits.choices import Kind, Purpose
from yancheng.visits.models import VisitRules

ZONE = timezone.get_fixed_timezone(8 * 60)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


@pytest.fixture
def visit_rules(db):
    rules_row = VisitRules.current()
    rules_row.auto_approve_research = False
    rules_row.save()
    return rules_row


@pytest.fixture
def colleague(users, hengyang):
    """A second official of the market regulator, so that enforcement has its two officers."""
    return make_user("official2", Role.UNIT_OFFICIAL, unit=hengyang["units"]["samr"], full_name="张伟")


@pytest.fixture
def file(users, hengyang, visit_rules):
    """File a request as the market regulator's official; keyword arguments change the draft."""

    def do(by=None, **changes):
        by = by or users[Role.UNIT_OFFICIAL]
        key = changes.pop("key", None) or uuid.uuid4().hex
        start = changes.pop("starts_at", timezone.now() + timedelta(days=10))
        draft = rules.Draft(
            enterprise=changes.pop("enterprise", hengyang["enterprises"]["a"]),
            unit=by.person.unit,
            purpose=changes.pop("purpose", Purpose.INSPECTION),
            kind=changes.pop("kind", Kind.PLANNED),
            starts_at=start,
            ends_at=changes.pop("ends_at", start + timedelta(hours=2)),
            visitors=changes.pop("visitors", [(by, "湘执法430400000001")]),
            items=changes.pop("items", "安全生产责任制落实情况"),
            legal_basis=changes.pop("legal_basis", "《中华人民共和国安全生产法》第六十五条"),
            **changes,
        )
        return actions.file_request(draft, by=by, submission_key=key)

    return do


@pytest.fixture
def visit_now(approved_visit):
    """An approved inspection of enterprise A by the market regulator, its window open now."""
    now = timezone.now()
    return approved_visit(now - timedelta(hours=1), now + timedelta(hours=2))


@pytest.fixture
def approved_visit(users, visit_rules, django_capture_on_commit_callbacks):
    """Make an approved complaint-triggered inspection of enterprise A by the market regulator's official."""
    from yancheng.visits.models import Visit, Visitor, VisitRequest

    def make(starts_at, ends_at):
        visit = Visit.objects.create(
            enterprise=users[Role.ENTERPRISE_USER].person.enterprise,
            starts_at=starts_at,
            ends_at=ends_at,
            year=starts_at.year,
        )
        request = VisitRequest.objects.create(
            visit=visit,
            unit=users[Role.UNIT_OFFICIAL].person.unit,
            purpose=Purpose.INSPECTION,
            kind=Kind.TRIGGERED,
            trigger="complaint",
            items="投诉核查",
            legal_basis="《安全生产法》",
            filed_by=users[Role.UNIT_OFFICIAL],
            submission_key=uuid.uuid4().hex,
        )
        Visitor.objects.create(request=request, user=users[Role.UNIT_OFFICIAL])
        with django_capture_on_commit_callbacks(execute=True):  # the notifications go out after commit
            actions.approve_request(request, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE])
        request.refresh_from_db()
        return request

    return make
