"""Background work, run by `manage.py worker` (django-tasks-db)."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from yancheng.core.models import Delivery


def retry_delay(attempts: int) -> timedelta:
    # 1, 2, 4, 8 … minutes, capped at an hour.
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


@task()
def deliver(delivery_id: int) -> str:
    from yancheng.core.notify import DeliveryError, send

    delivery = Delivery.objects.select_related("notification", "channel").get(pk=delivery_id)
    if delivery.status != Delivery.Status.PENDING:
        return delivery.status
    delivery.attempts += 1
    try:
        send(delivery)
    except DeliveryError as error:
        delivery.last_error = str(error)[:2000]
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
        delivery.save(update_fields=["attempts", "last_error", "status"])
        if delivery.status == Delivery.Status.PENDING:
            deliver.using(run_after=timezone.now() + retry_delay(delivery.attempts)).enqueue(delivery_id)
        return delivery.status
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return delivery.status
