"""Telling the bank: once a recording commits, the worker POSTs a signed JSON notice to the bank's
webhook and retries with back-off (1, 2, 4 … minutes) until it answers 2xx, up to MAX_TRIES tries.

The state lives on the application: `bank_notified_at` is set by the first 2xx answer; the number of
tries, the last one's time and failure and the next try's time are kept beside it for the bank's page
(`Application.notice_state`); each try is in the audit log ("mortgage_bank_notice"). The try number
travels with the task."""

import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from yancheng.core import audit
from yancheng.core.urls import public_url

from .choices import ApplicationStatus
from .models import Application

MAX_TRIES = 8
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Yancheng-Signature"
TIMESTAMP_HEADER = "X-Yancheng-Timestamp"
EVENT_RECORDED = "mortgage.recorded"


def retry_delay(tries: int) -> timedelta:
    """After the n-th failed try: 1, 2, 4, 8 … minutes."""
    return timedelta(minutes=2 ** (tries - 1))


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def certificate_url(app: Application) -> str:
    return public_url(reverse("api-v1:mortgage_certificate_pdf", kwargs={"application_id": app.pk}))


def notice(app: Application) -> dict:
    certificate = getattr(app, "certificate", None)
    return {
        "event": EVENT_RECORDED,
        "application_id": app.pk,
        "contract_number": app.contract_number,
        "certificate_number": certificate.number if certificate else None,
        "recorded_at": app.recorded_at.isoformat() if app.recorded_at else None,
        "certificate_url": certificate_url(app) if certificate else None,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: a POST followed as a GET would look delivered without being so."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, secret: str, payload: dict) -> int:
    """POST the signed notice; the HTTP status, or raise OSError/HTTPException when nothing came back."""
    if urllib.parse.urlsplit(url).scheme.lower() not in ("https", "http"):
        raise ValueError(f"通知地址必须以 https:// 或 http:// 开头：{url}")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature(secret, body),
        TIMESTAMP_HEADER: str(int(time.time())),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
        return error.code


def enqueue_notice(application_id: int) -> None:
    notify_bank.enqueue(application_id)


def enqueue_on_commit(application_id: int) -> None:
    """Queue the notice once the surrounding transaction commits (at once outside of one). Robust: a
    queue that is down must not turn a committed recording into an error."""
    transaction.on_commit(lambda: enqueue_notice(application_id), robust=True)


@task()
def notify_bank(application_id: int, attempt: int = 1) -> str:
    app = Application.objects.select_related("bank", "certificate").filter(pk=application_id).first()
    if app is None:
        return "missing"
    if app.status != ApplicationStatus.RECORDED:
        return "not_recorded"
    if app.bank_notified_at is not None:  # delivered already: never twice
        return "delivered"
    bank = app.bank
    if not bank.webhook_url:
        return "no_webhook"
    try:
        status = post(bank.webhook_url, bank.webhook_secret, notice(app))
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except (OSError, ValueError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    outcome = "delivered" if not error else ("failed" if attempt >= MAX_TRIES else "retry")
    now = timezone.now()
    tried = {"bank_notice_tries": F("bank_notice_tries") + 1, "bank_notice_tried_at": now}
    tried |= {"bank_notice_error": error} if error else {}
    with transaction.atomic():
        changes = {"attempt": [None, attempt], "outcome": [None, outcome]}
        if error:
            changes["error"] = [None, error]
        audit.record("mortgage_bank_notice", app, actor_label="worker", changes=changes)
        if outcome == "delivered":
            Application.objects.filter(pk=app.pk, bank_notified_at__isnull=True).update(bank_notified_at=now)
        run_after = now + retry_delay(attempt) if outcome == "retry" else None
        Application.objects.filter(pk=app.pk).update(**tried, bank_notice_retry_at=run_after)
        if run_after is not None:
            notify_bank.using(run_after=run_after).enqueue(application_id, attempt + 1)
    return outcome
