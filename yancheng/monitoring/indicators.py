"""The site cameras' indicator (core.indicators): the share of watched time the cameras of a unit's
projects (or of a county's) were online in the period, from the kept days (``CameraDay``)."""

from django.db.models import Count, F, Sum, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, grouped, register

from .models import CameraDay

KEY = {Grouping.UNIT: "camera__project__responsible_unit_id", Grouping.REGION: "camera__project__region_id"}


def _days(grouping, ids, period):
    return CameraDay.objects.filter(among(KEY[grouping], ids), day__range=(period.start, period.end))


def figures(grouping, ids, period, now):
    sums = grouped(
        _days(grouping, ids, period), KEY[grouping], online=Sum("online_seconds"), checked=Sum("checked_seconds"),
        n=Count("pk"),
    )  # fmt: skip
    return {key: Figure.ratio(row["online"], row["checked"], count=row["n"]) for key, row in sums.items()}


def records(grouping, subject, period, now):
    return _days(grouping, [subject], period).annotate(
        counted=Value(True), part=F("online_seconds"), whole=F("checked_seconds")
    )


register(
    Indicator(
        code="monitoring.cameras_online",
        name=_("监控点位在线率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=frozenset(KEY),
        sources=("monitoring.CameraDay", "monitoring.Camera", "projects.Project"),
        description=_("本期内项目现场监控点位处于在线状态的时长占检测时长的比例。"),
        figures=figures,
        rows=records,
        link=lambda day: reverse("monitoring:camera", args=[day.camera_id]),
    )
)
