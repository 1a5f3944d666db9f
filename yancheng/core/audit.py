"""Writing the audit log. Actions call `record`; the actor and address come from the current request
(set by RequestContextMiddleware) unless given, so a command or the worker records as the system."""

import hashlib
from contextvars import ContextVar

from django.db import models

from yancheng.core import sql
from yancheng.core.models import AuditEntry

current_request: ContextVar = ContextVar("yancheng_current_request", default=None)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wrote. Behind nginx, the server is
    # started so that REMOTE_ADDR is the client's address (see the README's production section).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _value(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs; a field on one side only (a row created
    or deleted) is None on the other."""
    return {
        name: [_value(before.get(name)), _value(after.get(name))]
        for name in {**before, **after}
        if _value(before.get(name)) != _value(after.get(name))
    }


# Keys never go into the log, which administrators read: only a fingerprint that shows they changed.
SECRET_FIELDS = frozenset({"secret", "webhook_secret", "digest", "password"})


def _fingerprint(value) -> str:
    data = value if isinstance(value, bytes | memoryview) else str(value).encode()
    return f"****{hashlib.sha256(data).hexdigest()[:8]}" if value else value


def snapshot(instance: models.Model, fields=None) -> dict:
    """The fields' values as the log keeps them: keys and file contents (a signed PDF) as fingerprints."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    binary = {f.attname for f in instance._meta.concrete_fields if isinstance(f, models.BinaryField)}
    return {
        name: _fingerprint(getattr(instance, name))
        if name in SECRET_FIELDS or name in binary
        else getattr(instance, name)
        for name in names
    }


def record(
    action: str, obj=None, *, changes=None, actor=None, actor_label: str = "", request=None
) -> AuditEntry:
    entry = unsaved(action, obj, changes=changes, actor=actor, actor_label=actor_label, request=request)
    # sql.insert rather than save(): every action passes here, and save() costs several times more.
    sql.insert(entry)
    return entry


def record_all(entries: list[AuditEntry]) -> None:
    """Entries made by `unsaved`, written in a few statements: an import of 20,000 rows writes as many
    entries, and on SQLite every other writer waits for the import's transaction."""
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def unsaved(
    action: str, obj=None, *, changes=None, actor=None, actor_label: str = "", request=None
) -> AuditEntry:
    """The entry `record` would write, not written yet."""
    request = request or current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if not actor_label:
        actor_label = actor.get_username() if actor is not None else "system"
    entry = AuditEntry(
        actor=actor,
        actor_label=actor_label[:150],
        action=action,
        changes=changes or {},
        ip=client_ip(request),
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    return entry
