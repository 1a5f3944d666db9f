"""Against a freshly started production server (granian as in the README, two processes of eight
threads) on PostgreSQL: what only shows when the server's threads share one process and race."""

import http.client
import json
import os
import threading
from collections import Counter
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.db import connection

from tests.server import granian, manage
from yancheng.core.models import AuditEntry
from yancheng.mortgage.actions import LOOKUP_MISSES_ALLOWED
from yancheng.mortgage.models import Application, Certificate
from yancheng.mortgage.tests.conftest import filed, filing_for, make_unit

from .test_api import URL, bearer, body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_env(tmp_path):
    """The test's database (its rows are committed: transaction=True) and a VAR_DIR of its own, so the
    server makes its signer from nothing, as a fresh production server does."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    database_url = f"postgresql://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("YANCHENG_")}
    return env | {
        "YANCHENG_DATABASE_URL": database_url,
        "YANCHENG_VAR_DIR": str(tmp_path),
        "YANCHENG_DEBUG": "false",
        "YANCHENG_REQUIRE_OTP": "false",
    }


def at_once(base_url: str, requests: list[tuple[str, str, dict | None]], headers: dict) -> list[int]:
    """Send every (method, path, JSON body) at the same moment, each on its own connection."""
    host = urlsplit(base_url).netloc
    barrier = threading.Barrier(len(requests))
    statuses = [0] * len(requests)

    def send(index, method, path, data):
        connection = http.client.HTTPConnection(host, timeout=300)
        payload = json.dumps(data).encode() if data is not None else None
        barrier.wait()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            response.read()
            statuses[index] = response.status
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n, *request)) for n, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_200_distinct_filings_at_once_on_a_fresh_server_each_answer_201_and_are_signed(
    bank, clerk, hengyang, server_env
):
    units = [make_unit(hengyang["regions"]["zhuhui"], 300 + n) for n in range(200)]
    filings = [("POST", URL, body(unit, contract_number=f"ICBC-HY-{n:04d}")) for n, unit in enumerate(units)]
    token = bearer(clerk)["HTTP_AUTHORIZATION"]
    headers = {"Authorization": token, "Content-Type": "application/json"}
    with granian(server_env, workers=2, threads=8) as url:
        statuses = at_once(url, filings, headers)
    assert Counter(statuses) == {201: 200}
    assert Application.objects.filter(status="recorded", certificate_signed_at__isnull=False).count() == 200
    assert Certificate.objects.filter(pdf__isnull=False).count() == 200


def test_guesses_sent_at_once_get_no_more_answers_than_the_misses_allowed(
    bank, clerk, property_unit, server_env
):
    certificate = filed(bank, by=clerk, filing=filing_for(property_unit)).certificate
    manage(server_env, "collectstatic", "--no-input", "-v", "0")  # the pages' styles

    def verify(code):
        return ("GET", f"/mortgage/verify/?{urlencode({'number': certificate.number, 'code': code})}", None)

    with granian(server_env, workers=2, threads=8) as url:
        statuses = at_once(url, [verify(f"ZZZZ{n:04d}") for n in range(60)], {})
        [right_pair] = at_once(url, [verify(certificate.verification_code)], {})
    assert Counter(statuses) == {200: LOOKUP_MISSES_ALLOWED, 429: 60 - LOOKUP_MISSES_ALLOWED}
    assert right_pair == 429  # and the address stays refused, even for a genuine pair
    assert AuditEntry.objects.filter(action="mortgage_lookup_limited").count() == 1
