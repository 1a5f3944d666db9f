"""Shared fixtures: a small Hengyang, a named user for every role, and the authorization helper."""

import hashlib
from datetime import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from yancheng.core.models import AuditEntry, Enterprise, Person, PersonRole, Region, Unit
from yancheng.core.roles import Role
from yancheng.core.validators import make_uscc

PASSWORD = "Test-passw0rd"
SHANGHAI = timezone.get_fixed_timezone(8 * 60)

# Tables that a refused call may legitimately touch: the audit log records the refusal, the session
# and lockout tables record the sign-in, the task queue, the cache.
IGNORED_MODELS = {
    "core.auditentry",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "django_tasks_db.dbtaskresult",
    "admin.logentry",
}


@pytest.fixture
def hengyang(db):
    hunan = Region.objects.create(code="430000", name="湖南省", level="province")
    city = Region.objects.create(code="430400", name="衡阳市", level="city", parent=hunan)
    zhuhui = Region.objects.create(code="430405", name="珠晖区", level="county", parent=city)
    leiyang = Region.objects.create(code="430481", name="耒阳市", level="county", parent=city)
    units = {
        "gov": Unit.objects.create(code="gov", name="衡阳市人民政府办公室", kind="office", region=city),
        "optimization": Unit.objects.create(code="opt", name="衡阳市优化办", kind="office", region=city),
        "supervision": Unit.objects.create(code="sup", name="衡阳市督查室", kind="office", region=city),
        "performance": Unit.objects.create(code="perf", name="衡阳市绩效办", kind="office", region=city),
        "samr": Unit.objects.create(code="samr", name="衡阳市市场监督管理局", kind="department", region=city),
        "eco": Unit.objects.create(code="eco", name="衡阳市生态环境局", kind="department", region=city),
        "bank": Unit.objects.create(code="bank", name="工商银行衡阳分行", kind="bank", region=city),
        "other_bank": Unit.objects.create(code="bank2", name="建设银行衡阳分行", kind="bank", region=city),
        "registry": Unit.objects.create(
            code="registry", name="衡阳市不动产登记中心", kind="registry", region=city
        ),
    }
    enterprises = {
        "a": Enterprise.objects.create(
            uscc=make_uscc("9", "1", "430405", "MA4L0001"),
            name="衡阳甲电子科技有限公司",
            region=zhuhui,
            industry="电子信息",
            pilot=True,
        ),
        "b": Enterprise.objects.create(
            uscc=make_uscc("9", "1", "430481", "MA4L0002"),
            name="耒阳乙化工有限公司",
            region=leiyang,
            industry="精细化工",
        ),
    }
    return {
        "regions": {"city": city, "zhuhui": zhuhui, "leiyang": leiyang},
        "units": units,
        "enterprises": enterprises,
    }


@pytest.fixture
def at():
    """Set the platform's clock (yancheng.core.clock.now) for the rest of the test: at(2025, 9, 30, 16)."""
    patcher = mock.patch("yancheng.core.clock.now")
    fake = patcher.start()

    def move(*args):
        fake.return_value = datetime(*args, tzinfo=SHANGHAI)
        return fake.return_value

    move(2025, 9, 30, 16)  # a Tuesday afternoon before the National Day holiday
    yield move
    patcher.stop()


def make_user(username, role, *, unit=None, enterprise=None, full_name=None):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.cn"
    )
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        user.save()
    person = Person.objects.create(
        user=user, full_name=full_name or username, unit=unit, enterprise=enterprise
    )
    PersonRole.objects.create(person=person, role=role)
    return user


@pytest.fixture
def users(hengyang):
    """One named user for every role, plus a second enterprise, a second unit official and a second bank."""
    u, e = hengyang["units"], hengyang["enterprises"]
    return {
        Role.LEADER: make_user("leader", Role.LEADER, unit=u["gov"]),
        Role.SUPERVISION_OFFICE: make_user("supervision", Role.SUPERVISION_OFFICE, unit=u["supervision"]),
        Role.PERFORMANCE_OFFICE: make_user("performance", Role.PERFORMANCE_OFFICE, unit=u["performance"]),
        Role.BUSINESS_ENVIRONMENT_OFFICE: make_user(
            "office", Role.BUSINESS_ENVIRONMENT_OFFICE, unit=u["optimization"]
        ),
        Role.UNIT_OFFICIAL: make_user("official", Role.UNIT_OFFICIAL, unit=u["samr"]),
        Role.ENTERPRISE_USER: make_user("enterprise_a", Role.ENTERPRISE_USER, enterprise=e["a"]),
        Role.BANK_CLERK: make_user("bank", Role.BANK_CLERK, unit=u["bank"]),
        Role.REGISTRY_OFFICIAL: make_user("registry", Role.REGISTRY_OFFICIAL, unit=u["registry"]),
        Role.ADMINISTRATOR: make_user("admin", Role.ADMINISTRATOR, unit=u["gov"]),
        "other_enterprise": make_user("enterprise_b", Role.ENTERPRISE_USER, enterprise=e["b"]),
        "other_official": make_user("official_eco", Role.UNIT_OFFICIAL, unit=u["eco"]),
        "other_bank": make_user("bank2", Role.BANK_CLERK, unit=u["other_bank"]),
    }


def database_fingerprint() -> str:
    """A hash of every row of every table a refused call must not touch."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.label_lower in IGNORED_MODELS or not model._meta.managed:
            continue
        digest.update(model._meta.label_lower.encode())
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


REFUSED = {401, 403, 404}


@pytest.fixture
def assert_refused(client):
    """Call `method url` as each given user and check that it is refused and changes nothing.

    Refused means 401/403/404, or a redirect to the sign-in page; "nothing" means every table but the
    audit log, sessions, lockout records and the task queue holds exactly the same rows afterwards."""

    def check(callers, method: str, url: str, data=None, **extra):
        for caller in callers:
            client.logout()
            if caller is not None:
                client.force_login(caller)
            before = database_fingerprint()
            audit_before = AuditEntry.objects.count()
            response = (
                getattr(client, method.lower())(url, data=data, content_type="application/json", **extra)
                if method.upper() != "GET"
                else client.get(url, data=data, **extra)
            )
            name = caller.get_username() if caller is not None else "anonymous"
            refused = response.status_code in REFUSED or (
                response.status_code == 302 and "/login/" in response["Location"]
            )
            assert refused, f"{name}: {method} {url} answered {response.status_code}, expected a refusal"
            assert database_fingerprint() == before, f"{name}: {method} {url} was refused but changed data"
            assert AuditEntry.objects.count() >= audit_before
        client.logout()

    return check


@pytest.fixture(autouse=True)
def test_settings(settings):
    """Tests render pages without running collectstatic first (the browser tests run it for real), and
    hash test passwords quickly (the real hasher costs ~0.3 s a user, by design)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_OTP = False  # the tests of the second factor switch it on themselves
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def platform_language():
    """Every test starts in the platform's language: a request made in English leaves English active in
    its thread, and with several tests per process the next test would otherwise inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's concurrent transactions: on SQLite they are deselected
    (reported as deselected, never as passed); `make test` runs them in its PostgreSQL pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
