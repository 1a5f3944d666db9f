"""The performance demo over the Hengyang demo: three schemes, one revised; every month so far scored
from the demo's own records and published, the year scored; objections decided and waiting; once."""

import io

import pytest
from django.utils import timezone

from yancheng.core import clock
from yancheng.core.management.commands.load_demo import Command
from yancheng.performance import demo
from yancheng.performance.models import Objection, Scheme, Score, Scorecard

pytestmark = pytest.mark.django_db


def test_the_demo_scores_every_kind_of_unit_from_the_platforms_records_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    assert set(Scheme.objects.values_list("unit_kind", flat=True)) == {
        "department",
        "county_government",
        "park",
    }
    departments = Scheme.objects.get(unit_kind="department")
    assert list(departments.versions.values_list("number", flat=True)) == [1, 2]
    assert departments.versions.get(number=2).reason
    today = timezone.localdate(clock.now())
    year = Scorecard.objects.get(scheme=departments, period=str(today.year))
    assert year.version.number == 1 and year.published_at is None
    scores = Score.objects.filter(scorecard=year)
    assert scores.count() >= 15 and scores.filter(total__isnull=False).count() >= 12
    assert len(set(scores.values_list("total", flat=True))) > 5  # the units differ: the figures are real
    months = Scorecard.objects.filter(scheme__unit_kind="county_government", period__regex=r"^\d{4}-\d{2}$")
    assert months.count() >= 1 and all(card.scores.count() == 12 for card in months)
    ended = months.exclude(period=f"{today:%Y-%m}")  # the month under way is the office's draft
    assert ended.exists() and all(card.published_at is not None for card in ended)
    assert set(Objection.objects.values_list("state", flat=True)) == {"upheld", "pending"}
    assert demo.load(io.StringIO()) == "绩效考核：演示数据已存在。"
