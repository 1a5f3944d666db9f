"""The audit log: written by actions, append-only in the model and in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from yancheng.core import audit
from yancheng.core.models import AuditEntry, AuditLogIsAppendOnly, Enterprise
from yancheng.core.roles import Role


@pytest.fixture
def entry(db):
    return audit.record("test_action", actor_label="tester", changes={"x": [1, 2]})


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(entry):
    entry.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test_action"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'rewritten' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_changes_in_raw_sql(entry, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test_action"


def test_admin_edits_are_audited_with_old_and_new_values(client, users, hengyang):
    enterprise = hengyang["enterprises"]["a"]
    client.force_login(users[Role.ADMINISTRATOR])
    url = f"/admin/core/enterprise/{enterprise.pk}/change/"
    form = {
        "uscc": enterprise.uscc,
        "name": "衡阳甲电子科技股份有限公司",
        "region": enterprise.region_id,
        "industry": enterprise.industry,
        "address": "",
        "risk_grade": "A",
        "pilot": "on",
    }
    response = client.post(url, form, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin_changed", object_id=str(enterprise.pk))
    assert entry.changes["name"] == ["衡阳甲电子科技有限公司", "衡阳甲电子科技股份有限公司"]
    assert entry.changes["risk_grade"] == ["B", "A"]
    assert entry.actor == users[Role.ADMINISTRATOR] and entry.ip == "10.1.1.1"
    assert Enterprise.objects.get(pk=enterprise.pk).name == "衡阳甲电子科技股份有限公司"


def test_the_admin_offers_no_way_to_edit_or_delete_audit_entries(client, users, entry):
    client.force_login(users[Role.ADMINISTRATOR])
    listing = client.get("/admin/core/auditentry/?action=test_action")
    assert listing.status_code == 200 and "tester" in listing.content.decode()
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "test_action"


def test_only_administrators_may_read_the_audit_log(users, entry):
    assert AuditEntry.objects.for_user(users[Role.ADMINISTRATOR]).filter(pk=entry.pk).exists()
    for role in Role:
        if role != Role.ADMINISTRATOR:
            assert not AuditEntry.objects.for_user(users[role]).exists()


def test_a_refused_permission_is_audited(client, users, settings):
    settings.REQUIRE_OTP = True  # a leader without a second factor is refused by the API with a 403
    client.force_login(users[Role.LEADER])
    response = client.get("/api/v1/me", REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    entry = AuditEntry.objects.get(action="permission_denied")
    assert entry.actor == users[Role.LEADER] and entry.ip == "10.2.2.2"
    assert entry.changes["path"] == [None, "/api/v1/me"]


def test_role_required_pages_refuse_other_roles_with_403_and_audit(rf, users):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from yancheng.core.roles import role_required

    @role_required(Role.REGISTRY_OFFICIAL)
    def registry_page(request):
        return HttpResponse("ok")

    request = rf.get("/registry/")
    request.user = users[Role.REGISTRY_OFFICIAL]
    assert registry_page(request).status_code == 200
    request.user = users[Role.BANK_CLERK]
    with pytest.raises(PermissionDenied):
        registry_page(request)
    request.user = AnonymousUser()
    assert registry_page(request)["Location"].startswith("/account/login/")


def test_a_role_granted_or_taken_in_the_admin_is_audited(client, users):
    person = users[Role.UNIT_OFFICIAL].person
    granted = person.roles.get()
    client.force_login(users[Role.ADMINISTRATOR])
    url = f"/admin/core/person/{person.pk}/change/"
    page = client.get(url)
    form = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    form |= {
        "user": person.user_id,
        "unit": person.unit_id or "",
        "roles-TOTAL_FORMS": "2",
        "roles-INITIAL_FORMS": "1",
        "roles-0-id": granted.pk,
        "roles-0-person": person.pk,
        "roles-0-role": granted.role,
        "roles-0-DELETE": "on",
        "roles-1-person": person.pk,
        "roles-1-role": Role.ADMINISTRATOR,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(person.roles.values_list("role", flat=True)) == [Role.ADMINISTRATOR]
    created = AuditEntry.objects.get(action="admin_created", object_type="core.personrole")
    assert (
        created.changes["role"] == [None, Role.ADMINISTRATOR] and created.actor == users[Role.ADMINISTRATOR]
    )
    deleted = AuditEntry.objects.get(action="admin_deleted", object_type="core.personrole")
    assert deleted.changes["role"] == [granted.role, None] and deleted.object_id == str(granted.pk)
