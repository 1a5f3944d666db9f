"""The problems demo over the Hengyang demo: 40+ open and closed problems with evidence, from every
source, some overdue; loaded once."""

import io

import pytest

from yancheng.core import clock
from yancheng.core.management.commands.load_demo import Command
from yancheng.problems import demo, figures
from yancheng.problems.models import Problem

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_source_some_overdue_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    problems = Problem.objects.all()
    assert problems.count() >= 40
    assert set(problems.values_list("state", flat=True)) == {"open", "resolved", "closed"}
    assert set(problems.values_list("source", flat=True)) == {"report", "observation", "owner", "leader", "supervision", "unit"}  # fmt: skip
    assert figures.overdue(problems, clock.now().date()).count() >= 5
    assert all(p.evidence.exists() for p in problems.filter(state__in=["resolved", "closed"]))
    assert all(p.site.project_id == p.project_id for p in problems.filter(source="observation"))
    assert all(p.report.project_id == p.project_id for p in problems.filter(source="report"))
    assert problems.filter(reopened_at__isnull=False).exists()
    assert problems.filter(raised_by__username="yezhu").exists()  # the owner's demo login has its own
    assert demo.load(io.StringIO()) == "问题清单：演示数据已存在。"
