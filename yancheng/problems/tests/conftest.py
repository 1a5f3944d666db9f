"""The ledger's fixtures (a commission, projects, owners, units) for the problems raised on them."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yancheng.projects.tests.conftest import at, ledger, make_project, report  # noqa: F401  (fixtures)


@pytest.fixture
def problem(ledger, users):  # noqa: F811  (the ledger fixture imported above)
    """make(project, unit="eco", due_on=…, by=…): a problem raised by the project's owner (enterprise a)
    for the ecology bureau (whose official is users["other_official"]) to solve."""
    from yancheng.core.roles import Role
    from yancheng.problems import actions

    def make(project, *, unit="eco", due_on=date(2026, 12, 20), by=None, **extra):
        return actions.raise_problem(
            project, by=by or users[Role.ENTERPRISE_USER], description=extra.pop("description", "施工用电未接入"),
            measures=extra.pop("measures", "协调供电公司架设临时线路"), unit=ledger["units"][unit], due_on=due_on,
            submission_key=extra.pop("key", uuid.uuid4().hex), **extra,
        )  # fmt: skip

    return make


def evidence_file(name="整改照片.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff evidence", content_type="image/jpeg")
