import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from yancheng.core.roles import Role
from yancheng.core.validators import make_id_number, make_property_unit_number
from yancheng.mortgage import actions
from yancheng.mortgage.actions import Filing
from yancheng.mortgage.models import Application, Bank, Holding, PropertyUnit

OWNER = ("李建国", make_id_number("430405", date(1980, 5, 17), "123"))
SPOUSE = ("王秀兰", make_id_number("430405", date(1982, 3, 2), "244"))


# The parcel code's ownership and feature letters (GB/T 37346) that agree with each land kind.
PARCEL_OF = {"state_owned": ("G", "B"), "collective": ("J", "B"), "homestead": ("J", "C")}


def make_unit(
    region, serial: int, *, land_kind="state_owned", holders=(OWNER, SPOUSE), parcel=None
) -> PropertyUnit:
    ownership, feature = parcel or PARCEL_OF[land_kind]
    number = make_property_unit_number(
        "430405", "001002", ownership, feature, f"{serial:05d}", "F", f"0001{serial:04d}"
    )
    unit = PropertyUnit.objects.create(
        number=number,
        region=region,
        location=f"珠晖区东风路{serial}号1栋{serial}室",
        land_kind=land_kind,
        land_use_term_end=date(2085, 12, 31),
        area=Decimal("98.5"),
    )
    for name, id_number in holders:
        Holding.objects.create(
            property_unit=unit,
            holder_name=name,
            id_number=id_number,
            share=Decimal(100) / len(holders),
            started_at=date(2020, 1, 1),
        )
    return unit


@pytest.fixture
def bank(users, hengyang):
    return Bank.objects.create(unit=hengyang["units"]["bank"], name="中国工商银行股份有限公司衡阳分行")


@pytest.fixture
def other_bank(users, hengyang):
    return Bank.objects.create(
        unit=hengyang["units"]["other_bank"], name="中国建设银行股份有限公司衡阳市分行"
    )


@pytest.fixture
def property_unit(hengyang):
    return make_unit(hengyang["regions"]["zhuhui"], 1)


def filing_for(unit, **changes) -> Filing:
    values = {
        "unit_number": unit.number,
        "contract_number": f"ICBC-HY-{uuid.uuid4().hex[:8].upper()}",
        "mortgagors": [{"name": n, "id_number": i} for n, i in (OWNER, SPOUSE)],
        "debtor": OWNER[0],
        "amount": Decimal("600000.00"),
        "term_start": date(2026, 12, 1),
        "term_end": date(2046, 11, 30),
        "identity_method": "face",
        "identity_verified_at": timezone.now() - timedelta(minutes=3),
    }
    values.update(changes)
    return Filing(**values)


def filed(bank, *, by, filing: Filing) -> Application:
    """The application a filing made or found, for the tests that look at it rather than at `created`."""
    app, _created = actions.file_application(bank, by=by, filing=filing)
    return app


@pytest.fixture
def clerk(users):
    return users[Role.BANK_CLERK]
