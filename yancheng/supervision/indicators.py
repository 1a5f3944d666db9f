"""The supervision items' indicators (core.indicators): results, never activity.

- closed on time (督办件按期办结率): of the items whose deadline falls in the period and that are closed or
  past their deadline, the share closed with the close requested by the deadline (the request the office
  accepted: the unit's work was done then). An item belongs to its lead unit and its county.
- signed on time (按时签收率): of the parts assigned in the period whose time to sign has passed or that
  were signed, the share signed within the office hours allowed. A part belongs to its unit."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Grouping, Indicator, register, share

from .choices import State
from .models import Assignment, Item

ITEM_KEY = {Grouping.UNIT: "lead_unit", Grouping.REGION: "lead_unit__region"}
PART_KEY = {Grouping.UNIT: "unit", Grouping.REGION: "unit__region"}
ON_TIME = Q(state=State.CLOSED, close_requested_at__lte=F("deadline_at"))
SIGNED_ON_TIME = Q(signed_at__isnull=False, signed_at__lte=F("sign_by"))


def _due(period, now):
    """The items due in the period that are closed or past their deadline."""
    return Item.objects.filter(
        Q(state=State.CLOSED) | Q(deadline_at__lt=now), due_on__range=(period.start, period.end)
    )


def _owed(period, now):
    """The parts assigned in the period that were signed for or whose time to sign has passed."""
    assigned = Q(item__assigned_at__gte=period.since, item__assigned_at__lt=period.until)
    return Assignment.objects.filter(
        assigned, Q(signed_at__isnull=False) | Q(sign_by__lt=now)
    ).select_related("item")


closed_figures, closed_records = share(_due, ITEM_KEY, ON_TIME)
signed_figures, signed_records = share(_owed, PART_KEY, SIGNED_ON_TIME)


register(
    Indicator(
        code="supervision.closed_on_time",
        name=_("督办件按期办结率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(ITEM_KEY),
        sources=("supervision.Item", "core.Unit"),
        description=_("办理时限在本期内、已销号或时限已过的督办件中，在时限内申请办结并经审核销号的比例。"),
        figures=closed_figures,
        rows=closed_records,
        link=lambda item: reverse("supervision:detail", args=[item.pk]),
    )
)

register(
    Indicator(
        code="supervision.signed_on_time",
        name=_("督办件按时签收率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(PART_KEY),
        sources=("supervision.Assignment", "supervision.Item", "core.Unit"),
        description=_("本期交办、签收时限已到或已签收的督办任务中，在规定工作小时内签收的比例。"),
        figures=signed_figures,
        rows=signed_records,
        link=lambda part: reverse("supervision:detail", args=[part.item_id]),
    )
)
