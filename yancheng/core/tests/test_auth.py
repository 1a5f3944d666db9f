"""Sign-in: the Chinese login page, lockout, the second factor, password rules, security headers."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yancheng.core.actions import issue_api_token
from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role


def login(client, username, password=PASSWORD, otp="", address="10.0.0.1"):
    data = {"username": username, "password": password, "otp_token": otp}
    return client.post("/account/login/", data, REMOTE_ADDR=address)


def totp_now(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():0{device.digits}d}"


@pytest.mark.django_db
def test_login_page_is_in_chinese_with_csp_and_security_headers(client):
    response = client.get("/account/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录雁城平台" in html and 'lang="zh-hans"' in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "csrfmiddlewaretoken" in html


def test_a_good_login_reaches_the_home_page_and_is_audited(client, users):
    response = login(client, "official")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "工作台" in client.get("/").content.decode()
    assert AuditEntry.objects.filter(action="login", actor=users[Role.UNIT_OFFICIAL], ip="10.0.0.1").exists()


def test_a_failed_login_says_why_in_chinese_and_is_audited_with_the_typed_name(client, users):
    response = login(client, "official", "wrong-password1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor_label == "official" and entry.ip == "10.0.0.1"


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(client, users):
    for _ in range(5):
        login(client, "official", "wrong-password1", address="10.0.0.2")
    # From another address, with the right password: the account itself is locked.
    response = login(client, "official", address="10.0.0.3")
    assert response.status_code == 429
    assert "临时锁定" in response.content.decode() and "请 15 分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_locked_out").exists()


def test_an_address_is_locked_after_five_failures_across_accounts(client, users):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        login(client, name, "wrong-password1", address="10.0.0.9")
    response = login(client, "official", address="10.0.0.9")
    assert response.status_code == 429
    assert login(client, "official", address="10.0.0.10").status_code == 302


def test_a_success_on_an_own_account_does_not_wipe_the_addresss_failures(client, users):
    # Four guesses, then a login to an account the attacker holds, again and again: the address locks.
    for name in ["a1", "a2", "a3", "a4"]:
        login(client, name, "wrong-password1", address="10.0.0.11")
    assert login(client, "bank", address="10.0.0.11").status_code == 302
    client.logout()
    assert login(client, "a5", "wrong-password1", address="10.0.0.11").status_code == 429
    assert login(client, "bank", address="10.0.0.11").status_code == 429


def test_a_success_clears_that_accounts_own_failures(client, users):
    for _ in range(4):
        login(client, "official", "wrong-password1", address="10.0.0.12")
    assert login(client, "official", address="10.0.0.13").status_code == 302
    client.logout()
    for _ in range(4):  # four more: it took five in a row to lock, and the success reset the count
        login(client, "official", "wrong-password1", address="10.0.0.14")
    assert login(client, "official", address="10.0.0.15").status_code == 302


def test_a_user_with_an_authenticator_must_give_the_code(client, users, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code; not the point here
    user = users[Role.UNIT_OFFICIAL]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    missing = login(client, "official")
    assert missing.status_code == 200 and "请输入 6 位动态口令" in missing.content.decode()
    wrong = login(client, "official", otp="000000" if totp_now(device) != "000000" else "111111")
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    assert AuditEntry.objects.filter(action="login_failed", actor_label="official").count() == 2
    assert login(client, "official", otp=totp_now(device)).status_code == 302


def test_leaders_and_administrators_must_set_up_a_second_factor_when_required(client, users, settings):
    settings.REQUIRE_OTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    login(client, "leader")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/otp/"
    assert client.get("/api/v1/me").status_code == 403
    setup = client.get("/account/otp/")
    assert "身份验证器" in setup.content.decode() and "<svg" in setup.content.decode()

    device = TOTPDevice.objects.get(user=users[Role.LEADER])
    assert client.post("/account/otp/", {"otp_token": "abc"}).status_code == 200
    client.post("/account/otp/", {"otp_token": totp_now(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_a_bearer_header_that_authenticates_nothing_does_not_skip_the_second_factor(client, users, settings):
    settings.REQUIRE_OTP = True
    login(client, "leader")
    nonsense = {"HTTP_AUTHORIZATION": "Bearer nonsense"}
    assert client.get("/", **nonsense).status_code == 302  # pages never take bearer tokens
    assert client.get("/api/v1/me", **nonsense).status_code == 403  # nor does the API on a session
    _token, secret = issue_api_token(owner=users[Role.LEADER], by=users[Role.LEADER], name="大屏")
    answer = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200 and answer.json()["username"] == users[Role.LEADER].username


def test_other_roles_are_not_forced_to_a_second_factor(client, users, settings):
    settings.REQUIRE_OTP = True
    login(client, "official")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short1a", False), ("onlyletterslong", False), ("1234567890123", False), ("Hengyang@2026", True)],
)
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_sessions_time_out_when_idle(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
