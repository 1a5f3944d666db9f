"""The city's investment office (市商务局), a county government with its official, and leads filed by
them, for the investment tests."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from yancheng.core.models import Unit
from yancheng.core.roles import Role
from yancheng.core.validators import make_uscc
from yancheng.investment import actions
from yancheng.investment.models import InvestmentRules

INVESTOR_USCC = make_uscc("9", "1", "440300", "MA5F0001")


@pytest.fixture
def investment(hengyang):
    """{"office", "county"}: the office's and the county's units, and "office_official", "county_official"."""
    city, zhuhui = hengyang["regions"]["city"], hengyang["regions"]["zhuhui"]
    office = Unit.objects.create(code="commerce", name="衡阳市商务局", kind="department", region=city)
    county = Unit.objects.create(
        code="gov430405", name="珠晖区人民政府", kind="county_government", region=zhuhui
    )
    InvestmentRules.objects.create(pk=1, office=office)
    return {
        "office": office,
        "county": county,
        "office_official": make_user("commerce01", Role.UNIT_OFFICIAL, unit=office, full_name="刘商务"),
        "county_official": make_user("zhuhui01", Role.UNIT_OFFICIAL, unit=county, full_name="王招商"),
    }


@pytest.fixture
def draft(hengyang, investment):
    """A draft of the county's lead; keyword arguments change it."""

    def make(**changes) -> actions.Draft:
        official = changes.pop("by", investment["county_official"])
        fields = {
            "name": "新能源电池材料生产基地",
            "investor_name": "深圳某新能源科技有限公司",
            "investor_uscc": INVESTOR_USCC,
            "industry": "38",
            "source": "team",
            "region": hengyang["regions"]["zhuhui"],
            "unit": official.person.unit,
            "person": official.person,
            "contracted_amount": 500_000_000,
            **changes,
        }
        return actions.Draft(**fields)

    return make


@pytest.fixture
def file_lead(draft, investment):
    def make(by=None, key=None, **changes):
        by = by or investment["county_official"]
        return actions.file_lead(draft(by=by, **changes), by=by, submission_key=key or uuid.uuid4().hex)

    return make


def document(name="签约合同.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def signing(signed_on=date(2026, 1, 5), amount=500_000_000, start=date(2026, 6, 30), schedule=()):
    return actions.Signing(
        signed_on=signed_on, contracted_amount=amount, start_due_on=start, schedule=tuple(schedule)
    )
