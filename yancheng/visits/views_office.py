"""The business-environment office's views of visits (statistics, caps, compliance, Excel export).

The office reads them; leaders, the supervision office and administrators may read them too (OVERSEERS);
only the office handles no-pass reports. Every figure comes from a small function in the "stats" section
below, built from aggregate queries (never a query per row), so that the tests can compare each one with
a count taken straight from the database. The views parse the filters, page the rows and render them, or
write the same rows to Excel with `?format=xlsx`.

Filters (GET): `start`/`end` (YYYY-MM-DD, local days, default this year) select visits by the day they
start; `unit`, `enterprise` (USCC or a fragment of the name), `purpose` and `kind` select requests.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Least, TruncDate
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from yancheng.core import clock
from yancheng.core.actions import ActionRefused
from yancheng.core.forms import REPORT_DAY_VALIDATORS, DayInput
from yancheng.core.models import Enterprise, Unit
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.roles import Role, has_role, role_required

from . import actions
from .choices import ACTIVE, INSPECTING, CaseStatus, Direction, Kind, Purpose, RequestStatus
from .models import OVERSEERS, NoPassReport, Rating, Visit, VisitRequest, VisitRules

PER_PAGE = 25
NS = "visits:"  # the namespace of yancheng.visits.urls, which mounts these pages under /visits/office/
FILTER_PARAMS = ("start", "end", "unit", "enterprise", "purpose", "kind", "status")


# --- filters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    unit: Unit | None = None
    enterprise: str = ""
    purpose: str = ""
    kind: str = ""
    status: str = ""  # no-pass reports only

    @classmethod
    def this_year(cls, **kwargs) -> "Filters":
        year = timezone.localdate().year
        return cls(start=date(year, 1, 1), end=date(year, 12, 31), **kwargs)

    @property
    def since(self) -> datetime:
        """The first moment of the range: local midnight of `start`."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the range: local midnight after `end`."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def enterprise_q(text: str, prefix: str = "") -> Q:
    text = text.strip()
    return Q(**{f"{prefix}uscc": text.upper()}) | Q(**{f"{prefix}name__icontains": text})


class FilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=DayInput(),
        validators=REPORT_DAY_VALIDATORS,
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=DayInput(),
        validators=REPORT_DAY_VALIDATORS,
    )
    unit = forms.ModelChoiceField(
        Unit.objects.exclude(kind=Unit.Kind.BANK).order_by("name"),
        required=False,
        label=gettext_lazy("单位"),
        empty_label=gettext_lazy("全部单位"),
    )
    enterprise = forms.CharField(
        label=gettext_lazy("企业"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("信用代码或名称")}),
    )
    purpose = forms.ChoiceField(
        label=gettext_lazy("事由"), required=False, choices=[("", gettext_lazy("全部事由")), *Purpose.choices]
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), required=False, choices=[("", gettext_lazy("全部类别")), *Kind.choices]
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


class CapsFilterForm(FilterForm):
    """Caps count planned inspections of a whole year: purpose and kind are fixed by the rule."""

    purpose = None
    kind = None


class NoPassFilterForm(FilterForm):
    purpose = None
    kind = None
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *CaseStatus.choices],
    )


def parse_filters(params, form_class=FilterForm) -> tuple[Filters, forms.Form]:
    """The filters of a request's GET parameters; a field that does not parse falls back to its default
    (and the form shows why)."""
    defaults = Filters.this_year()
    data = {key: params.get(key, "") for key in FILTER_PARAMS}
    data["start"] = data["start"] or defaults.start.isoformat()
    data["end"] = data["end"] or defaults.end.isoformat()
    form = form_class(data)
    form.is_valid()
    clean = form.cleaned_data
    start, end = clean.get("start"), clean.get("end")
    start = start or date(end.year if end else defaults.start.year, 1, 1)
    end = end or date(start.year, 12, 31)
    if start > end:
        start, end = defaults.start, defaults.end
    filters = Filters(
        start=start,
        end=end,
        unit=clean.get("unit"),
        enterprise=(clean.get("enterprise") or "").strip(),
        purpose=clean.get("purpose") or "",
        kind=clean.get("kind") or "",
        status=clean.get("status") or "",
    )
    return filters, form


# --- stats ------------------------------------------------------------------------------------------


def requests_in(f: Filters):
    """The visit requests the filters select (any status), by the local day their visit starts."""
    requests = VisitRequest.objects.filter(visit__starts_at__gte=f.since, visit__starts_at__lt=f.until)
    if f.unit is not None:
        requests = requests.filter(unit=f.unit)
    if f.enterprise:
        requests = requests.filter(enterprise_q(f.enterprise, "visit__enterprise__"))
    if f.purpose:
        requests = requests.filter(purpose=f.purpose)
    if f.kind:
        requests = requests.filter(kind=f.kind)
    return requests


def approved_in(f: Filters):
    return requests_in(f).filter(status=RequestStatus.APPROVED)


def visits_in(f: Filters):
    """Visits: Visit rows with at least one approved request that the filters select."""
    return Visit.objects.filter(pk__in=approved_in(f).values("visit"))


def count_visits(requests) -> int:
    return requests.aggregate(n=Count("visit", distinct=True))["n"]


def no_pass_reports(f: Filters, base=None):
    """No-pass reports by the local day the visit happened, unit, enterprise and status."""
    reports = (base if base is not None else NoPassReport.objects.all()).filter(
        occurred_at__gte=f.since, occurred_at__lt=f.until
    )
    if f.unit is not None:
        reports = reports.filter(unit=f.unit)
    if f.enterprise:
        reports = reports.filter(enterprise_q(f.enterprise, "enterprise__"))
    if f.status:
        reports = reports.filter(status=f.status)
    return reports


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def overview(f: Filters, now: datetime | None = None) -> dict:
    """The figures of the overview page."""
    now = now or timezone.now()
    requests = requests_in(f)
    by_status = dict(requests.order_by().values_list("status").annotate(n=Count("pk")))
    approved = requests.filter(status=RequestStatus.APPROVED)
    visits = count_visits(approved)
    joint = (
        Visit.objects.filter(pk__in=approved.values("visit"))
        .annotate(approved=Count("requests", filter=Q(requests__status=RequestStatus.APPROVED)))
        .filter(approved__gte=2)
        .count()
    )
    ended = approved.filter(visit__ends_at__lte=now)
    ended_visits = count_visits(ended)
    checked_in = count_visits(ended.filter(visitors__green_pass__checks__direction=Direction.IN))
    reports = no_pass_reports(f).aggregate(
        total=Count("pk"), open=Count("pk", filter=~Q(status=CaseStatus.CLOSED))
    )
    return {
        "filed": sum(by_status.values()),
        "approved": by_status.get(RequestStatus.APPROVED, 0),
        "refused": by_status.get(RequestStatus.REFUSED, 0),
        "pending": by_status.get(RequestStatus.PENDING, 0),
        "cancelled": by_status.get(RequestStatus.CANCELLED, 0),
        "visits": visits,
        "joint_visits": joint,
        "joint_rate": ratio(joint, visits),
        "ended_visits": ended_visits,
        "checked_in_visits": checked_in,
        "pass_compliance": ratio(checked_in, ended_visits),
        "no_pass_open": reports["open"],
        "no_pass_total": reports["total"],
        "triggered_visits": count_visits(approved.filter(kind=Kind.TRIGGERED)),
        "filed_late": requests.filter(filed_late=True).count(),
    }


def _request_figures():
    """Per group of requests: filed, approved, refused, pending, visits (approved), check-ins."""
    return {
        "filed": Count("pk", distinct=True),
        "approved": Count("pk", filter=Q(status=RequestStatus.APPROVED), distinct=True),
        "refused": Count("pk", filter=Q(status=RequestStatus.REFUSED), distinct=True),
        "pending": Count("pk", filter=Q(status=RequestStatus.PENDING), distinct=True),
        "visits": Count("visit", filter=Q(status=RequestStatus.APPROVED), distinct=True),
        "checkins": Count(
            "visitors__green_pass__checks",
            filter=Q(visitors__green_pass__checks__direction=Direction.IN),
            distinct=True,
        ),
    }


def by_day(f: Filters):
    """Rows {day, filed, approved, refused, pending, visits, checkins}, latest day first."""
    return (
        requests_in(f)
        .annotate(day=TruncDate("visit__starts_at"))
        .order_by()
        .values("day")
        .annotate(**_request_figures())
        .order_by("-day")
    )


def by_unit(f: Filters):
    return (
        requests_in(f)
        .order_by()
        .values("unit", "unit__name")
        .annotate(**_request_figures())
        .order_by("-filed", "unit__name")
    )


def by_enterprise(f: Filters):
    return (
        requests_in(f)
        .order_by()
        .values("visit__enterprise", "visit__enterprise__name", "visit__enterprise__uscc")
        .annotate(**_request_figures())
        .order_by("-visits", "-filed", "visit__enterprise__name")
    )


def _ratings(grouped) -> dict:
    return {row["key"]: (row["n"], round(row["avg"], 2)) for row in grouped}


def ratings_by_day(f: Filters, days) -> dict:
    """{day: (ratings, average overall score)} of the visits of those days."""
    return _ratings(
        Rating.objects.filter(visit__in=visits_in(f))
        .annotate(key=TruncDate("visit__starts_at"))
        .filter(key__in=list(days))
        .order_by()
        .values("key")
        .annotate(n=Count("pk"), avg=Avg("overall"))
    )


def ratings_by_unit(f: Filters, unit_ids) -> dict:
    """{unit id: (ratings, average overall score)} of the visits each unit took part in (approved)."""
    return _ratings(
        approved_in(f)
        .filter(unit__in=list(unit_ids), visit__rating__isnull=False)
        .order_by()
        .values(key=F("unit"))
        .annotate(n=Count("visit__rating"), avg=Avg("visit__rating__overall"))
    )


def ratings_by_enterprise(f: Filters, enterprise_ids) -> dict:
    return _ratings(
        Rating.objects.filter(visit__in=visits_in(f), visit__enterprise__in=list(enterprise_ids))
        .order_by()
        .values(key=F("visit__enterprise"))
        .annotate(n=Count("pk"), avg=Avg("overall"))
    )


def counted_for_caps(year: int):
    """What the caps count (rules.planned_inspections for every enterprise): active planned inspections."""
    return VisitRequest.objects.filter(
        visit__year=year, kind=Kind.PLANNED, purpose__in=INSPECTING, status__in=ACTIVE
    )


def triggered_for_caps(year: int):
    return VisitRequest.objects.filter(visit__year=year, kind=Kind.TRIGGERED, status__in=ACTIVE)


def caps(f: Filters, year: int, rules: VisitRules):
    """Enterprises with planned inspections or triggered visits in `year`: `planned` (distinct visits),
    `unit_max` (the highest count of one unit, `unit_max_name`), `triggered` (distinct visits, not counted)
    and `remaining` (places left before the nearer cap), nearest to the cap first."""
    counted, triggered = counted_for_caps(year), triggered_for_caps(year)
    here = {"visit__enterprise": OuterRef("pk")}
    planned = (
        counted.filter(**here)
        .order_by()
        .values("visit__enterprise")
        .annotate(n=Count("visit", distinct=True))
        .values("n")
    )
    per_unit = (
        counted.filter(**here).order_by().values("unit").annotate(n=Count("pk")).order_by("-n", "unit__name")
    )
    triggered_visits = (
        triggered.filter(**here)
        .order_by()
        .values("visit__enterprise")
        .annotate(n=Count("visit", distinct=True))
        .values("n")
    )
    either = counted | triggered
    enterprises = Enterprise.objects.filter(pk__in=either.values("visit__enterprise"))
    if f.unit is not None:
        enterprises = enterprises.filter(Exists(either.filter(unit=f.unit, **here)))
    if f.enterprise:
        enterprises = enterprises.filter(enterprise_q(f.enterprise))
    number = IntegerField()
    return (
        enterprises.annotate(
            planned=Coalesce(Subquery(planned, output_field=number), Value(0), output_field=number),
            unit_max=Coalesce(
                Subquery(per_unit.values("n")[:1], output_field=number), Value(0), output_field=number
            ),
            unit_max_name=Subquery(per_unit.values("unit__name")[:1]),
            triggered=Coalesce(
                Subquery(triggered_visits, output_field=number), Value(0), output_field=number
            ),
        )
        .annotate(
            remaining=Least(
                Value(rules.cap_per_enterprise) - F("planned"),
                Value(rules.cap_per_unit_per_enterprise) - F("unit_max"),
                output_field=number,
            )
        )
        .order_by("remaining", "-planned", "name")
    )


def cap_flag(remaining: int) -> str:
    """red: at or over a cap; yellow: one below it."""
    return "red" if remaining <= 0 else "yellow" if remaining == 1 else ""


# --- rows: the same cells on the page and in the spreadsheet -----------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _local(moment: datetime) -> str:
    return clock.local_text(moment)


FIGURE_COLUMNS = [
    gettext_lazy("申请数"),
    gettext_lazy("已批准"),
    gettext_lazy("未批准"),
    gettext_lazy("待审批"),
    gettext_lazy("访企次数"),
    gettext_lazy("签到人次"),
    gettext_lazy("评价数"),
    gettext_lazy("平均总体评价"),
]


def _figure_cells(row, rating):
    count, average = rating or (0, None)
    return [
        row["filed"],
        row["approved"],
        row["refused"],
        row["pending"],
        row["visits"],
        row["checkins"],
        count,
        average,
    ]


def day_table(f: Filters, grouped: list) -> list[dict]:
    ratings = ratings_by_day(f, [row["day"] for row in grouped])
    return [
        {"cells": [row["day"].isoformat(), *_figure_cells(row, ratings.get(row["day"]))]} for row in grouped
    ]


def unit_table(f: Filters, grouped: list) -> list[dict]:
    ratings = ratings_by_unit(f, [row["unit"] for row in grouped])
    return [{"cells": [row["unit__name"], *_figure_cells(row, ratings.get(row["unit"]))]} for row in grouped]


def enterprise_table(f: Filters, grouped: list) -> list[dict]:
    ratings = ratings_by_enterprise(f, [row["visit__enterprise"] for row in grouped])
    return [
        {
            "cells": [
                row["visit__enterprise__name"],
                row["visit__enterprise__uscc"],
                *_figure_cells(row, ratings.get(row["visit__enterprise"])),
            ]
        }
        for row in grouped
    ]


def caps_table(rows: list) -> list[dict]:
    labels = {"red": _("已达上限"), "yellow": _("接近上限"), "": ""}
    table = []
    for e in rows:
        flag = cap_flag(e.remaining)
        table.append(
            {
                "flag": flag,
                "cells": [
                    e.name,
                    e.uscc,
                    e.planned,
                    e.unit_max,
                    e.unit_max_name or "",
                    e.triggered,
                    max(e.remaining, 0),
                    labels[flag],
                ],
            }
        )
    return table


def no_pass_table(reports: list) -> list[dict]:
    return [
        {
            "url": reverse(NS + "office_no_pass_detail", args=[r.pk]),
            "cells": [
                _local(r.reported_at),
                r.enterprise.name,
                r.unit.name if r.unit else r.unit_text,
                _local(r.occurred_at),
                r.visitors_text,
                r.get_status_display(),
                r.step_count,
            ],
        }
        for r in reports
    ]


def _filename(title: str, f: Filters) -> str:
    return f"{title}_{f.start:%Y%m%d}-{f.end:%Y%m%d}.xlsx"


# --- pages ------------------------------------------------------------------------------------------

TABS = [
    ("office_overview", gettext_lazy("概览")),
    ("office_by_day", gettext_lazy("按日")),
    ("office_by_unit", gettext_lazy("按单位")),
    ("office_by_enterprise", gettext_lazy("按企业")),
    ("office_caps", gettext_lazy("检查上限")),
    ("office_no_pass", gettext_lazy("无码入企报告")),
]


def _tabs(tab: str, query: str = "") -> list[dict]:
    """The office's pages, each link keeping the current filters."""
    return [
        {"url": reverse(NS + name) + (f"?{query}" if query else ""), "label": label, "current": name == tab}
        for name, label in TABS
    ]


def _context(request, *, title: str, tab: str, form, filters: Filters, **extra) -> dict:
    kept = {key: request.GET[key] for key in FILTER_PARAMS if key != "status" and request.GET.get(key)}
    return {"title": title, "tabs": _tabs(tab, urlencode(kept)), "form": form, "filters": filters, **extra}


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _table_page(request, *, title, tab, form, filters, queryset, columns, build, note="", legend=False):
    """A filtered list: one page of rows (25) on screen, or every row in Excel."""
    if _wants_xlsx(request):
        rows = build(list(queryset))
        return xlsx_response(_filename(title, filters), title, columns, [row["cells"] for row in rows])
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    rows = build(list(page.object_list))
    for row in rows:  # each cell with its column's name: a phone shows a row as a card of labelled lines
        row["fields"] = list(zip(columns, row["cells"], strict=True))
    return render(
        request,
        "visits/office/table.html",
        _context(
            request,
            title=title,
            tab=tab,
            form=form,
            filters=filters,
            page=page,
            rows=rows,
            columns=columns,
            note=note,
            legend=legend,
        ),
    )


@role_required(*OVERSEERS)
@require_GET
def overview_page(request):
    filters, form = parse_filters(request.GET)
    figures = overview(filters)
    title = _("访企统计概览")
    items = [
        (_("访企申请"), figures["filed"], ""),
        (_("已批准"), figures["approved"], ""),
        (_("未批准"), figures["refused"], ""),
        (_("待审批"), figures["pending"], ""),
        (_("访企次数"), figures["visits"], _("至少一项申请获批的访企活动")),
        (
            _("联合检查率"),
            percent(figures["joint_rate"]),
            _("联合检查 %(joint)s 次 ÷ 访企 %(visits)s 次")
            % {"joint": figures["joint_visits"], "visits": figures["visits"]},
        ),
        (
            _("扫码率"),
            percent(figures["pass_compliance"]),
            _("有签到的 %(checked)s 次 ÷ 已结束的获批访企 %(ended)s 次")
            % {"checked": figures["checked_in_visits"], "ended": figures["ended_visits"]},
        ),
        (_("无码入企报告（未办结 / 总数）"), f"{figures['no_pass_open']} / {figures['no_pass_total']}", ""),
        (_("触发性访企"), figures["triggered_visits"], _("不计入年度检查上限")),
        (_("事后补报（突发事件）"), figures["filed_late"], ""),
    ]
    if _wants_xlsx(request):
        rows = [[str(label), value] for label, value, _note in items[:5]]
        rows += [
            [str(_("联合检查率")), percent(figures["joint_rate"])],
            [str(_("扫码率")), percent(figures["pass_compliance"])],
            [str(_("无码入企报告（未办结）")), figures["no_pass_open"]],
            [str(_("无码入企报告（总数）")), figures["no_pass_total"]],
            [str(_("触发性访企")), figures["triggered_visits"]],
            [str(_("事后补报（突发事件）")), figures["filed_late"]],
        ]
        return xlsx_response(_filename(title, filters), title, [_("指标"), _("数值")], rows)
    return render(
        request,
        "visits/office/overview.html",
        _context(
            request,
            title=title,
            tab="office_overview",
            form=form,
            filters=filters,
            figures=figures,
            items=items,
        ),
    )


@role_required(*OVERSEERS)
@require_GET
def by_day_page(request):
    filters, form = parse_filters(request.GET)
    return _table_page(
        request,
        title=_("按日统计"),
        tab="office_by_day",
        form=form,
        filters=filters,
        queryset=by_day(filters),
        columns=[_("日期"), *FIGURE_COLUMNS],
        build=lambda rows: day_table(filters, rows),
    )


@role_required(*OVERSEERS)
@require_GET
def by_unit_page(request):
    filters, form = parse_filters(request.GET)
    return _table_page(
        request,
        title=_("按单位统计"),
        tab="office_by_unit",
        form=form,
        filters=filters,
        queryset=by_unit(filters),
        columns=[_("单位"), *FIGURE_COLUMNS],
        build=lambda rows: unit_table(filters, rows),
    )


@role_required(*OVERSEERS)
@require_GET
def by_enterprise_page(request):
    filters, form = parse_filters(request.GET)
    return _table_page(
        request,
        title=_("按企业统计"),
        tab="office_by_enterprise",
        form=form,
        filters=filters,
        queryset=by_enterprise(filters),
        columns=[_("企业"), _("统一社会信用代码"), *FIGURE_COLUMNS],
        build=lambda rows: enterprise_table(filters, rows),
    )


@role_required(*OVERSEERS)
@require_GET
def caps_page(request):
    filters, form = parse_filters(request.GET, CapsFilterForm)
    rules = VisitRules.current()
    year = filters.start.year
    note = _(
        "%(year)s 年度（开始日期所在年度）。计入上限：计划性的督查检查和监管执法，待审批或已批准；联合检查对企业只算一次。"
        "每家企业上限 %(enterprise)s 次，每个单位对同一企业上限 %(unit)s 次；触发性检查单列，不计入上限。"
    ) % {"year": year, "enterprise": rules.cap_per_enterprise, "unit": rules.cap_per_unit_per_enterprise}
    columns = [
        _("企业"),
        _("统一社会信用代码"),
        _("计划性检查（次）"),
        _("单位最多（次）"),
        _("次数最多的单位"),
        _("触发性检查（不计入）"),
        _("距上限（次）"),
        _("提示"),
    ]
    return _table_page(
        request,
        title=_("检查上限"),
        tab="office_caps",
        form=form,
        filters=filters,
        queryset=caps(filters, year, rules),
        columns=columns,
        build=caps_table,
        note=note,
        legend=True,
    )


@role_required(*OVERSEERS)
@require_GET
def no_pass_page(request):
    filters, form = parse_filters(request.GET, NoPassFilterForm)
    reports = (
        no_pass_reports(filters, NoPassReport.objects.for_user(request.user))
        .select_related("enterprise", "unit")
        .annotate(step_count=Count("steps"))
        .order_by("-reported_at", "-pk")
    )
    columns = [
        _("报告时间"),
        _("企业"),
        _("来访单位"),
        _("发生时间"),
        _("来访人员"),
        _("状态"),
        _("处理步骤"),
    ]
    return _table_page(
        request,
        title=_("无码入企报告"),
        tab="office_no_pass",
        form=form,
        filters=filters,
        queryset=reports,
        columns=columns,
        build=no_pass_table,
        note=_("按发生时间筛选。"),
    )


class StepForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("处理后状态"), choices=CaseStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("处理情况"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@role_required(*OVERSEERS)
@require_http_methods(["GET", "POST"])
def no_pass_detail_page(request, report_id: int):
    report = get_object_or_404(
        NoPassReport.objects.for_user(request.user).select_related(
            "enterprise", "unit", "reported_by__person"
        ),
        pk=report_id,
    )
    can_handle = has_role(request.user, Role.BUSINESS_ENVIRONMENT_OFFICE)
    if request.method == "POST" and not can_handle:
        raise PermissionDenied
    initial = {"status": CaseStatus.HANDLING if report.status == CaseStatus.OPEN else report.status}
    form = StepForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.handle_no_pass(
                report, by=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("处理情况已记录。"))
            return redirect(NS + "office_no_pass_detail", report_id=report.pk)
    steps = report.steps.select_related("by__person")
    return render(
        request,
        "visits/office/no_pass_detail.html",
        {
            "title": _("无码入企报告"),
            "tabs": _tabs("office_no_pass"),
            "report": report,
            "steps": steps,
            "form": form,
            "can_handle": can_handle and report.status != CaseStatus.CLOSED,
        },
    )


urlpatterns = [
    path("", overview_page, name="office_overview"),
    path("by-day/", by_day_page, name="office_by_day"),
    path("by-unit/", by_unit_page, name="office_by_unit"),
    path("by-enterprise/", by_enterprise_page, name="office_by_enterprise"),
    path("caps/", caps_page, name="office_caps"),
    path("no-pass/", no_pass_page, name="office_no_pass"),
    path("no-pass/<int:report_id>/", no_pass_detail_page, name="office_no_pass_detail"),
]
