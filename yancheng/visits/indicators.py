"""The visits app's indicators (core.indicators). Each counts by the rule the protection ledger
(enterprise_requests/ledger.py) and the office's overview (views_office.overview) already apply, so a
score never disagrees with those pages:

- a visit belongs to the period its window STARTS in (local days, Asia/Shanghai);
- a unit's visits are those it had an approved request for; a county's are the visits, with at least
  one approved request, to enterprises registered in it (counted once, however many units joined);
- pass compliance (签到率): of the visits whose window has ended, those checked in by scanning — by a
  visitor of the unit's own request (unit), by any approved request's visitor (county);
- joint-visit share (综合查一次): of the visits, those with two or more approved requests;
- mean rating: the enterprises' overall score (1-5) of those visits, shown only from the office's
  minimum number of ratings (VisitRules.min_ratings_shown), as on the ledger;
- no-pass reports: enterprises' reports of a visit without a pass, by when it happened.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, flag, grouped, register

from .choices import Direction as CheckDirection
from .choices import RequestStatus
from .models import CheckEvent, NoPassReport, Rating, Visit, VisitRequest, VisitRules

BY = frozenset({Grouping.UNIT, Grouping.REGION})
# Seen from an approved request and from a no-pass report.
REQUEST_KEY = {Grouping.UNIT: "unit", Grouping.REGION: "visit__enterprise__region"}
REPORT_KEY = {Grouping.UNIT: "unit", Grouping.REGION: "enterprise__region"}
SOURCES = ("visits.Visit", "visits.VisitRequest", "core.Enterprise")


def _approved(grouping, ids, period):
    """The approved requests of visits starting in the period, of the subjects ``ids``."""
    return VisitRequest.objects.filter(
        among(REQUEST_KEY[grouping], ids),
        status=RequestStatus.APPROVED,
        visit__starts_at__gte=period.since,
        visit__starts_at__lt=period.until,
    )


def _visits(grouping, subject, period):
    """The subject's visits starting in the period, each with the request its link opens."""
    if grouping == Grouping.UNIT:
        mine = VisitRequest.objects.filter(visit=OuterRef("pk"), unit=subject, status=RequestStatus.APPROVED)
        visits = Visit.objects.filter(Exists(mine))
        request = Subquery(mine.values("pk")[:1])
    else:
        approved = VisitRequest.objects.filter(visit=OuterRef("pk"), status=RequestStatus.APPROVED)
        visits = Visit.objects.filter(Exists(approved), enterprise__region=subject)
        request = Subquery(approved.order_by("pk").values("pk")[:1])
    return visits.filter(starts_at__gte=period.since, starts_at__lt=period.until).annotate(request_id=request)


def _visit_link(visit) -> str:
    return reverse("visits:request", args=[visit.request_id])


def _checked_in_visit(grouping, subject):
    """Q: one of the visit's approved requests (the unit's own, for a unit) has a visitor checked in."""
    checks = CheckEvent.objects.filter(
        green_pass__visitor__request__visit=OuterRef("pk"),
        green_pass__visitor__request__status=RequestStatus.APPROVED,
        direction=CheckDirection.IN,
    )
    if grouping == Grouping.UNIT:
        checks = checks.filter(green_pass__visitor__request__unit=subject)
    return Q(Exists(checks))


# --- pass compliance ----------------------------------------------------------------------------


def compliance_figures(grouping, ids, period, now):
    counts = grouped(
        _approved(grouping, ids, period).filter(visit__ends_at__lte=now),
        REQUEST_KEY[grouping],
        ended=Count("visit", distinct=True),
        checked=Count(
            "visit", distinct=True, filter=Q(visitors__green_pass__checks__direction=CheckDirection.IN)
        ),
    )
    return {key: Figure.ratio(row["checked"], row["ended"]) for key, row in counts.items()}


def compliance_records(grouping, subject, period, now):
    return (
        _visits(grouping, subject, period)
        .filter(ends_at__lte=now)
        .annotate(counted=flag(_checked_in_visit(grouping, subject)))
    )


register(
    Indicator(
        code="visits.pass_compliance",
        name=_("访企扫码签到率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=BY,
        sources=(*SOURCES, "visits.Visitor", "visits.Pass", "visits.CheckEvent"),
        description=_("访企时段已结束的访企活动中，持绿码扫码签到的比例（按访企开始时间计入期间）。"),
        figures=compliance_figures,
        rows=compliance_records,
        link=_visit_link,
    )
)


# --- joint-visit share --------------------------------------------------------------------------


def joint_figures(grouping, ids, period, now):
    # The joint visits of the period, found once (one GROUP BY) rather than asked again for each
    # request: a correlated EXISTS a row took 14 s for a year at 300,000 visits on SQLite.
    approved = _approved(grouping, ids, period)
    joint_visits = (
        VisitRequest.objects.filter(
            status=RequestStatus.APPROVED,
            visit__starts_at__gte=period.since,
            visit__starts_at__lt=period.until,
        )
        .order_by()
        .values("visit")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values("visit")
    )
    # A unit has one request a visit, so its requests are its visits; a county's joint visit has several.
    visits = Count("pk") if grouping == Grouping.UNIT else Count("visit", distinct=True)
    counts = grouped(approved, REQUEST_KEY[grouping], visits=visits)
    # The joint ones in a WHERE, not in the aggregate's FILTER: PostgreSQL joins a WHERE's IN once, but
    # re-ran it for every row inside a FILTER once the joint visits outgrew work_mem (over an hour for a
    # year at 1 M visits, bench/performance.py).
    joint = grouped(approved.filter(visit__in=joint_visits), REQUEST_KEY[grouping], joint=visits)
    for key, row in counts.items():
        row["joint"] = joint.get(key, {}).get("joint", 0)
    return {key: Figure.ratio(row["joint"], row["visits"]) for key, row in counts.items()}


def joint_records(grouping, subject, period, now):
    approved = VisitRequest.objects.filter(visit=OuterRef("pk"), status=RequestStatus.APPROVED)
    requests = Subquery(approved.order_by().values("visit").annotate(n=Count("pk")).values("n"))
    return (
        _visits(grouping, subject, period)
        .annotate(approved_requests=requests)
        .annotate(counted=flag(Q(approved_requests__gte=2)))
    )


register(
    Indicator(
        code="visits.joint_share",
        name=_("联合检查占比"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=BY,
        sources=SOURCES,
        description=_("访企活动中，两个以上单位合并为一次的联合检查（综合查一次）所占比例。"),
        figures=joint_figures,
        rows=joint_records,
        link=_visit_link,
    )
)


# --- mean rating --------------------------------------------------------------------------------


def rating_figures(grouping, ids, period, now):
    minimum = VisitRules.current().min_ratings_shown
    if grouping == Grouping.UNIT:
        # The ledger's query: the unit's approved requests on rated visits (one a visit).
        ratings = _approved(grouping, ids, period).filter(visit__rating__isnull=False)
        figures = {"n": Count("visit__rating"), "total": Sum("visit__rating__overall")}
        counts = grouped(ratings, "unit", **figures)
    else:
        approved = VisitRequest.objects.filter(visit=OuterRef("visit"), status=RequestStatus.APPROVED)
        ratings = Rating.objects.filter(
            Exists(approved),
            among("visit__enterprise__region", ids),
            visit__starts_at__gte=period.since,
            visit__starts_at__lt=period.until,
        )
        counts = grouped(ratings, "visit__enterprise__region", n=Count("pk"), total=Sum("overall"))
    return {key: _mean(row["total"], row["n"], minimum) for key, row in counts.items()}


def _mean(total: int, n: int, minimum: int) -> Figure:
    """An average of fewer ratings than the office's minimum is not shown (nor its total): a unit could
    read a single enterprise's score from it."""
    if n < max(minimum, 1):
        return Figure(None, None, n, n)
    return Figure(total / n, total, n, n)


def rating_records(grouping, subject, period, now):
    return (
        _visits(grouping, subject, period)
        .filter(rating__isnull=False)
        .annotate(counted=Value(True), part=F("rating__overall"), whole=Value(1))
    )


register(
    Indicator(
        code="visits.mean_rating",
        name=_("企业满意度平均评分"),
        measure="分",
        direction=Direction.HIGHER,
        groupings=BY,
        sources=(*SOURCES, "visits.Rating", "visits.VisitRules"),
        description=_("企业对访企活动的总体评价（1～5 分）的平均分；评价数少于规定的最少评价数时不显示。"),
        figures=rating_figures,
        rows=rating_records,
        link=_visit_link,
        records_shown_to_subject=False,
    )
)


# --- no-pass reports ----------------------------------------------------------------------------


def _reports(grouping, ids, period):
    return NoPassReport.objects.filter(
        among(REPORT_KEY[grouping], ids), occurred_at__gte=period.since, occurred_at__lt=period.until
    )


def no_pass_figures(grouping, ids, period, now):
    counts = grouped(_reports(grouping, ids, period), REPORT_KEY[grouping], n=Count("pk"))
    return {key: Figure.tally(row["n"]) for key, row in counts.items()}


def no_pass_records(grouping, subject, period, now):
    return _reports(grouping, [subject], period).annotate(counted=Value(True))


register(
    Indicator(
        code="visits.no_pass_reports",
        name=_("无码入企报告数"),
        measure="件",
        direction=Direction.LOWER,
        groupings=BY,
        sources=("visits.NoPassReport", "core.Enterprise"),
        description=_("企业报告的未持绿码入企次数（按发生时间计入期间）。"),
        figures=no_pass_figures,
        rows=no_pass_records,
        link=lambda report: reverse("visits:office_no_pass_detail", args=[report.pk]),
        empty=Figure.tally(0),
    )
)
