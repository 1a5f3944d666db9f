"""The supervision app's navigation entry and home panel: the items waiting for this person."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core.navigation import NAV_ITEMS, NavItem, home_panel
from yancheng.core.roles import Role, has_role, official_unit

from .choices import State
from .models import Assignment, Item

NAV_ITEMS += [
    NavItem(
        gettext_lazy("督办件"),
        "supervision:list",
        frozenset({Role.LEADER, Role.SUPERVISION_OFFICE, Role.UNIT_OFFICIAL, Role.ADMINISTRATOR}),
    )
]


@home_panel
def items_to_sign(request):
    """A unit official's parts not signed for yet; the office's items waiting for its review."""
    unit = official_unit(request.user)
    if unit is not None:
        waiting = Item.objects.filter(
            pk__in=Assignment.objects.filter(unit_id=unit, signed_at=None).values("item_id")
        ).exclude(state=State.CLOSED)
        title, empty = _("待签收督办件"), _("没有待签收的督办件")
    elif has_role(request.user, Role.SUPERVISION_OFFICE):
        waiting = Item.objects.filter(state=State.CLOSE_REQUESTED)
        title, empty = _("待审核办结的督办件"), _("没有待审核的督办件")
    else:
        return None
    rows = [
        {
            "text": item.title,
            "url": reverse("supervision:detail", args=[item.pk]),
            "note": f"{item.due_on:%m-%d}",
        }
        for item in waiting.order_by("due_on")[:5]
    ]
    return {"key": "supervision", "title": title, "count": waiting.count(), "rows": rows, "empty": empty}
