"""The observation demo over the Hengyang demo: seven rounds over 58 distinct projects, as the city's
report counts them; six published; the trimming rule at work (seven observers)."""

import io

import pytest

from yancheng.core.management.commands.load_demo import Command
from yancheng.observations import demo, scoring
from yancheng.observations.models import ObservationRound, Site

pytestmark = pytest.mark.django_db


def test_seven_rounds_over_58_projects_and_a_second_load_adds_nothing():
    Command(stdout=io.StringIO()).handle()
    rounds = list(ObservationRound.objects.order_by("held_on"))
    assert len(rounds) == 7
    assert Site.objects.count() == 58 and Site.objects.values("project").distinct().count() == 58
    assert [r.state for r in rounds] == ["published"] * 6 + ["open"]
    results = scoring.results(rounds[0])
    assert all(r.observers == 7 and r.score is not None for r in results.sites)
    assert [r.rank for r in results.sites][0] == 1 and len(results.counties) >= 2
    assert demo.load(io.StringIO()) == "现场观摩：演示数据已存在。"
    assert ObservationRound.objects.count() == 7
