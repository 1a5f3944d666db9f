"""The commitments demo over the Hengyang demo: 60+ commitments, some overdue, some late, every state."""

import io

import pytest

from yancheng.commitments import demo, figures
from yancheng.commitments.models import Commitment
from yancheng.core import clock
from yancheng.core.management.commands.load_demo import Command

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_some_late_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    today = clock.now().date()
    assert Commitment.objects.count() >= 60
    assert set(Commitment.objects.values_list("state", flat=True)) == {
        "open",
        "fulfilled",
        "confirmed",
        "disputed",
    }
    assert figures.overdue(Commitment.objects.all(), today).count() >= 5
    rows = figures.fulfilment(Commitment.objects.all(), "unit", today)
    assert sum(r.late for r in rows) >= 3 and sum(r.on_time for r in rows) >= 20
    assert all(c.evidence.exists() for c in Commitment.objects.filter(state="confirmed"))
    assert demo.load(io.StringIO()) == "承诺兑现：演示数据已存在。"
