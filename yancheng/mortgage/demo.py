"""Demo register for 不动产抵押登记: two banks, ~300 property units in Hengyang's counties with their
holders, a few seizures and objections, and a few mortgages filed through ``actions.file_application``
by the demo bank clerk ``yinhang`` (so the register chain and the certificates are real).

Safe to run twice: banks are found by their unit, property units by number, encumbrances by their
reference and applications by their contract number. Every unit is a pure function of its index
(``unit_spec``), so a test can know a unit's number and holders without reading the database."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yancheng.core.demo.reference import COUNTIES
from yancheng.core.models import Region, Unit
from yancheng.core.validators import make_id_number, make_property_unit_number

from .actions import Filing, file_application
from .choices import EncumbranceKind, LandKind
from .models import Application, Bank, Encumbrance, Holding, PropertyUnit

UNIT_COUNT = 300
BANKS = [
    ("bank-icbc", "中国工商银行股份有限公司衡阳分行"),
    ("bank-ccb", "中国建设银行股份有限公司衡阳市分行"),
]
DEMO_CLERK = "yinhang"
# Units the demo mortgages (recorded at once) and one sent to a person (collective land).
MORTGAGED = (0, 1, 2, 3)
TO_PERSON = 9
ENCUMBERED = {
    5: (EncumbranceKind.SEIZURE, "（2026）湘0405执保112号"),
    6: (EncumbranceKind.OBJECTION, "衡不动产异字〔2026〕第18号"),
    7: (EncumbranceKind.SEIZURE, "（2025）湘0481执保873号"),
}
# Clean state-owned units the browser tests file against (the demo never touches them).
BROWSER_UNITS = (40, 41, 42, 43, 44)
# A clean collective-land unit the browser tests send to a person.
BROWSER_PERSON_UNIT = 49

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗谢彭曾邓唐"
GIVEN = [
    "建国",
    "秀兰",
    "志强",
    "丽华",
    "海燕",
    "伟",
    "敏",
    "军",
    "静",
    "晓东",
    "红梅",
    "国庆",
    "春花",
    "文斌",
]
ESTATES = ["湘江花园", "雁城新村", "蒸湘名苑", "石鼓书院", "南岳山水苑", "船山华府", "东风佳园", "耒水湾"]
ROADS = ["解放大道", "蒸湘北路", "船山大道", "衡州大道", "先锋路", "东风南路", "华新大道", "红湘路"]


def land_kind_of(index: int) -> str:
    if index % 10 == 9:
        return LandKind.COLLECTIVE
    if index % 20 == 8:
        return LandKind.HOMESTEAD
    return LandKind.STATE_OWNED


def unit_spec(index: int) -> dict:
    """The demo unit with this index: its register facts and holders, the same on every run."""
    rng = random.Random(43040000 + index)
    county, county_name = COUNTIES[index % len(COUNTIES)]
    kind = land_kind_of(index)
    ownership, parcel_kind = {
        LandKind.STATE_OWNED: ("G", "B"),
        LandKind.COLLECTIVE: ("J", "B"),
        LandKind.HOMESTEAD: ("J", "C"),
    }[kind]
    number = make_property_unit_number(
        county, f"{1 + index % 3:03d}{2 + index % 5:03d}", ownership, parcel_kind, f"{index + 1:05d}", "F",
        f"{index // 10 + 1:04d}{index % 10 + 1:04d}",
    )  # fmt: skip
    building, room = rng.randint(1, 24), rng.randint(1, 33) * 100 + rng.randint(1, 4)
    if kind == LandKind.HOMESTEAD:
        location = f"湖南省衡阳市{county_name}{rng.choice(['长乐', '金溪', '新塘', '泉溪'])}村{rng.randint(1, 12)}组{index + 1}号"
        building_text, use = "1幢", "农村宅基地"
    else:
        estate = rng.choice(ESTATES)
        location = f"湖南省衡阳市{county_name}{rng.choice(ROADS)}{rng.randint(1, 399)}号{estate}小区{building}栋{room}室"
        building_text = f"{building}栋{room}室"
        use = "城镇住宅用地" if kind == LandKind.STATE_OWNED else "集体经营性建设用地"
    term_end = (
        date(2080 + rng.randint(0, 9), rng.randint(1, 12), 28) if kind == LandKind.STATE_OWNED else None
    )
    count = 2 if rng.random() < 0.55 else 1
    holders = []
    for n in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        birth = date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        seq = f"{rng.randint(0, 49) * 10 + 100 + n:03d}"
        holders.append({"name": name, "id_number": make_id_number(county, birth, seq)})
    shares = [Decimal(100)] if count == 1 else [Decimal(50), Decimal(50)]
    return {
        "number": number,
        "region": county,
        "location": location,
        "land_kind": kind,
        "land_use": use,
        "land_use_term_end": term_end,
        "building": building_text,
        "area": Decimal(rng.randint(6000, 16000)) / 100,
        "holders": holders,
        "shares": shares,
        "started_at": date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)),
    }


def _units() -> dict[int, PropertyUnit]:
    specs = [unit_spec(i) for i in range(UNIT_COUNT)]
    existing = set(
        PropertyUnit.objects.filter(number__in=[s["number"] for s in specs]).values_list("number", flat=True)
    )
    new = [s for s in specs if s["number"] not in existing]
    PropertyUnit.objects.bulk_create(
        PropertyUnit(
            number=s["number"], region_id=s["region"], location=s["location"], land_kind=s["land_kind"],
            land_use=s["land_use"], land_use_term_end=s["land_use_term_end"], building=s["building"], area=s["area"],
        )
        for s in new
    )  # fmt: skip
    by_number = PropertyUnit.objects.in_bulk([s["number"] for s in specs], field_name="number")
    Holding.objects.bulk_create(
        Holding(
            property_unit=by_number[s["number"]], holder_name=h["name"], id_number=h["id_number"],
            share=share, started_at=s["started_at"],
        )
        for s in new
        for h, share in zip(s["holders"], s["shares"], strict=True)
    )  # fmt: skip
    return {i: by_number[s["number"]] for i, s in enumerate(specs)}


def _filing(index: int, contract: str, amount: int) -> Filing:
    spec = unit_spec(index)
    today = timezone.localdate()
    return Filing(
        unit_number=spec["number"],
        contract_number=contract,
        mortgagors=spec["holders"],
        debtor=spec["holders"][0]["name"],
        amount=Decimal(amount),
        term_start=today,
        term_end=today.replace(year=today.year + 20) - timedelta(days=1),
        identity_method="face",
        identity_verified_at=timezone.now() - timedelta(minutes=5),
    )


def load(stdout) -> str:
    for code, name in BANKS:
        Bank.objects.update_or_create(unit=Unit.objects.get(code=code), defaults={"name": name})
    if not Region.objects.filter(code=COUNTIES[0][0]).exists():
        return "不动产抵押登记：缺少行政区划，未载入。"
    units = _units()
    for index, (kind, reference) in ENCUMBERED.items():
        Encumbrance.objects.get_or_create(
            property_unit=units[index],
            reference=reference,
            defaults={"kind": kind, "starts_on": date(2026, 3, 1)},
        )
    clerk = get_user_model().objects.filter(username=DEMO_CLERK).first()
    icbc = Bank.objects.get(unit__code="bank-icbc")
    if clerk is not None:
        filings = [
            (index, f"ICBC-HY-DEMO-{n:04d}", 300000 + 100000 * n) for n, index in enumerate(MORTGAGED, 1)
        ]
        for index, contract, amount in [*filings, (TO_PERSON, "ICBC-HY-DEMO-0009", 450000)]:
            # Filed once: a second run's filing would differ (its identity check is newer) and be refused.
            if not Application.objects.filter(bank=icbc, contract_number=contract).exists():
                file_application(icbc, by=clerk, filing=_filing(index, contract, amount))
    touched = set(MORTGAGED) | set(ENCUMBERED) | {TO_PERSON, *BROWSER_UNITS, BROWSER_PERSON_UNIT}
    clean = next(
        (
            units[i]
            for i in range(UNIT_COUNT)
            if i not in touched
            and land_kind_of(i) == LandKind.STATE_OWNED
            and not Application.objects.filter(property_unit=units[i]).exists()
            and not units[i].encumbrances.exists()
        ),
        None,
    )
    summary = (
        f"不动产抵押登记：{Bank.objects.count()} 家银行，{PropertyUnit.objects.count()} 个不动产单元，"
        f"{Application.objects.count()} 件申请"
    )
    if clean is not None:
        holders = "、".join(
            f"{h.holder_name}（{h.id_number}）" for h in clean.holdings.filter(ended_at__isnull=True)
        )
        summary += f"\n  可试办抵押的单元：{clean.number}，权利人 {holders}"
    return summary
