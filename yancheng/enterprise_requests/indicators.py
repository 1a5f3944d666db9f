"""The enterprise requests' indicators (core.indicators), counted by the rules of state.py as the
protection ledger counts them: a request belongs to the period it was FILED in (local days), to its
current unit (after any transfer; an unrouted request to none) and to its enterprise's county."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, flag, grouped, register

from . import state
from .models import EnterpriseRequest

KEY = {Grouping.UNIT: "unit", Grouping.REGION: "enterprise__region"}
BY = frozenset(KEY)
SOURCES = ("enterprise_requests.EnterpriseRequest", "core.Enterprise")


def _filed(grouping, ids, period):
    return EnterpriseRequest.objects.filter(
        among(KEY[grouping], ids), filed_at__gte=period.since, filed_at__lt=period.until
    )


def _link(request) -> str:
    return reverse("requests:detail", args=[request.pk])


def _rate(code, name, description, due, on_time):
    """An on-time share: of the requests ``due(now)`` selects, those ``on_time`` selects."""

    def figures(grouping, ids, period, now):
        counts = grouped(
            _filed(grouping, ids, period),
            KEY[grouping],
            due=Count("pk", filter=due(now)),
            on_time=Count("pk", filter=due(now) & on_time),
        )
        return {key: Figure.ratio(row["on_time"], row["due"]) for key, row in counts.items()}

    def rows(grouping, subject, period, now):
        return _filed(grouping, [subject], period).filter(due(now)).annotate(counted=flag(on_time))

    return register(
        Indicator(
            code=code,
            name=name,
            measure="%",
            direction=Direction.HIGHER,
            groupings=BY,
            sources=SOURCES,
            description=description,
            figures=figures,
            rows=rows,
            link=_link,
        )
    )


_rate(
    "enterprise_requests.accepted_on_time",
    _("诉求按时受理率"),
    _("已受理或受理期限已过的诉求中，在受理期限内受理的比例（逾期默认受理不算按时）。"),
    state.accept_due,
    state.ACCEPTED_ON_TIME,
)
_rate(
    "enterprise_requests.replied_on_time",
    _("诉求按时答复率"),
    _("已答复或答复期限（含延期）已过的诉求中，在期限内答复的比例；尚在期限内未答复的不计。"),
    state.reply_due,
    state.REPLIED_ON_TIME,
)
_rate(
    "enterprise_requests.satisfaction",
    _("诉求办理满意率"),
    _("企业已评价的诉求中，评价为满意或基本满意的比例。"),
    lambda now: state.RATED,
    state.SATISFIED,
)
