import uuid

import pytest
from django.utils import timezone

from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


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
