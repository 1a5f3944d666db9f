"""The hand-written SQL of the hot paths (core/sql.py) must read and write exactly what the ORM does."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from conftest import make_user
from yancheng.core import actions, sql
from yancheng.core.auth import find_token, record_token_use
from yancheng.core.models import ApiToken, AuditEntry, Person
from yancheng.core.models.tokens import digest
from yancheng.core.roles import Role


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _load(model, pk):
    """The row through core/sql.py, as find_token and the gate do."""
    row = sql.fetch_one(f"SELECT {sql.columns(model, 'x')} FROM {sql.table(model)} x WHERE x.id = %s", [pk])
    return sql.instance(model, row)[0]


@pytest.mark.django_db
def test_an_instance_read_by_hand_equals_the_orm_one_datetimes_json_booleans_and_nulls(users):
    admin = users[Role.ADMINISTRATOR]
    admin.last_login = timezone.now() - timedelta(days=2, microseconds=17)
    admin.save()
    entry = AuditEntry.objects.create(
        actor=admin, action="test", changes={"金额": [None, "1,000.50"], "n": [1, 2]}, ip="10.0.0.1"
    )
    for model, pk in ((get_user_model(), admin.pk), (AuditEntry, entry.pk), (Person, admin.person.pk)):
        by_hand, orm = _load(model, pk), model.objects.get(pk=pk)
        assert _fields(by_hand) == _fields(orm)
        assert not by_hand._state.adding and by_hand._state.db == orm._state.db
    assert _load(get_user_model(), admin.pk).is_superuser is True  # a bool, not SQLite's 1


@pytest.mark.django_db
def test_insert_fills_the_creation_time_and_returns_the_row_as_the_orm_reads_it(users):
    before = timezone.now()
    entry = AuditEntry(
        actor=users[Role.LEADER], actor_label="leader", action="x", changes={"a": [None, "乙"]}
    )
    assert sql.insert(entry) is True
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert before <= stored.at <= timezone.now()
    assert _fields(stored) == _fields(entry)


@pytest.mark.django_db
def test_insert_unless_exists_writes_nothing_when_the_unique_values_are_taken(users):
    leader = users[Role.LEADER]
    token, _secret = actions.issue_api_token(owner=leader, by=leader, name="甲")
    twin = ApiToken(user=leader, name="乙", prefix="x", digest=token.digest, created_by=leader)
    assert sql.insert(twin, unless_exists=("digest",)) is False
    assert twin.pk is None
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["甲"]


@pytest.mark.django_db
def test_the_token_look_up_follows_the_orm_rule_for_revoked_and_expired_tokens(users):
    leader = users[Role.LEADER]
    now = timezone.now()
    tokens = {}
    for name, expires in (("valid", None), ("later", now + timedelta(days=1)), ("expired", None)):
        token, _secret = actions.issue_api_token(owner=leader, by=leader, name=name, expires_at=expires)
        tokens[name] = token
    ApiToken.objects.filter(pk=tokens["expired"].pk).update(expires_at=now - timedelta(seconds=1))
    revoked, _secret = actions.issue_api_token(owner=leader, by=leader, name="revoked")
    actions.revoke_api_token(revoked, by=leader)
    tokens["revoked"] = revoked
    for name, token in tokens.items():
        in_orm = ApiToken.objects.usable().filter(digest=token.digest).exists()
        assert (find_token(token.digest) is not None) == in_orm, name
    assert {n for n, t in tokens.items() if find_token(t.digest)} == {"valid", "later"}
    assert find_token(digest("yc_never-issued")) is None


@pytest.mark.django_db
def test_the_token_comes_with_its_user_person_and_enterprise_without_more_queries(
    users, django_assert_num_queries
):
    owner = users[Role.ENTERPRISE_USER]
    token, _secret = actions.issue_api_token(owner=owner, by=owner, name="门岗")
    with django_assert_num_queries(1):
        found = find_token(token.digest)
        assert found.user == owner and found.user.person.enterprise == owner.person.enterprise
        assert found.user.person.unit is None and found.user.person.user is found.user
    assert _fields(found) == _fields(ApiToken.objects.get(pk=token.pk))

    bare = get_user_model().objects.create_user("system-only", password="x" * 12)
    token, _secret = actions.issue_api_token(owner=bare, by=users[Role.ADMINISTRATOR], name="接口")
    with django_assert_num_queries(1):
        assert getattr(find_token(token.digest).user, "person", None) is None


@pytest.mark.django_db
def test_a_token_use_is_written_once_a_minute(users, rf):
    owner = make_user("gate", Role.ENTERPRISE_USER, enterprise=users[Role.ENTERPRISE_USER].person.enterprise)
    token, _secret = actions.issue_api_token(owner=owner, by=owner, name="门岗")

    def use():
        request = rf.get("/")
        request.api_token = find_token(token.digest)
        record_token_use(request)
        record_token_use(request)  # a second call in the same request writes nothing more
        return ApiToken.objects.get(pk=token.pk).last_used_at

    first = use()
    assert first is not None
    assert use() == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert use() > first
