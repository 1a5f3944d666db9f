"""The gate's reads in SQL (visits/gate.py) return what the ORM queries they replace return."""

import uuid

import pytest

from yancheng.core.roles import Role
from yancheng.visits import actions, gate
from yancheng.visits.choices import Direction, Kind, Purpose, ScanMethod
from yancheng.visits.models import CheckEvent, Pass, Visitor, VisitRequest


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _same_pass(found: Pass, orm: Pass):
    for mine, theirs in (
        (found, orm),
        (found.visitor, orm.visitor),
        (found.visitor.user, orm.visitor.user),
        (found.visitor.user.person, orm.visitor.user.person),
        (found.visitor.request, orm.visitor.request),
        (found.visitor.request.visit, orm.visitor.request.visit),
    ):
        assert _fields(mine) == _fields(theirs), type(mine).__name__


@pytest.mark.django_db
def test_a_pass_found_by_id_or_short_code_is_the_orms_with_everything_a_scan_reads(
    visit_now, django_assert_num_queries
):
    green_pass = Pass.objects.get(visitor__request=visit_now)
    orm = actions._pass_query().get(pk=green_pass.pk)
    with django_assert_num_queries(1):
        by_id = gate.find_pass(pk=green_pass.pk)
        # What judging a scan and answering it read: nothing more from the database.
        assert str(by_id.visitor) == str(orm.visitor)
        assert by_id.visitor.request.visit.enterprise_id == orm.visitor.request.visit.enterprise_id
    _same_pass(by_id, orm)
    _same_pass(gate.find_pass(short_code=green_pass.short_code), orm)
    assert gate.find_pass(pk=green_pass.pk + 1000) is None
    assert gate.find_pass(short_code="ZZZZ-ZZZZ") is None


@pytest.mark.django_db
def test_the_checks_so_far_are_those_confirmed_and_equal_the_orm_s(visit_now, users):
    green_pass = gate.find_pass(pk=Pass.objects.get(visitor__request=visit_now).pk)
    enterprise = users[Role.ENTERPRISE_USER].person.enterprise
    scan = {"enterprise": enterprise, "method": ScanMethod.SHORT_CODE, "by": users[Role.ENTERPRISE_USER]}
    assert gate.checks(green_pass) == {}
    actions.scan(green_pass, direction=Direction.IN, confirm=False, **scan)  # looked at, not confirmed
    assert gate.checks(green_pass) == {}
    actions.scan(green_pass, direction=Direction.IN, confirm=True, **scan)
    actions.scan(green_pass, direction=Direction.OUT, confirm=True, **scan)
    found = gate.checks(green_pass)
    assert set(found) == {Direction.IN, Direction.OUT}
    for direction, event in found.items():
        assert _fields(event) == _fields(CheckEvent.objects.get(green_pass=green_pass, direction=direction))


@pytest.mark.django_db
def test_the_answer_names_the_approved_units_lead_unit_first(visit_now, users):
    visit = visit_now.visit
    second = VisitRequest.objects.create(
        visit=visit,
        unit=users["other_official"].person.unit,
        purpose=Purpose.INSPECTION,
        kind=Kind.TRIGGERED,
        trigger="complaint",
        filed_by=users["other_official"],
        submission_key=uuid.uuid4().hex,
    )
    Visitor.objects.create(request=second, user=users["other_official"])
    assert gate.approved_unit_names(visit) == [visit_now.unit.name]  # the second is still pending
    actions.approve_request(second, by=users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    assert gate.approved_unit_names(visit) == [visit_now.unit.name, second.unit.name]
