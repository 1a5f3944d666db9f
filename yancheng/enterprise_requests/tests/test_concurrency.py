"""The same request sent at once by a retrying app, on PostgreSQL (real transactions in threads; SQLite
serializes every writer, so this runs in the PostgreSQL pass of `make test` only)."""

import pytest
from django.db import connection
from django.test import Client

from tests.concurrency import run_at_once
from yancheng.core.roles import Role
from yancheng.enterprise_requests.models import EnterpriseRequest, RequestEvent
from yancheng.enterprise_requests.tests.test_api import URL, filing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_request_posted_at_once_makes_one_and_answers_201_once(users):
    assert connection.vendor == "postgresql"
    data = filing(submission_key="retry-storm-0001")

    def post():
        client = Client()
        client.force_login(users[Role.ENTERPRISE_USER])
        response = client.post(URL, data, content_type="application/json")
        return response.status_code, response.json()["id"]

    answers = run_at_once([post for _n in range(12)])
    (filed,) = EnterpriseRequest.objects.all()
    assert {request_id for _status, request_id in answers} == {filed.pk}
    assert sorted(status for status, _id in answers) == [200] * 11 + [201]
    assert RequestEvent.objects.filter(request=filed).count() == 1
