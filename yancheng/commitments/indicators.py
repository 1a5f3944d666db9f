"""The commitments' indicator (core.indicators): fulfilled on time, by the rule of figures.py (the
rates page). A commitment belongs to the period its deadline (due_on) falls in, to the committing unit,
to the leader who made it (when one is named) and to its project's county."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, flag, grouped, register

from . import figures
from .models import Commitment

KEY = {Grouping.UNIT: "unit", Grouping.PERSON: "leader", Grouping.REGION: "project__region"}


def _counted(grouping, ids, period, now):
    return Commitment.objects.filter(
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
        code="commitments.fulfilled_on_time",
        name=_("承诺按期兑现率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(KEY),
        sources=("commitments.Commitment", "projects.Project"),
        description=_(
            "兑现期限在本期内、已确认兑现或期限已过的承诺中，业主确认兑现且兑现材料在期限内提交的比例。"
        ),
        figures=on_time_figures,
        rows=on_time_records,
        link=lambda commitment: reverse("commitments:detail", args=[commitment.pk]),
    )
)
