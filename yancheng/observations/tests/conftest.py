"""The ledger's fixtures (a commission, projects in two counties) for the rounds observed on them."""

import pytest

from yancheng.projects.tests.conftest import at, ledger, make_project, report  # noqa: F401  (fixtures)


@pytest.fixture
def observers(ledger, users):  # noqa: F811  (the ledger fixture imported above)
    """Five observers: the leader, the commission's official, and three unit officials."""
    from conftest import make_user
    from yancheng.core.roles import Role

    units = ledger["units"]
    extra = [make_user(f"observer{n}", Role.UNIT_OFFICIAL, unit=units["eco"]) for n in range(3)]
    return [users[Role.LEADER], ledger["commission"], *extra]


@pytest.fixture
def round_of(ledger, observers):  # noqa: F811
    from datetime import date

    from yancheng.observations import actions
    from yancheng.observations.choices import DEFAULT_CRITERIA

    def make(projects, *, people=None, criteria=DEFAULT_CRITERIA):
        return actions.create_round(
            by=ledger["commission"],
            name="2026年第四季度重大项目现场观摩",
            held_on=date(2026, 12, 2),
            projects=projects,
            observers=[u.person for u in (people or observers)],
            criteria=criteria,
        )

    return make
