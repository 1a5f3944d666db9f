"""Notifications as a user notices them: the inbox, the e-mail, the DingTalk and WeCom group robots.

The robots are played by a local HTTP server that records what it receives; the worker's task is run
synchronously with `deliver.call`, and what it queues is read back from django-tasks-db's table."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yancheng.core import notify as notify_module
from yancheng.core.models import ChannelKind, Delivery, Notification, Person, WebhookChannel
from yancheng.core.notify import notify
from yancheng.core.roles import Role
from yancheng.core.tasks import deliver

DINGTALK_SECRET = "SECa1b2c3d4e5f6+/="  # the characters that must survive URL-encoding
TITLE = "【督办】营商环境投诉待办理"
BODY = "衡阳甲电子科技有限公司的投诉已转交贵单位，请于 5 个工作日内办结。"
LINK = "https://yancheng.example.cn/complaints/42/"


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Robot:
    """A stand-in group robot: records every request and answers with `status` and `answer`."""

    url: str = ""
    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    requests: list[Received] = field(default_factory=list)


@pytest.fixture
def robot():
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = urlsplit(self.path)
            state.requests.append(Received(parts.path, parse_qs(parts.query), dict(self.headers), body))
            reply = json.dumps(state.answer).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def official(users):
    """A unit official of the 市场监管局, the unit whose robots the tests set up."""
    return users[Role.UNIT_OFFICIAL]


@pytest.fixture
def channels(hengyang, robot):
    samr, eco = hengyang["units"]["samr"], hengyang["units"]["eco"]
    return {
        "dingtalk": WebhookChannel.objects.create(
            unit=samr,
            kind=ChannelKind.DINGTALK,
            url=f"{robot.url}/robot/send?access_token=samr-ding",
            secret=DINGTALK_SECRET,
        ),
        "wecom": WebhookChannel.objects.create(
            unit=samr, kind=ChannelKind.WECOM, url=f"{robot.url}/cgi-bin/webhook/send?key=samr-wecom"
        ),
        "inactive": WebhookChannel.objects.create(
            unit=samr, kind=ChannelKind.WECOM, url=f"{robot.url}/switched-off", active=False
        ),
        "other_unit": WebhookChannel.objects.create(
            unit=eco, kind=ChannelKind.WECOM, url=f"{robot.url}/cgi-bin/webhook/send?key=eco"
        ),
    }


def delivery_to(notification, kind) -> Delivery:
    return notification.deliveries.get(kind=kind)


def robot_delivery(official, channel) -> Delivery:
    """A pending delivery of a fresh notification to `official` over `channel` alone."""
    (message,) = notify([official], TITLE, BODY, LINK)
    return message.deliveries.get(channel=channel)


def retries_of(delivery) -> list[DBTaskResult]:
    return [r for r in DBTaskResult.objects.order_by("enqueued_at") if r.args_kwargs["args"] == [delivery.pk]]


# The inbox and who gets what.


def test_notify_puts_the_message_in_the_recipients_inbox_and_no_one_elses(users, official):
    (message,) = notify([official], TITLE, BODY, LINK)

    inbox = Notification.objects.for_user(official)
    assert list(inbox.values_list("title", "body", "link")) == [(TITLE, BODY, LINK)]
    assert list(inbox.unread()) == [message]
    for other in (users["other_official"], users[Role.ADMINISTRATOR], users[Role.ENTERPRISE_USER]):
        assert not Notification.objects.for_user(other).exists(), other
    assert not Notification.objects.for_user(AnonymousUser()).exists()


def test_notify_delivers_by_email_and_to_every_active_robot_of_the_recipients_unit(official, channels):
    (message,) = notify([official], TITLE, BODY, LINK)

    deliveries = {(d.kind, d.target, d.channel_id) for d in message.deliveries.all()}
    assert deliveries == {
        (ChannelKind.EMAIL, "official@example.cn", None),
        (ChannelKind.DINGTALK, channels["dingtalk"].url, channels["dingtalk"].pk),
        (ChannelKind.WECOM, channels["wecom"].url, channels["wecom"].pk),
    }  # neither the switched-off robot nor the 生态环境局's
    assert set(message.deliveries.values_list("status", "attempts")) == {(Delivery.Status.PENDING, 0)}


def test_no_email_without_an_address_and_no_robot_without_a_unit(users, official, channels):
    official.email = ""
    official.save()
    enterprise_user = users[Role.ENTERPRISE_USER]

    to_official, to_enterprise = notify([official, enterprise_user], TITLE)

    assert not to_official.deliveries.filter(kind=ChannelKind.EMAIL).exists()
    assert to_official.deliveries.count() == 2
    assert list(to_enterprise.deliveries.values_list("kind", "target")) == [
        (ChannelKind.EMAIL, "enterprise_a@example.cn")
    ]


def test_a_units_robot_is_posted_once_however_many_of_its_people_are_told(hengyang, official, channels):
    colleague = get_user_model().objects.create_user(username="official2", email="official2@example.cn")
    Person.objects.create(user=colleague, full_name="同事", unit=hengyang["units"]["samr"])

    messages = notify([official, colleague, official], TITLE, BODY)

    assert [m.recipient for m in messages] == [official, colleague]  # named twice, told once
    deliveries = Delivery.objects.filter(notification__in=messages)
    assert deliveries.filter(kind=ChannelKind.EMAIL).count() == 2
    assert deliveries.filter(channel=channels["dingtalk"]).count() == 1
    assert deliveries.filter(channel=channels["wecom"]).count() == 1


def test_deliveries_are_queued_only_once_the_action_commits_and_then_arrive(
    official, channels, robot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = notify([official], TITLE, BODY, LINK)
        assert not DBTaskResult.objects.exists()  # nothing queued while the action is still open

    queued = DBTaskResult.objects.all()
    assert sorted(r.args_kwargs["args"][0] for r in queued) == sorted(
        message.deliveries.values_list("pk", flat=True)
    )
    assert {r.task_path for r in queued} == {"yancheng.core.tasks.deliver"}
    assert DBTaskResult.objects.ready().count() == 3  # to be run at once, not deferred

    for row in queued:  # what the worker does with each row
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    assert [m.subject for m in mail.outbox] == [TITLE]
    assert sorted(r.path for r in robot.requests) == ["/cgi-bin/webhook/send", "/robot/send"]
    assert set(message.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_rolled_back_action_tells_no_one(
    official, channels, robot, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(notify_module, "_enqueue", enqueued.append)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([official], TITLE, BODY, LINK)
        raise RuntimeError("the action failed after notifying")

    assert callbacks == []
    assert enqueued == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
    assert robot.requests == []


# The worker's task: what arrives, and how.


def assert_sent_once(delivery):
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.last_error == ""
    assert timezone.now() - timedelta(minutes=1) < delivery.sent_at <= timezone.now()
    assert not DBTaskResult.objects.exists()  # no retry


def test_email_arrives_with_the_title_as_subject(official):
    (message,) = notify([official], TITLE, BODY, LINK)
    delivery = delivery_to(message, ChannelKind.EMAIL)

    assert deliver.call(delivery.pk) == Delivery.Status.SENT

    (email,) = mail.outbox
    assert email.subject == TITLE
    assert email.to == ["official@example.cn"]
    assert BODY in email.body and LINK in email.body
    assert_sent_once(delivery)


def test_a_title_over_two_lines_still_makes_a_valid_email(official):
    (message,) = notify([official], "第一行\n第二行")

    deliver.call(delivery_to(message, ChannelKind.EMAIL).pk)

    assert [m.subject for m in mail.outbox] == ["第一行 第二行"]


def test_dingtalk_gets_a_signed_markdown_message(official, channels, robot):
    delivery = robot_delivery(official, channels["dingtalk"])
    before_ms = int(time.time() * 1000)

    assert deliver.call(delivery.pk) == Delivery.Status.SENT

    (request,) = robot.requests
    assert request.path == "/robot/send"
    assert request.query["access_token"] == ["samr-ding"]
    (timestamp,) = request.query["timestamp"]
    assert before_ms - 1000 <= int(timestamp) <= int(time.time() * 1000) + 1000  # milliseconds, now
    expected = hmac.new(
        DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
    ).digest()
    assert request.query["sign"] == [base64.b64encode(expected).decode()]  # parse_qs URL-decoded it
    assert request.headers["Content-Type"].startswith("application/json")
    message = request.json()
    assert message["msgtype"] == "markdown"
    assert set(message["markdown"]) == {"title", "text"}
    assert message["markdown"]["title"] == TITLE
    text = message["markdown"]["text"]
    assert TITLE in text and BODY in text and LINK in text
    assert_sent_once(delivery)


def test_wecom_gets_a_markdown_message(official, channels, robot):
    delivery = robot_delivery(official, channels["wecom"])

    assert deliver.call(delivery.pk) == Delivery.Status.SENT

    (request,) = robot.requests
    assert request.path == "/cgi-bin/webhook/send"
    assert request.query == {"key": ["samr-wecom"]}  # WeCom robots are not signed
    message = request.json()
    assert message["msgtype"] == "markdown"
    assert set(message["markdown"]) == {"content"}
    content = message["markdown"]["content"]
    assert TITLE in content and BODY in content and LINK in content
    assert_sent_once(delivery)


def test_a_delivery_already_sent_is_not_sent_again(official, channels, robot):
    (message,) = notify([official], TITLE, BODY, LINK)
    for delivery in message.deliveries.all():
        deliver.call(delivery.pk)
    sent_at = dict(message.deliveries.values_list("pk", "sent_at"))

    for delivery in message.deliveries.all():  # the task runs again, e.g. queued twice
        assert deliver.call(delivery.pk) == Delivery.Status.SENT

    assert len(mail.outbox) == 1
    assert len(robot.requests) == 2
    assert dict(message.deliveries.values_list("pk", "sent_at")) == sent_at
    assert set(message.deliveries.values_list("attempts", flat=True)) == {1}


# Failures: recorded, retried later, given up on in the end.


def refuse_sign(robot, channel):
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    return ["310000", "sign not match"]


def answer_500(robot, channel):
    robot.status = 500
    return ["500"]


def close_port(robot, channel):
    channel.url = f"http://127.0.0.1:{closed_port()}/robot/send?access_token=samr-ding"
    channel.save()
    return ["refused"]


@pytest.mark.parametrize("failure", [refuse_sign, answer_500, close_port])
def test_a_failed_delivery_is_recorded_and_retried_later(official, channels, robot, failure):
    expected_errors = failure(robot, channels["dingtalk"])
    delivery = robot_delivery(official, channels["dingtalk"])

    before = timezone.now()
    assert deliver.call(delivery.pk) == Delivery.Status.PENDING

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (Delivery.Status.PENDING, 1, None)
    for expected in expected_errors:
        assert expected in delivery.last_error.lower()
    (retry,) = retries_of(delivery)
    assert retry.task_path == "yancheng.core.tasks.deliver"
    assert before + timedelta(minutes=1) <= retry.run_after <= timezone.now() + timedelta(minutes=1)
    assert not DBTaskResult.objects.ready().exists()  # not before then


def test_after_the_last_attempt_the_delivery_fails_and_is_not_retried(official, channels, robot, settings):
    robot.status = 500
    delivery = robot_delivery(official, channels["wecom"])
    attempts = settings.NOTIFY_MAX_ATTEMPTS
    assert attempts == 5

    for attempt in range(1, attempts):
        assert deliver.call(delivery.pk) == Delivery.Status.PENDING
        assert len(retries_of(delivery)) == attempt
    assert deliver.call(delivery.pk) == Delivery.Status.FAILED

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, attempts)
    assert "500" in delivery.last_error
    retries = retries_of(delivery)
    assert len(retries) == attempts - 1  # none after the last attempt
    waits = [r.run_after - r.enqueued_at for r in retries]
    assert waits == sorted(waits) and waits[0] < waits[-1]  # backing off
    assert len(robot.requests) == attempts

    assert deliver.call(delivery.pk) == Delivery.Status.FAILED  # a stray retry does nothing
    assert len(robot.requests) == attempts
    assert len(retries_of(delivery)) == attempts - 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://robot.example.cn/send", "oapi.dingtalk.com/x"])
def test_a_webhook_address_that_is_not_http_fails_clearly(official, channels, robot, url):
    channels["wecom"].url = url
    channels["wecom"].save()
    delivery = robot_delivery(official, channels["wecom"])

    assert deliver.call(delivery.pk) == Delivery.Status.FAILED  # no use trying again

    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "https://" in delivery.last_error and url in delivery.last_error
    assert retries_of(delivery) == []
    assert robot.requests == []


def test_a_robot_answering_garbage_is_a_recorded_failure(official, channels, robot):
    robot.answer = ["not", "an", "object"]
    delivery = robot_delivery(official, channels["wecom"])

    assert deliver.call(delivery.pk) == Delivery.Status.PENDING

    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "JSON" in delivery.last_error
    assert len(retries_of(delivery)) == 1


def test_an_unreachable_mail_server_is_a_recorded_failure(official, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    (message,) = notify([official], TITLE, BODY)
    delivery = delivery_to(message, ChannelKind.EMAIL)

    assert deliver.call(delivery.pk) == Delivery.Status.PENDING

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.sent_at) == (1, None)
    assert "refused" in delivery.last_error.lower()
    assert len(retries_of(delivery)) == 1


def test_a_delivery_whose_message_was_deleted_is_skipped(official):
    (message,) = notify([official], TITLE)
    delivery_id = delivery_to(message, ChannelKind.EMAIL).pk
    message.delete()

    assert deliver.call(delivery_id) == "missing"
    assert mail.outbox == []
