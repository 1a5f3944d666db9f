"""The task-force demo: the seed's first batch — 24 major projects (the ledger's largest, each with its
responsible unit and contact leader) and 20 key tasks, among them 城区管理体制改革, 行政区划调整 and
输变电产业集群申报国家专项 — each with its leader, lead and cooperating units, members of every rank,
a timeline and tasks through the year, the past weeks' check-ins (most read by the leader) with their
blockers, the quarters' dispatch meetings with decisions, and the leaders' assessments of the cadres.
A few units are left stalling (a milestone far overdue, a blocker unsolved, a task unanswered) so the
accountability records and the ladder have something to show.

The current reporting period is left unfiled for every task force (a member files it). Written in bulk
with their own dates; safe to run twice (the task forces are keyed by name)."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yancheng.core import clock, workdays
from yancheng.core.models import Person, Unit
from yancheng.core.roles import Role
from yancheng.investment.models import Lead
from yancheng.projects.models import Project

from . import actions, stalls
from .choices import Cadence, Grade, Kind, Position, Rank
from .models import (
    Assessment,
    Blocker,
    Cadre,
    CheckIn,
    Decision,
    Meeting,
    Member,
    Milestone,
    Task,
    TaskForce,
    TaskForceEvent,
    TaskForceRules,
)

SEED = 430400 + 15
MAJOR_COUNT = 24
# (name, lead unit, cooperating units, leader login, goal)
KEY_TASKS = [
    ("城区管理体制改革", "city-gov-office", ["city-housing", "city-natural-resources", "county-430405", "county-430406", "county-430407", "county-430408"], "leader-he", "理顺市区两级城市管理事权，年内完成市区两级机构职能调整和人员划转，实现“一级政府、两级管理、三级网络”。"),
    ("行政区划调整", "city-gov-office", ["city-natural-resources", "city-statistics", "county-430421", "county-430408"], "leader-tan", "完成行政区划调整方案论证、社会稳定风险评估和报批材料，按程序报省人民政府审批。"),
    ("输变电产业集群申报国家专项", "city-drc", ["city-miit", "hi-tech-zone", "city-natural-resources", "city-commerce"], "leader", "以衡阳高新区为核心，年内完成输变电装备产业集群国家先进制造业集群专项申报，争取国家专项资金支持。"),
    ("安全生产专项整治三年行动", "city-emergency", ["city-housing", "city-transport", "city-fire", "city-samr"], "leader-liao", "十一个安委会专业委员会各负其责，年内重大隐患整改销号率100%，生产安全事故起数和死亡人数“双下降”。"),
    ("道路交通安全“十条措施”", "city-transport", ["city-emergency", "city-housing", "county-430481"], "leader-liao", "落实道路交通安全十条措施，重点路段隐患全部整治，较大以上道路交通事故零发生。"),
    ("物业服务收费规范", "city-housing", ["city-samr", "county-430405", "county-430407"], "leader-yi", "出台物业服务收费管理办法，完成全市住宅小区收费公示全覆盖，投诉办结率95%以上。"),
    ("农村厕所革命", "city-health", ["city-housing", "county-430421", "county-430422", "county-430426"], "leader-zeng", "完成农村户厕改造2万户，开展厕所革命专题培训全覆盖，问题厕所整改销号。"),
    ("优化营商环境攻坚", "city-optimization", ["city-approval", "city-samr", "city-tax", "city-natural-resources"], "leader", "企业开办、不动产登记、工程建设项目审批等指标进入全省前列，企业赋码保护覆盖全市规上企业。"),
    ("不动产智慧抵押登记推广", "city-natural-resources", ["registry", "bank-icbc", "bank-ccb"], "leader-luo", "抵押登记全程网办，银行网点全覆盖，登记证明秒级出证。"),
    ("园区提质增效", "city-commerce", ["hi-tech-zone", "baishazhou-park", "songmu-zone", "leiyang-zone", "shuikoushan-zone"], "leader-he", "园区亩均税收提高10%，规上工业增加值占全市比重提高3个百分点。"),
    ("承接产业转移示范区建设", "city-commerce", ["city-drc", "city-miit", "hi-tech-zone"], "leader-he", "引进“三类500强”企业项目10个以上，承接产业转移项目到位资金增长20%。"),
    ("国家物流枢纽申报", "city-drc", ["city-transport", "city-commerce", "songmu-zone"], "leader-luo", "完成陆港型国家物流枢纽申报，物流园区基础设施配套到位。"),
    ("综合保税区提质", "city-commerce", ["city-tax", "baishazhou-park", "city-transport"], "leader-luo", "综合保税区进出口总额增长15%，新引进加工贸易企业8家。"),
    ("老旧小区改造", "city-housing", ["city-natural-resources", "county-430405", "county-430406", "county-430407", "county-430408"], "leader-yi", "完成老旧小区改造150个，惠及居民3万户。"),
    ("湘江流域保护治理", "city-eco", ["city-natural-resources", "city-housing", "county-430423", "county-430424"], "leader-zeng", "湘江干流衡阳段水质稳定保持Ⅱ类，入河排污口整治全部销号。"),
    ("数字政府建设", "city-gov-office", ["city-approval", "city-statistics", "city-drc"], "leader", "政务服务事项网上可办率100%，“一网通办”“一网统管”平台年内上线运行。"),
    ("稳就业促增收", "city-hrss", ["city-commerce", "city-miit", "county-430481", "county-430482"], "leader-yi", "城镇新增就业5万人，城镇调查失业率控制在5.5%以内。"),
    ("工业企业技术改造", "city-miit", ["city-drc", "city-tax", "hi-tech-zone"], "leader-he", "实施技改项目200个，工业技改投资增长15%。"),
    ("耕地保护和粮食安全", "city-natural-resources", ["county-430421", "county-430422", "county-430423", "county-430426"], "leader-zeng", "落实耕地保护目标，整改违法占用耕地问题，粮食播种面积稳定。"),
    ("城市更新行动", "city-housing", ["city-natural-resources", "city-transport", "county-430408"], "leader-tan", "实施城市更新项目30个，完成年度投资80亿元。"),
]  # fmt: skip
GOOD_WORDS = [
    "推进有力，节点按期完成",
    "统筹协调到位，问题解决及时",
    "工作扎实，成效明显",
    "责任落实到位，主动担当",
]
FAIR_WORDS = ["个别节点滞后，需加强协调", "推进力度有待加强"]
BLOCKERS = [
    "项目用地报批材料退回补正，需协调加快组卷报批",
    "临时用电接入方案未批复，影响设备调试",
    "征拆补偿标准未统一，部分户未签约",
    "配套资金未到位，影响工程进度",
    "环评批复未取得，主体工程不能开工",
    "跨部门数据共享接口未开放",
]
DONE = [
    "完成方案论证和专家评审",
    "召开专题协调会，明确责任分工",
    "完成阶段性目标任务",
    "推进现场调度，解决具体问题",
    "完成材料报送和审核",
]
NEXT = ["加快推进下一节点", "督促配合单位按时限完成", "做好迎检和材料准备", "组织开展专项督导"]


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _load() -> str:
    names = [name for name, *_rest in KEY_TASKS]
    if TaskForce.objects.filter(name__in=names).exists():
        return "专班推进：演示数据已存在。"
    units = {u.code: u for u in Unit.objects.all()}
    leaders = {
        p.user.username: p for p in Person.objects.filter(roles__role=Role.LEADER).select_related("user")
    }
    projects = list(
        Project.objects.select_related("responsible_unit", "leader").order_by("-total_investment", "pk")[
            :MAJOR_COUNT
        ]
    )
    if "leader" not in leaders or len(projects) < MAJOR_COUNT or "city-drc" not in units:
        return "专班推进：缺少重大项目或市领导（请先载入重大项目演示数据），未载入。"
    TaskForceRules.objects.get_or_create(pk=1)
    rng = random.Random(SEED)
    now = clock.now()
    today = timezone.localdate(now)
    with workdays.covering(date(today.year - 1, 1, 1), today + timedelta(days=400)):
        cadres = _Cadres(rng, units, leaders)
        made = [_major(rng, project, units, leaders, cadres, now) for project in projects]
        made += [_key_task(rng, spec, units, leaders, cadres, now) for spec in KEY_TASKS]
        _link_leads(made)
        counts = [_year_of(rng, tf, cadres, now) for tf in made]
        kept = stalls.record(now)
    checks = sum(counts)
    return (
        f"专班推进：{len(made)} 个专班（重大项目 {len(projects)} 个、重点工作 {len(KEY_TASKS)} 个），"
        f"{checks} 次进展报送，{kept} 条卡壳记录。"
    )


class _Cadres:
    """The cadres of the demo: the leaders, the demo logins of the units, and a deputy head and a
    section chief made for each unit that needs one (without a login)."""

    LOGIN_RANKS = {
        "fagaiwei": Rank.DEPUTY_DIVISION,
        "leiyangshi": Rank.DEPUTY_DIVISION,
        "shangwu01": Rank.SECTION,
    }
    SURNAMES = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    )
    GIVEN = "建国志强海涛丽华晓明文斌国平春梅振华德胜立军湘平国栋敏红卫东新民伟明"

    def __init__(self, rng, units, leaders):
        self.rng, self.units = rng, units
        self.by_person: dict[int, Cadre] = {c.person_id: c for c in Cadre.objects.select_related("person")}
        for username, person in leaders.items():
            self._cadre(person, Rank.BUREAU if username == "leader-tan" else Rank.DEPUTY_BUREAU)
        for person in Person.objects.filter(user__username__in=list(self.LOGIN_RANKS)).select_related("user"):
            self._cadre(person, self.LOGIN_RANKS[person.user.username])
        self.heads: dict[str, Cadre] = {}
        self.unusable = make_password(None)

    def _cadre(self, person, rank) -> Cadre:
        found = self.by_person.get(person.pk)
        if found is None:
            found = self.by_person[person.pk] = Cadre.objects.create(person=person, rank=rank)
        return found

    def leader(self, person) -> Cadre:
        return self._cadre(person, Rank.DEPUTY_BUREAU)

    def of_unit(self, code) -> Cadre:
        """The unit's deputy head (副处级 or 正处级) for task-force work."""
        if code not in self.heads:
            unit = self.units[code]
            login = Person.objects.filter(
                unit=unit, cadre__isnull=False, cadre__rank__gte=Rank.DEPUTY_DIVISION
            ).first()
            self.heads[code] = self.by_person[login.pk] if login else self._made(unit, code)
        return self.heads[code]

    def _made(self, unit, code) -> Cadre:
        name = self.rng.choice(self.SURNAMES) + "".join(self.rng.sample(self.GIVEN, 2))
        user = get_user_model().objects.create(username=f"cadre-{code}", password=self.unusable)
        person = Person.objects.create(
            user=user, full_name=name, title="副局长" if unit.kind == "department" else "副主任", unit=unit
        )
        return self._cadre(
            person, self.rng.choice([Rank.DEPUTY_DIVISION, Rank.DEPUTY_DIVISION, Rank.DIVISION])
        )


def _members(task_force, cadres, lead_code, cooperating, leader_person) -> None:
    rows = [
        Member(
            task_force=task_force, cadre=cadres.leader(leader_person), position=Position.HEAD, duty="统筹调度"
        )
    ]
    for n, code in enumerate([lead_code, *cooperating[:3]]):
        cadre = cadres.of_unit(code)
        if all(row.cadre.pk != cadre.pk for row in rows):
            position, duty = (Position.DEPUTY, "牵头推进") if n == 0 else (Position.MEMBER, "配合推进")
            rows.append(Member(task_force=task_force, cadre=cadre, position=position, duty=duty))
    Member.objects.bulk_create(rows)


def _make(name, kind, lead_code, cooperating, leader, goal, units, now, **extra) -> TaskForce:
    task_force = TaskForce.objects.create(
        name=name, kind=kind, leader=leader, lead_unit=units[lead_code], goal=goal,
        cadence=Cadence.WEEKLY if kind == Kind.MAJOR_PROJECT else Cadence.BIWEEKLY,
        measures="建立“一个项目、一名领导、一个专班、一套方案”推进机制，清单化管理、节点化推进。",
        powers="统筹调度成员单位力量；对推进不力的单位提请督查室督办。", created_at=now - timedelta(days=330), **extra,
    )  # fmt: skip
    task_force.cooperating_units.set([units[c] for c in cooperating if c in units and c != lead_code])
    return task_force


def _major(rng, project, units, leaders, cadres, now) -> TaskForce:
    leader = project.leader or leaders["leader"]
    lead_code = project.responsible_unit.code
    cooperating = [
        c for c in ("city-natural-resources", "city-approval", "city-housing", "city-drc") if c != lead_code
    ]
    rng.shuffle(cooperating)
    goal = f"全年完成投资{project.total_investment // 10**8 // 3 or 1}亿元以上，按推进时序表完成各节点，确保项目早建成、早投产、早见效。"
    tf = _make(f"{project.name}专班", Kind.MAJOR_PROJECT, lead_code, cooperating, leader, goal, units, now)
    tf.projects.add(project)
    _members(tf, cadres, lead_code, cooperating, leader)
    return tf


def _key_task(rng, spec, units, leaders, cadres, now) -> TaskForce:
    name, lead_code, cooperating, leader_login, goal = spec
    leader = leaders.get(leader_login) or leaders["leader"]
    tf = _make(name, Kind.KEY_TASK, lead_code, cooperating, leader, goal, units, now)
    _members(tf, cadres, lead_code, cooperating, leader)
    return tf


def _link_leads(made) -> None:
    """The 输变电 task force follows the city's power-equipment investment leads (GB/T 4754 38)."""
    power = next(tf for tf in made if tf.name == "输变电产业集群申报国家专项")
    power.leads.set(Lead.objects.filter(industry="38").order_by("pk")[:3])


def _moment(day: date, rng) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59))))


def _year_of(rng, tf, cadres, now) -> int:
    """The task force's year: timeline, tasks, check-ins with blockers, meetings, assessments."""
    today = timezone.localdate(now)
    units = [tf.lead_unit, *tf.cooperating_units.all()]
    owners = list(Cadre.objects.filter(memberships__task_force=tf, rank__lt=Rank.DEPUTY_BUREAU)) or [None]
    stalling = rng.random() < 0.18  # a few task forces are held up
    _timeline(rng, tf, units, owners, today, stalling)
    _tasks(rng, tf, units[1:] or units, owners, now, stalling)
    checks = _check_ins(rng, tf, units, now, stalling)
    _meetings(rng, tf, units, today)
    _assessments(rng, tf, today)
    return checks


def _timeline(rng, tf, units, owners, today, stalling) -> None:
    grace = TaskForceRules.current().milestone_grace_days
    steps = ["完成前期方案", "完成要件报批", "启动实施", "完成年度过半目标", "完成专项验收", "完成年度目标"]
    rows = []
    for n, title in enumerate(steps):
        planned = date(today.year, 2 + 2 * n, rng.randint(5, 25))
        deadline = workdays.end_of_day(planned)
        if planned < today - timedelta(days=10):
            late = rng.random() < 0.2
            met = _moment(planned + timedelta(days=rng.randint(3, 12) if late else -rng.randint(0, 6)), rng)
        else:
            met = None
        row = Milestone(
            task_force=tf, title=title, planned_on=planned, deadline_at=deadline,
            stalls_at=workdays.deadline_after(deadline, grace), unit=rng.choice(units), owner=rng.choice(owners),
            met_at=met, met_note="已完成" if met else "",
        )  # fmt: skip
        rows.append(row)
    if stalling:  # the last milestone that fell due is still open, long past its date
        due = [r for r in rows if r.planned_on < today - timedelta(days=20)]
        if due:
            due[-1].met_at, due[-1].met_note = None, ""
    Milestone.objects.bulk_create(rows)


def _tasks(rng, tf, units, owners, now, stalling) -> None:
    days = TaskForceRules.current().task_answer_days
    rows = []
    for n in range(3):
        assigned = now - timedelta(days=rng.randint(30, 200))
        due = timezone.localdate(assigned) + timedelta(days=rng.randint(30, 90))
        answered = assigned + timedelta(days=rng.randint(0, 2), hours=rng.randint(1, 6))
        done = (
            _moment(due - timedelta(days=rng.randint(-8, 10)), rng) if due < timezone.localdate(now) else None
        )
        if stalling and n == 0:
            assigned = now - timedelta(days=12)
            answered = done = None
            due = timezone.localdate(now) + timedelta(days=30)
        rows.append(
            Task(
                task_force=tf,
                title=f"{tf.name[:20]}配合事项{n + 1}",
                measures="按专班要求落实，按时反馈。",
                unit=rng.choice(units),
                owner=rng.choice(owners),
                assigned_at=assigned,
                answer_by=workdays.deadline_after(assigned, days),
                due_on=due,
                deadline_at=workdays.end_of_day(due),
                answered_at=answered,
                answer="收到，按要求落实。" if answered else "",
                done_at=done,
                done_note="已完成" if done else "",
            )  # fmt: skip
        )
    Task.objects.bulk_create(rows)


def _check_ins(rng, tf, units, now, stalling) -> int:
    step = 7 if tf.cadence == Cadence.WEEKLY else 14
    current = actions.period_start(timezone.localdate(now), tf.cadence)
    days = TaskForceRules.current().blocker_days
    leader_user = tf.leader.user
    filer = (
        Person.objects.filter(unit=tf.lead_unit, roles__role=Role.UNIT_OFFICIAL)
        .select_related("user")
        .first()
    )
    if filer is None:
        return 0
    made = blockers = 0
    for n in range(8, 0, -1):
        start = current - timedelta(days=step * n)
        filed = _moment(start + timedelta(days=4), rng)
        read = filed + timedelta(hours=rng.randint(2, 40)) if n > 1 or rng.random() < 0.5 else None
        check = CheckIn.objects.create(
            task_force=tf, period_start=start, done=rng.choice(DONE), next=rng.choice(NEXT), filed_by=filer.user,
            filed_at=filed, acknowledged_by=leader_user if read else None, acknowledged_at=read,
            comment="同意，抓紧推进。" if read else "",
        )  # fmt: skip
        made += 1
        if rng.random() < 0.25 or (stalling and n == 4):
            unsolved = stalling and n == 4
            solved = None if unsolved else filed + timedelta(days=rng.randint(2, 12))
            Blocker.objects.create(
                check_in=check, task_force=tf, text=rng.choice(BLOCKERS), unit=rng.choice(units), raised_at=filed,
                stalls_at=workdays.deadline_after(filed, days), resolved_at=solved,
                resolved_by=filer.user if solved else None, resolution="已协调解决" if solved else "",
            )  # fmt: skip
            blockers += 1
        TaskForceEvent.objects.create(
            task_force=tf, at=filed, by=filer.user, kind="checked_in", note=check.done
        )
    return made


def _meetings(rng, tf, units, today) -> None:
    for quarter in range(1, (today.month - 1) // 3 + 1):
        held = date(today.year, 3 * quarter, rng.randint(18, 28))
        meeting = Meeting.objects.create(
            task_force=tf, title=f"{today.year}年第{quarter}季度专班调度会", held_on=held,
            minutes=f"会议听取了{tf.name}第{quarter}季度推进情况汇报，研究解决了推进中的困难问题，部署了下季度工作。",
            recorded_by=tf.leader.user, recorded_at=_moment(held, rng),
        )  # fmt: skip
        Decision.objects.bulk_create(
            Decision(meeting=meeting, text=f"{text}（{tf.name[:16]}）", unit=rng.choice(units), due_on=held + timedelta(days=rng.randint(20, 60)))
            for text in rng.sample(["加快要件报批进度", "协调解决资金缺口", "落实配套设施建设", "完善推进方案并报专班审定"], 2)
        )  # fmt: skip


def _assessments(rng, tf, today) -> None:
    members = Cadre.objects.filter(
        memberships__task_force=tf, rank__gte=Rank.DEPUTY_DIVISION, rank__lt=Rank.DEPUTY_BUREAU
    ).distinct()
    rows = []
    for cadre in members:
        for quarter in range(1, (today.month - 1) // 3 + 1):
            grade = rng.choices([Grade.EXCELLENT, Grade.GOOD, Grade.FAIR], [3, 5, 2])[0]
            words = GOOD_WORDS if grade != Grade.FAIR else FAIR_WORDS
            rows.append(
                Assessment(
                    cadre=cadre,
                    year=today.year,
                    quarter=quarter,
                    grade=grade,
                    text=rng.choice(words),
                    by=tf.leader.user,
                    at=_moment(date(today.year, 3 * quarter, 28), rng),
                )  # fmt: skip
            )
    Assessment.objects.bulk_create(rows, ignore_conflicts=True)
