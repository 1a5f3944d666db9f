"""The protection ledger: every figure equals a count taken straight from the database, the ranking and
the accountability flags follow the documented rules, Excel holds the page's rows, the bulletin reads
back with its figures, the query count does not grow with the units, and only overseers get in."""

import itertools
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from conftest import make_user
from yancheng.core.models import Enterprise, Unit
from yancheng.core.roles import Role
from yancheng.core.validators import make_uscc
from yancheng.enterprise_requests import bulletin, ledger, state
from yancheng.enterprise_requests.choices import Satisfaction
from yancheng.enterprise_requests.models import EnterpriseRequest, LedgerThresholds
from yancheng.visits.choices import Direction, Kind, Purpose, RequestStatus, ScanMethod
from yancheng.visits.models import (
    CheckEvent,
    NoPassReport,
    Pass,
    Rating,
    Visit,
    Visitor,
    VisitRequest,
    VisitRules,
)

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
OUTSIDERS = (Role.UNIT_OFFICIAL, Role.ENTERPRISE_USER, Role.BANK_CLERK, Role.REGISTRY_OFFICIAL)
READERS = (Role.BUSINESS_ENVIRONMENT_OFFICE, Role.LEADER, Role.SUPERVISION_OFFICE, Role.ADMINISTRATOR)
START, END = date(2025, 10, 1), date(2025, 10, 31)
SINCE, UNTIL = datetime(2025, 10, 1, tzinfo=SHANGHAI), datetime(2025, 11, 1, tzinfo=SHANGHAI)
NOW = datetime(2025, 11, 27, 10, tzinfo=SHANGHAI)
_codes = itertools.count(1)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# --- building the data with the ORM -------------------------------------------------------------------


def make_visit(enterprise, starts_at, ends_at=None, rating=None, rated_by=None):
    visit = Visit.objects.create(
        enterprise=enterprise,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + timedelta(hours=2),
        year=starts_at.year,
    )
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


def make_request(visit, unit, visitors, *, filed_at, status=RequestStatus.APPROVED, checked_in=0):
    """A unit's request in a visit: each visitor gets a pass; the first `checked_in` visitors check in."""
    request = VisitRequest.objects.create(
        visit=visit,
        unit=unit,
        purpose=Purpose.INSPECTION,
        kind=Kind.PLANNED,
        items="安全生产",
        legal_basis="安全生产法第六十五条",
        filed_by=visitors[0],
        submission_key=uuid4().hex,
        status=status,
    )
    VisitRequest.objects.filter(pk=request.pk).update(filed_at=filed_at)  # filed_at is auto_now_add
    for index, user in enumerate(visitors):
        visitor = Visitor.objects.create(request=request, user=user)
        if status != RequestStatus.APPROVED:
            continue
        green_pass = Pass.objects.create(
            visitor=visitor, token=uuid4().hex, short_code=f"L{next(_codes):07d}"
        )
        if index < checked_in:
            for direction in (Direction.IN, Direction.OUT):
                CheckEvent.objects.create(
                    green_pass=green_pass, direction=direction, method=ScanMethod.SHORT_CODE, recorded_by=user
                )
    return request


def make_report(enterprise, by, occurred_at, unit):
    return NoPassReport.objects.create(
        enterprise=enterprise,
        unit=unit,
        unit_text="" if unit else "某执法大队",
        occurred_at=occurred_at,
        visitors_text="张三",
        description="未出示通行码进入厂区",
        reported_by=by,
        submission_key=uuid4().hex,
    )


def make_enterprise_request(enterprise, by, unit, filed_at, **fields):
    fields.setdefault("accept_deadline", filed_at + timedelta(days=1))
    fields.setdefault("reply_deadline", filed_at + timedelta(days=15))
    return EnterpriseRequest.objects.create(
        enterprise=enterprise,
        filed_by=by,
        kind="demand",
        subject="用电增容",
        text="请协调供电公司。",
        filed_at=filed_at,
        submission_key=uuid4().hex,
        unit=unit,
        **fields,
    )


@pytest.fixture
def scene(hengyang, users):
    """October 2025 over three units, with records just outside the month on both sides.

    Hand-computed (now = 2025-11-27 10:00): the county ranks first (100.00), the environment bureau
    second (80.50), the market regulator third (52.67); the bureau and the regulator are over a threshold."""
    # Two ratings a unit are enough for an average here (the office's default is five).
    VisitRules.objects.update_or_create(pk=1, defaults={"min_ratings_shown": 2})
    u, e = hengyang["units"], hengyang["enterprises"]
    county = Unit.objects.create(
        code="hengnan",
        name="衡南县人民政府",
        kind=Unit.Kind.COUNTY_GOVERNMENT,
        region=hengyang["regions"]["city"],
    )
    samr, eco = u["samr"], u["eco"]
    samr_officials = [users[Role.UNIT_OFFICIAL]]
    eco_officials = [users["other_official"]]
    county_officials = [
        make_user("county1", Role.UNIT_OFFICIAL, unit=county),
        make_user("county2", Role.UNIT_OFFICIAL, unit=county),
    ]
    rater = users[Role.ENTERPRISE_USER]
    a, b = e["a"], e["b"]

    # V1: a joint visit; the regulator checked in, the bureau did not; rated 5.
    v1 = make_visit(a, local(2025, 10, 10, 9), rating=5, rated_by=rater)
    make_request(v1, samr, samr_officials, filed_at=local(2025, 9, 28, 10), checked_in=1)
    make_request(v1, eco, eco_officials, filed_at=local(2025, 10, 1, 0, 0))
    # V2: the regulator, checked in, rated 3 (its average is exactly the 4.00 threshold).
    v2 = make_visit(b, local(2025, 10, 20, 14), rating=3, rated_by=rater)
    make_request(v2, samr, samr_officials, filed_at=local(2025, 10, 15, 9), checked_in=1)
    # V3: the bureau, starts on the last evening of October and ends in November; rated 4.
    v3 = make_visit(a, local(2025, 10, 31, 22), local(2025, 11, 1, 1), rating=4, rated_by=rater)
    make_request(v3, eco, eco_officials, filed_at=local(2025, 10, 25, 9), checked_in=1)
    # V4: the county, starts in September and ends in October, nobody checked in; its rating is September's.
    v4 = make_visit(b, local(2025, 9, 30, 22), local(2025, 10, 1, 0, 30), rating=2, rated_by=rater)
    make_request(v4, county, county_officials[:1], filed_at=local(2025, 9, 20, 9))
    # V5: refused; V6: pending; V7: November; V8: two county visitors, both checked in.
    v5 = make_visit(a, local(2025, 10, 15, 9))
    make_request(
        v5, county, county_officials[:1], filed_at=local(2025, 10, 5, 9), status=RequestStatus.REFUSED
    )
    v6 = make_visit(b, local(2025, 10, 25, 9))
    make_request(v6, samr, samr_officials, filed_at=local(2025, 10, 20, 9), status=RequestStatus.PENDING)
    v7 = make_visit(b, local(2025, 11, 5, 9), rating=1, rated_by=rater)
    make_request(v7, eco, eco_officials, filed_at=local(2025, 10, 28, 9), checked_in=1)
    v8 = make_visit(a, local(2025, 10, 12, 9))
    make_request(v8, county, county_officials, filed_at=local(2025, 10, 2, 9), checked_in=2)

    reports = [
        make_report(a, rater, local(2025, 10, 3, 10), samr),
        make_report(b, rater, local(2025, 10, 31, 23, 59, 59), samr),
        make_report(a, rater, local(2025, 10, 18, 10), eco),
        make_report(a, rater, local(2025, 9, 30, 23, 59), county),
        make_report(a, rater, local(2025, 11, 1, 0, 0), county),
        make_report(a, rater, local(2025, 10, 8, 10), None),
    ]

    filer = users[Role.ENTERPRISE_USER]

    def req(unit, filed_at, **fields):
        return make_enterprise_request(a, filer, unit, filed_at, **fields)

    t = local(2025, 10, 9, 9)
    requests = [
        # The regulator: on time and satisfied; late and not satisfied; never accepted nor replied.
        req(
            samr,
            t,
            accepted_at=t + timedelta(hours=3),
            replied_at=t + timedelta(days=5),
            satisfaction=Satisfaction.SATISFIED,
        ),
        req(
            samr,
            t,
            accepted_at=t + timedelta(days=3),
            replied_at=t + timedelta(days=20),
            satisfaction=Satisfaction.NOT_SATISFIED,
        ),
        req(samr, t),
        # The bureau: replied within an extension, basically satisfied; replied, not rated; September's.
        req(
            eco,
            t,
            accepted_at=t + timedelta(hours=1),
            extended_deadline=t + timedelta(days=25),
            replied_at=t + timedelta(days=20),
            satisfaction=Satisfaction.BASICALLY,
        ),
        req(eco, t, accepted_at=t + timedelta(hours=1), replied_at=t + timedelta(days=2)),
        req(eco, local(2025, 9, 30, 23), accepted_at=local(2025, 10, 1, 8)),
        # The county: filed on the last evening, still within both deadlines; replied at the very deadline.
        req(
            county,
            local(2025, 10, 31, 20),
            accept_deadline=local(2025, 11, 28, 17),
            reply_deadline=local(2025, 12, 20, 17),
        ),
        req(
            county,
            t,
            accepted_at=t + timedelta(days=1),
            reply_deadline=t + timedelta(days=15),
            replied_at=t + timedelta(days=15),
            satisfaction=Satisfaction.SATISFIED,
        ),
        # Unrouted: no unit.
        req(None, t),
    ]
    return {"units": {"samr": samr, "eco": eco, "county": county}, "reports": reports, "requests": requests}


# --- counts straight from the database (simple filters, no grouping) ----------------------------------


def counts_from_database(unit, since=SINCE, until=UNTIL, now=NOW) -> dict:
    in_range = {"gte": since, "lt": until}
    starting = {f"visit__starts_at__{k}": v for k, v in in_range.items()}
    ended = VisitRequest.objects.filter(
        unit=unit, status=RequestStatus.APPROVED, visit__ends_at__lte=now, **starting
    )
    scores = list(
        Rating.objects.filter(
            visit__in=Visit.objects.filter(
                requests__unit=unit,
                requests__status=RequestStatus.APPROVED,
                starts_at__gte=since,
                starts_at__lt=until,
            )
        ).values_list("overall", flat=True)
    )
    received = list(EnterpriseRequest.objects.filter(unit=unit, filed_at__gte=since, filed_at__lt=until))
    derived = [state.derive(r, now) for r in received]
    return {
        "visit_requests": VisitRequest.objects.filter(unit=unit, **starting).count(),
        "passes_used": Pass.objects.filter(
            visitor__request__unit=unit,
            **{f"visitor__request__{k}": v for k, v in starting.items()},
            checks__direction=Direction.IN,
        )
        .distinct()
        .count(),
        "visits_ended": ended.count(),
        "visits_checked_in": ended.filter(visitors__green_pass__checks__direction=Direction.IN)
        .distinct()
        .count(),
        "ratings": len(scores),
        "rating_total": sum(scores),
        "no_pass_reports": NoPassReport.objects.filter(
            unit=unit, occurred_at__gte=since, occurred_at__lt=until
        ).count(),
        "requests_received": len(received),
        "accept_due": sum(1 for r in received if r.accepted_at is not None or r.accept_deadline < now),
        "accepted_on_time": sum(1 for s in derived if s.accepted_on_time),
        "deemed_accepted": sum(1 for r in received if state.deemed_accepted_at(r, now) is not None),
        "reply_due": sum(1 for r in received if r.replied_at is not None or r.effective_reply_deadline < now),
        "replied_on_time": sum(1 for s in derived if s.replied_on_time),
        "rated": sum(1 for r in received if r.satisfaction),
        "satisfied": sum(
            1 for r in received if r.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
        ),
    }


def figures(row: ledger.LedgerRow) -> dict:
    return {name: getattr(row, name) for name in ledger.COUNTS}


def by_name(rows) -> dict:
    return {row.unit_name: row for row in rows}


# --- compute ------------------------------------------------------------------------------------------


def test_every_figure_equals_a_count_from_the_database(scene):
    rows = by_name(ledger.compute(START, END, now=NOW))
    assert set(rows) == {unit.name for unit in scene["units"].values()}
    for unit in scene["units"].values():
        assert figures(rows[unit.name]) == counts_from_database(unit), unit.name
        assert rows[unit.name].unit_id == unit.pk


def test_the_figures_of_the_scene_by_hand(scene):
    rows = by_name(ledger.compute(START, END, now=NOW))
    samr, eco, county = (rows[scene["units"][key].name] for key in ("samr", "eco", "county"))
    # The regulator: V1, V2 and V6 (pending) start in October, whenever they were filed.
    assert (samr.visit_requests, samr.passes_used, samr.visits_ended, samr.visits_checked_in) == (3, 2, 2, 2)
    assert (samr.ratings, samr.average_rating, samr.no_pass_reports) == (2, 4.0, 2)
    assert (samr.requests_received, samr.accept_due, samr.accepted_on_time, samr.deemed_accepted) == (
        3,
        3,
        1,
        2,
    )
    assert (samr.reply_due, samr.replied_on_time, samr.rated, samr.satisfied) == (3, 1, 2, 1)
    # The bureau: V1 (unchecked) and V3 (checked in, ends in November) start in October; V7 is November's.
    assert (eco.visit_requests, eco.passes_used, eco.visits_ended, eco.visits_checked_in) == (2, 1, 2, 1)
    assert (eco.ratings, eco.average_rating, eco.no_pass_reports) == (2, 4.5, 1)
    assert (eco.requests_received, eco.accepted_on_time, eco.reply_due, eco.replied_on_time) == (2, 2, 2, 2)
    assert (eco.rated, eco.satisfied, eco.satisfaction_rate) == (1, 1, 1.0)
    # The county: V5 (refused) and V8 (checked in by two) start in October; V4, which began on the last
    # evening of September, is September's; no rating of an October visit.
    assert (county.visit_requests, county.passes_used, county.visits_ended, county.visits_checked_in) == (
        2,
        2,
        1,
        1,
    )
    assert (county.ratings, county.average_rating, county.no_pass_reports) == (0, None, 0)
    assert (county.requests_received, county.accept_due, county.accepted_on_time, county.deemed_accepted) == (
        2,
        1,
        1,
        0,
    )
    assert (county.reply_due, county.replied_on_time, county.reply_on_time_rate) == (1, 1, 1.0)


def test_now_decides_what_has_ended_and_fallen_due(scene):
    """At noon on 9 October no October visit has ended (V1 starts on the 10th); the regulator's requests
    of that morning are not yet deemed accepted (deadline the 10th). Recorded acceptances count as they
    stand."""
    early = local(2025, 10, 9, 12)
    rows = by_name(ledger.compute(START, END, now=early))
    for unit in scene["units"].values():
        if unit.name in rows:
            assert figures(rows[unit.name]) == counts_from_database(unit, now=early), unit.name
    samr = rows[scene["units"]["samr"].name]
    county = rows[scene["units"]["county"].name]
    assert (samr.visits_ended, samr.deemed_accepted, samr.accept_due, samr.reply_due) == (0, 0, 2, 2)
    assert (county.visits_ended, county.visits_checked_in) == (0, 0)


def test_the_ranking_and_the_accountability_flags(scene):
    rows = ledger.compute(START, END, now=NOW)
    names = [scene["units"][key].name for key in ("county", "eco", "samr")]
    assert [row.unit_name for row in rows] == names
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.score for row in rows] == [100.0, 80.5, 52.67]
    county, eco, samr = rows
    assert county.flags == []
    assert eco.flags == ["签到率50.0%，低于90.0%", "无码入企报告1起，超过0起"]
    # 4.00 is not below the 4.00 threshold: no flag for the regulator's rating.
    assert samr.flags == [
        "无码入企报告2起，超过0起",
        "按时受理率33.3%，低于90.0%",
        "按时答复率33.3%，低于90.0%",
        "满意率50.0%，低于80.0%",
    ]
    assert [row.flagged for row in rows] == [False, True, True]


def test_the_thresholds_are_the_offices(scene):
    thresholds = LedgerThresholds.current()
    thresholds.min_checkin_compliance = Decimal("0.5")
    thresholds.max_no_pass_reports = 2
    thresholds.min_average_rating = Decimal("4.6")
    thresholds.save()
    rows = by_name(ledger.compute(START, END, now=NOW))
    county, eco, samr = (rows[scene["units"][key].name] for key in ("county", "eco", "samr"))
    assert county.flags == []  # no rating to judge
    assert eco.flags == ["平均评分4.50分，低于4.60分"]  # its 50% check-in is the threshold itself
    assert samr.flags[0] == "平均评分4.00分，低于4.60分"
    assert not any("无码入企" in flag for flag in samr.flags)


def test_an_average_of_fewer_ratings_than_the_office_shows_is_neither_shown_nor_scored(client, users, scene):
    VisitRules.objects.filter(pk=1).update(min_ratings_shown=3)  # each unit has two ratings
    thresholds = LedgerThresholds.current()
    thresholds.min_average_rating = Decimal("4.6")
    thresholds.save()
    rows = by_name(ledger.compute(START, END, now=NOW))
    samr = rows[scene["units"]["samr"].name]
    assert (samr.ratings, samr.average_rating) == (2, None)
    assert not any("平均评分" in flag for flag in samr.flags)
    assert samr.score == ledger.score(replace(samr, ratings=0, rating_total=0))  # full marks
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    document = Document(
        BytesIO(client.get(reverse("requests:ledger_bulletin"), {"month": "2025-10"}).content)
    )
    table = document.tables[0]
    rating_column = [cell.text for cell in table.columns[2].cells][1:]
    assert rating_column and set(rating_column) == {"—"}


def test_the_score_gives_full_marks_without_a_denominator_and_ties_share_a_rank():
    full = ledger.LedgerRow(unit_id=1, unit_name="甲", visit_requests=1, visits_ended=2, visits_checked_in=2)
    assert ledger.score(full) == 100.0
    penalised = replace(full, unit_id=2, unit_name="乙", no_pass_reports=3)
    assert ledger.score(penalised) == 85.0
    assert ledger.score(replace(full, no_pass_reports=30)) == 0.0
    also_full = replace(full, unit_id=3, unit_name="丙", visits_ended=4, visits_checked_in=4)
    ranked = ledger.rank([penalised, also_full, full], LedgerThresholds(max_no_pass_reports=5))
    assert [(row.unit_name, row.rank) for row in ranked] == [("丙", 1), ("甲", 1), ("乙", 3)]
    assert all(not row.flags for row in ranked)


def test_a_unit_with_nothing_to_measure_has_no_score_and_comes_after_the_ranked_units():
    idle = ledger.LedgerRow(unit_id=1, unit_name="甲", visit_requests=2)  # its visits are still ahead
    reported = replace(idle, unit_id=2, unit_name="乙", no_pass_reports=3)
    half = replace(idle, unit_id=3, unit_name="丙", visits_ended=2, visits_checked_in=1)
    assert ledger.score(idle) is None and not idle.measured
    ranked = ledger.rank([idle, reported, half], LedgerThresholds(max_no_pass_reports=2))
    assert [(row.unit_name, row.rank, row.score) for row in ranked] == [
        ("丙", 1, 87.5),
        ("甲", None, None),
        ("乙", None, None),
    ]
    assert reported.flags == ["无码入企报告3起，超过2起"]  # no score, but still held to account
    assert idle.flags == [] and half.flags == ["签到率50.0%，低于90.0%"]


def test_units_without_records_are_left_out(scene, hengyang):
    rows = ledger.compute(START, END, now=NOW)
    assert hengyang["units"]["bank"].name not in by_name(rows)
    assert ledger.compute(date(2024, 1, 1), date(2024, 12, 31), now=NOW) == []


def test_the_number_of_queries_does_not_grow_with_units_and_rows(
    client, scene, hengyang, users, django_assert_max_num_queries
):
    LedgerThresholds.current()
    with CaptureQueriesContext(connection) as captured:
        ledger.compute(START, END, now=NOW)
    budget = len(captured)
    assert budget <= 9, [q["sql"] for q in captured]
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    addresses = [ledger_url(month="2025-10"), ledger_url(month="2025-10", format="xlsx")]
    addresses.append(reverse("requests:ledger_bulletin") + "?month=2025-10")
    client.get(addresses[0])  # warm up: the first request of a session may read more
    page_budgets = {}
    for address in addresses:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        page_budgets[address] = len(captured)

    rater = users[Role.ENTERPRISE_USER]
    for i in range(30):
        unit = Unit.objects.create(
            code=f"unit{i}",
            name=f"测试单位{i:02d}",
            kind=Unit.Kind.DEPARTMENT,
            region=hengyang["regions"]["city"],
        )
        official = make_user(f"ledger{i}", Role.UNIT_OFFICIAL, unit=unit)
        enterprise = Enterprise.objects.create(
            uscc=make_uscc("9", "1", "430405", f"MC{i:06d}"),
            name=f"测试企业{i:02d}",
            region=hengyang["regions"]["zhuhui"],
            industry="电子信息",
        )
        visit = make_visit(enterprise, local(2025, 10, 1 + i % 28, 9), rating=1 + i % 5, rated_by=rater)
        make_request(visit, unit, [official], filed_at=local(2025, 10, 1, 9), checked_in=i % 2)
        make_report(enterprise, rater, local(2025, 10, 2, 9), unit)
        filed = local(2025, 10, 3, 9)
        make_enterprise_request(
            enterprise,
            rater,
            unit,
            filed,
            accepted_at=filed,
            replied_at=filed,
            satisfaction=Satisfaction.SATISFIED,
        )
    with django_assert_max_num_queries(budget):
        rows = ledger.compute(START, END, now=NOW)
    assert len(rows) == 33
    for address, page_budget in page_budgets.items():
        with django_assert_max_num_queries(page_budget):
            assert client.get(address).status_code == 200


# --- the page and the Excel export --------------------------------------------------------------------


def ledger_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("requests:ledger") + (f"?{query}" if query else "")


def page(client, user, **params):
    client.force_login(user)
    response = client.get(ledger_url(**params))
    assert response.status_code == 200, response.status_code
    return response


def test_the_page_defaults_to_last_month_and_shows_the_ranked_table(client, users, scene, at):
    at(2025, 11, 27, 10)
    response = page(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    assert (response.context["start"], response.context["end"]) == (START, END)
    rows = response.context["rows"]
    assert [row["cells"][1] for row in rows] == [scene["units"][k].name for k in ("county", "eco", "samr")]
    assert [row["cells"][0] for row in rows] == [1, 2, 3]
    html = response.content.decode()
    assert "赋码保护台账" in html and "2025年10月" in html
    assert html.count('class="ledger-flagged"') == 2
    assert "按时受理率33.3%，低于90.0%" in html
    assert 'type="month"' in html and 'value="2025-10"' in html
    assert reverse("requests:ledger_bulletin") + "?start=2025-10-01&amp;end=2025-10-31" in html


def test_the_page_cells_are_the_ledgers_figures(client, users, scene, at):
    at(2025, 11, 27, 10)
    rows = page(client, users[Role.LEADER], month="2025-10").context["rows"]
    computed = ledger.compute(START, END, now=NOW)
    for line, row in zip(rows, computed, strict=True):
        counts = counts_from_database(Unit.objects.get(pk=row.unit_id))
        assert line["cells"][2:4] == [counts["visit_requests"], counts["passes_used"]]
        assert line["cells"][6:8] == [counts["no_pass_reports"], counts["requests_received"]]
        assert line["cells"][9] == counts["deemed_accepted"]
        assert line["cells"][12] == row.score
        assert line["cells"][13] == "；".join(row.flags)


def test_a_date_range_wins_over_the_month_and_a_bad_range_falls_back(client, users, scene, at):
    at(2025, 11, 27, 10)
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    response = page(client, office, month="2025-09", start="2025-10-31", end="2025-10-31")
    assert (response.context["start"], response.context["end"]) == (date(2025, 10, 31), date(2025, 10, 31))
    assert {row["cells"][1] for row in response.context["rows"]} == {
        scene["units"]["samr"].name,  # its report of 23:59:59
        scene["units"]["county"].name,  # the request filed that evening
        scene["units"]["eco"].name,  # V3, which starts that evening: its pass and its rating
    }
    response = page(client, office, month="2025-09")
    assert (response.context["start"], response.context["end"]) == (date(2025, 9, 1), date(2025, 9, 30))
    response = page(client, office, month="2025-09", start="2025-10-31", end="2025-10-01")
    assert (response.context["start"], response.context["end"]) == (date(2025, 9, 1), date(2025, 9, 30))
    assert "结束日期不能早于开始日期。" in response.content.decode()
    response = page(client, office, start="2025-10-31")
    assert (response.context["start"], response.context["end"]) == (START, END)
    assert "请同时填写开始日期和结束日期。" in response.content.decode()
    response = page(client, office, month="garbage")
    assert (response.context["start"], response.context["end"]) == (START, END)
    # Far-off days are refused with a reason (they used to overflow into a server error).
    for far in (
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"month": "9999-12"},
        {"start": "0001-01-01", "end": "0001-01-02"},
    ):
        response = page(client, office, **far)
        assert response.status_code == 200 and (response.context["start"], response.context["end"]) == (
            START,
            END,
        )
        assert "日期不能" in response.content.decode()
        assert client.get(reverse("requests:ledger_bulletin"), far).status_code == 200


def test_the_excel_export_holds_the_pages_rows(client, users, scene, at):
    at(2025, 11, 27, 10)
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    shown = page(client, office, month="2025-10")
    response = client.get(ledger_url(month="2025-10", format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename == "赋码保护台账_20251001-20251031.xlsx"
    sheet = load_workbook(BytesIO(response.content)).active
    lines = [["" if cell is None else cell for cell in line] for line in sheet.iter_rows(values_only=True)]
    assert lines[0] == [str(column) for column in shown.context["columns"]]
    assert lines[1:] == [row["cells"] for row in shown.context["rows"]]
    assert len(lines) == 4


# --- the bulletin -------------------------------------------------------------------------------------


def read_bulletin(client, user, **params):
    client.force_login(user)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(reverse("requests:ledger_bulletin") + f"?{query}")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return response, Document(BytesIO(response.content))


def _percent(part, whole):
    return f"{part / whole * 100:.1f}%" if whole else "—"


def test_the_bulletin_holds_the_ranking_table_with_the_databases_figures(client, users, scene, at):
    at(2025, 11, 27, 10)
    response, document = read_bulletin(
        client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], start="2025-10-01", end="2025-10-31", number="11"
    )
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename == "关于2025年10月全市企业赋码保护工作情况的通报.docx"

    assert len(document.tables) == 1
    table = document.tables[0]
    lines = [[cell.text for cell in row.cells] for row in table.rows]
    assert lines[0] == [
        "单位",
        "签到率",
        "平均评分",
        "无码入企",
        "按时受理率",
        "按时答复率",
        "满意率",
        "综合得分",
        "排名",
    ]
    ranked = ledger.compute(START, END, now=NOW)
    assert [line[0] for line in lines[1:]] == [scene["units"][k].name for k in ("county", "eco", "samr")]
    for line, row in zip(lines[1:], ranked, strict=True):
        c = counts_from_database(Unit.objects.get(name=line[0]))
        average = f"{c['rating_total'] / c['ratings']:.2f}" if c["ratings"] else "—"
        assert line[1:7] == [
            _percent(c["visits_checked_in"], c["visits_ended"]),
            average,
            str(c["no_pass_reports"]),
            _percent(c["accepted_on_time"], c["accept_due"]),
            _percent(c["replied_on_time"], c["reply_due"]),
            _percent(c["satisfied"], c["rated"]),
        ]
        assert line[7:] == [f"{row.score:.2f}", str(row.rank)]
    assert lines[1][1:] == ["100.0%", "—", "0", "100.0%", "100.0%", "100.0%", "100.00", "1"]

    text = "\n".join(p.text for p in document.paragraphs)
    filed = VisitRequest.objects.filter(visit__starts_at__gte=SINCE, visit__starts_at__lt=UNTIL).count()
    received = EnterpriseRequest.objects.filter(unit__isnull=False, filed_at__gte=SINCE, filed_at__lt=UNTIL)
    assert f"全市3个单位共有访企申请{filed}件" in text
    assert f"各单位共收到企业诉求{received.count()}件" in text
    assert "经统计，以下2个单位触及问责阈值：" in text
    assert "1．衡阳市生态环境局：签到率50.0%，低于90.0%；无码入企报告1起，超过0起。" in text
    assert "提请问责" in text


def test_the_bulletin_follows_gb_t_9704(client, users, scene, at):
    at(2025, 11, 27, 10)
    _response, document = read_bulletin(client, users[Role.LEADER], start="2025-10-01", end="2025-10-31")
    section = document.sections[0]
    sizes = [section.page_width, section.page_height]
    sizes += [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]  # stored in twips

    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    mark = paragraphs[0]
    assert mark.text == "衡阳市优化经济发展环境办公室文件"
    run = mark.runs[0]
    assert str(run.font.color.rgb) == "FF0000" and run.font.size == Pt(26)
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert mark.alignment == 1  # centred
    number = paragraphs[1]
    assert number.text == "衡优办通〔2025〕\u3000\u3000号"  # the serial is left blank without ?number=
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    title = paragraphs[2]
    assert "".join(title.text.split()) == "关于2025年10月全市企业赋码保护工作情况的通报"
    assert title.runs[0].font.size == Pt(22)
    assert paragraphs[3].text == "各县市区人民政府，市直各有关单位："
    body = paragraphs[4]
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    signature, dated = paragraphs[-3], paragraphs[-2]
    assert signature.text == "衡阳市优化经济发展环境办公室" and signature.alignment == 2  # right
    assert dated.text == "2025年11月27日"

    footer = section.footer.paragraphs[0]
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
    assert re.fullmatch(r"— 1 —", footer.text)
    assert section.even_page_footer.paragraphs[0].text == "— 1 —"


def test_the_bulletins_number_comes_from_the_office(client, users, scene, at):
    at(2025, 11, 27, 10)
    _response, document = read_bulletin(client, users[Role.SUPERVISION_OFFICE], month="2025-10", number="11")
    assert "衡优办通〔2025〕11号" in [p.text for p in document.paragraphs]
    _response, document = read_bulletin(client, users[Role.SUPERVISION_OFFICE], month="2025-10", number="<x>")
    assert "衡优办通〔2025〕\u3000\u3000号" in [p.text for p in document.paragraphs]


def test_the_period_in_words():
    assert bulletin.period_text(date(2026, 10, 1), date(2026, 10, 31)) == "2026年10月"
    assert bulletin.period_text(date(2024, 2, 1), date(2024, 2, 29)) == "2024年2月"
    assert bulletin.period_text(date(2026, 1, 1), date(2026, 12, 31)) == "2026年"
    assert bulletin.period_text(date(2026, 10, 1), date(2026, 10, 15)) == "2026年10月1日至2026年10月15日"
    assert (
        bulletin.title_text(date(2026, 10, 1), date(2026, 10, 31))
        == "关于2026年10月全市企业赋码保护工作情况的通报"
    )


def test_a_bulletin_without_records_says_so(client, users, hengyang, at):
    at(2025, 11, 27, 10)
    _response, document = read_bulletin(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], month="2025-10")
    text = "\n".join(p.text for p in document.paragraphs)
    assert not document.tables
    assert "本期各单位无访企活动和企业诉求记录。" in text and "均未触及问责阈值" in text


# --- who may read -------------------------------------------------------------------------------------


def test_only_overseers_read_the_ledger(client, users, scene, assert_refused):
    outsiders = [users[role] for role in OUTSIDERS] + [None]
    addresses = [
        ledger_url(),
        ledger_url(month="2025-10", format="xlsx"),
        reverse("requests:ledger_bulletin") + "?start=2025-10-01&end=2025-10-31",
    ]
    for address in addresses:
        assert_refused(outsiders, "GET", address)
    for role in READERS:
        client.force_login(users[role])
        for address in addresses:
            assert client.get(address).status_code == 200, (role, address)


def test_a_unit_with_nothing_to_measure_is_listed_as_such_not_ranked_first(
    client, users, hengyang, scene, at
):
    at(2025, 11, 27, 10)
    idle = Unit.objects.create(
        code="fgw",
        name="衡阳市发展和改革委员会",
        kind=Unit.Kind.DEPARTMENT,
        region=hengyang["regions"]["city"],
    )
    official = make_user("fgw1", Role.UNIT_OFFICIAL, unit=idle)
    # Its only visit of October is still waiting for approval: nothing it did can be measured yet.
    make_request(
        make_visit(hengyang["enterprises"]["a"], local(2025, 10, 28, 9)),
        idle,
        [official],
        filed_at=local(2025, 10, 20, 9),
        status=RequestStatus.PENDING,
    )
    rows = ledger.compute(START, END, now=NOW)
    assert rows[-1].unit_name == idle.name and (rows[-1].rank, rows[-1].score) == (None, None)
    assert [row.rank for row in rows[:-1]] == [1, 2, 3]
    html = page(client, users[Role.BUSINESS_ENVIRONMENT_OFFICE], month="2025-10").content.decode()
    row_html = html.split(f'data-unit="{idle.pk}"')[1].split("</tr>")[0]
    assert "无可计量指标" in row_html and "100.00" not in row_html
    _response, document = read_bulletin(client, users[Role.LEADER], start="2025-10-01", end="2025-10-31")
    last = [cell.text for cell in document.tables[0].rows[-1].cells]
    assert last[0] == idle.name and last[7:] == ["—", "—"]


def test_a_unit_without_a_visit_in_the_range_is_not_flagged_for_check_in(scene):
    """The county's only unchecked visit began on the last evening of September: October holds no
    visit of the county to check in, whatever day that visit ended on."""
    county = by_name(ledger.compute(START, END, now=NOW))[scene["units"]["county"].name]
    assert not any(flag.startswith("签到率") for flag in county.flags)
    september = by_name(ledger.compute(date(2025, 9, 1), date(2025, 9, 30), now=NOW))
    assert september[county.unit_name].flags[0] == "签到率0.0%，低于90.0%"  # it belongs to September


def test_the_bulletin_says_there_were_no_ratings_instead_of_printing_a_dash(client, users, scene, at):
    at(2025, 11, 27, 10)
    # September: one request, accepted, never replied nor rated; one visit, never rated in time.
    _response, document = read_bulletin(client, users[Role.LEADER], start="2025-09-01", end="2025-09-30")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "暂无企业评价，不计满意率" in text
    assert "—。" not in text and "率—" not in text and "分—" not in text
