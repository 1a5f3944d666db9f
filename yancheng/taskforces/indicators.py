"""The task forces' indicators (core.indicators), read by performance scoring and the leaders' screen:

- ``taskforces.stalls``: how many times a unit (or a cadre) stalled a task force (卡壳), counted in the
  period the stall began — the accountability records (stalls.py);
- ``taskforces.milestones_on_time``: of the timeline's milestones planned in the period that were met
  or have passed their date, the share met by the date."""

from django.db.models import Count, F, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, grouped, register, share

from .models import Milestone, Stall

STALL_KEY = {Grouping.UNIT: "unit_id", Grouping.PERSON: "cadre__person_id"}
MILESTONE_KEY = {Grouping.UNIT: "unit_id", Grouping.PERSON: "owner__person_id"}


def _stalls(grouping, ids, period):
    return Stall.objects.filter(
        among(STALL_KEY[grouping], ids), started_at__gte=period.since, started_at__lt=period.until
    )


def stall_figures(grouping, ids, period, now):
    counts = grouped(_stalls(grouping, ids, period), STALL_KEY[grouping], n=Count("pk"))
    return {key: Figure.tally(row["n"]) for key, row in counts.items()}


def stall_records(grouping, subject, period, now):
    return _stalls(grouping, [subject], period).annotate(counted=Value(True))


register(
    Indicator(
        code="taskforces.stalls",
        name=_("专班卡壳次数"),
        measure="件",
        direction=Direction.LOWER,
        groupings=frozenset(STALL_KEY),
        sources=("taskforces.Stall", "taskforces.Cadre"),
        description=_(
            "本期开始的卡壳次数：推进节点逾期、卡点逾期未解决或协办任务逾期未响应，按规定的工作日计。"
        ),
        figures=stall_figures,
        rows=stall_records,
        link=lambda stall: reverse("taskforces:detail", args=[stall.task_force_id]),
        empty=Figure.tally(0),
    )
)


def _milestones(period, now):
    return Milestone.objects.filter(planned_on__range=(period.start, period.end)).filter(
        Q(met_at__isnull=False) | Q(deadline_at__lt=now)
    )


on_time_figures, on_time_records = share(_milestones, MILESTONE_KEY, Q(met_at__lte=F("deadline_at")))

register(
    Indicator(
        code="taskforces.milestones_on_time",
        name=_("专班节点按期完成率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(MILESTONE_KEY),
        sources=("taskforces.Milestone", "taskforces.Cadre"),
        description=_("计划完成日期在本期内、已完成或已过期的推进节点中，按计划日期完成的比例。"),
        figures=on_time_figures,
        rows=on_time_records,
        link=lambda milestone: reverse("taskforces:detail", args=[milestone.task_force_id]),
    )
)
