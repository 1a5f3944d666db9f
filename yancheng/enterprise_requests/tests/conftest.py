import uuid
from datetime import datetime
from unittest import mock

import pytest
from django.utils import timezone

from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture
def at():
    """Set the platform's clock (yancheng.core.clock.now) for the rest of the test: at(2025, 9, 30, 16)."""
    patcher = mock.patch("yancheng.core.clock.now")
    fake = patcher.start()

    def move(*args):
        fake.return_value = datetime(*args, tzinfo=SHANGHAI)
        return fake.return_value

    move(2025, 9, 30, 16)
    yield move
    patcher.stop()


@pytest.fixture
def file_request(users, hengyang):
    def do(kind="demand", by=None, **extra):
        by = by or users[Role.ENTERPRISE_USER]
        filed, _ = actions.file_request(
            by.person.enterprise,
            by=by,
            kind=kind,
            subject=extra.pop("subject", "用电增容"),
            text=extra.pop("text", "新厂房需增容 800 千伏安，请协调供电公司。"),
            submission_key=extra.pop("key", uuid.uuid4().hex),
            **extra,
        )
        return filed

    return do
