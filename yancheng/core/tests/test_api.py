"""The HTTP API: health, the OpenAPI document, bearer tokens, and reads scoped to the caller."""

from datetime import timedelta

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from yancheng.core import actions
from yancheng.core.models import ApiToken, AuditEntry
from yancheng.core.roles import Role


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
def test_health_answers_200_with_the_database_reachable(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)
    assert "/api/v1/health" in document["paths"]


@pytest.mark.django_db
def test_api_docs_are_served_without_internet(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower(), "the docs page must not load anything from a CDN"


@pytest.mark.django_db
def test_anonymous_call_gets_401_with_a_machine_readable_code(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_token_is_shown_once_stored_hashed_and_accepted_as_bearer(client, users):
    clerk = users[Role.BANK_CLERK]
    client.force_login(clerk)
    response = client.post("/api/v1/tokens", {"name": "工行核心系统"}, content_type="application/json")
    assert response.status_code == 201
    secret = response.json()["token"]
    client.logout()

    stored = ApiToken.objects.get(user=clerk)
    assert secret not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    assert "token" not in client.get("/api/v1/tokens", **bearer(secret)).json()[0]

    me = client.get("/api/v1/me", **bearer(secret))
    assert me.status_code == 200
    assert me.json()["username"] == "bank" and me.json()["roles"] == ["bank_clerk"]
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_revoked_and_expired_tokens_are_refused(client, users):
    clerk = users[Role.BANK_CLERK]
    revoked, revoked_secret = actions.issue_api_token(owner=clerk, by=clerk, name="旧系统")
    actions.revoke_api_token(revoked, by=clerk)
    expiring, expiring_secret = actions.issue_api_token(
        owner=clerk, by=clerk, name="临时", expires_at=timezone.now() + timedelta(minutes=1)
    )
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", **bearer(revoked_secret)).status_code == 401
    assert client.get("/api/v1/me", **bearer(expiring_secret)).status_code == 401
    assert client.get("/api/v1/me", **bearer("yc_not-a-token")).status_code == 401


def test_token_actions_are_audited(users):
    clerk = users[Role.BANK_CLERK]
    token, _secret = actions.issue_api_token(owner=clerk, by=clerk, name="核心系统")
    actions.revoke_api_token(token, by=clerk)
    assert list(
        AuditEntry.objects.filter(object_type="core.apitoken", object_id=str(token.pk)).values_list(
            "action", flat=True
        )
    ) == ["api_token_revoked", "api_token_issued"]


def test_only_an_administrator_issues_tokens_for_someone_else(users):
    clerk, other = users[Role.BANK_CLERK], users["other_bank"]
    with pytest.raises(actions.ActionRefused):
        actions.issue_api_token(owner=other, by=clerk, name="越权")
    token, _ = actions.issue_api_token(owner=clerk, by=users[Role.ADMINISTRATOR], name="管理员代建")
    assert token.user == clerk and token.created_by == users[Role.ADMINISTRATOR]
    assert AuditEntry.objects.filter(action="permission_denied", actor=clerk).exists()


def test_bad_token_input_is_a_400_with_a_code_and_changes_nothing(client, users):
    client.force_login(users[Role.BANK_CLERK])
    response = client.post("/api/v1/tokens", {"name": "  "}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "name_required"
    response = client.post(
        "/api/v1/tokens", {"name": 1, "expires_at": "not a date"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert not ApiToken.objects.exists()


def test_a_token_without_time_zone_or_with_a_control_character_is_a_422_and_changes_nothing(client, users):
    client.force_login(users[Role.BANK_CLERK])
    for body in (
        {"name": "核心系统", "expires_at": "2030-01-01T00:00:00"},
        {"name": "核心\u0000系统"},
        {"name": "核心系统", "expires_at": "9999-12-31T23:59:59-12:00"},
    ):
        response = client.post("/api/v1/tokens", body, content_type="application/json")
        assert response.status_code == 422 and response.json()["code"] == "invalid", body
    assert not ApiToken.objects.exists()


def test_a_token_cannot_create_another_token(client, users):
    clerk = users[Role.BANK_CLERK]
    _token, secret = actions.issue_api_token(
        owner=clerk, by=clerk, name="一小时", expires_at=timezone.now() + timedelta(hours=1)
    )
    response = client.post(
        "/api/v1/tokens", {"name": "永久"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["一小时"]


def test_session_calls_that_write_need_csrf(users):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users[Role.BANK_CLERK])
    response = strict.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_an_enterprise_sees_only_itself(client, users, hengyang):
    a, b = hengyang["enterprises"]["a"], hengyang["enterprises"]["b"]
    client.force_login(users[Role.ENTERPRISE_USER])
    listed = client.get("/api/v1/enterprises").json()
    assert [e["uscc"] for e in listed["items"]] == [a.uscc]
    assert client.get(f"/api/v1/enterprises/{a.uscc}").status_code == 200
    # Another enterprise answers exactly like one that does not exist.
    other = client.get(f"/api/v1/enterprises/{b.uscc}")
    missing = client.get("/api/v1/enterprises/91430400MA4L99999X")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_officials_see_every_enterprise_and_banks_none(client, users):
    client.force_login(users[Role.UNIT_OFFICIAL])
    assert client.get("/api/v1/enterprises").json()["count"] == 2
    client.force_login(users[Role.BANK_CLERK])
    assert client.get("/api/v1/enterprises").json()["count"] == 0


def test_enterprise_list_makes_a_fixed_number_of_queries(client, users, hengyang, django_assert_num_queries):
    from yancheng.core.models import Enterprise
    from yancheng.core.validators import make_uscc

    for n in range(30):
        Enterprise.objects.create(
            uscc=make_uscc("9", "1", "430405", f"MA4M{n:04d}"),
            name=f"企业{n}",
            region=hengyang["regions"]["zhuhui"],
            industry="电子信息",
        )
    client.force_login(users[Role.UNIT_OFFICIAL])
    # session, user, roles, count, page, and the idle-timeout session refresh (savepoint, update,
    # release): the same for 3 rows or 300.
    with django_assert_num_queries(8):
        response = client.get("/api/v1/enterprises")
    assert response.json()["count"] == 32


def test_notifications_and_tokens_of_others_answer_404_and_change_nothing(assert_refused, users):
    from yancheng.core.notify import notify

    clerk = users[Role.BANK_CLERK]
    token, _ = actions.issue_api_token(owner=clerk, by=clerk, name="核心系统")
    (message,) = notify([clerk], "测试消息")
    others = [users[r] for r in Role if r not in (Role.BANK_CLERK, Role.ADMINISTRATOR)] + [
        users["other_bank"]
    ]
    assert_refused(others, "POST", f"/api/v1/tokens/{token.pk}/revoke")
    assert_refused(others + [users[Role.ADMINISTRATOR]], "POST", f"/api/v1/notifications/{message.pk}/read")
    assert_refused([None], "POST", "/api/v1/tokens", {"name": "匿名"})
    assert_refused([None], "GET", "/api/v1/enterprises")


PUBLIC_OPERATIONS = {"/api/v1/health", "/api/v1/visits/pass-keys"}  # the verification key is public by design


@pytest.mark.django_db
def test_every_api_operation_but_the_public_ones_refuses_an_anonymous_caller(client):
    """Walks the OpenAPI document, so an endpoint added later is covered without being listed here."""
    document = client.get("/api/v1/openapi.json").json()
    tried = 0
    for path, operations in document["paths"].items():
        url = path.replace("{", "").replace("}", "")  # any value: the refusal comes before the lookup
        for method in operations:
            if path in PUBLIC_OPERATIONS:
                continue
            response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code == 401, f"{method.upper()} {path} answered {response.status_code}"
            tried += 1
    assert tried >= 10


def test_a_body_that_is_not_json_is_a_400_with_a_code(client, users):
    client.force_login(users[Role.BANK_CLERK])
    response = client.post("/api/v1/tokens", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "unparsable"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/mortgage/verify/?number=%E6%B9%98%00&code=X",  # public, no sign-in
        "/requests/?status=open%00",
        "/visits/office/?enterprise=a%00b",
        "/api/v1/regions?x=%00",
    ],
)
def test_a_nul_character_in_a_parameter_is_a_400_on_every_database(client, users, path):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "invalid_characters"
    else:
        assert "请求无效" in response.content.decode()


def test_a_nul_character_in_a_form_is_refused_before_anything_is_written(client, users):
    client.force_login(users[Role.BANK_CLERK])
    before = AuditEntry.objects.count()
    response = client.post("/tokens/", {"name": "核心\x00系统"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists() and AuditEntry.objects.count() == before
