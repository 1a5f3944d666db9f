"""The public certificate look-up finds a genuine certificate however a person types it, and what it
finds is no miss towards the address's limit."""

import pytest
from django.urls import reverse

from yancheng.mortgage.actions import LOOKUP_MISSES_ALLOWED

from .conftest import filed, filing_for

FULL_WIDTH = str.maketrans("()0123456789", "（）０１２３４５６７８９")


@pytest.fixture
def certificate(bank, clerk, property_unit):
    return filed(bank, by=clerk, filing=filing_for(property_unit)).certificate


def typings(certificate):
    """(number, code) as people type them: a Chinese keyboard, spaces, lower case."""
    number, code = certificate.number, certificate.verification_code
    spaced = f" {number[:8]} {number[8:14]}  {number[14:]} "
    return [
        (number.replace("(", "（").replace(")", "）"), code),  # 湘（2026）衡阳市不动产证明第0000001号
        (number.translate(FULL_WIDTH), code.lower()),
        (spaced, f"{code[:4]} {code[4:].lower()}"),
        (number.replace("第", "第\u3000"), f"\u3000{code}\u3000"),  # the ideographic space
    ]


def test_a_certificate_is_found_however_its_number_and_code_are_typed(client, certificate):
    for number, code in typings(certificate):
        page = client.get(reverse("mortgage:verify"), {"number": number, "code": code}).content.decode()
        assert "真实有效" in page, (number, code)
        assert certificate.number in page


def test_what_is_found_does_not_count_towards_the_limit(client, certificate):
    right = {"number": certificate.number, "code": certificate.verification_code}
    for guess in range(LOOKUP_MISSES_ALLOWED - 1):
        assert (
            client.get(reverse("mortgage:verify"), {**right, "code": f"ZZZZ{guess:04d}"}).status_code == 200
        )
    for number, code in typings(certificate) * 2:  # found, each time: no miss
        page = client.get(reverse("mortgage:certificate"), {"number": number, "code": code})
        assert page.status_code == 200 and "下载证明 PDF" in page.content.decode()
    last = client.get(reverse("mortgage:verify"), {**right, "code": "ZZZZZZZZ"})
    assert last.status_code == 200 and "证明号与核验码不匹配" in last.content.decode()
    assert client.get(reverse("mortgage:verify"), right).status_code == 429
