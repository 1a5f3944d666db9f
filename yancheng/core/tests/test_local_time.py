"""Every time a page shows is Hengyang's (Asia/Shanghai), whether a template or Python wrote it."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from yancheng.core import audit
from yancheng.core.models import AuditEntry, Notification
from yancheng.core.roles import Role

# 01:30 UTC is 09:30 in Hengyang, eight hours ahead.
INSTANT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@pytest.fixture
def at_instant(monkeypatch, users):
    monkeypatch.setattr(timezone, "now", lambda: INSTANT)
    return INSTANT


def test_home_and_inbox_show_message_times_in_shanghai(client, users, at_instant):
    official = users[Role.UNIT_OFFICIAL]
    Notification.objects.create(recipient=official, title="请处理访企申请")
    client.force_login(official)

    home = client.get(reverse("home")).content.decode()
    assert "03-02 09:30" in home
    assert "01:30" not in home

    inbox = client.get(reverse("inbox")).content.decode()
    assert "2026-03-02 09:30" in inbox
    assert "01:30" not in inbox


def test_security_events_and_audit_log_in_shanghai(client, users, at_instant):
    admin = users[Role.ADMINISTRATOR]
    audit.record("login_failed", None, actor=None, actor_label="intruder")
    client.force_login(admin)

    home = client.get(reverse("home")).content.decode()
    assert "03-02 09:30" in home
    assert "01:30" not in home

    entry = AuditEntry.objects.get(action="login_failed")
    page = client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).content.decode()
    assert "2026-03-02 09:30:00" in page
    assert "01:30" not in page


def test_no_time_of_day_is_formatted_without_the_local_zone():
    """Python text with a time of day goes through clock.local_text: an f-string `{moment:%H:%M}` prints
    the stored UTC value, eight hours off."""
    root = Path(__file__).resolve().parents[2]
    bare = re.compile(r"\{[\w.()\[\]]+:[^{}]*%H|strftime\([^)]*%H")
    # The certificate converts to its own LOCAL_ZONE (Asia/Shanghai) one line before it formats.
    converted = {"mortgage/certificate.py"}
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts and str(path.relative_to(root)) not in converted
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if bare.search(line)
    ]
    assert offenders == []
