"""Scores follow from the platform's data: each line's value is the registry's figure, its points the
scheme's mapping, the total and the rank computed from them; a score opens to its lines and each line
to exactly the records behind it; a period is scored by the version in force when it began."""

from datetime import date

import pytest

from conftest import database_fingerprint
from yancheng.core import indicators
from yancheng.core.actions import ActionRefused
from yancheng.core.indicators import Period
from yancheng.core.roles import Role
from yancheng.performance import actions, scoring
from yancheng.performance.actions import Line
from yancheng.performance.models import Score

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


@pytest.mark.parametrize(
    "value, weight, target, floor, points",
    [(None, 10, 100, 0, None), (100, 10, 100, 0, 10), (120, 10, 100, 0, 10), (50, 10, 100, 0, 5), (-5, 10, 100, 0, 0),
     (30, 10, 10, 60, 6), (5, 10, 10, 60, 10), (75, 10, 10, 60, 0), (3, 10, 3, 3, 10), (2, 10, 3, 3, 0)],
)  # fmt: skip
def test_a_value_maps_to_points_between_floor_and_target_either_way(value, weight, target, floor, points):
    assert scoring.points(value, weight, target, floor) == points


def test_the_total_is_out_of_100_over_the_measured_lines_and_ties_share_a_rank():
    assert scoring.total([(30, 60), (None, 40)]) == 50.0  # 30 of the 60 measured
    assert scoring.total([(None, 60)]) is None
    ranked = scoring.rank({"a": 80.0, "b": 90.0, "c": 80.0, "d": None, "e": 70.0})
    assert [(r.subject, r.rank) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("e", 4), ("d", None)]


def test_every_units_score_follows_from_the_raw_rows(november, scheme, users, hengyang):
    units = hengyang["units"]
    card = actions.compute(scheme, NOVEMBER, by=users[Role.PERFORMANCE_OFFICE])
    scores = {s.unit.code: s for s in Score.objects.filter(scorecard=card).select_related("unit")}
    assert set(scores) == {"samr", "eco"}  # the departments: every unit of the scheme's kind
    # samr: closed on time 2 of 3 = 66.67% → 40 of 60; signed 3 of 3 = 100% → 40 of 40; total 80.
    # eco: closed 1 of 2 = 50% → 30; signed 1 of 2 = 50% → 0 (the floor); total 30.
    samr, eco = scores["samr"], scores["eco"]
    assert [(line.line.indicator, line.numerator, line.denominator, line.points) for line in samr.lines.all()] == [
        ("supervision.closed_on_time", 2, 3, 40.0), ("supervision.signed_on_time", 3, 3, 40.0),
    ]  # fmt: skip
    assert (samr.total, samr.rank, eco.total, eco.rank) == (80.0, 1, 30.0, 2)
    for line in samr.lines.all():  # each line is the registry's figure, and opens to its records
        figure = indicators.get(line.line.indicator).compute(
            "unit", [units["samr"].pk], NOVEMBER, now=card.computed_at
        )
        assert (line.value, line.count) == (figure[units["samr"].pk].value, figure[units["samr"].pk].count)
        records = indicators.get(line.line.indicator).records(
            "unit", units["samr"].pk, NOVEMBER, now=card.computed_at
        )
        assert sum(r.counted for r in records) == line.numerator and len(records) == line.count


def test_a_period_is_scored_by_the_version_in_force_when_it_began(november, scheme, users):
    office = users[Role.PERFORMANCE_OFFICE]
    two = actions.publish_version(
        scheme, by=office, in_force_from=date(2026, 12, 1), reason="加大按期办结权重",
        lines=[Line("supervision.closed_on_time", 100, 100, 0)],
    )  # fmt: skip
    assert actions.compute(scheme, NOVEMBER, by=office).version.number == 1
    december = actions.compute(scheme, Period.month(2026, 12), by=office)
    assert december.version == two and two.number == 2
    year = actions.compute(scheme, Period.year(2026), by=office)
    assert year.version.number == 1  # the year began under version 1


def test_a_new_version_needs_a_reason_and_may_not_reach_back_into_a_published_month(november, scheme, users):
    office = users[Role.PERFORMANCE_OFFICE]
    actions.publish(actions.compute(scheme, NOVEMBER, by=office), by=office)
    line = [Line("supervision.closed_on_time", 100, 100, 0)]
    for kwargs, code in [
        ({"in_force_from": date(2026, 12, 1), "reason": ""}, "reason"),
        ({"in_force_from": date(2026, 11, 1), "reason": "追溯调整"}, "in_force_from"),
        (
            {"in_force_from": date(2027, 1, 1), "reason": "x", "lines": [Line("visits.logins", 10, 1, 0)]},
            "indicator",
        ),
        ({"in_force_from": date(2027, 1, 1), "reason": "x", "lines": line * 2}, "lines"),
    ]:
        before = database_fingerprint()
        with pytest.raises(ActionRefused) as refusal:
            actions.publish_version(scheme, by=office, **{"lines": line, **kwargs})
        assert refusal.value.code == code and database_fingerprint() == before
    with pytest.raises(ActionRefused, match="绩效办"):
        actions.publish_version(
            scheme, by=users[Role.SUPERVISION_OFFICE], in_force_from=date(2027, 1, 1), lines=line, reason="x"
        )


def test_a_published_scorecard_never_changes(november, scheme, users):
    office = users[Role.PERFORMANCE_OFFICE]
    card = actions.publish(actions.compute(scheme, NOVEMBER, by=office), by=office)
    with pytest.raises(ActionRefused) as refusal:
        actions.compute(scheme, NOVEMBER, by=office)
    assert refusal.value.code == "published"
    assert card.objections_until.date() == date(2026, 12, 9)  # five working days after 2 December
