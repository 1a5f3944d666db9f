"""Concurrent filings on PostgreSQL (real transactions in threads). SQLite serializes every writer, so
these run in the PostgreSQL pass of `make test` only (marker `postgres`)."""

import threading
import uuid

import pytest
from django.db import close_old_connections, connection

from yancheng.mortgage import actions
from yancheng.mortgage.choices import ApplicationStatus
from yancheng.mortgage.models import Application, Certificate, MortgageRight
from yancheng.mortgage.tests.conftest import filing_for, make_unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_twenty_concurrent_filings_on_one_property_record_exactly_one(bank, clerk, property_unit):
    assert connection.vendor == "postgresql"
    filings = [filing_for(property_unit, contract_number=f"C-{n}-{uuid.uuid4().hex[:6]}") for n in range(20)]
    run_at_once([lambda f=f: actions.file_application(bank, by=clerk, filing=f) for f in filings])
    assert Application.objects.count() == 20
    assert Application.objects.filter(status=ApplicationStatus.RECORDED).count() == 1
    assert MortgageRight.objects.filter(property_unit=property_unit).count() == 1


def test_the_same_contract_filed_concurrently_makes_one_application(bank, clerk, property_unit):
    filing = filing_for(property_unit)
    run_at_once([lambda: actions.file_application(bank, by=clerk, filing=filing) for _n in range(10)])
    assert Application.objects.count() == 1


def test_serials_have_no_gap_and_no_duplicate_after_200_concurrent_filings(bank, clerk, hengyang):
    units = [make_unit(hengyang["regions"]["zhuhui"], 100 + n) for n in range(200)]
    jobs = [lambda u=u: actions.file_application(bank, by=clerk, filing=filing_for(u)) for u in units]
    for start in range(0, 200, 25):  # 25 threads at a time: PostgreSQL's default allows 100 connections
        run_at_once(jobs[start : start + 25])
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 201))
    assert Certificate.objects.values("number").distinct().count() == 200
