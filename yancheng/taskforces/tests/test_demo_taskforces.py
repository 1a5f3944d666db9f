"""The task-force demo over the Hengyang demo: the seed's 24 major-project and 20 key-task task forces
with the three named key tasks, a year of work, a few stalled with the unit named, this period left to
file; loads once."""

import io

import pytest
from django.utils import timezone

from yancheng.core import clock
from yancheng.core.management.commands.load_demo import Command
from yancheng.taskforces import actions, demo, stalls
from yancheng.taskforces.choices import PROFILED_FROM, Kind
from yancheng.taskforces.models import Assessment, Cadre, CheckIn, Decision, Stall, TaskForce

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_seeds_first_batch_a_year_of_work_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    assert TaskForce.objects.filter(kind=Kind.MAJOR_PROJECT).count() == 24
    assert TaskForce.objects.filter(kind=Kind.KEY_TASK).count() == 20
    for name in ("城区管理体制改革", "行政区划调整", "输变电产业集群申报国家专项"):
        assert TaskForce.objects.filter(name=name).exists(), name
    assert all(tf.projects.count() == 1 for tf in TaskForce.objects.filter(kind=Kind.MAJOR_PROJECT))
    now = clock.now()
    stalled = TaskForce.objects.filter(stalls.stalled_task_forces(now))
    assert 2 <= stalled.count() <= 20
    assert Stall.objects.filter(ended_at=None).exists() and Stall.objects.exclude(ended_at=None).exists()
    assert CheckIn.objects.exists() and Decision.objects.exists() and Assessment.objects.exists()
    # This period is left for a member to file.
    for tf in TaskForce.objects.all():
        assert not tf.check_ins.filter(
            period_start=actions.period_start(timezone.localdate(now), tf.cadence)
        ).exists()
    # The browser test's member files for the 输变电 task force; the leader there assesses them.
    power = TaskForce.objects.get(name="输变电产业集群申报国家专项")
    member = Cadre.objects.get(person__user__username="fagaiwei")
    assert member.rank >= PROFILED_FROM and power.members.filter(cadre=member).exists()
    assert power.leader.user.username == "leader"
    assert demo.load(io.StringIO()) == "专班推进：演示数据已存在。"
