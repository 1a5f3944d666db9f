"""The reads of a gate scan, in SQL: a gate answers hundreds of scans a second at peak and each of these
would cost more to compile through the ORM than to run (core/sql.py, docs/benchmarks.md). Each returns
what the ORM query it replaces returned; tests compare them."""

import functools

from django.contrib.auth import get_user_model
from django.db import connection

from yancheng.core import sql
from yancheng.core.auth import attach_person
from yancheng.core.models import Person, Unit

from .choices import RequestStatus
from .models import CheckEvent, Pass, Visit, Visitor, VisitRequest


def find_pass(*, pk: int | None = None, short_code: str | None = None) -> Pass | None:
    """A pass with its visitor, the visitor's user and person, the request and the visit loaded."""
    column, value = ("id", pk) if pk is not None else ("short_code", short_code)
    row = sql.fetch_one(_pass_sql(column, connection.vendor), [value])
    if row is None:
        return None
    green_pass, at = sql.instance(Pass, row)
    visitor, at = sql.instance(Visitor, row, at)
    user, at = sql.instance(get_user_model(), row, at)
    person, at = sql.instance(Person, row, at)
    request, at = sql.instance(VisitRequest, row, at)
    visit, _at = sql.instance(Visit, row, at)
    attach_person(user, person)
    visitor.user, visitor.request, request.visit = user, request, visit
    green_pass.visitor = visitor
    return green_pass


@functools.cache
def _pass_sql(column: str, vendor: str) -> str:
    User = get_user_model()
    return (
        f"SELECT {sql.columns(Pass, 'p')}, {sql.columns(Visitor, 'vi')}, {sql.columns(User, 'u')}, "
        f"{sql.columns(Person, 'pe')}, {sql.columns(VisitRequest, 'r')}, {sql.columns(Visit, 'v')} "
        f"FROM {sql.table(Pass)} p JOIN {sql.table(Visitor)} vi ON vi.id = p.visitor_id "
        f"JOIN {sql.table(User)} u ON u.id = vi.user_id LEFT JOIN {sql.table(Person)} pe ON pe.user_id = u.id "
        f"JOIN {sql.table(VisitRequest)} r ON r.id = vi.request_id JOIN {sql.table(Visit)} v ON v.id = r.visit_id "
        f"WHERE p.{column} = %s"
    )


def checks(green_pass: Pass) -> dict[str, CheckEvent]:
    """The pass's check-in and check-out recorded so far, by direction (at most one of each)."""
    rows = sql.fetch_all(_checks_sql(connection.vendor), [green_pass.pk])
    events = (sql.instance(CheckEvent, row)[0] for row in rows)
    return {event.direction: event for event in events}


@functools.cache
def _checks_sql(vendor: str) -> str:
    return f"SELECT {sql.columns(CheckEvent, 'c')} FROM {sql.table(CheckEvent)} c WHERE c.green_pass_id = %s"


def approved_unit_names(visit: Visit) -> list[str]:
    """The units whose part of the visit is approved, the one that filed first (the lead unit) first."""
    rows = sql.fetch_all(
        f"SELECT n.name FROM {sql.table(VisitRequest)} r JOIN {sql.table(Unit)} n ON n.id = r.unit_id "
        "WHERE r.visit_id = %s AND r.status = %s ORDER BY r.filed_at, r.id",
        [visit.pk, RequestStatus.APPROVED],
    )
    return [name for (name,) in rows]
