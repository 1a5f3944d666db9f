"""Notifications: the inbox row is written with the action that caused it; e-mail and group-robot
deliveries are queued for the worker once the transaction commits, so a rolled-back action tells no one."""

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from yancheng.core.models import ChannelKind, Delivery, Notification, Person, WebhookChannel

WEBHOOK_TIMEOUT_SECONDS = 10


def notify_after_commit(compose) -> None:
    """Call ``compose`` (which calls ``notify``) once the transaction commits, in the platform's language:
    what is stored for others to read is not written in the language of whoever triggered it."""

    def run():
        with translation.override(settings.LANGUAGE_CODE):
            compose()

    transaction.on_commit(run)


def notify(recipients, title: str, body: str = "", link: str = "") -> list[Notification]:
    """Write one inbox message per recipient and queue its deliveries once the transaction commits.

    A person named twice gets one message; a unit's group robot gets one post per call, however many
    of the unit's people are among the recipients. The messages, the recipients' units and robots and
    the deliveries are each one query, however many recipients (a ladder pass notifies thousands)."""
    return notify_each([(recipients, title, body, link)])


def notify_each(messages) -> list[Notification]:
    """Several messages (recipients, title, body, link), each as ``notify`` sends it, in the queries of
    one: a ladder pass sends hundreds of steps in a transaction."""
    groups = []
    for recipients, title, body, link in messages:
        users = list({user.pk: user for user in recipients}.values())
        groups.append([Notification(recipient=user, title=title, body=body, link=link) for user in users])
    # All or nothing: the messages and their deliveries are written together, and the tasks are queued
    # only when the outermost transaction commits (at once when called outside of one).
    with transaction.atomic():
        Notification.objects.bulk_create([n for group in groups for n in group])
        deliveries = Delivery.objects.bulk_create(_deliveries_for(groups))
        for delivery in deliveries:
            # robust: the action has committed by then; a queue that is down must not turn it into
            # an error page. The delivery stays PENDING and the failure is logged.
            transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk), robust=True)
    return [n for group in groups for n in group]


def _deliveries_for(groups: list[list[Notification]]) -> list[Delivery]:
    """E-mail to each recipient who has an address; one post a message to each robot of their units."""
    users = {n.recipient_id for group in groups for n in group}
    units = dict(
        Person.objects.filter(user_id__in=users, unit__isnull=False).values_list("user_id", "unit_id")
    )
    robots: dict[int, list[WebhookChannel]] = {}
    for channel in WebhookChannel.objects.filter(unit_id__in=set(units.values()), active=True).order_by("pk"):
        robots.setdefault(channel.unit_id, []).append(channel)
    deliveries = []
    for group in groups:
        seen_channels = set()
        for notification in group:
            user = notification.recipient
            if user.email:
                deliveries.append(
                    Delivery(notification=notification, kind=ChannelKind.EMAIL, target=user.email)
                )
            for channel in robots.get(units.get(user.pk), []):
                if channel.pk not in seen_channels:
                    seen_channels.add(channel.pk)
                    deliveries.append(
                        Delivery(
                            notification=notification, kind=channel.kind, target=channel.url, channel=channel
                        )
                    )
    return deliveries


def _enqueue(delivery_id: int) -> None:
    from yancheng.core.tasks import deliver

    deliver.enqueue(delivery_id)


class DeliveryError(Exception):
    """A delivery did not arrive. `permanent` when trying again cannot help (a malformed address)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


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
                # A header cannot hold a line break: a title written over two lines is folded onto one.
                " ".join(notification.title.split()),
                f"{notification.body}\n\n{notification.link}".strip(),
                None,
                [delivery.target],
            )
        except OSError as error:  # smtplib's errors are OSErrors
            raise DeliveryError(str(error) or type(error).__name__) from error
        return
    url = delivery.target
    # Anything else (file://, ftp://) is refused: urllib would happily read a local file.
    if urllib.parse.urlsplit(url).scheme.lower() not in ("https", "http"):
        raise DeliveryError(f"webhook 地址必须以 https:// 或 http:// 开头：{url}", permanent=True)
    if delivery.kind == ChannelKind.DINGTALK:
        url = dingtalk_signed_url(url, delivery.channel.secret if delivery.channel else "")
    payload = json.dumps(robot_message(delivery.kind, notification), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    try:
        request = urllib.request.Request(url, data=payload, headers=headers)  # noqa: S310  (scheme checked)
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError, http.client.HTTPException) as error:
        # OSError: refused, timed out, HTTP 4xx/5xx (HTTPError); ValueError: not JSON;
        # HTTPException: a malformed or truncated HTTP answer.
        raise DeliveryError(str(error) or type(error).__name__) from error
    if not isinstance(answer, dict):
        raise DeliveryError(f"机器人的应答不是 JSON 对象：{answer!r:.200}")
    # Both robots answer HTTP 200 with errcode != 0 when they refuse a message (bad sign, rate limit).
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode={answer.get('errcode')} {answer.get('errmsg', '')}")
