"""Concurrent filings on PostgreSQL (real transactions in threads). SQLite serializes every writer, so
these run in the PostgreSQL pass of `make test` only (marker `postgres`)."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from tests.concurrency import run_at_once
from yancheng.core.actions import issue_api_token
from yancheng.mortgage import actions
from yancheng.mortgage.choices import ApplicationStatus
from yancheng.mortgage.models import Application, Certificate, MortgageRight
from yancheng.mortgage.tests.conftest import filing_for, make_unit
from yancheng.mortgage.tests.test_api import body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_filings_on_one_property_record_exactly_one(bank, clerk, property_unit):
    assert connection.vendor == "postgresql"
    filings = [filing_for(property_unit, contract_number=f"C-{n}-{uuid.uuid4().hex[:6]}") for n in range(20)]
    run_at_once([lambda f=f: actions.file_application(bank, by=clerk, filing=f) for f in filings])
    assert Application.objects.count() == 20
    assert Application.objects.filter(status=ApplicationStatus.RECORDED).count() == 1
    assert MortgageRight.objects.filter(property_unit=property_unit).count() == 1


def test_the_same_request_filed_concurrently_makes_one_application_and_says_so_once(
    bank, clerk, property_unit
):
    filing = filing_for(property_unit)
    results = run_at_once(
        [lambda: actions.file_application(bank, by=clerk, filing=filing) for _n in range(10)]
    )
    assert Application.objects.count() == 1
    (app,) = Application.objects.all()
    assert {found.pk for found, _created in results} == {app.pk}
    assert [created for _found, created in results].count(True) == 1  # only the one that created it


def test_the_same_request_posted_concurrently_answers_201_once(bank, clerk, property_unit):
    _token, secret = issue_api_token(owner=clerk, by=clerk, name="核心系统")
    data = body(property_unit)

    def post():
        response = Client().post(
            "/api/v1/mortgage/applications", data, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )  # fmt: skip
        return response.status_code, response.json()["id"]

    results = run_at_once([post for _n in range(10)])
    assert sorted(status for status, _id in results) == [200] * 9 + [201]
    assert len({app_id for _status, app_id in results}) == 1 and Application.objects.count() == 1


def test_other_content_under_one_contract_at_once_makes_one_application_and_refuses_the_rest(
    bank, clerk, property_unit
):
    filings = [
        filing_for(property_unit, contract_number="HT-RACE", amount=Decimal(500000 + n)) for n in range(10)
    ]
    jobs = [lambda f=f: actions.file_application(bank, by=clerk, filing=f) for f in filings]
    results = run_at_once(jobs, expected=(actions.ContractInUse,))
    (app,) = Application.objects.all()
    assert [r for r in results if not isinstance(r, actions.ContractInUse)] == [(app, True)]
    assert all(r.application == app for r in results if isinstance(r, actions.ContractInUse))


def test_after_a_withdrawal_concurrent_refilings_make_one_new_application(bank, clerk, hengyang):
    unit = make_unit(hengyang["regions"]["zhuhui"], 50, land_kind="collective")
    first, _created = actions.file_application(
        bank, by=clerk, filing=filing_for(unit, contract_number="HT-W")
    )
    actions.withdraw(first, by=clerk)
    corrected = filing_for(unit, contract_number="HT-W", amount=Decimal("650000.00"))
    results = run_at_once(
        [lambda: actions.file_application(bank, by=clerk, filing=corrected) for _n in range(10)]
    )
    assert [created for _found, created in results].count(True) == 1
    assert Application.objects.filter(status=ApplicationStatus.TO_PERSON).count() == 1
    assert Application.objects.count() == 2


def test_serials_have_no_gap_and_no_duplicate_after_200_concurrent_filings(bank, clerk, hengyang):
    units = [make_unit(hengyang["regions"]["zhuhui"], 100 + n) for n in range(200)]
    jobs = [lambda u=u: actions.file_application(bank, by=clerk, filing=filing_for(u)) for u in units]
    for start in range(0, 200, 25):  # 25 threads at a time: PostgreSQL's default allows 100 connections
        run_at_once(jobs[start : start + 25])
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 201))
    assert Certificate.objects.values("number").distinct().count() == 200
