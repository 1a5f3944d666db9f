"""The business-environment office's pages: figures equal counts taken from the database, caps are
flagged, filters narrow, Excel holds the page's rows, only overseers read and only the office handles."""

import itertools
from datetime import date, datetime, time, timedelta
from io import BytesIO
from urllib.parse import unquote
from uuid import uuid4

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_user
from yancheng.core.models import Enterprise, Unit
from yancheng.core.roles import Role
from yancheng.core.validators import make_uscc
from yancheng.visits import rules, views_office
from yancheng.visits.choices import CaseStatus, Direction, Kind, Purpose, RequestStatus, ScanMethod, Trigger
from yancheng.visits.models import (
    CheckEvent,
    NoPassReport,
    NoPassReportStep,
    Pass,
    Rating,
    Visit,
    Visitor,
    VisitRequest,
    VisitRules,
)

OUTSIDERS = (Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER, Role.BANK_CLERK, Role.REGISTRY_OFFICIAL)
READERS = (Role.BUSINESS_ENVIRONMENT_OFFICE, Role.LEADER, Role.SUPERVISION_OFFICE, Role.ADMINISTRATOR)
LIST_PAGES = ["office_by_day", "office_by_unit", "office_by_enterprise", "office_caps", "office_no_pass"]
_codes = itertools.count(1)


# --- building visits with the ORM ----------------------------------------------------------------


def make_request(
    visit,
    unit,
    by,
    *,
    status=RequestStatus.APPROVED,
    purpose=Purpose.INSPECTION,
    kind=Kind.PLANNED,
    filed_late=False,
    checked_in=False,
):
    request = VisitRequest.objects.create(
        visit=visit,
        unit=unit,
        purpose=purpose,
        kind=kind,
        filed_by=by,
        submission_key=uuid4().hex,
        status=status,
        trigger=Trigger.EMERGENCY if kind == Kind.TRIGGERED else "",
        filed_late=filed_late,
        items="安全生产" if purpose != Purpose.RESEARCH else "",
        legal_basis="安全生产法第六十五条",
    )
    visitor = Visitor.objects.create(request=request, user=by, certificate_no="HN0001")
    if status == RequestStatus.APPROVED:
        green_pass = Pass.objects.create(
            visitor=visitor, token=f"token-{uuid4().hex}", short_code=f"T{next(_codes):07d}"
        )
        if checked_in:
            CheckEvent.objects.create(
                green_pass=green_pass, direction=Direction.IN, method=ScanMethod.SHORT_CODE, recorded_by=by
            )
            CheckEvent.objects.create(
                green_pass=green_pass, direction=Direction.OUT, method=ScanMethod.SHORT_CODE, recorded_by=by
            )
    return request


def make_visit(enterprise, starts_at, *requests, hours=2, rating=None, rated_by=None, year=None):
    visit = Visit.objects.create(
        enterprise=enterprise,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        year=year or timezone.localdate(starts_at).year,
    )
    for unit, by, options in requests:
        make_request(visit, unit, by, **options)
    if rating is not None:
        Rating.objects.create(
            visit=visit,
            overall=rating,
            conduct=rating,
            necessity=rating,
            efficiency=rating,
            integrity=rating,
            rated_by=rated_by,
        )
    return visit


def make_report(enterprise, by, occurred_at, *, unit=None, unit_text="", status=CaseStatus.OPEN):
    return NoPassReport.objects.create(
        enterprise=enterprise,
        unit=unit,
        unit_text=unit_text,
        occurred_at=occurred_at,
        visitors_text="张三、李四",
        description="未出示通行码进入厂区检查",
        reported_by=by,
        status=status,
        submission_key=uuid4().hex,
    )


@pytest.fixture
def scene(hengyang, users):
    """Six visits around now, in a range of ±60 days, and two no-pass reports."""
    VisitRules.current()
    now = timezone.now()
    e, u = hengyang["enterprises"], hengyang["units"]
    samr, eco = (u["samr"], users[Role.UNIT_OFFICIAL]), (u["eco"], users["other_official"])
    rater = users[Role.ENTERPRISE_USER]
    visits = {
        # joint, ended, checked in by samr, rated 5
        "joint": make_visit(
            e["a"],
            now - timedelta(days=10),
            (*samr, {"checked_in": True}),
            (*eco, {}),
            rating=5,
            rated_by=rater,
        ),
        # ended, nobody checked in, rated 3
        "unchecked": make_visit(e["a"], now - timedelta(days=5), (*samr, {}), rating=3, rated_by=rater),
        # triggered by an emergency, filed late, checked in
        "triggered": make_visit(
            e["b"],
            now - timedelta(days=3),
            (*eco, {"kind": Kind.TRIGGERED, "filed_late": True, "checked_in": True}),
        ),
        # pending: no visit yet
        "pending": make_visit(e["b"], now + timedelta(days=10), (*samr, {"status": RequestStatus.PENDING})),
        # refused and cancelled: no visit
        "refused": make_visit(
            e["a"],
            now + timedelta(days=20),
            (*eco, {"status": RequestStatus.REFUSED}),
            (*samr, {"status": RequestStatus.CANCELLED}),
        ),
        # approved research visit that has not happened yet
        "future": make_visit(e["b"], now + timedelta(days=3), (*samr, {"purpose": Purpose.RESEARCH})),
    }
    reports = {
        "open": make_report(e["a"], rater, now - timedelta(days=4), unit=u["samr"]),
        "closed": make_report(
            e["b"],
            users["other_enterprise"],
            now - timedelta(days=2),
            unit_text="某执法大队",
            status=CaseStatus.CLOSED,
        ),
    }
    start, end = timezone.localdate(now - timedelta(days=60)), timezone.localdate(now + timedelta(days=60))
    return {
        "visits": visits,
        "reports": reports,
        "range": {"start": start.isoformat(), "end": end.isoformat()},
        "since": now - timedelta(days=61),
        "until": now + timedelta(days=61),
    }


def url(name, **kwargs):
    return reverse(f"visits:{name}", kwargs=kwargs or None)


def get(client, user, name, params=None, **kwargs):
    client.force_login(user)
    response = client.get(url(name, **kwargs), params or {})
    assert response.status_code == 200, response.status_code
    return response


def page_rows(response):
    return [row["cells"] for row in response.context["rows"]]


# --- the overview ---------------------------------------------------------------------------------


def test_each_overview_figure_equals_a_count_from_the_database(client, users, scene):
    figures = get(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], "office_overview", scene["range"]).context[
        "figures"
    ]

    now = timezone.now()
    in_range = VisitRequest.objects.filter(
        visit__starts_at__gte=scene["since"], visit__starts_at__lt=scene["until"]
    )
    approved = list(in_range.filter(status=RequestStatus.APPROVED).select_related("visit"))
    visit_ids = {r.visit_id for r in approved}
    per_visit = {vid: sum(1 for r in approved if r.visit_id == vid) for vid in visit_ids}
    ended = {r.visit_id for r in approved if r.visit.ends_at <= now}
    checked = set(
        CheckEvent.objects.filter(
            direction=Direction.IN, green_pass__visitor__request__in=approved
        ).values_list("green_pass__visitor__request__visit", flat=True)
    )
    reports = NoPassReport.objects.filter(occurred_at__gte=scene["since"], occurred_at__lt=scene["until"])

    expected = {
        "filed": in_range.count(),
        "approved": len(approved),
        "refused": in_range.filter(status=RequestStatus.REFUSED).count(),
        "pending": in_range.filter(status=RequestStatus.PENDING).count(),
        "cancelled": in_range.filter(status=RequestStatus.CANCELLED).count(),
        "visits": len(visit_ids),
        "joint_visits": sum(1 for n in per_visit.values() if n >= 2),
        "joint_rate": sum(1 for n in per_visit.values() if n >= 2) / len(visit_ids),
        "ended_visits": len(ended),
        "checked_in_visits": len(ended & checked),
        "pass_compliance": len(ended & checked) / len(ended),
        "no_pass_open": reports.exclude(status=CaseStatus.CLOSED).count(),
        "no_pass_total": reports.count(),
        "triggered_visits": len({r.visit_id for r in approved if r.kind == Kind.TRIGGERED}),
        "filed_late": in_range.filter(filed_late=True).count(),
    }
    assert figures == expected
    # The page shows what the plain function computes.
    start, end = (date.fromisoformat(scene["range"][key]) for key in ("start", "end"))
    assert views_office.overview(views_office.Filters(start=start, end=end)) == figures
    # And the scene's own arithmetic, so that a wrong count cannot agree with itself.
    assert (figures["filed"], figures["approved"], figures["refused"], figures["pending"]) == (8, 5, 1, 1)
    assert (
        figures["visits"],
        figures["joint_visits"],
        figures["ended_visits"],
        figures["checked_in_visits"],
    ) == (4, 1, 3, 2)
    assert (
        figures["no_pass_open"],
        figures["no_pass_total"],
        figures["triggered_visits"],
        figures["filed_late"],
    ) == (1, 2, 1, 1)


def test_the_overview_page_shows_its_figures_in_chinese(client, users, scene):
    html = get(client, users[Role.LEADER], "office_overview", scene["range"]).content.decode()
    for text in [
        "访企统计概览",
        "联合检查率",
        "25.0%",
        "扫码率",
        "66.7%",
        "1 / 2",
        "不计入年度检查上限",
        "导出 Excel",
    ]:
        assert text in html, text


def test_the_overview_defaults_to_this_year(client, users, hengyang):
    now = timezone.now()
    official = users[Role.UNIT_OFFICIAL]
    make_visit(
        hengyang["enterprises"]["a"], now - timedelta(days=400), (hengyang["units"]["samr"], official, {})
    )
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    make_visit(
        hengyang["enterprises"]["a"], today + timedelta(minutes=30), (hengyang["units"]["samr"], official, {})
    )
    response = get(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], "office_overview")
    year = timezone.localdate().year
    assert (response.context["filters"].start.isoformat(), response.context["filters"].end.isoformat()) == (
        f"{year}-01-01",
        f"{year}-12-31",
    )
    assert response.context["figures"]["filed"] == 1 == VisitRequest.objects.filter(visit__year=year).count()


# --- grouped lists ----------------------------------------------------------------------------------


def test_by_unit_rows_equal_counts_from_the_database(client, users, scene, hengyang):
    rows = page_rows(get(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], "office_by_unit", scene["range"]))
    expected = []
    for unit in [hengyang["units"]["samr"], hengyang["units"]["eco"]]:
        mine = VisitRequest.objects.filter(
            unit=unit, visit__starts_at__gte=scene["since"], visit__starts_at__lt=scene["until"]
        )
        approved = mine.filter(status=RequestStatus.APPROVED)
        ratings = [r.overall for r in Rating.objects.filter(visit__in=approved.values("visit"))]
        expected.append(
            [
                unit.name,
                mine.count(),
                approved.count(),
                mine.filter(status=RequestStatus.REFUSED).count(),
                mine.filter(status=RequestStatus.PENDING).count(),
                approved.values("visit").distinct().count(),
                CheckEvent.objects.filter(
                    direction=Direction.IN, green_pass__visitor__request__in=mine
                ).count(),
                len(ratings),
                round(sum(ratings) / len(ratings), 2) if ratings else None,
            ]
        )
    assert rows == expected
    assert rows[0] == ["衡阳市市场监督管理局", 5, 3, 0, 1, 3, 1, 2, 4.0]


def test_by_day_and_by_enterprise_rows_equal_counts_from_the_database(client, users, scene):
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    days = page_rows(get(client, office, "office_by_day", scene["range"]))
    visits = sorted(scene["visits"].values(), key=lambda v: v.starts_at, reverse=True)
    assert [row[0] for row in days] == [timezone.localdate(v.starts_at).isoformat() for v in visits]
    for row, visit in zip(days, visits, strict=True):
        requests = visit.requests.all()
        assert row[1] == requests.count()
        assert row[2] == requests.filter(status=RequestStatus.APPROVED).count()
        assert row[5] == (1 if row[2] else 0)
        assert (
            row[6]
            == CheckEvent.objects.filter(
                direction=Direction.IN, green_pass__visitor__request__visit=visit
            ).count()
        )
        rating = Rating.objects.filter(visit=visit).first()
        assert row[7:] == ([1, float(rating.overall)] if rating else [0, None])

    by_enterprise = page_rows(get(client, office, "office_by_enterprise", scene["range"]))
    expected = Enterprise.objects.annotate(
        n=Count("visits", filter=Q(visits__requests__status=RequestStatus.APPROVED), distinct=True),
        filed=Count("visits__requests", distinct=True),
    ).order_by("-n", "-filed", "name")
    assert [(r[0], r[1], r[6], r[2]) for r in by_enterprise] == [
        (e.name, e.uscc, e.n, e.filed) for e in expected
    ]
    assert [r[8:] for r in by_enterprise] == [[2, 4.0], [0, None]]


def test_filters_narrow_the_rows(client, users, scene, hengyang):
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    eco, a, b = hengyang["units"]["eco"], hengyang["enterprises"]["a"], hengyang["enterprises"]["b"]

    def rows(name, **params):
        return page_rows(get(client, office, name, {**scene["range"], **params}))

    assert [r[0] for r in rows("office_by_unit")] == ["衡阳市市场监督管理局", "衡阳市生态环境局"]
    assert [r[0] for r in rows("office_by_unit", unit=eco.pk)] == ["衡阳市生态环境局"]
    assert [r[0] for r in rows("office_by_enterprise", enterprise="乙化工")] == [b.name]
    assert [r[0] for r in rows("office_by_enterprise", enterprise=a.uscc.lower())] == [a.name]
    assert rows("office_by_unit", purpose=Purpose.RESEARCH) == [
        ["衡阳市市场监督管理局", 1, 1, 0, 0, 1, 0, 0, None]
    ]
    assert [r[0] for r in rows("office_by_unit", kind=Kind.TRIGGERED)] == ["衡阳市生态环境局"]
    today = timezone.localdate()
    past = {"start": (today - timedelta(days=60)).isoformat(), "end": (today - timedelta(days=1)).isoformat()}
    assert len(rows("office_by_day", **past)) == 3
    assert [r[1] for r in rows("office_no_pass")] == [b.name, a.name]
    assert [r[1] for r in rows("office_no_pass", status=CaseStatus.CLOSED)] == [b.name]
    assert [r[1] for r in rows("office_no_pass", unit=hengyang["units"]["samr"].pk)] == [a.name]

    response = get(client, office, "office_overview", {**scene["range"], "kind": Kind.TRIGGERED})
    assert (response.context["figures"]["filed"], response.context["figures"]["visits"]) == (1, 1)
    # A range that does not parse falls back to this year, and says why.
    response = get(client, office, "office_by_day", {"start": "2026-13-01", "end": "2025-01-01"})
    assert response.context["form"].errors and response.context["filters"].start.month == 1


@pytest.mark.parametrize(
    "name, params",
    [
        ("office_overview", {"end": "9999-12-31"}),
        ("office_by_unit", {"start": "0001-01-01", "end": "0001-01-02"}),
        ("office_by_day", {"start": "9999-12-31", "end": "9999-12-31"}),
        ("office_by_enterprise", {"start": "1999-12-31"}),
        ("office_caps", {"start": "9999-01-01"}),
        ("office_no_pass", {"start": "0001-01-01", "end": "9999-12-31"}),
    ],
)
def test_a_date_beyond_the_years_served_is_refused_with_a_reason(client, users, hengyang, name, params):
    """Days near year 1 or 9999 used to crash the page (OverflowError); they fall back to this year."""
    response = get(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], name, params)
    page = response.content.decode()
    assert "日期不能早于 2000 年 1 月 1 日。" in page or "日期不能晚于 2100 年 12 月 31 日。" in page
    filters = response.context["filters"]
    assert date(2000, 1, 1) <= filters.start <= filters.end <= date(2100, 12, 31)
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    assert client.get(url(name), {**params, "format": "xlsx"}).status_code == 200


# --- caps -------------------------------------------------------------------------------------------


def test_the_caps_page_flags_an_enterprise_at_the_cap(client, users, hengyang):
    rules_now = VisitRules.current()
    assert (rules_now.cap_per_enterprise, rules_now.cap_per_unit_per_enterprise) == (4, 2)
    year, now = timezone.localdate().year, timezone.now()
    e, u = hengyang["enterprises"], hengyang["units"]
    samr, eco = (u["samr"], users[Role.UNIT_OFFICIAL]), (u["eco"], users["other_official"])
    c = Enterprise.objects.create(
        uscc=make_uscc("9", "1", "430405", "MA4L0003"),
        name="衡阳丙机械有限公司",
        region=hengyang["regions"]["zhuhui"],
        industry="装备制造",
    )
    gov = (u["gov"], users[Role.LEADER])
    pending = {"status": RequestStatus.PENDING}
    # a: four planned inspections, two by samr: at both caps.
    for i, spec in enumerate(
        [(*samr, {}), (*samr, {"purpose": Purpose.ENFORCEMENT}), (*eco, pending), (*gov, {})]
    ):
        make_visit(e["a"], now + timedelta(days=i), spec, year=year)
    # ...and what does not count: a cancelled one, a research visit, a triggered one.
    make_visit(e["a"], now, (*eco, {"status": RequestStatus.CANCELLED}), year=year)
    make_visit(e["a"], now, (*eco, {"purpose": Purpose.RESEARCH}), year=year)
    make_visit(e["a"], now, (*samr, {"kind": Kind.TRIGGERED}), year=year)
    # b: one planned inspection by samr (one below the unit cap) and two triggered visits.
    make_visit(e["b"], now, (*samr, {}), year=year)
    make_visit(e["b"], now, (*eco, {"kind": Kind.TRIGGERED}), year=year)
    make_visit(e["b"], now, (*samr, {"kind": Kind.TRIGGERED}), (*eco, {"kind": Kind.TRIGGERED}), year=year)
    # c: a joint planned inspection of two units counts once for the enterprise, plus one more; last year's
    # do not count this year.
    make_visit(c, now, (*samr, pending), (*eco, pending), year=year)
    make_visit(c, now, (*gov, {}), year=year)
    make_visit(c, now - timedelta(days=400), (*samr, {}), (*eco, {}), year=year - 1)

    response = get(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], "office_caps")
    rows = response.context["rows"]
    assert [r["cells"][0] for r in rows] == [e["a"].name, c.name, e["b"].name]  # nearest to the cap first
    assert [r["flag"] for r in rows] == ["red", "yellow", "yellow"]
    for row, enterprise in zip(rows, [e["a"], c, e["b"]], strict=True):
        counted = rules.planned_inspections(enterprise, year)
        assert row["cells"][2] == counted.values("visit").distinct().count()
        assert row["cells"][3] == max(
            counted.values("unit").annotate(n=Count("pk")).values_list("n", flat=True)
        )
        assert (
            row["cells"][5]
            == VisitRequest.objects.filter(
                visit__enterprise=enterprise, visit__year=year, kind=Kind.TRIGGERED
            )
            .values("visit")
            .distinct()
            .count()
        )
    assert rows[0]["cells"] == [e["a"].name, e["a"].uscc, 4, 2, "衡阳市市场监督管理局", 1, 0, "已达上限"]
    assert rows[1]["cells"][2:4] == [2, 1] and rows[1]["cells"][5:] == [0, 1, "接近上限"]
    assert rows[2]["cells"][2:] == [1, 1, "衡阳市市场监督管理局", 2, 1, "接近上限"]
    html = response.content.decode()
    assert 'class="office-red"' in html and 'class="office-yellow"' in html and "已达上限" in html

    # Filters: by enterprise, and by a unit that visited.
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    assert [r[0] for r in page_rows(get(client, office, "office_caps", {"enterprise": "丙机械"}))] == [c.name]
    registry = hengyang["units"]["registry"]
    assert page_rows(get(client, office, "office_caps", {"unit": registry.pk})) == []
    last_year = {"start": f"{year - 1}-01-01", "end": f"{year - 1}-12-31"}
    assert [r[0] for r in page_rows(get(client, office, "office_caps", last_year))] == [c.name]


# --- Excel ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIST_PAGES + ["office_overview"])
def test_the_excel_export_holds_the_pages_rows(client, users, scene, name):
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    page = get(client, office, name, scene["range"])
    response = get(client, office, name, {**scene["range"], "format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    filename = unquote(disposition.split("''", 1)[1])
    assert filename.endswith(".xlsx") and page.context["title"] in filename

    sheet = load_workbook(BytesIO(response.content)).active
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert all(cell.font.bold for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= 8 for cell in sheet[1])
    if name == "office_overview":
        assert lines[0] == ["指标", "数值"]
        assert ["访企次数", 4] in lines and ["联合检查率", "25.0%"] in lines
        return
    assert lines[0] == [str(c) for c in page.context["columns"]]
    # An empty cell reads back as None (Excel has no empty text); at the year's end some rows have them.
    assert lines[1:] == [[None if cell == "" else cell for cell in row] for row in page_rows(page)]
    assert len(lines) > 1 or name == "office_caps"


def test_text_that_looks_like_a_formula_stays_text_in_excel(client, users, hengyang):
    report = make_report(
        hengyang["enterprises"]["a"],
        users[Role.ENTERPRISE_USER],
        timezone.now(),
        unit_text='=HYPERLINK("http://x")',
    )
    response = get(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], "office_no_pass", {"format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert sheet.cell(row=2, column=3).value == report.unit_text


# --- no-pass reports -------------------------------------------------------------------------------


def test_the_office_adds_a_handling_step(client, users, scene):
    report = scene["reports"]["open"]
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    address = url("office_no_pass_detail", report_id=report.pk)
    html = get(client, office, "office_no_pass_detail", report_id=report.pk).content.decode()
    assert "未出示通行码进入厂区检查" in html and "记录处理情况" in html and "尚未处理" in html

    response = client.post(address, {"status": CaseStatus.HANDLING, "note": "已约谈市场监管局执法大队"})
    assert response.status_code == 302 and response["Location"] == address
    report.refresh_from_db()
    assert report.status == CaseStatus.HANDLING
    step = NoPassReportStep.objects.get(report=report)
    assert (step.by, step.status, step.note) == (office, CaseStatus.HANDLING, "已约谈市场监管局执法大队")
    assert "已约谈市场监管局执法大队" in client.get(address).content.decode()

    # The action's refusal is the form's error, and nothing is written.
    response = client.post(address, {"status": CaseStatus.CLOSED, "note": "  "})
    assert response.status_code == 200 and "请填写处理情况。" in response.content.decode()
    closed = scene["reports"]["closed"]
    response = client.post(
        url("office_no_pass_detail", report_id=closed.pk),
        {"status": CaseStatus.HANDLING, "note": "重新处理"},
    )
    assert response.status_code == 200 and "该报告已办结。" in response.content.decode()
    assert NoPassReportStep.objects.count() == 1


def test_readers_who_are_not_the_office_see_no_form(client, users, scene):
    report = scene["reports"]["open"]
    html = get(client, users[Role.LEADER], "office_no_pass_detail", report_id=report.pk).content.decode()
    assert "未出示通行码进入厂区检查" in html and "记录处理情况" not in html


# --- who may read and who may handle ---------------------------------------------------------------


def test_only_overseers_read_the_office_pages(client, users, scene, assert_refused):
    outsiders = [users[r] for r in OUTSIDERS] + [None]
    detail = url("office_no_pass_detail", report_id=scene["reports"]["open"].pk)
    urls = [url(name) for name in ["office_overview", *LIST_PAGES]] + [detail]
    for address in urls:
        assert_refused(outsiders, "GET", address)
        assert_refused(outsiders, "GET", address + "?format=xlsx")
        for role in READERS:
            client.force_login(users[role])
            assert client.get(address).status_code == 200, (role, address)


def test_only_the_office_handles_a_no_pass_report(users, scene, assert_refused):
    report = scene["reports"]["open"]
    address = url("office_no_pass_detail", report_id=report.pk)
    others = [users[role] for role in Role if role != Role.BUSINESS_ENVIRONMENT_OFFICE] + [None]
    assert_refused(others, "POST", address, {"status": CaseStatus.CLOSED, "note": "越权办结"})
    report.refresh_from_db()
    assert report.status == CaseStatus.OPEN and not report.steps.exists()


# --- query budgets --------------------------------------------------------------------------------


def _queries(client, address, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address, params).status_code == 200
    return len(captured)


def test_list_pages_make_the_same_number_of_queries_however_many_rows(
    client, users, scene, hengyang, django_assert_max_num_queries
):
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    client.force_login(office)
    urls = [url(name) for name in ["office_overview", *LIST_PAGES]]
    params = scene["range"]
    client.get(urls[0], params)  # warm up: the first request of a session may read more
    budgets = {address: _queries(client, address, params) for address in urls}

    now, year = timezone.now(), timezone.localdate().year
    rater = users[Role.ENTERPRISE_USER]
    for i in range(30):
        unit = Unit.objects.create(
            code=f"county{i}",
            name=f"测试单位{i:02d}",
            kind=Unit.Kind.DEPARTMENT,
            region=hengyang["regions"]["city"],
        )
        official = make_user(f"official{i}", Role.UNIT_OFFICIAL, unit=unit)
        enterprise = Enterprise.objects.create(
            uscc=make_uscc("9", "1", "430405", f"MB{i:06d}"),
            name=f"测试企业{i:02d}",
            region=hengyang["regions"]["zhuhui"],
            industry="电子信息",
        )
        make_visit(
            enterprise,
            now - timedelta(days=i + 1, hours=1),
            (unit, official, {"checked_in": True}),
            (hengyang["units"]["samr"], users[Role.UNIT_OFFICIAL], {}),
            rating=4,
            rated_by=rater,
            year=year,
        )
        make_report(enterprise, rater, now - timedelta(days=i + 1), unit=unit)

    for address in urls:
        with django_assert_max_num_queries(budgets[address]):
            assert client.get(address, params).status_code == 200
        with django_assert_max_num_queries(budgets[address]):
            assert client.get(address, {**params, "page": 2}).status_code == 200
        assert budgets[address] <= (16 if address == urls[0] else 12), (address, budgets[address])
    # The pages hold 25 rows; the spreadsheet holds them all.
    response = client.get(url("office_by_enterprise"), params)
    assert len(response.context["rows"]) == 25 and response.context["page"].paginator.count == 32
    with django_assert_max_num_queries(budgets[url("office_by_enterprise")]):
        sheet = load_workbook(
            BytesIO(client.get(url("office_by_enterprise"), {**params, "format": "xlsx"}).content)
        )
    assert sheet.active.max_row == 33
