"""Background work, run by `manage.py worker` (django-tasks-db)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from yancheng.core.models import Delivery


def retry_delay(attempts: int) -> timedelta:
    # 1, 2, 4, 8 … minutes, capped at an hour.
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


@task()
def deliver(delivery_id: int) -> str:
    """Carry one delivery, record the outcome on its row, and queue a later retry when it failed."""
    from yancheng.core.notify import DeliveryError, send

    delivery = Delivery.objects.select_related("notification", "channel").filter(pk=delivery_id).first()
    if delivery is None:  # its notification was deleted meanwhile: nothing left to carry
        return "missing"
    if delivery.status != Delivery.Status.PENDING:  # sent or given up already: never twice
        return str(delivery.status)
    # Count the attempt before making it, so an attempt cut short still counts; the condition makes a
    # second worker that read the same row step aside instead of sending the message a second time.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "busy"
    delivery.attempts += 1
    try:
        send(delivery)
    except Exception as error:  # whatever went wrong is recorded and retried, never lost
        if isinstance(error, DeliveryError):
            reason, permanent = str(error), error.permanent
        else:
            reason, permanent = f"{type(error).__name__}: {error}", False
        delivery.last_error = reason[:2000]
        if permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
        # The outcome and the retry are written together: a retry is never lost, nor queued twice.
        with transaction.atomic():
            delivery.save(update_fields=["attempts", "last_error", "status"])
            if delivery.status == Delivery.Status.PENDING:
                run_after = timezone.now() + retry_delay(delivery.attempts)
                deliver.using(run_after=run_after).enqueue(delivery_id)
        return str(delivery.status)
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return str(delivery.status)
