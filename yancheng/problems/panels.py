"""The problems app's navigation entry."""

from django.utils.translation import gettext_lazy

from yancheng.core.navigation import NAV_ITEMS, NavItem
from yancheng.core.roles import Role

NAV_ITEMS += [
    NavItem(
        gettext_lazy("问题清单"),
        "problems:list",
        frozenset(
            {
                Role.LEADER,
                Role.SUPERVISION_OFFICE,
                Role.UNIT_OFFICIAL,
                Role.ENTERPRISE_USER,
                Role.ADMINISTRATOR,
            }
        ),
    )
]
