"""Counties with their officials, and items assigned to them, for the supervision tests."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from yancheng.core.models import Region, Unit
from yancheng.core.roles import Role

COUNTIES = [("430421", "衡阳县"), ("430422", "衡南县"), ("430481", "耒阳市")]


@pytest.fixture
def counties(hengyang, users):
    """{code: (unit, official)}: three county governments, each with one official; the city is the
    parent region."""
    city = hengyang["regions"]["city"]
    found = {}
    for code, name in COUNTIES:
        region = Region.objects.filter(code=code).first() or Region.objects.create(
            code=code, name=name, level="county", parent=city
        )
        unit = Unit.objects.create(
            code=f"gov{code}", name=f"{name}人民政府", kind=Unit.Kind.COUNTY_GOVERNMENT, region=region
        )
        found[code] = (unit, make_user(f"county{code}", Role.UNIT_OFFICIAL, unit=unit))
    return found


@pytest.fixture
def assign(users, hengyang):
    """assign(lead="samr", cooperating=("eco",), due_on=…, **extra): an item the supervision office
    assigns; `lead` and `cooperating` name units of the `hengyang` fixture (or pass Unit objects)."""
    from yancheng.supervision import actions

    def unit(value):
        return hengyang["units"][value] if isinstance(value, str) else value

    def make(lead="samr", cooperating=("eco",), due_on=date(2026, 12, 18), by=None, **extra):
        return actions.assign(
            by=by or users[Role.SUPERVISION_OFFICE], title=extra.pop("title", "落实安全生产专项整治"),
            content=extra.pop("content", "开展危化品企业安全隐患排查，形成整改台账。"),
            source=extra.pop("source", "meeting"), lead=actions.Share(unit(lead), "牵头排查"),
            cooperating=[actions.Share(unit(c), "配合检查") for c in cooperating], due_on=due_on,
            submission_key=extra.pop("key", uuid.uuid4().hex), **extra,
        )  # fmt: skip

    return make


def evidence_file(name="办结报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")
