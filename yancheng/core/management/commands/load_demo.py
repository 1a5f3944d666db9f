"""Load the Hengyang demo: regions, units, ~200 enterprises (52 pilots) and one login per role.

Safe to run twice: every row is found by its natural key and updated, never duplicated."""

import importlib
import random

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from yancheng.core.demo.reference import COUNTIES, HENGYANG, HUNAN, INDUSTRIES, NAME_HEADS, NAME_TAILS, UNITS
from yancheng.core.models import Enterprise, Person, PersonRole, Region, Unit
from yancheng.core.roles import Role
from yancheng.core.validators import make_uscc

DEMO_PASSWORD = "Hengyang@2026"  # noqa: S105  (the demo's published password)
ENTERPRISE_COUNT = 200
PILOT_COUNT = 52

# (username, full name, title, role, unit code or None, enterprise index or None)
DEMO_LOGINS = [
    ("leader", "周建华", "副市长", Role.LEADER, "city-gov-office", None),
    ("duchashi", "李晓明", "督查专员", Role.SUPERVISION_OFFICE, "city-supervision", None),
    ("jixiaoban", "张敏", "绩效考评科科长", Role.PERFORMANCE_OFFICE, "city-performance", None),
    ("yingshangban", "王丽", "优化办科长", Role.BUSINESS_ENVIRONMENT_OFFICE, "city-optimization", None),
    ("danwei", "陈志强", "执法科科长", Role.UNIT_OFFICIAL, "city-samr", None),
    ("qiye", "刘芳", "办公室主任", Role.ENTERPRISE_USER, None, 0),
    ("yinhang", "赵磊", "信贷柜员", Role.BANK_CLERK, "bank-icbc", None),
    ("dengji", "孙敏", "登记员", Role.REGISTRY_OFFICIAL, "registry", None),
    ("admin", "系统管理员", "信息中心", Role.ADMINISTRATOR, "city-gov-office", None),
    # The major-project ledger (yancheng/projects/demo.py): the commission that keeps it, a county
    # government that is responsible for projects and confirms their reports, an owner that reports.
    ("fagaiwei", "欧阳建平", "重点项目办公室主任", Role.UNIT_OFFICIAL, "city-drc", None),
    ("leiyangshi", "谢海涛", "重点项目事务中心主任", Role.UNIT_OFFICIAL, "county-430481", None),
    ("yezhu", "黄志勇", "项目部经理", Role.ENTERPRISE_USER, None, 1),
]


def app_demo_loaders():
    """`load(stdout) -> str` of every Yancheng app that has a `demo` module, in INSTALLED_APPS order.
    Each must be safe to run twice."""
    loaders = []
    for config in apps.get_app_configs():
        if config.name.startswith("yancheng.") and config.label != "core":
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.demo":
                    raise
                continue
            loaders.append(module.load)
    return loaders


class Command(BaseCommand):
    help = "载入衡阳演示数据（可重复执行，不会产生重复数据）"

    @transaction.atomic
    def handle(self, *args, **options):
        self.load_regions()
        self.load_units()
        enterprises = self.load_enterprises()
        self.load_logins(enterprises)
        for loader in app_demo_loaders():
            self.stdout.write(loader(self.stdout))
        self.print_logins()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪：{Region.objects.count()} 个行政区划，{Unit.objects.count()} 个单位，"
                f"{Enterprise.objects.count()} 家企业（试点 {Enterprise.objects.filter(pilot=True).count()} 家）"
            )
        )

    def load_regions(self):
        Region.objects.update_or_create(code=HUNAN[0], defaults={"name": HUNAN[1], "level": "province"})
        Region.objects.update_or_create(
            code=HENGYANG[0], defaults={"name": HENGYANG[1], "level": "city", "parent_id": HUNAN[0]}
        )
        for code, name in COUNTIES:
            Region.objects.update_or_create(
                code=code, defaults={"name": name, "level": "county", "parent_id": HENGYANG[0]}
            )

    def load_units(self):
        for code, name, short, kind, region, parent in UNITS:
            Unit.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "short_name": short,
                    "kind": kind,
                    "region_id": region,
                    "parent": Unit.objects.get(code=parent) if parent else None,
                },
            )

    def load_enterprises(self) -> list[Enterprise]:
        rng = random.Random(430400)  # the same demo every time
        regions = [code for code, _name in COUNTIES]
        enterprises = []
        for index in range(ENTERPRISE_COUNT):
            region = regions[index % len(regions)]
            industry = INDUSTRIES[index % len(INDUSTRIES)]
            head = NAME_HEADS[(index // len(COUNTIES)) % len(NAME_HEADS)]  # unique with the county
            county = (
                next(name for code, name in COUNTIES if code == region).removesuffix("区").removesuffix("县")
            )
            name = f"衡阳{county}{head}{NAME_TAILS[industry]}{'股份' if index % 5 == 0 else ''}有限公司"
            uscc = make_uscc("9", "1", region, f"MA4L{index:04d}")
            big = rng.random() < 0.45
            enterprise, _created = Enterprise.objects.update_or_create(
                uscc=uscc,
                defaults={
                    "name": name,
                    "region_id": region,
                    "industry": industry,
                    "address": f"湖南省衡阳市{next(n for c, n in COUNTIES if c == region)}{head}路{index + 1}号",
                    "above_designated_size": big,
                    "specialized": big and rng.random() < 0.3,
                    "little_giant": big and rng.random() < 0.08,
                    "single_champion": index in (3, 41),
                    "risk_grade": rng.choices("ABCD", weights=[25, 50, 20, 5])[0],
                    "exempt": rng.random() < 0.1,
                    # The pilot set: the first 52, spread over all twelve counties by the index rotation.
                    "pilot": index < PILOT_COUNT,
                },
            )
            enterprises.append(enterprise)
        return enterprises

    def load_logins(self, enterprises):
        User = get_user_model()
        for username, full_name, title, role, unit_code, enterprise_index in DEMO_LOGINS:
            user, created = User.objects.get_or_create(username=username)
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
            person, _ = Person.objects.update_or_create(
                user=user,
                defaults={
                    "full_name": full_name,
                    "title": title,
                    "unit": Unit.objects.get(code=unit_code) if unit_code else None,
                    "enterprise": enterprises[enterprise_index] if enterprise_index is not None else None,
                },
            )
            PersonRole.objects.get_or_create(person=person, role=role)

    def print_logins(self):
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, title, role, _unit, _enterprise in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {Role(role).label}（{full_name}，{title}）")
