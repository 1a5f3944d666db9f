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
import logging
import time
import urllib.parse
import urllib.request
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from yancheng.core import audit
from yancheng.core.periodic import every
from yancheng.core.urls import public_url

from .choices import ApplicationStatus, Operation
from .models import Application

MAX_TRIES = 8
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Yancheng-Signature"
TIMESTAMP_HEADER = "X-Yancheng-Timestamp"
EVENT_RECORDED = "mortgage.recorded"

logger = logging.getLogger(__name__)


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


def queue_notice(application_id: int) -> bool:
    """Queue the bank's notice of a recorded mortgage, once: the mark on the application and the task
    are written in one transaction, so of the filing and the sweep below only one queues it. Never
    raises: a queue that is down must not turn a committed recording into an error (the sweep retries)."""
    try:
        with transaction.atomic():
            unqueued = Application.objects.filter(pk=application_id, bank_notice_queued_at__isnull=True)
            if not unqueued.update(bank_notice_queued_at=timezone.now()):
                return False
            notify_bank.enqueue(application_id)
            return True
    except DatabaseError:
        logger.exception("notice of application %s not queued; the sweep will queue it", application_id)
        return False


# A notice is queued a moment after its recording commits (once the certificate is signed); one still
# unqueued this long after was cut off by a crash or a queue that was down.
MISSED_AFTER = timedelta(minutes=2)


@every(minutes=5)
def queue_missed_notices(now=None) -> int:
    """Queue the notices that a crash between a recording and its notice left unqueued."""
    cutoff = (now or timezone.now()) - MISSED_AFTER
    missed = Application.objects.filter(
        status=ApplicationStatus.RECORDED,
        operation=Operation.MORTGAGE,
        bank_notice_queued_at__isnull=True,
        recorded_at__lt=cutoff,
    ).values_list("pk", flat=True)
    return sum(queue_notice(pk) for pk in missed)


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
    certificate = getattr(app, "certificate", None)
    if certificate is not None and not certificate.pdf:  # a crash before it was signed
        from .actions import sign_certificate

        sign_certificate(app)
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
