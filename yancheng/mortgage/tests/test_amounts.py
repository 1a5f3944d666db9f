"""Amounts read as people write them, with thousands separated and two decimals, on every page that
shows one: the core's `amount` filter, used everywhere."""

import re
from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from yancheng.core.roles import Role

from .conftest import filed, filing_for


def test_the_certificate_page_and_the_admin_show_the_amount_grouped(
    client, users, bank, clerk, property_unit
):
    app = filed(bank, by=clerk, filing=filing_for(property_unit, amount=Decimal("1234567.5")))
    cert = app.certificate
    page = client.get(
        reverse("mortgage:certificate"), {"number": cert.number, "code": cert.verification_code}
    )
    assert "1,234,567.50 元" in page.content.decode()

    client.force_login(users[Role.ADMINISTRATOR])
    rights = client.get(reverse("admin:mortgage_mortgageright_changelist")).content.decode()
    assert "1,234,567.50" in rights and "1234567.50" not in rights
    detail = client.get(reverse("admin:mortgage_application_change", args=[app.pk])).content.decode()
    assert "1,234,567.50" in detail and "1234567.50" not in detail


def test_every_template_shows_amounts_through_the_amount_filter():
    root = Path(__file__).resolve().parents[2]
    bare = re.compile(r"\{\{\s*(?!form\.)[\w.]*\.amount\s*\}\}")  # a value, not the form's input
    offenders = [
        str(path.relative_to(root)) for path in root.rglob("*.html") if bare.search(path.read_text())
    ]
    assert offenders == []
