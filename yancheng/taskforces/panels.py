"""The task forces' navigation entry."""

from django.utils.translation import gettext_lazy

from yancheng.core.navigation import NAV_ITEMS, NavItem
from yancheng.core.roles import Role

NAV_ITEMS += [
    NavItem(
        gettext_lazy("专班推进"),
        "taskforces:list",
        frozenset(
            {
                Role.LEADER,
                Role.SUPERVISION_OFFICE,
                Role.PERFORMANCE_OFFICE,
                Role.UNIT_OFFICIAL,
                Role.ADMINISTRATOR,
            }
        ),
    )
]
