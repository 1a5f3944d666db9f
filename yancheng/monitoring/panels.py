"""The monitoring app's navigation entry: the camera wall."""

from django.utils.translation import gettext_lazy

from yancheng.core.navigation import NAV_ITEMS, NavItem
from yancheng.core.roles import Role

NAV_ITEMS += [
    NavItem(
        gettext_lazy("云监工"),
        "monitoring:wall",
        frozenset({Role.LEADER, Role.SUPERVISION_OFFICE, Role.UNIT_OFFICIAL, Role.ADMINISTRATOR}),
    )
]
