"""Confirming an import from two tabs at once, on PostgreSQL (real transactions in threads; SQLite
serializes every writer, so this runs in the PostgreSQL pass of `make test` only)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.concurrency import run_at_once
from yancheng.core.models import AuditEntry, ImportJob
from yancheng.core.roles import Role
from yancheng.core.tests.test_import import queued_imports, row, uploaded

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_confirms_sent_at_once_queue_one_import(users):
    assert connection.vendor == "postgresql"
    office = users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    first = Client()
    first.force_login(office)
    job = uploaded(first, [row(1), row(2)])

    def confirm():
        client = Client()
        client.force_login(office)
        return client.post(reverse("import_confirm", args=[job.pk])).status_code

    assert run_at_once([confirm for _n in range(8)]) == [302] * 8
    assert queued_imports().count() == 1
    assert AuditEntry.objects.filter(action="import_confirmed").count() == 1
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.QUEUED
