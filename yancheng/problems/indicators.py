"""The problem list's indicator (core.indicators): closed on time, by the rule of figures.py. A problem
belongs to the period its deadline (due_on) falls in, to its responsible unit, to its responsible person
(when one is named) and to its project's county. A reopened problem counts by its new deadline."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, flag, grouped, register

from . import figures
from .models import Problem

KEY = {Grouping.UNIT: "unit", Grouping.PERSON: "person", Grouping.REGION: "project__region"}


def _counted(grouping, ids, period, now):
    return Problem.objects.filter(
        figures.counted(timezone.localdate(now)),
        among(KEY[grouping], ids),
        due_on__range=(period.start, period.end),
    )


def on_time_figures(grouping, ids, period, now):
    counts = grouped(
        _counted(grouping, ids, period, now),
        KEY[grouping],
        counted=Count("pk"),
        on_time=Count("pk", filter=figures.ON_TIME),
    )
    return {key: Figure.ratio(row["on_time"], row["counted"]) for key, row in counts.items()}


def on_time_records(grouping, subject, period, now):
    return _counted(grouping, [subject], period, now).annotate(counted=flag(figures.ON_TIME))


register(
    Indicator(
        code="problems.closed_on_time",
        name=_("问题按期销号率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(KEY),
        sources=("problems.Problem", "projects.Project"),
        description=_("完成时限在本期内、已销号或时限已过的问题中，确认销号且整改材料在时限内提交的比例。"),
        figures=on_time_figures,
        rows=on_time_records,
        link=lambda problem: reverse("problems:detail", args=[problem.pk]),
    )
)
