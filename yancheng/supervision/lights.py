"""Red, yellow and green for supervision items, derived when read from the deadline, the reports and
the time now (architecture, habit 4: right whether or not any worker has run). For an item still with
the units (assigned or in progress):

- red: its deadline has passed; or it asks for reports (weekly, monthly) and a unit has gone longer than
  that since its last report (since it was assigned, if it never reported);
- yellow: not red, and ``SupervisionRules.yellow_days`` working days or fewer are left
  (``workdays.working_days_left``, as the other apps count them);
- green otherwise.

An item whose close is requested is judged by when it was requested: red if after the deadline, else
green while the office reviews it. A closed item has no light. One SQL expression serves the lists
(filters, counts) and ``reasons`` the words on an item's page, so the two cannot disagree.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import clock, workdays

from .choices import REPORT_EVERY, WITH_UNITS, Light, State
from .models import Assignment, SupervisionRules


@dataclass(frozen=True)
class Watch:
    """The moment the lights are read at, and the first moment that is no longer "yellow soon"."""

    now: datetime
    yellow_days: int
    yellow_until: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> "Watch":
        now = now or clock.now()
        days = SupervisionRules.current().yellow_days
        today = timezone.localtime(now).date()
        # working_days_left <= days up to the end of the day before the (days + 1)-th working day.
        until = workdays.end_of_day(workdays.add_working_days(today, days + 1) - timedelta(days=1))
        return cls(now, days, until)


def _report_missing(watch: Watch) -> Q:
    late = Q()
    for cadence, every in REPORT_EVERY.items():
        stale = Assignment.objects.filter(item=OuterRef("pk")).annotate(
            since=Coalesce("last_report_at", F("item__assigned_at"))
        )
        late |= Q(cadence=cadence) & Exists(stale.filter(since__lt=watch.now - every))
    return late


def conditions(watch: Watch) -> dict[str, Q]:
    with_units = Q(state__in=WITH_UNITS)
    overdue = with_units & Q(deadline_at__lt=watch.now)
    requested_late = Q(state=State.CLOSE_REQUESTED, close_requested_at__gt=F("deadline_at"))
    red = overdue | requested_late | (with_units & _report_missing(watch))
    return {
        Light.RED: red,
        Light.YELLOW: ~red & with_units & Q(deadline_at__lte=watch.yellow_until),
        Light.GREEN: ~red
        & (Q(state=State.CLOSE_REQUESTED) | (with_units & Q(deadline_at__gt=watch.yellow_until))),
    }


def annotate(items, watch: Watch | None = None):
    """``items`` with ``light`` (red, yellow, green; None when closed)."""
    rules = conditions(watch or Watch.at())
    whens = [When(rules[light], then=Value(light.value)) for light in (Light.RED, Light.YELLOW, Light.GREEN)]
    return items.annotate(light=Case(*whens, default=Value(None), output_field=CharField()))


def filter_light(items, light: str, watch: Watch | None = None):
    return items.filter(conditions(watch or Watch.at())[Light(light)])


def reasons(item, watch: Watch | None = None) -> list[str]:
    """The words beside an item's light, each rule that holds, with its figures."""
    watch = watch or Watch.at()
    words = []
    if item.state in WITH_UNITS:
        left = workdays.working_days_left(item.deadline_at, watch.now)
        if left < 0:
            words.append(_("已超过办理时限 %(n)d 个工作日") % {"n": -left})
        elif item.deadline_at <= watch.yellow_until:
            words.append(_("距办理时限还有 %(n)d 个工作日") % {"n": left})
        every = REPORT_EVERY.get(item.cadence)
        for a in item.assignments.all() if every else ():
            since = a.last_report_at or item.assigned_at
            if since < watch.now - every:
                days = (watch.now - since).days
                words.append(
                    _("%(unit)s %(n)d 天未反馈进展（要求%(cadence)s反馈）")
                    % {"unit": a.unit.name, "n": days, "cadence": item.get_cadence_display()}
                )
    elif item.state == State.CLOSE_REQUESTED and item.close_requested_at > item.deadline_at:
        words.append(_("超过办理时限后才申请办结"))
    return words
