"""The problems demo: 48 problems on projects of the demo ledger, as Hengyang's three lists hold them —
found in monthly reports (their own words), at the observation rounds' sites, by the owners, the city
leaders, the supervision office and the units; most closed on time with evidence, some late, some
overdue, some waiting for the raiser's confirmation, one returned, two reopened.

Written as the platform records them (events, evidence files) but in bulk, with their own dates;
loaded over the projects, observations and commitments demos; safe to run twice (by submission key)."""

import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from yancheng.core import clock
from yancheng.core.models import Unit
from yancheng.core.roles import Role
from yancheng.core.workdays import end_of_day
from yancheng.observations.choices import RoundState
from yancheng.observations.models import Site
from yancheng.projects.actions import owner_users
from yancheng.projects.models import MonthlyReport, Project

from .choices import EventKind, Source, State
from .models import Problem, ProblemEvent, ProblemEvidence

SEED = 430400 + 14
KEY_PREFIX = "demo-problem-"
# (source, how many): 48 in all.
SOURCES = [(Source.REPORT, 12), (Source.OBSERVATION, 12), (Source.OWNER, 8), (Source.LEADER, 6),
           (Source.SUPERVISION, 5), (Source.UNIT, 5)]  # fmt: skip
OUTCOMES = [("on_time", 22), ("late", 6), ("overdue", 8), ("open", 6), ("waiting", 4), ("returned", 1), ("reopened", 1)]  # fmt: skip
# What a report's problem asks for, and of whom ("county": the project's county government).
REPORTED = [
    ("征拆", "县市区政府牵头，倒排征拆计划，逐户做好群众工作", "county"),
    ("施工图审查", "市行政审批服务局开通绿色通道，限时反馈审查意见", "city-approval"),
    ("融资", "市发展改革委组织银企对接，协调银行加快授信审批", "city-drc"),
    ("用地报批", "市自然资源和规划局提前介入，加快组卷上报", "city-natural-resources"),
    ("降雨", "业主单位增加作业面和施工班组，抢回工期", "county"),
    ("供电", "市发展改革委协调供电公司加快方案批复和专线施工", "city-drc"),
]
# Problems found elsewhere: (problem, measures, unit code or "county").
FOUND = [
    ("塔吊基础周边积水，存在安全隐患", "立即组织排水，完善排水沟并复查", "city-emergency"),
    ("施工现场扬尘防治措施落实不到位", "落实围挡、覆盖、冲洗等六个百分之百要求", "city-eco"),
    ("项目进场道路未硬化，雨天无法通行", "县市区政府组织实施进场道路硬化", "county"),
    ("消防设计审查意见未答复", "市消防救援支队限时出具审查意见", "city-fire"),
    ("园区配套污水管网未接通", "市住房和城乡建设局协调管网接入", "city-housing"),
    ("用工短缺，熟练技工不足", "市人力资源和社会保障局组织专场招聘", "city-hrss"),
    ("企业增值税留抵退税未到账", "市税务局加快审核，限时办结退税", "city-tax"),
    ("设备进口通关手续慢", "市商务局协调海关提前申报", "city-commerce"),
    ("特种设备使用登记未办理", "市市场监督管理局上门服务，限时办理", "city-samr"),
    ("项目环评批复未取得", "市生态环境局提前介入，并联审批", "city-eco"),
]
EVIDENCE = b"%PDF-1.4\n% demo rectification evidence\n"


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _load() -> str:
    projects = list(Project.objects.select_related("region").order_by("code"))
    people = _people()
    if len(projects) < 48 or not {"fagaiwei", "leader", "duchashi"} <= set(people):
        return "问题清单：缺少重大项目或演示账号（请先载入重大项目演示数据），未载入。"
    if Problem.objects.filter(submission_key__startswith=KEY_PREFIX).exists():
        return "问题清单：演示数据已存在。"
    rng = random.Random(SEED)
    units = {u.code: u for u in Unit.objects.all()}
    counties = {u.region_id: u for u in Unit.objects.filter(kind=Unit.Kind.COUNTY_GOVERNMENT)}
    officials = _officials()
    today = clock.now().date()
    outcomes = [o for o, n in OUTCOMES for _ in range(n)]
    rng.shuffle(outcomes)
    found = []
    for source, count in SOURCES:
        found += _found(source, count, rng, projects, people)
    written = []
    for n, (source, project, raiser, raised_on, description, measures, code, extra) in enumerate(found):
        unit = counties.get(project.region_id) if code == "county" else units.get(code)
        unit = unit or project.responsible_unit
        row = (project, source, raiser, raised_on, description, measures, unit, extra, outcomes[n], n)
        written.append(_write(rng, officials, today, row))
    late = sum(1 for p in written if p.state == State.OPEN and p.due_on < today)
    closed = sum(1 for p in written if p.state == State.CLOSED)
    return f"问题清单：{len(written)} 个问题，已销号 {closed} 个，逾期未整改 {late} 个。"


def _people() -> dict:
    User = get_user_model()
    return {
        u.username: u for u in User.objects.filter(username__in=["fagaiwei", "leader", "duchashi", "yezhu"])
    }


def _officials() -> dict:
    """One official per unit who files the evidence (the first by username)."""
    found = {}
    users = get_user_model().objects.filter(person__roles__role=Role.UNIT_OFFICIAL).select_related("person")
    for user in users.order_by("username"):
        found.setdefault(user.person.unit_id, user)
    return found


def _found(source, count, rng, projects, people) -> list:
    """`count` problems from `source`: (source, project, raiser, day raised, problem, measures, unit, extra)."""
    today = clock.now().date()
    if source == Source.REPORT:
        reports = list(
            MonthlyReport.objects.filter(in_force=True, year=today.year)
            .exclude(problems="")
            .select_related("project__region")
            .order_by("project__code", "month")  # fmt: skip
        )
        picked = rng.sample(reports, min(count, len(reports)))
        return [_reported(report, people["fagaiwei"]) for report in picked]
    if source == Source.OBSERVATION:
        sites = list(
            Site.objects.filter(round__state=RoundState.PUBLISHED)
            .select_related("round", "project__region")
            .prefetch_related("round__observers__person__user")
            .order_by("round__held_on", "order")  # fmt: skip
        )
        return [_seen(site, rng) for site in rng.sample(sites, min(count, len(sites)))]
    if source == Source.OWNER:
        owned = [p for p in projects if p.owner_enterprise_id and owner_users(p).exists()]
        mine = [p for p in owned if people.get("yezhu") and owner_users(p).filter(pk=people["yezhu"].pk)]
        picked = mine[:2] + rng.sample([p for p in owned if p not in mine], count - len(mine[:2]))
        raiser = lambda p: people["yezhu"] if p in mine else owner_users(p).order_by("username").first()  # noqa: E731
        return [_elsewhere(source, p, raiser(p), rng) for p in picked]
    raiser = {Source.LEADER: "leader", Source.SUPERVISION: "duchashi", Source.UNIT: "fagaiwei"}[source]
    return [_elsewhere(source, p, people[raiser], rng) for p in rng.sample(projects, count)]


def _reported(report, raiser):
    words = next((r for r in REPORTED if r[0] in report.problems), REPORTED[0])
    raised_on = date(report.year, report.month, 1) + timedelta(days=40)  # reports are filed the next month
    raised_on = min(raised_on, clock.now().date() - timedelta(days=3))
    return (
        Source.REPORT,
        report.project,
        raiser,
        raised_on,
        report.problems,
        words[1],
        words[2],
        {"report": report},
    )


def _seen(site, rng):
    observer = rng.choice([o.person.user for o in site.round.observers.all() if o.person.user_id])
    problem, measures, code = rng.choice(FOUND[:3])  # what observers see on a site
    return (
        Source.OBSERVATION,
        site.project,
        observer,
        site.round.held_on,
        problem,
        measures,
        code,
        {"site": site},
    )


def _elsewhere(source, project, raiser, rng):
    problem, measures, code = rng.choice(FOUND)
    raised_on = clock.now().date() - timedelta(days=rng.randint(10, 200))
    return (source, project, raiser, raised_on, problem, measures, code, {})


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.now().tzinfo)


def _due(rng, raised_on, outcome, today) -> date:
    """A deadline that fits how the problem went: passed for what is overdue or was late, ahead for
    what is still open."""
    if outcome == "overdue":
        return max(raised_on + timedelta(days=10), today - timedelta(days=rng.randint(3, 40)))
    if outcome in ("open", "reopened"):
        return today + timedelta(days=rng.randint(5, 45))
    return raised_on + timedelta(days=rng.randint(10, 45))


def _write(rng, officials, today, row) -> Problem:
    project, source, raiser, raised_on, description, measures, unit, extra, outcome, n = row
    due_on = _due(rng, raised_on, outcome, today)
    if outcome == "overdue" and due_on >= today:
        outcome = "open"
    filed_on = {
        "on_time": due_on - timedelta(days=rng.randint(0, 7)), "late": due_on + timedelta(days=rng.randint(2, 20)),
        "waiting": min(due_on, today) - timedelta(days=rng.randint(0, 3)), "reopened": raised_on + timedelta(days=8),
    }.get(outcome)  # fmt: skip
    filed_on = min(max(filed_on, raised_on), today) if filed_on else None
    state = {"on_time": State.CLOSED, "late": State.CLOSED, "waiting": State.RESOLVED}.get(
        outcome, State.OPEN
    )
    closed_on = filed_on + timedelta(days=2) if state == State.CLOSED else None
    closed_on = min(closed_on, today) if closed_on else None
    problem = Problem.objects.create(
        project=project, description=description, measures=measures, unit=unit, source=source,
        report=extra.get("report"), site=extra.get("site"), raised_on=raised_on, due_on=due_on,
        deadline_at=end_of_day(due_on), state=state, resolved_on=filed_on if state != State.OPEN else None,
        closed_at=_at(closed_on, 11) if closed_on else None,
        reopened_at=_at(today - timedelta(days=3), 9) if outcome == "reopened" else None,
        raised_by=raiser, raised_at=_at(raised_on, 10), submission_key=f"{KEY_PREFIX}{n:03d}",
    )  # fmt: skip
    _history(problem, outcome, officials.get(unit.pk), filed_on, closed_on, today)
    return problem


def _history(problem, outcome, filer, filed_on, closed_on, today) -> None:
    raiser = problem.raised_by
    events = [ProblemEvent(problem=problem, at=problem.raised_at, by=raiser, kind=EventKind.RAISED)]
    if filed_on is not None and filer is not None:
        evidence = ProblemEvidence(
            problem=problem,
            name="整改情况说明.pdf",
            size=len(EVIDENCE),
            uploaded_by=filer,
            uploaded_at=_at(filed_on, 15),
        )
        evidence.file.save("整改情况说明.pdf", ContentFile(EVIDENCE), save=False)
        evidence.save()
        events.append(ProblemEvent(problem=problem, at=_at(filed_on, 15), by=filer, kind=EventKind.RESOLVED))
    if closed_on is not None or outcome == "reopened":
        day = closed_on or filed_on + timedelta(days=2)
        events.append(ProblemEvent(problem=problem, at=_at(day, 11), by=raiser, kind=EventKind.CLOSED))
    if outcome == "reopened":
        note = "回访发现问题反弹，重新挂账"
        events.append(
            ProblemEvent(
                problem=problem, at=problem.reopened_at, by=raiser, kind=EventKind.REOPENED, note=note
            )
        )
    if outcome == "returned":
        day = max(problem.raised_on, today - timedelta(days=5))
        events.append(ProblemEvent(problem=problem, at=_at(day, 15), by=filer, kind=EventKind.RESOLVED))
        events.append(
            ProblemEvent(
                problem=problem,
                at=_at(day, 17),
                by=raiser,
                kind=EventKind.RETURNED,
                note="现场核实未整改到位",
            )
        )
    ProblemEvent.objects.bulk_create(events)
