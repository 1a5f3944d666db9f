"""The performance demo: three schemes — the city departments, the county governments, the parks —
each scoring by the registry's indicators; the departments' scheme revised from October (a second
version, its reason kept). Every month of 2026 up to November, the first three quarters and the year
so far are scored from the demo's own visits, requests, projects, commitments, problems and supervision
items; the months are published early the next month, November on 2 December (its objection window
still open); an objection to October was upheld with a corrected score, one to November waits.

Safe to run twice (by scheme name); loaded last, over every other app's demo."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yancheng.core import clock
from yancheng.core.indicators import Period
from yancheng.core.roles import Role
from yancheng.core.workdays import add_working_days, deadline_after

from . import actions
from .actions import Line
from .choices import ObjectionState
from .models import Objection, Score, Scorecard

RATES = (100, 60)  # a share at 100% earns the line, at 60% or below nothing
SCHEMES = [
    ("2026年度市直部门绩效考核", "department", [
        Line("visits.pass_compliance", 20, *RATES), Line("visits.mean_rating", 10, 5, 3),
        Line("visits.no_pass_reports", 10, 0, 3), Line("enterprise_requests.replied_on_time", 20, *RATES),
        Line("enterprise_requests.satisfaction", 10, *RATES), Line("commitments.fulfilled_on_time", 10, *RATES),
        Line("problems.closed_on_time", 10, *RATES), Line("supervision.closed_on_time", 10, *RATES),
    ]),
    ("2026年度县市区政府绩效考核", "county_government", [
        Line("projects.completion_rate", 25, 100, 50), Line("projects.reports_on_time", 15, *RATES),
        Line("commitments.fulfilled_on_time", 10, *RATES), Line("problems.closed_on_time", 15, *RATES),
        Line("enterprise_requests.replied_on_time", 15, *RATES), Line("supervision.closed_on_time", 10, *RATES),
        Line("supervision.signed_on_time", 10, *RATES),
    ]),
    ("2026年度园区绩效考核", "park", [
        Line("projects.completion_rate", 40, 100, 50), Line("projects.reports_on_time", 20, *RATES),
        Line("problems.closed_on_time", 20, *RATES), Line("supervision.closed_on_time", 20, *RATES),
    ]),
]  # fmt: skip
# From October the departments are held harder to the supervision items (a revision the office made).
REVISED = [
    *(line for line in SCHEMES[0][2] if line.indicator != "supervision.closed_on_time" and line.indicator != "visits.no_pass_reports"),
    Line("supervision.closed_on_time", 20, *RATES),
]  # fmt: skip


def load(stdout) -> str:
    office = get_user_model().objects.filter(username="jixiaoban").first()
    if office is None:
        return "绩效考核：缺少绩效办演示账号，未载入。"
    from .models import Scheme

    if Scheme.objects.filter(name=SCHEMES[0][0]).exists():
        return "绩效考核：演示数据已存在。"
    with transaction.atomic():
        return _load(office)


def _load(office) -> str:
    today = timezone.localdate(clock.now())
    schemes = []
    for name, kind, lines in SCHEMES:
        scheme = actions.create_scheme(
            by=office, name=name, unit_kind=kind, in_force_from=date(today.year, 1, 1), lines=lines
        )
        schemes.append(scheme)
    actions.publish_version(schemes[0], by=office, in_force_from=date(today.year, 10, 1), lines=REVISED,
                            reason="落实市政府督查工作要求，提高督办件按期办结权重；无码入企纳入日常监管，不再单列")  # fmt: skip
    months = [Period.month(today.year, m) for m in range(1, today.month + (today.day > 1))]
    periods = [
        *months,
        *(Period.quarter(today.year, q) for q in range(1, (today.month - 1) // 3 + 1)),
        Period.year(today.year),
    ]
    cards = [
        actions.compute(scheme, period, by=office)
        for scheme in schemes
        for period in periods
        if period.start <= today
    ]
    for card in cards:
        period = Period.parse(card.period)
        if period.kind == "month" and period.end < today:
            _published(card, period.end + timedelta(days=1))
    _objections(schemes, office, today)
    scored = Score.objects.filter(total__isnull=False).count()
    return f"绩效考核：{len(schemes)} 个方案，{len(cards)} 期考核结果，{scored} 个单位得分。"


def _published(card: Scorecard, after: date) -> None:
    """As the office would have: published on the second working day of the next month."""
    day = add_working_days(after - timedelta(days=1), 2)
    at = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())
    card.published_at, card.objections_until = at, deadline_after(at, 5)
    card.save(update_fields=["published_at", "objections_until"])


def _objections(schemes, office, today) -> None:
    """October: upheld with a corrected score; the latest month: one waiting for the office."""
    counties = schemes[1]
    users = {
        u.person.unit_id: u
        for u in get_user_model()
        .objects.filter(person__roles__role=Role.UNIT_OFFICIAL)
        .select_related("person")
    }
    october = Scorecard.objects.filter(scheme=counties, period=f"{today.year}-10").first()
    latest = (
        Scorecard.objects.filter(scheme=counties, period__regex=r"^\d{4}-\d{2}$", published_at__isnull=False)
        .order_by("-period")
        .first()
    )
    for card, upheld in ((october, True), (latest if latest != october else None, False)):
        score = card and card.scores.filter(rank__isnull=False, unit_id__in=users).order_by("-rank").first()
        if score is None:
            continue
        filed = card.published_at + timedelta(hours=3)
        Objection.objects.create(
            score=score, line=score.lines.first(), filed_by=users[score.unit_id], filed_at=filed,
            reason="部分项目月报因系统升级顺延报送，已经市发展改革委同意，请予核减。",
            **({"state": ObjectionState.UPHELD, "decision": "经核实，市发展改革委同意顺延，相关月报按时报送处理。",
                "corrected_total": min(100.0, round((score.total or 0) + 5, 2)), "decided_by": office,
                "decided_at": filed + timedelta(days=2)} if upheld else {}),
        )  # fmt: skip
