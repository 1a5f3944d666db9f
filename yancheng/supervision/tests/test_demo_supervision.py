"""The supervision demo over the Hengyang demo: a year of items from the seed's key work in every
state and light, with their evidence, and three one-click dispatches to the 12 counties; loaded once."""

import io

import pytest

from yancheng.core.management.commands.load_demo import Command
from yancheng.supervision import demo, lights
from yancheng.supervision.models import Dispatch, Item

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_seeds_work_in_every_state_and_light_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    items = Item.objects.all()
    assert items.count() >= 60
    titles = set(items.values_list("title", flat=True))
    assert {
        "危险化学品安全生产专业委员会年度重点工作",
        "全面整治“渣土”运输秩序",
        "城区管理体制改革",
        "输变电产业集群申报国家专项",
    } <= titles
    assert set(items.values_list("state", flat=True)) == {
        "assigned",
        "in_progress",
        "close_requested",
        "closed",
    }
    found = set(lights.annotate(items).values_list("light", flat=True))
    assert found == {"red", "yellow", "green", None}
    assert all(
        i.files.filter(kind="closing").exists() for i in items.filter(state__in=["close_requested", "closed"])
    )
    assert all(i.assignments.exists() for i in items)
    dispatches = Dispatch.objects.all()
    assert dispatches.count() == 3 and all(d.items.count() == 12 for d in dispatches)
    newest = dispatches.order_by("-created_at").first()
    signed = newest.items.filter(assignments__signed_at__isnull=False).count()
    assert 0 < signed < 12  # being signed for now
    assert demo.load(io.StringIO()) == "督办件：演示数据已存在。"
