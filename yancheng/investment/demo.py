"""The investment demo: a year and a bit of leads for the 12 counties and the parks — from the pool
through talks, signing, the start, funds and production, some dropped — filed by the county
governments' officials, with the commerce bureau (市商务局) as the investment office. Dates are spread
over the last fourteen months so that the big-data view compares this year with last, and some leads
are left where the warnings catch them (too long in the pool or in talks, signed and not started,
funds behind the contract's schedule, no follow-up).

Written as the platform records them (events, transfers, schedules, evidence files) but in bulk, with
their own dates; safe to run twice (keyed by the submission key)."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yancheng.core import clock
from yancheng.core.models import Unit
from yancheng.core.validators import make_uscc

from . import actions, summary
from .choices import EventKind, Source, Stage
from .models import FundsLine, InvestmentRules, Lead, LeadEvent, LeadFile, Transfer

SEED = 430400 + 14
KEY_PREFIX = "demo-lead-"
PER_COUNTY = 10
OFFICE_UNIT = "city-commerce"
# (division, what is built, yuan range in 亿元)
PROJECTS = [
    ("32", "有色金属精深加工", (3, 20)),
    ("38", "输变电装备智能制造", (5, 30)),
    ("39", "电子信息产业园", (5, 40)),
    ("26", "精细化工新材料", (2, 15)),
    ("27", "生物医药产业基地", (3, 25)),
    ("13", "农产品精深加工", (1, 8)),
    ("36", "汽车零部件生产线", (2, 12)),
    ("30", "新型建筑材料", (1, 6)),
    ("38", "锂电池正极材料", (8, 50)),
    ("59", "冷链物流园", (1, 10)),
    ("17", "纺织服装产业园", (1, 5)),
    ("65", "数字经济产业园", (2, 10)),
]
INVESTORS = [  # (name stem, region code of its registration; "" with a country for a foreign one)
    ("深圳华创新能源科技", "440300", ""), ("上海临港智能装备", "310115", ""), ("杭州云川数字科技", "330106", ""),
    ("长沙中联重工", "430100", ""), ("广州粤海精密制造", "440100", ""), ("宁波甬江新材料", "330200", ""),
    ("北京京能电力装备", "110108", ""), ("东莞立信电子", "441900", ""), ("佛山美联家电", "440600", ""),
    ("苏州工业园区晶科", "320500", ""), ("成都天府生物", "510100", ""), ("武汉光谷信息", "420100", ""),
    ("Siemens Energy", "", "德国"), ("Panasonic Industry", "", "日本"), ("Sembcorp Development", "", "新加坡"),
]  # fmt: skip
# (final stage, share): where the demo's leads stand today.
OUTCOMES = [
    (Stage.POOLED, 18), (Stage.NEGOTIATING, 20), (Stage.SIGNED, 16), (Stage.STARTED, 12),
    (Stage.FUNDED, 18), (Stage.PRODUCING, 8), (Stage.DROPPED, 8),
]  # fmt: skip
DROP_REASONS = [
    "投资方战略调整，暂缓在湘布局",
    "用地指标未能落实，投资方转投他地",
    "融资未到位，投资方主动终止",
]


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _load() -> str:
    if Lead.objects.filter(submission_key__startswith=KEY_PREFIX).exists():
        return "招商引资：演示数据已存在。"
    office = Unit.objects.filter(code=OFFICE_UNIT).first()
    counties = list(
        Unit.objects.filter(kind=Unit.Kind.COUNTY_GOVERNMENT).select_related("region").order_by("code")
    )
    people = _officials([u.pk for u in counties])
    if office is None or len(people) < len(counties):
        return "招商引资：缺少县市区政府及其工作人员（请先载入访企演示数据），未载入。"
    InvestmentRules.objects.update_or_create(pk=1, defaults={"office": office})
    parks = {}
    for park in Unit.objects.filter(kind=Unit.Kind.PARK):
        parks.setdefault(park.region_id, park)
    rng = random.Random(SEED)
    today = timezone.localdate(clock.now())
    made = counted = 0
    for county in counties:
        for n in range(PER_COUNTY):
            lead = _lead(rng, today, county, people[county.pk], parks.get(county.region_id), n, made)
            counted += _history(rng, today, lead, people[county.pk].user)
            made += 1
    summary.refresh()  # written in bulk, past the actions: what they keep is recounted
    return f"招商引资：{made} 个招商项目，{counted} 条推进记录。"


def _officials(unit_ids) -> dict:
    found = {}
    User = get_user_model()
    for user in (
        User.objects.filter(person__unit_id__in=unit_ids, is_active=True)
        .select_related("person")
        .order_by("username")
    ):
        found.setdefault(user.person.unit_id, user.person)
    return found


def _lead(rng, today, county, person, park, i, n) -> Lead:
    """The county's ``i``-th lead, the demo's ``n``-th."""
    division, what, (low, high) = PROJECTS[i % len(PROJECTS)]
    which = (n * 7) % len(INVESTORS)  # an investor has projects in several counties
    stem, where, country = INVESTORS[which]
    uscc = make_uscc("9", "1", where, f"MA{which:06d}") if where else ""
    investor = f"{stem}有限公司" if where else stem
    name = f"{county.region.name}{what}项目"
    investor_key, name_key = actions.identity(
        investor_name=investor, investor_uscc=uscc, investor_country=country or "中国", name=name
    )
    amount = rng.randint(low * 10, high * 10) * 10_000_000  # in 千万元 steps
    pooled_on = today - timedelta(days=rng.randint(20, 420))
    return Lead.objects.create(
        name=name, investor_name=investor, investor_uscc=uscc, investor_country=country or "中国",
        investor_key=investor_key, name_key=name_key, industry=division,
        source=rng.choice(Source.values), region=county.region, park=park if rng.random() < 0.4 else None,
        unit=county, person=person, content=f"建设{what}，达产后年产值约 {amount * 2 // 100_000_000} 亿元。",
        contracted_amount=amount, counted_amount=amount, stage=Stage.POOLED, stage_since=pooled_on,
        pooled_on=pooled_on, last_activity_on=pooled_on, created_by=person.user,
        created_at=_at(pooled_on), submission_key=f"{KEY_PREFIX}{county.code}-{n}",
    )  # fmt: skip


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _outcome(rng) -> str:
    stages, weights = zip(*OUTCOMES, strict=True)
    return rng.choices(stages, weights)[0]


def _history(rng, today, lead, by) -> int:
    """Walk the lead to its demo outcome, each step a few weeks after the last (never past today)."""
    target = _outcome(rng)
    events = [LeadEvent(lead=lead, at=lead.created_at, by=by, kind=EventKind.FILED, stage=Stage.POOLED)]
    day = lead.pooled_on

    def later(low, high):
        nonlocal day
        day = min(today, day + timedelta(days=rng.randint(low, high)))
        return day

    path = [Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.FUNDED, Stage.PRODUCING]
    goal = path.index(target) + 1 if target in path else rng.randint(0, 2)
    for stage in path[:goal]:
        on = later(15, 60)
        if stage == Stage.NEGOTIATING:
            lead.negotiating_on = on
        elif stage == Stage.SIGNED:
            lead.signed_on, lead.start_due_on = on, on + timedelta(days=rng.choice([60, 90, 120]))
            FundsLine.objects.bulk_create(
                [FundsLine(lead=lead, due_on=on + timedelta(days=180), amount=lead.contracted_amount // 3),
                 FundsLine(lead=lead, due_on=on + timedelta(days=360), amount=lead.contracted_amount)]
            )  # fmt: skip
        elif stage == Stage.STARTED:
            lead.started_on = on
        elif stage == Stage.FUNDED:
            _transfers(rng, today, lead, by, on)
            continue
        elif stage == Stage.PRODUCING:
            lead.producing_on = on
        lead.stage, lead.stage_since = stage, on
        events.append(LeadEvent(lead=lead, at=_at(on), by=by, kind=EventKind.STAGE, stage=stage))
    if target == Stage.DROPPED:
        on = later(20, 90)
        lead.stage, lead.stage_since, lead.dropped_on = Stage.DROPPED, on, on
        lead.drop_reason = rng.choice(DROP_REASONS)
        events.append(
            LeadEvent(
                lead=lead,
                at=_at(on),
                by=by,
                kind=EventKind.DROPPED,
                stage=Stage.DROPPED,
                note=lead.drop_reason,
            )
        )
    elif lead.stage != Stage.PRODUCING and rng.random() < 0.8:  # followed up lately; the rest gone quiet
        on = max(day, today - timedelta(days=rng.randint(1, 25)))
        events.append(LeadEvent(lead=lead, at=_at(on), by=by, kind=EventKind.FOLLOW_UP, stage=lead.stage,
                                note="与投资方沟通项目推进中的用地、审批和融资需求。"))  # fmt: skip
        day = on
    lead.last_activity_on = max(day, lead.pooled_on)
    lead.save()
    saved = LeadEvent.objects.bulk_create(events)
    _contract_files(lead, saved, by)
    return len(saved)


def _transfers(rng, today, lead, by, first) -> None:
    """One to three transfers from ``first`` on, each with its event and receipt; the lead is funded
    from the first."""
    day = first
    for _n in range(rng.randint(1, 3)):
        event = LeadEvent.objects.create(
            lead=lead, at=_at(day), by=by, kind=EventKind.TRANSFER, stage=Stage.FUNDED
        )
        amount = lead.contracted_amount * rng.randint(8, 25) // 100
        Transfer.objects.create(lead=lead, event=event, amount=amount, received_on=day)
        _file(event, "银行到账凭证.pdf", by)
        lead.funded_total += amount
        day = min(today, day + timedelta(days=rng.randint(20, 60)))
    lead.funded_on, lead.stage, lead.stage_since = first, Stage.FUNDED, first


PDF = b"%PDF-1.4\n% Yancheng demo evidence\n"


def _file(event, name, by) -> None:
    evidence = LeadFile(event=event, name=name, size=len(PDF), uploaded_by=by, uploaded_at=event.at)
    evidence.file.save(name, ContentFile(PDF), save=True)


def _contract_files(lead, events, by) -> None:
    for event in events:
        if event.kind == EventKind.STAGE and event.stage == Stage.SIGNED:
            _file(event, "投资合同.pdf", by)
