"""The commitments demo: 64 commitments made this year to projects of the demo ledger by the city's
departments and the county governments (land, approvals, power, water, gas, roads, financing,
policies), most kept on time, some late, some overdue, a few disputed or waiting for the owner.

Written as the platform records them (events, evidence files) but in bulk, with their own dates;
loaded over the projects demo; safe to run twice (keyed by the submission key)."""

import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from yancheng.core import clock
from yancheng.core.models import Person, Unit
from yancheng.core.roles import Role
from yancheng.core.workdays import end_of_day
from yancheng.projects.models import Project

from .choices import EventKind, Kind, State
from .models import Commitment, CommitmentEvent, Evidence

SEED = 430400 + 13
KEY_PREFIX = "demo-commitment-"
COUNT = 64
COMMISSION_LOGIN = "fagaiwei"
# What each kind of commitment says, with the departments that make it (unit codes of the core demo;
# a county government makes any kind for its own projects).
PROMISES = {
    Kind.LAND: ("完成项目用地征收和供地手续", ["city-natural-resources"]),
    Kind.PLANNING: ("办结建设工程规划许可证", ["city-natural-resources"]),
    Kind.CONSTRUCTION: ("办结施工许可，容缺受理", ["city-approval"]),
    Kind.POWER: ("完成10千伏专线接入并送电", ["city-drc"]),
    Kind.WATER: ("接通市政供水管网", ["city-housing"]),
    Kind.GAS: ("完成天然气管道接入", ["city-housing"]),
    Kind.ROAD: ("建成项目进场道路", ["city-transport"]),
    Kind.FINANCING: ("协调银行授信并完成首笔放款", ["city-drc"]),
    Kind.POLICY: ("兑现招商引资奖补资金", ["city-commerce", "city-miit"]),
}
OUTCOMES = [("on_time", 34), ("late", 8), ("overdue", 9), ("open", 6), ("waiting", 4), ("disputed", 3)]


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _load() -> str:
    User = get_user_model()
    commission = User.objects.filter(username=COMMISSION_LOGIN).first()
    projects = list(Project.objects.select_related("region").order_by("code"))
    if commission is None or len(projects) < COUNT:
        return "承诺兑现：缺少重大项目（请先载入重大项目演示数据），未载入。"
    if Commitment.objects.filter(submission_key__startswith=KEY_PREFIX).exists():
        return "承诺兑现：演示数据已存在。"
    rng = random.Random(SEED)
    units = {u.code: u for u in Unit.objects.all()}
    counties = {u.region_id: u for u in Unit.objects.filter(kind=Unit.Kind.COUNTY_GOVERNMENT)}
    leaders = list(Person.objects.filter(roles__role=Role.LEADER).order_by("full_name"))
    officials = _officials()
    today = clock.now().date()
    made = []
    for n, project in enumerate(rng.sample(projects, COUNT)):
        kind = rng.choice(list(PROMISES))
        content, codes = PROMISES[kind]
        unit = units.get(rng.choice(codes)) if rng.random() < 0.6 else counties.get(project.region_id)
        unit = unit or counties.get(project.region_id) or units["city-drc"]
        made_on = today - timedelta(days=rng.randint(20, 300))
        due_on = made_on + timedelta(days=rng.randint(15, 120))
        outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
        if due_on >= today and outcome in ("overdue", "late"):
            outcome = "open"
        made.append((project, kind, f"{content}（{project.name[:20]}）", unit, made_on, due_on, outcome, n))
    written = [_write(commission, rng, leaders, officials, row) for row in made]
    late = sum(1 for c in written if c.state in (State.OPEN, State.DISPUTED) and c.due_on < today)
    return f"承诺兑现：{len(written)} 项承诺，其中逾期未兑现 {late} 项。"


def _officials() -> dict:
    """One official per unit who files the evidence (the first by username)."""
    found = {}
    for user in (
        get_user_model()
        .objects.filter(person__roles__role=Role.UNIT_OFFICIAL)
        .select_related("person")
        .order_by("username")
    ):
        found.setdefault(user.person.unit_id, user)
    return found


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.now().tzinfo)


def _write(commission, rng, leaders, officials, row) -> Commitment:
    project, kind, content, unit, made_on, due_on, outcome, n = row
    filed = {
        "on_time": due_on - timedelta(days=rng.randint(0, 10)),
        "late": due_on + timedelta(days=rng.randint(3, 25)),
    }
    filed_on = filed.get(outcome) or (
        due_on - timedelta(days=rng.randint(0, 5)) if outcome in ("waiting", "disputed") else None
    )
    filed_on = max(filed_on, made_on) if filed_on else None
    state = {
        "on_time": State.CONFIRMED,
        "late": State.CONFIRMED,
        "waiting": State.FULFILLED,
        "disputed": State.DISPUTED,
    }.get(outcome, State.OPEN)
    commitment = Commitment.objects.create(
        project=project, kind=kind, content=content, unit=unit, leader=rng.choice(leaders) if leaders and n % 3 == 0 else None,
        promised_to=str(project.owner)[:200], made_on=made_on, due_on=due_on, deadline_at=end_of_day(due_on), state=state,
        fulfilled_on=filed_on if state in (State.CONFIRMED, State.FULFILLED) else None,
        created_by=commission, created_at=_at(made_on, 10), submission_key=f"{KEY_PREFIX}{n:03d}",
    )  # fmt: skip
    events = [CommitmentEvent(commitment=commitment, at=_at(made_on, 10), by=commission, kind=EventKind.MADE)]
    filer = officials.get(unit.pk)
    if filed_on is not None and filer is not None:
        evidence = Evidence(
            commitment=commitment,
            name="兑现材料.pdf",
            size=0,
            uploaded_by=filer,
            uploaded_at=_at(filed_on, 15),
        )
        evidence.file.save("兑现材料.pdf", ContentFile(b"%PDF-1.4\n% demo evidence\n"), save=False)
        evidence.size = evidence.file.size
        evidence.save()
        events.append(
            CommitmentEvent(commitment=commitment, at=_at(filed_on, 15), by=filer, kind=EventKind.FULFILLED)
        )
    answered = filed_on + timedelta(days=2) if filed_on else None
    if state == State.CONFIRMED:
        events.append(
            CommitmentEvent(
                commitment=commitment,
                at=_at(answered, 11),
                by=None,
                kind=EventKind.CONFIRMED,
                note="业主确认",
            )
        )
    if state == State.DISPUTED:
        events.append(
            CommitmentEvent(
                commitment=commitment,
                at=_at(answered, 11),
                by=None,
                kind=EventKind.DISPUTED,
                note="现场核实尚未完成",
            )
        )
    CommitmentEvent.objects.bulk_create(events)
    return commitment
