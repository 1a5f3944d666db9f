"""Notifications: the inbox row is written with the action that caused it; e-mail and group-robot
deliveries are queued for the worker once the transaction commits, so a rolled-back action tells no one."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.core.mail import send_mail
from django.db import transaction

from yancheng.core.models import ChannelKind, Delivery, Notification, WebhookChannel

WEBHOOK_TIMEOUT_SECONDS = 10


def notify(recipients, title: str, body: str = "", link: str = "") -> list[Notification]:
    notifications = []
    for user in recipients:
        notification = Notification.objects.create(recipient=user, title=title, body=body, link=link)
        for delivery in _deliveries_for(notification):
            delivery.save()
            transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
        notifications.append(notification)
    return notifications


def _deliveries_for(notification: Notification):
    user = notification.recipient
    if user.email:
        yield Delivery(notification=notification, kind=ChannelKind.EMAIL, target=user.email)
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if person is not None and person.unit_id:
        for channel in WebhookChannel.objects.filter(unit_id=person.unit_id, active=True):
            yield Delivery(notification=notification, kind=channel.kind, target=channel.url, channel=channel)


def _enqueue(delivery_id: int) -> None:
    from yancheng.core.tasks import deliver

    deliver.enqueue(delivery_id)


class DeliveryError(Exception):
    pass


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk's 加签: HMAC-SHA256 over "timestamp\\nsecret" keyed by the secret, base64, URL-quoted."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(mac))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def robot_message(kind: str, notification: Notification) -> dict:
    """The markdown message body of a DingTalk or WeCom group robot."""
    text = f"### {notification.title}\n\n{notification.body}".strip()
    if notification.link:
        text += f"\n\n[查看详情]({notification.link})"
    if kind == ChannelKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": notification.title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def send(delivery: Delivery) -> None:
    """Carry one delivery; raise DeliveryError with the reason when it did not arrive."""
    notification = delivery.notification
    if delivery.kind == ChannelKind.EMAIL:
        try:
            send_mail(
                notification.title,
                f"{notification.body}\n\n{notification.link}".strip(),
                None,
                [delivery.target],
            )
        except OSError as error:  # smtplib's errors are OSErrors
            raise DeliveryError(str(error)) from error
        return
    url = delivery.target
    if not url.startswith(("https://", "http://")):
        raise DeliveryError(f"webhook 地址必须以 https:// 或 http:// 开头：{url}")
    if delivery.kind == ChannelKind.DINGTALK:
        url = dingtalk_signed_url(url, delivery.channel.secret if delivery.channel else "")
    payload = json.dumps(robot_message(delivery.kind, notification), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    request = urllib.request.Request(url, data=payload, headers=headers)  # noqa: S310  (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise DeliveryError(str(error)) from error
    # Both robots answer HTTP 200 with errcode != 0 when they refuse a message (bad sign, rate limit).
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode={answer.get('errcode')} {answer.get('errmsg', '')}")
