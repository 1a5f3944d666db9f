"""The mortgage registry's indicators (core.indicators). An application belongs to the period it was
RECEIVED in (local days), to its bank (the bank's unit) and to the county of its property unit.

- automatic share (自动登簿率): of the applications the automatic review has looked at, those it
  recorded in the register with no person deciding (decided_by empty) — cancellations included;
- median minutes to certificate: from receiving the mortgage application to signing its electronic
  registration certificate (the seed's "6 minutes"), the median over the signed ones. Taken in the
  database with window functions (SQLite ≥ 3.25 and PostgreSQL), so only the one or two middle
  durations of each group are read, however many applications there are.
"""

from collections import defaultdict

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Value, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yancheng.core.indicators import Direction, Figure, Grouping, Indicator, among, flag, grouped, register

from .choices import ApplicationStatus, Operation
from .models import Application

KEY = {Grouping.UNIT: "bank__unit", Grouping.REGION: "property_unit__region"}
BY = frozenset(KEY)
AUTOMATIC = Q(status=ApplicationStatus.RECORDED, decided_by__isnull=True)
TO_CERTIFICATE = ExpressionWrapper(
    F("certificate_signed_at") - F("received_at"), output_field=DurationField()
)


def _received(grouping, ids, period):
    return Application.objects.filter(
        among(KEY[grouping], ids), received_at__gte=period.since, received_at__lt=period.until
    )


def _link(application) -> str:
    return reverse("mortgage:application", args=[application.pk])


# --- automatic share ----------------------------------------------------------------------------


def _reviewed(grouping, ids, period):
    return _received(grouping, ids, period).filter(reviewed_at__isnull=False)


def automatic_figures(grouping, ids, period, now):
    counts = grouped(
        _reviewed(grouping, ids, period),
        KEY[grouping],
        reviewed=Count("pk"),
        automatic=Count("pk", filter=AUTOMATIC),
    )
    return {key: Figure.ratio(row["automatic"], row["reviewed"]) for key, row in counts.items()}


def automatic_records(grouping, subject, period, now):
    return _reviewed(grouping, [subject], period).annotate(counted=flag(AUTOMATIC))


register(
    Indicator(
        code="mortgage.automatic_share",
        name=_("抵押登记自动审核登簿率"),
        measure="%",
        direction=Direction.HIGHER,
        groupings=BY,
        sources=("mortgage.Application", "mortgage.Bank", "mortgage.PropertyUnit"),
        description=_("经自动审核的抵押登记申请中，无需人工、由系统自动登簿的比例。"),
        figures=automatic_figures,
        rows=automatic_records,
        link=_link,
    )
)


# --- median minutes to certificate --------------------------------------------------------------


def _certified(grouping, ids, period):
    return _received(grouping, ids, period).filter(
        operation=Operation.MORTGAGE, certificate_signed_at__isnull=False
    )


def median_figures(grouping, ids, period, now):
    group = F(KEY[grouping])
    ranked = _certified(grouping, ids, period).annotate(
        indicator_subject=group,
        took=TO_CERTIFICATE,
        position=Window(RowNumber(), partition_by=[group], order_by=[TO_CERTIFICATE.asc(), F("pk").asc()]),
        size=Window(Count("pk"), partition_by=[group]),
    )
    # The middle row (odd size) or the two middle rows (even size): positions ⌊(n+1)/2⌋ and ⌊(n+2)/2⌋.
    middle = ranked.filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
    durations, sizes = defaultdict(list), {}
    for subject, took, size in middle.order_by().values_list("indicator_subject", "took", "size"):
        durations[subject].append(took.total_seconds() / 60)
        sizes[subject] = size
    return {key: Figure(sum(d) / len(d), None, None, sizes[key]) for key, d in durations.items()}


def median_records(grouping, subject, period, now):
    return _certified(grouping, [subject], period).annotate(counted=Value(True), part=TO_CERTIFICATE)


register(
    Indicator(
        code="mortgage.minutes_to_certificate",
        name=_("抵押登记办结用时（中位数）"),
        measure="分钟",
        direction=Direction.LOWER,
        groupings=BY,
        sources=("mortgage.Application", "mortgage.Bank", "mortgage.PropertyUnit"),
        description=_("抵押权首次登记从银行提交申请到电子不动产登记证明签发所用分钟数的中位数。"),
        figures=median_figures,
        rows=median_records,
        link=_link,
    )
)
