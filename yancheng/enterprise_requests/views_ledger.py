"""The protection ledger pages (赋码保护台账), for the business-environment office, leaders, the
supervision office and administrators (everyone else: 403; anonymous: to the sign-in page).

- ``requests:ledger`` (``/requests/ledger/``): the ranked table of ``ledger.compute`` for a month
  (``?month=YYYY-MM``, default last month) or a free range (``?start=YYYY-MM-DD&end=YYYY-MM-DD``, which
  wins over the month); units over the accountability thresholds are highlighted with their reasons.
  ``?format=xlsx`` gives the same rows in Excel (``core.output.xlsx``).
- ``requests:ledger_bulletin`` (``/requests/ledger/bulletin.docx``): the bulletin (通报) of the same
  range as a Word document (see bulletin.py); ``?number=11`` fills in the document number's serial.
"""

import calendar
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from yancheng.core import clock
from yancheng.core.forms import REPORT_DAY_VALIDATORS, DayInput
from yancheng.core.output.official_document import docx_response
from yancheng.core.output.xlsx import xlsx_response
from yancheng.core.roles import role_required

from . import bulletin, ledger
from .models import OVERSEERS, LedgerThresholds

COLUMNS = [
    gettext_lazy("排名"),
    gettext_lazy("单位"),
    gettext_lazy("访企申请"),
    gettext_lazy("通行码使用"),
    gettext_lazy("签到率"),
    gettext_lazy("平均评分"),
    gettext_lazy("无码入企"),
    gettext_lazy("收到诉求"),
    gettext_lazy("按时受理率"),
    gettext_lazy("默认受理"),
    gettext_lazy("按时答复率"),
    gettext_lazy("满意率"),
    gettext_lazy("综合得分"),
    gettext_lazy("问责提示"),
]


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def month_range(first: date) -> tuple[date, date]:
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


class LedgerForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("月份"),
        required=False,
        input_formats=["%Y-%m"],
        validators=REPORT_DAY_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
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

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end) and not self.errors:
            self.add_error("end" if start else "start", _("请同时填写开始日期和结束日期。"))
        elif start and end and start > end:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


def parse_range(params) -> tuple[date, date, LedgerForm]:
    """The range the GET parameters ask for: start/end if both parse, else the month, else last month
    (the form says why a field was not used)."""
    data = {key: params.get(key, "") for key in ("month", "start", "end")}
    default = last_month(timezone.localdate(clock.now()))
    if not any(data.values()):
        data["month"] = default[0].strftime("%Y-%m")
    form = LedgerForm(data)
    form.is_valid()
    clean = getattr(form, "cleaned_data", {})
    start, end = clean.get("start"), clean.get("end")
    if start and end and start <= end and not form.errors:
        return start, end, form
    if clean.get("month"):
        return *month_range(clean["month"]), form
    return *default, form


def table(rows: list[ledger.LedgerRow]) -> list[dict]:
    """The page's rows; `cells` go to Excel as they are, `fields` (column, cell, note) to the page, where
    a note (numerator/denominator) is a tooltip."""
    percent, rating = ledger.percent, ledger.rating_text
    lines = []
    for row in rows:
        cells = [
            "—" if row.rank is None else row.rank,
            row.unit_name,
            row.visit_requests,
            row.passes_used,
            percent(row.checkin_compliance),
            rating(row.average_rating),
            row.no_pass_reports,
            row.requests_received,
            percent(row.accept_on_time_rate),
            row.deemed_accepted,
            percent(row.reply_on_time_rate),
            percent(row.satisfaction_rate),
            "—" if row.score is None else row.score,
            "；".join(row.flags),
        ]
        notes = [""] * len(cells)
        notes[4] = _("有签到 %(a)s ÷ 已结束获批访企 %(b)s") % {
            "a": row.visits_checked_in,
            "b": row.visits_ended,
        }
        notes[5] = _("评价 %(n)s 次") % {"n": row.ratings}
        notes[8] = _("按时受理 %(a)s ÷ 应受理 %(b)s") % {"a": row.accepted_on_time, "b": row.accept_due}
        notes[10] = _("按时答复 %(a)s ÷ 应答复 %(b)s") % {"a": row.replied_on_time, "b": row.reply_due}
        notes[11] = _("满意和基本满意 %(a)s ÷ 已评价 %(b)s") % {"a": row.satisfied, "b": row.rated}
        if not row.measured:
            notes[12] = _("本期各项指标均无统计基数：不计得分，不参与排名")
        lines.append(
            {
                "cells": cells,
                "fields": list(zip(COLUMNS, cells, notes, strict=True)),
                "flagged": row.flagged,
                "measured": row.measured,
                "unit_id": row.unit_id,
            }
        )
    return lines


@role_required(*OVERSEERS)
@require_GET
def ledger_page(request):
    start, end, form = parse_range(request.GET)
    rows = ledger.compute(start, end)
    lines = table(rows)
    title = _("赋码保护台账")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"{title}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx", title, COLUMNS, [line["cells"] for line in lines]
        )
    span = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return render(
        request,
        "enterprise_requests/ledger/ledger.html",
        {
            "title": title,
            "form": form,
            "start": start,
            "end": end,
            "period": bulletin.period_text(start, end),
            "columns": COLUMNS,
            "rows": lines,
            "flagged": sum(1 for row in rows if row.flagged),
            "thresholds_text": bulletin.thresholds_text(LedgerThresholds.current()),
            "xlsx_url": f"{reverse('requests:ledger')}?{span}&format=xlsx",
            "bulletin_url": f"{reverse('requests:ledger_bulletin')}?{span}",
            "weights": ledger.WEIGHTS,
            "penalty": ledger.NO_PASS_PENALTY,
        },
    )


@role_required(*OVERSEERS)
@require_GET
def bulletin_docx(request):
    start, end, _form = parse_range(request.GET)
    number = request.GET.get("number", "").strip()
    number = number if number.isdigit() and len(number) <= 4 else ""
    content = bulletin.build(
        ledger.compute(start, end),
        start,
        end,
        issued=timezone.localdate(clock.now()),
        thresholds=LedgerThresholds.current(),
        number=number,
    )
    return docx_response(f"{bulletin.title_text(start, end)}.docx", content)


urlpatterns = [
    path("", ledger_page, name="ledger"),
    path("bulletin.docx", bulletin_docx, name="ledger_bulletin"),
]
