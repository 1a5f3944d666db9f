"""The ledger's fixtures (a commission, projects, owners, units) for the commitments made to them."""

import uuid

import pytest

from yancheng.projects.tests.conftest import at, ledger, make_project, report  # noqa: F401  (fixtures)


@pytest.fixture
def promise(ledger, users):  # noqa: F811  (the ledger fixture imported above)
    """make(project, unit="eco", due_on=…, …): a commitment recorded by the commission."""
    from datetime import date

    from yancheng.commitments import actions

    def make(project, *, unit="eco", due_on=date(2026, 12, 20), kind="power", by=None, **extra):
        return actions.make(
            project, by=by or ledger["commission"], kind=kind, content=extra.pop("content", "2026年12月底前完成10千伏专线接入"),
            unit=ledger["units"][unit], due_on=due_on, submission_key=extra.pop("key", uuid.uuid4().hex), **extra,
        )  # fmt: skip

    return make
