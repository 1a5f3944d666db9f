"""API authentication: a signed-in session (with CSRF) or `Authorization: Bearer <token>`."""

import functools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from yancheng.core import sql
from yancheng.core.models import ApiToken, Enterprise, Person, Unit
from yancheng.core.models.tokens import digest

# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = usable_token(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found
        return found.user


def usable_token(secret: str) -> ApiToken | None:
    """The token with this secret if it may be used now (not revoked, not expired, its user active)."""
    found = find_token(digest(secret))
    return found if found is not None and found.user.is_active else None


def bearer_token(request) -> ApiToken | None:
    """The usable token of the request's `Authorization: Bearer` header, if it has one."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return usable_token(secret.strip())


def record_token_use(request) -> None:
    """Write the request's token's last_used_at, at most once a minute per token.

    RequestContextMiddleware calls it after the view. A view that writes anyway may call it first, inside
    its own transaction (the gate check-in does): on SQLite, where writers queue for one lock, one write
    transaction per check-in instead of two made check-ins 1.5 times as fast (docs/benchmarks.md).
    """
    found = getattr(request, "api_token", None)
    if found is None or getattr(request, "_yancheng_token_use_recorded", False):
        return
    request._yancheng_token_use_recorded = True
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        sql.execute(
            f"UPDATE {sql.table(ApiToken)} SET last_used_at = %s WHERE id = %s",
            [sql.prep(ApiToken, "last_used_at", now), found.pk],
        )
        found.last_used_at = now


def find_token(token_digest: str) -> ApiToken | None:
    """The usable token with this digest, its user, person, enterprise and unit loaded: one SQL statement.

    Every API call of a system (a gate's scanner, a bank) starts here, so it is written out by hand
    (core/sql.py says why); ``ApiToken.objects.usable()`` is the same rule in the ORM, and a test holds
    the two together.
    """
    row = sql.fetch_one(
        _token_sql(connection.vendor), [token_digest, sql.prep(ApiToken, "expires_at", timezone.now())]
    )
    if row is None:
        return None
    found, at = sql.instance(ApiToken, row)
    user, at = sql.instance(get_user_model(), row, at)
    person, at = sql.instance(Person, row, at)
    enterprise, at = sql.instance(Enterprise, row, at)
    unit, _at = sql.instance(Unit, row, at)
    found.user = user
    attach_person(user, person)
    if person is not None:
        person.enterprise, person.unit = enterprise, unit
    return found


def attach_person(user, person) -> None:
    """Cache a user's person (read in the same statement) both ways, as select_related would: a user
    without one then reads as "no person" without another query."""
    user_field = Person._meta.get_field("user")
    user_field.remote_field.set_cached_value(user, person)
    if person is not None:
        user_field.set_cached_value(person, user)


@functools.cache
def _token_sql(vendor: str) -> str:
    User = get_user_model()
    return (
        f"SELECT {sql.columns(ApiToken, 't')}, {sql.columns(User, 'u')}, {sql.columns(Person, 'p')}, "
        f"{sql.columns(Enterprise, 'e')}, {sql.columns(Unit, 'n')} "
        f"FROM {sql.table(ApiToken)} t JOIN {sql.table(User)} u ON u.id = t.user_id "
        f"LEFT JOIN {sql.table(Person)} p ON p.user_id = u.id "
        f"LEFT JOIN {sql.table(Enterprise)} e ON e.id = p.enterprise_id "
        f"LEFT JOIN {sql.table(Unit)} n ON n.id = p.unit_id "
        "WHERE t.digest = %s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)"
    )


api_auth = [BearerToken(), django_auth]
