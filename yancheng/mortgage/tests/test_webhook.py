"""Telling the bank: the signed notice arrives at a local HTTP server, a failure is retried later with
back-off, and after the last try nothing more is sent."""

import hashlib
import hmac
import json
import threading
import time
import types
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yancheng.core.models import AuditEntry
from yancheng.mortgage import tasks
from yancheng.mortgage.models import Application
from yancheng.mortgage.tests.conftest import filed, filing_for

SECRET = "whsec-工行-2026-衡阳分行-核心系统-通知签名密钥-0001"


class BankServer:
    """A bank's webhook receiver on 127.0.0.1, answering `status` and keeping what it received."""

    def __init__(self):
        self.status = 200
        self.requests: list[tuple[dict, bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append((dict(self.headers), body))
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mortgage/notice"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server():
    receiver = BankServer()
    yield receiver
    receiver.close()


@pytest.fixture
def recorded(bank, clerk, property_unit, server):
    bank.webhook_url, bank.webhook_secret = server.url, SECRET
    bank.save()
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    assert app.status == "recorded"
    return app


def notices_of(app) -> list[DBTaskResult]:
    return [
        r
        for r in DBTaskResult.objects.order_by("enqueued_at")
        if r.task_path == "yancheng.mortgage.tasks.notify_bank" and r.args_kwargs["args"][0] == app.pk
    ]


def retries_of(app) -> list[DBTaskResult]:
    """The tries queued after a failed one (they carry the try's number; the first, queued at the
    recording, does not)."""
    return [r for r in notices_of(app) if len(r.args_kwargs["args"]) > 1]


def test_the_signed_notice_arrives_and_marks_the_bank_notified(recorded, server, settings):
    settings.SITE_URL = "https://yancheng.hengyang.gov.cn"  # the configured public address
    before = int(time.time())
    assert tasks.notify_bank.call(recorded.pk) == "delivered"

    ((headers, body),) = server.requests
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Yancheng-Signature"], expected)
    assert before <= int(headers["X-Yancheng-Timestamp"]) <= int(time.time())
    assert headers["Content-Type"].startswith("application/json")
    notice = json.loads(body)
    assert notice == {
        "event": "mortgage.recorded",
        "application_id": recorded.pk,
        "contract_number": recorded.contract_number,
        "certificate_number": recorded.certificate.number,
        "recorded_at": recorded.recorded_at.isoformat(),
        "certificate_url": f"https://yancheng.hengyang.gov.cn/api/v1/mortgage/applications/{recorded.pk}/certificate.pdf",
    }

    recorded.refresh_from_db()
    assert recorded.bank_notified_at is not None and recorded.bank_notified_at >= recorded.recorded_at
    assert not retries_of(recorded)
    (entry,) = AuditEntry.objects.filter(action="mortgage_bank_notice", object_id=str(recorded.pk))
    assert entry.changes["outcome"] == [None, "delivered"] and entry.changes["attempt"] == [None, 1]

    # A stray second run sends nothing: the bank is told once.
    assert tasks.notify_bank.call(recorded.pk) == "delivered"
    assert len(server.requests) == 1


def test_a_wrong_secret_does_not_verify(recorded, server):
    tasks.notify_bank.call(recorded.pk)
    ((headers, body),) = server.requests
    forged = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(headers["X-Yancheng-Signature"], forged)


@pytest.mark.parametrize("status", [500, 404, 302])
def test_a_failed_answer_leaves_it_unnotified_and_retries_later(recorded, server, status):
    server.status = status
    before = timezone.now()
    assert tasks.notify_bank.call(recorded.pk) == "retry"

    recorded.refresh_from_db()
    assert recorded.bank_notified_at is None
    (retry,) = retries_of(recorded)
    assert retry.args_kwargs["args"] == [recorded.pk, 2]
    assert before + timedelta(minutes=1) <= retry.run_after <= timezone.now() + timedelta(minutes=1)
    assert not DBTaskResult.objects.ready().filter(pk=retry.pk).exists()  # not before then
    (entry,) = AuditEntry.objects.filter(action="mortgage_bank_notice", object_id=str(recorded.pk))
    assert entry.changes["outcome"] == [None, "retry"] and str(status) in entry.changes["error"][1]


def test_an_unreachable_bank_is_retried(recorded, server):
    server.close()
    assert tasks.notify_bank.call(recorded.pk) == "retry"
    assert len(retries_of(recorded)) == 1


def test_backing_off_until_the_last_try_then_it_stops(recorded, server):
    server.status = 500
    for attempt in range(1, tasks.MAX_TRIES):
        assert tasks.notify_bank.call(recorded.pk, attempt) == "retry"
        assert len(retries_of(recorded)) == attempt
    assert tasks.notify_bank.call(recorded.pk, tasks.MAX_TRIES) == "failed"

    retries = retries_of(recorded)
    assert len(retries) == tasks.MAX_TRIES - 1  # none after the last try
    assert [r.args_kwargs["args"][1] for r in retries] == list(range(2, tasks.MAX_TRIES + 1))
    waits = [(r.run_after - r.enqueued_at).total_seconds() / 60 for r in retries]
    assert [round(w) for w in waits] == [1, 2, 4, 8, 16, 32, 64]
    assert len(server.requests) == tasks.MAX_TRIES
    assert AuditEntry.objects.filter(action="mortgage_bank_notice", object_id=str(recorded.pk)).count() == 8
    recorded.refresh_from_db()
    assert recorded.bank_notified_at is None

    # The bank comes back: a later try (e.g. re-queued by hand) delivers.
    server.status = 204
    assert tasks.notify_bank.call(recorded.pk, 1) == "delivered"
    recorded.refresh_from_db()
    assert recorded.bank_notified_at is not None


def test_a_bank_without_a_webhook_is_sent_nothing(bank, clerk, property_unit, server):
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    assert tasks.notify_bank.call(app.pk) == "no_webhook"
    assert not server.requests and not retries_of(app)
    assert Application.objects.get(pk=app.pk).bank_notified_at is None


def test_an_application_not_recorded_is_not_announced(recorded, server):
    Application.objects.filter(pk=recorded.pk).update(status="to_person")
    assert tasks.notify_bank.call(recorded.pk) == "not_recorded"
    assert tasks.notify_bank.call(10**9) == "missing"
    assert not server.requests


@pytest.mark.parametrize("secret", ["", "short-secret"])
def test_a_webhook_address_without_a_long_enough_secret_is_refused_and_not_saved(bank, server, secret):
    bank.webhook_url, bank.webhook_secret = server.url, secret
    with pytest.raises(ValidationError) as refused:
        bank.full_clean()  # what the administration form runs
    assert "至少 32 个字符的通知签名密钥" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        bank.save()  # and the database refuses it whatever path writes it
    bank.refresh_from_db()
    assert (bank.webhook_url, bank.webhook_secret) == ("", "")


def test_no_webhook_and_no_secret_is_fine(bank):
    bank.full_clean()


def test_each_try_is_kept_on_the_application_for_the_banks_page(recorded, server):
    server.status = 503
    before = timezone.now()
    assert tasks.notify_bank.call(recorded.pk) == "retry"
    recorded.refresh_from_db()
    assert recorded.bank_notice_tries == 1 and recorded.bank_notice_error == "HTTP 503"
    assert before <= recorded.bank_notice_tried_at <= timezone.now()
    assert recorded.bank_notice_retry_at == retries_of(recorded)[0].run_after
    assert recorded.notice_state == "retrying"

    server.status = 200
    assert tasks.notify_bank.call(recorded.pk, 2) == "delivered"
    recorded.refresh_from_db()
    assert recorded.bank_notice_tries == 2 and recorded.bank_notified_at is not None
    assert (
        recorded.bank_notice_retry_at is None and recorded.bank_notice_error == "HTTP 503"
    )  # the last failure
    assert recorded.notice_state == "delivered"


def test_after_the_last_try_the_page_can_say_it_stopped(recorded, server):
    server.status = 500
    assert tasks.notify_bank.call(recorded.pk, tasks.MAX_TRIES) == "failed"
    recorded.refresh_from_db()
    assert recorded.bank_notice_retry_at is None and recorded.notice_state == "failed"


def test_a_bank_without_a_webhook_is_shown_so(bank, clerk, property_unit):
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    assert app.notice_state == "no_webhook"


def queued_notices(app) -> list[DBTaskResult]:
    return [r for r in notices_of(app) if r.args_kwargs["args"] == [app.pk]]


def test_the_notice_is_queued_once_after_the_certificate_is_signed(recorded):
    recorded.refresh_from_db()
    assert recorded.certificate.pdf
    assert recorded.certificate_signed_at <= recorded.bank_notice_queued_at
    assert len(queued_notices(recorded)) == 1
    # The sweep finds nothing to do, however late it runs: the notice is queued already.
    assert tasks.queue_missed_notices(now=timezone.now() + timedelta(days=1)) == 0
    assert len(queued_notices(recorded)) == 1


def test_a_notice_a_crash_left_unqueued_is_queued_by_the_sweep_and_delivered_signed(
    bank, clerk, property_unit, server, monkeypatch
):
    """The process dies after the recording's commit, before signing and queueing: the recording stands,
    and the worker's sweep later queues the notice, whose task signs the certificate before telling."""
    bank.webhook_url, bank.webhook_secret = server.url, SECRET
    bank.save()
    from yancheng.mortgage import actions

    monkeypatch.setattr(actions, "_sign_and_tell_bank", lambda app: None)  # the crash
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    monkeypatch.undo()
    app.refresh_from_db()
    assert app.status == "recorded" and app.bank_notice_queued_at is None and not app.certificate.pdf

    assert tasks.queue_missed_notices(now=timezone.now()) == 0  # not yet: it may still be on its way
    later = timezone.now() + tasks.MISSED_AFTER + timedelta(seconds=1)
    assert tasks.queue_missed_notices(now=later) == 1
    assert tasks.queue_missed_notices(now=later) == 0  # queued once, whichever worker sweeps again
    assert len(queued_notices(app)) == 1

    assert tasks.notify_bank.call(app.pk) == "delivered"
    app.refresh_from_db()
    assert app.certificate.pdf and app.certificate_signed_at <= app.bank_notified_at
    assert len(server.requests) == 1


def test_a_queue_that_is_down_does_not_turn_the_recording_into_an_error(
    bank, clerk, property_unit, server, monkeypatch
):
    from django.db import DatabaseError

    def down(*args, **kwargs):
        raise DatabaseError("queue unavailable")

    bank.webhook_url, bank.webhook_secret = server.url, SECRET
    bank.save()
    monkeypatch.setattr(tasks, "notify_bank", types.SimpleNamespace(enqueue=down))
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    monkeypatch.undo()
    app.refresh_from_db()
    assert app.status == "recorded" and app.certificate.pdf
    assert app.bank_notice_queued_at is None  # rolled back with the failed queueing: the sweep retries
    later = timezone.now() + tasks.MISSED_AFTER + timedelta(seconds=1)
    assert tasks.queue_missed_notices(now=later) == 1
