"""The supervision demo: a year of supervision items from the seed's key work — the 11 safety-production
committees, the road-safety committee's ten measures, the 20 key tasks run by task forces, the property
fee rules and the toilet-revolution training — and three one-click dispatches to the 12 county
governments. Most items were signed for in time, reported on and closed on time; some closed late, some
are in hand (green, yellow or red), some wait for the office's review, and the newest dispatch is
still being signed for.

Written as the platform records them (assignments, reports, files, events) but in bulk with their own
dates; safe to run twice (by submission key)."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from yancheng.core import clock
from yancheng.core.models import Person, Unit
from yancheng.core.roles import Role
from yancheng.core.workdays import add_working_hours, end_of_day

from .actions import officials_of
from .choices import Cadence, EventKind, FileKind, Part, Source, State
from .models import Assignment, Dispatch, Item, ItemEvent, ItemFile, Report

SEED = 430400 + 15
KEY_PREFIX = "demo-supervision-"
EVIDENCE = "办结情况报告（演示）".encode()

# The 11 safety-production committees (安全生产专业委员会) and the unit that leads each.
SAFETY = [
    ("危险化学品", "city-emergency"), ("工矿商贸", "city-emergency"), ("道路运输", "city-transport"),
    ("建设工程", "city-housing"), ("消防", "city-fire"), ("特种设备", "city-samr"),
    ("生态环境", "city-eco"), ("自然灾害防治", "city-natural-resources"), ("医疗卫生", "city-health"),
    ("工业和信息化", "city-miit"), ("商贸流通", "city-commerce"),
]  # fmt: skip
# The road-safety committee's ten measures (市道安委“十项措施”, 2021-10-28).
ROAD = [
    "全面实施“安全监管员”派驻机制", "全面落实“三个必须”把关环节", "全面整治“混凝土”运输市场",
    "全面整治“渣土”运输秩序", "全面整治“问题校车”运输乱象", "全面打响“治超治限”雷霆风暴",
    "全面推进“戴帽工程”提质创优", "全面实施“两站两员”实体化运转", "全面治理运输市场“保护伞”利益链条",
    "全面问责“隐患清零”敷衍塞责行为",
]  # fmt: skip
# The 20 key tasks (重点工作) the task forces run, with their lead units.
KEY_TASKS = [
    ("城区管理体制改革", "city-gov-office"), ("行政区划调整", "city-gov-office"),
    ("输变电产业集群申报国家专项", "city-miit"), ("衡阳综合保税区提质升级", "city-commerce"),
    ("国家物流枢纽建设", "city-transport"), ("湘南湘西承接产业转移示范区建设", "city-drc"),
    ("优化营商环境三年行动", "city-optimization"), ("“一件事一次办”改革", "city-approval"),
    ("工程建设项目审批制度改革", "city-approval"), ("专精特新“小巨人”企业培育", "city-miit"),
    ("规上工业企业倍增", "city-miit"), ("招商引资“三个一”行动", "city-commerce"),
    ("耕地保护和土地节约集约利用", "city-natural-resources"), ("中央环保督察反馈问题整改", "city-eco"),
    ("老旧小区改造", "city-housing"), ("城市燃气安全专项整治", "city-housing"),
    ("稳就业保民生", "city-hrss"), ("基层医疗卫生服务能力提升", "city-health"),
    ("统计数据质量提升", "city-statistics"), ("减税降费政策落实", "city-tax"),
]  # fmt: skip
# Other work of the seed, each with its lead and cooperating units.
OTHER = [
    (
        "《衡阳市前期物业服务收费管理细则》落实",
        "city-drc",
        ["city-housing"],
        "市发改委、市住建局联合出台，10月1日起实施",
    ),
]
# One-click dispatches to every county government: (title, content, days ago, days given).
DISPATCHES = [
    (
        "“首厕过关制”轮训组织参训",
        "组织农业农村局、乡村振兴局、乡镇及启动改厕的行政村三级干部参加湖南省（南片区）“首厕过关制”轮训。",
        70,
        20,
    ),
    (
        "做好今冬明春安全生产工作",
        "全面排查辖区危化品、建设工程、道路运输等领域隐患，建立问题、措施、责任三张清单，每周报送进展。",
        12,
        25,
    ),
    ("迎峰度冬电力保供", "落实有序用电方案，保障民生和重点企业用电，按周报送保供情况。", 0, 20),
]
# How an item went, and how many: 62 items in all (the dispatches give 36 more).
OUTCOMES = [
    ("on_time", 30),
    ("late", 8),
    ("green", 8),
    ("yellow", 4),
    ("red", 6),
    ("review", 4),
    ("unsigned", 2),
]


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _load() -> str:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["duchashi", "leader"])}
    units = {u.code: u for u in Unit.objects.all()}
    counties = list(Unit.objects.filter(kind=Unit.Kind.COUNTY_GOVERNMENT).order_by("code"))
    if len(users) < 2 or len(counties) < 12 or "city-emergency" not in units:
        return "督办件：缺少演示单位或账号，未载入。"
    if Item.objects.filter(submission_key__startswith=KEY_PREFIX).exists():
        return "督办件：演示数据已存在。"
    rng = random.Random(SEED)
    scene = _Scene(rng, users, officials_of([unit.pk for unit in units.values()]), clock.now())
    outcomes = [o for o, n in OUTCOMES for _ in range(n)]
    rng.shuffle(outcomes)
    for n, (title, content, lead, cooperating, source, text) in enumerate(_work(units)):
        scene.item(n, title, content, lead, cooperating, source, text, outcomes[n % len(outcomes)])
    for n, (title, content, ago, days) in enumerate(DISPATCHES):
        scene.dispatch(n, title, content, counties, ago, days)
    items = Item.objects.filter(submission_key__startswith=KEY_PREFIX)
    return f"督办件：{items.count()} 件（其中一键调度 {len(DISPATCHES)} 次），{items.filter(state=State.CLOSED).count()} 件已销号。"


def _work(units):
    """(title, content, lead, cooperating, source, source text) of every item but the dispatches'."""
    for name, lead in SAFETY:
        yield (f"{name}安全生产专业委员会年度重点工作", f"落实{name}领域安全生产责任体系，开展隐患排查整治，按月报送进展。",
               units[lead], [units["city-emergency"]] if lead != "city-emergency" else [], Source.MEETING,
               "市安全生产委员会全体会议")  # fmt: skip
    for measure in ROAD:
        yield (measure, f"市道安委“十项措施”：{measure}，形成工作台账，按月报送进展。", units["city-transport"],
               [units["city-emergency"]], Source.DOCUMENT, "市道路交通安全委员会“十项措施”")  # fmt: skip
    for task, lead in KEY_TASKS:
        yield (task, f"专班推进“{task}”：明确总体目标、工作任务、责任分工、主要措施和推进时序。", units[lead],
               [units["city-drc"]] if lead != "city-drc" else [], Source.KEY_TASK, "市委常委会审议的专班推进工作方案")  # fmt: skip
    for title, lead, cooperating, text in OTHER:
        yield (title, f"{title}，解决空置房物业费、车位停车服务费等业主关心的问题。", units[lead],
               [units[c] for c in cooperating], Source.DOCUMENT, text)  # fmt: skip
    for task, lead in KEY_TASKS:  # and a leader's instruction on each
        yield (f"{task}（市领导批示）", f"市领导批示：{task}要加快进度，倒排工期，按周报告。", units[lead], [],
               Source.INSTRUCTION, "市领导批示件")  # fmt: skip


class _Scene:
    """What the demo's items share: the random draw, the office and the leader, the units' officials,
    the day it is loaded, and the leaders to answer for items."""

    def __init__(self, rng, users, officials, now):
        self.rng, self.office, self.leader, self.officials, self.now = (
            rng,
            users["duchashi"],
            users["leader"],
            officials,
            now,
        )
        self.today = clock.now().date()
        self.leaders = list(Person.objects.filter(roles__role=Role.LEADER).order_by("pk"))

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.now.tzinfo)

    def official(self, unit):
        found = self.officials.get(unit.pk) or [None]
        return found[0]

    def item(self, n, title, content, lead, cooperating, source, text, outcome):
        rng, today = self.rng, self.today
        due_on = self._due(outcome)
        assigned_on = min(
            due_on - timedelta(days=rng.randint(20, 80)),
            today - timedelta(days=1 if outcome == "unsigned" else 8),
        )
        item = Item.objects.create(
            title=title, content=content, source=source, source_text=text, lead_unit=lead, due_on=due_on,
            deadline_at=end_of_day(due_on), cadence=rng.choice([Cadence.MONTHLY, Cadence.WEEKLY, Cadence.NONE]),
            leader=rng.choice(self.leaders) if self.leaders else None, assigned_by=self.office,
            assigned_at=self.at(assigned_on, 9, 30), submission_key=f"{KEY_PREFIX}{n:03d}",
        )  # fmt: skip
        self._history(item, [(lead, Part.LEAD)] + [(u, Part.COOPERATING) for u in cooperating], outcome)

    def _due(self, outcome) -> date:
        rng, today = self.rng, self.today
        if outcome in ("on_time", "late"):
            return today - timedelta(days=rng.randint(10, 300))
        if outcome == "red":
            return today - timedelta(days=rng.randint(2, 20))
        if outcome == "yellow":
            return today + timedelta(days=rng.randint(1, 3))
        return today + timedelta(days=rng.randint(10, 90))

    def _history(self, item, parts, outcome):
        rng = self.rng
        events = [
            ItemEvent(
                item=item, at=item.assigned_at, by=self.office, kind=EventKind.ASSIGNED, note=item.source_text
            )
        ]
        sign_by = add_working_hours(item.assigned_at, 4)
        for unit, part in parts:
            a = Assignment(
                item=item,
                unit=unit,
                kind=part,
                sign_by=sign_by,
                read_at=item.assigned_at + timedelta(minutes=rng.randint(5, 90)),
            )
            if outcome != "unsigned":
                late = rng.random() < 0.1
                a.signed_at = sign_by + timedelta(hours=20) if late else a.read_at + timedelta(minutes=10)
                a.signed_by = self.official(unit)
                events.append(
                    ItemEvent(
                        item=item,
                        at=a.signed_at,
                        by=a.signed_by,
                        kind=EventKind.SIGNED,
                        unit=unit,
                        note="超时签收" if late else "",
                    )
                )
                events += self._reports(item, a, outcome)
            a.save()
        if outcome != "unsigned":
            item.state = State.IN_PROGRESS
        if outcome in ("on_time", "late", "review"):
            events += self._close(item, outcome)
        item.save()
        ItemEvent.objects.bulk_create(events)

    def _reports(self, item, a, outcome) -> list:
        """Reports every 7 or 30 days as the cadence asks (a red item's lead stopped reporting)."""
        every = {Cadence.WEEKLY: 7, Cadence.MONTHLY: 30}.get(item.cadence, 20)
        until = min(self.now, item.deadline_at)
        if outcome == "red" and a.kind == Part.LEAD:
            until -= timedelta(days=every + 3)
        events, at = [], a.signed_at + timedelta(days=every - 1)
        while at < until and a.signed_by is not None:
            text = self.rng.choice(
                [
                    "按计划推进，已完成阶段任务。",
                    "召开专题会议部署，已排查问题并建立台账。",
                    "本期完成整改，正在巩固提升。",
                ]
            )
            report = Report.objects.create(item=item, unit=a.unit, text=text, by=a.signed_by, at=at)
            a.first_report_at, a.last_report_at = a.first_report_at or at, at
            events.append(
                ItemEvent(
                    item=item, at=at, by=a.signed_by, kind=EventKind.REPORTED, unit=a.unit, note=report.text
                )
            )
            at += timedelta(days=every)
        return events

    def _close(self, item, outcome) -> list:
        rng, lead = self.rng, item.lead_unit
        day = (
            item.due_on + timedelta(days=rng.randint(2, 15))
            if outcome == "late"
            else item.due_on - timedelta(days=rng.randint(0, 10))
        )
        day = max(min(day, self.today - timedelta(days=1)), item.assigned_at.date() + timedelta(days=3))
        item.close_requested_at, item.state = self.at(day, 16), State.CLOSE_REQUESTED
        filer = self.official(lead) or self.office
        evidence = ItemFile(
            item=item,
            kind=FileKind.CLOSING,
            name="办结情况报告.pdf",
            size=len(EVIDENCE),
            uploaded_by=filer,
            uploaded_at=item.close_requested_at,
        )
        evidence.file.save("办结情况报告.pdf", ContentFile(EVIDENCE), save=False)
        evidence.save()
        events = [
            ItemEvent(
                item=item,
                at=item.close_requested_at,
                by=filer,
                kind=EventKind.CLOSE_REQUESTED,
                unit=lead,
                note="各项任务已完成，申请办结。",
            )
        ]
        if outcome != "review":
            item.state, item.closed_at = State.CLOSED, item.close_requested_at + timedelta(days=1)
            events.append(ItemEvent(item=item, at=item.closed_at, by=self.office, kind=EventKind.CLOSED))
        return events

    def dispatch(self, n, title, content, counties, ago, days):
        """One instruction to the 12 counties: the older ones signed for and reported, the newest being
        signed for now (a few counties have, the rest not yet)."""
        sent_at = self.at(self.today - timedelta(days=ago), 9) if ago else self.now - timedelta(hours=1)
        sent = Dispatch.objects.create(
            title=title, created_by=self.leader, created_at=sent_at, recipients="全部县市区政府"
        )
        due_on = sent_at.date() + timedelta(days=days)
        for k, county in enumerate(counties):
            item = Item.objects.create(
                title=title, content=content, source=Source.INSTRUCTION, source_text="市领导一键调度", lead_unit=county,
                due_on=due_on, deadline_at=end_of_day(due_on), cadence=Cadence.WEEKLY, assigned_by=self.leader,
                assigned_at=sent_at, dispatch=sent, submission_key=f"{KEY_PREFIX}dispatch-{n}:{county.pk}",
            )  # fmt: skip
            newest = ago == 0
            outcome = (
                ("unsigned" if k % 3 else "green")
                if newest
                else ("on_time" if due_on < self.today else "green")
            )
            self._history(item, [(county, Part.LEAD)], outcome)
