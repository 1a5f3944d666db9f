"""The performance app's navigation entry."""

from django.utils.translation import gettext_lazy

from yancheng.core.navigation import NAV_ITEMS, NavItem
from yancheng.core.roles import GOVERNMENT_ROLES

NAV_ITEMS += [NavItem(gettext_lazy("绩效考核"), "performance:index", GOVERNMENT_ROLES)]
