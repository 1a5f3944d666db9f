"""Scoring: the weighted mean over criteria, the trimmed mean over observers, the rankings."""

from decimal import Decimal

import pytest

from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry
from yancheng.observations import actions, scoring
from yancheng.observations.models import Score

pytestmark = pytest.mark.django_db


def _values(observation_round, *points):
    return dict(zip(observation_round.criteria.values_list("pk", flat=True), points, strict=True))


def _score(observation_round, site, user, *points):
    return actions.score_site(site, by=user, values=_values(observation_round, *points))


def test_an_observers_score_is_the_weighted_mean_of_the_criteria(at, make_project, round_of, observers):
    observation_round = round_of([make_project()])
    site = observation_round.sites.get()
    _score(observation_round, site, observers[0], 90, 80, 70, 100)  # weights 30 30 20 20
    [row] = scoring.results(observation_round).sites
    assert row.score == Decimal("85.00")  # (90*30 + 80*30 + 70*20 + 100*20) / 100
    assert (row.observers, row.rank) == (1, 1)


def test_with_five_observers_the_highest_and_lowest_are_dropped(at, make_project, round_of, observers):
    observation_round = round_of([make_project()])
    site = observation_round.sites.get()
    for user, points in zip(observers[:4], (60, 70, 80, 100), strict=True):
        _score(observation_round, site, user, points, points, points, points)
    assert scoring.results(observation_round).sites[0].score == Decimal("77.50")  # four: a plain mean
    _score(observation_round, site, observers[4], 0, 0, 0, 0)
    # Five: 0 and 100 dropped, the mean of 60, 70, 80.
    assert scoring.results(observation_round).sites[0].score == Decimal("70.00")


def test_sites_and_counties_are_ranked_with_ties(at, make_project, round_of, observers):
    a = make_project(region="zhuhui", name="甲")
    b = make_project(region="zhuhui", name="乙")
    c = make_project(region="leiyang", name="丙")
    d = make_project(region="leiyang", name="丁")
    observation_round = round_of([a, b, c, d])
    sites = {s.project.name: s for s in observation_round.sites.select_related("project")}
    for name, points in {"甲": 90, "乙": 70, "丙": 90}.items():
        _score(observation_round, sites[name], observers[0], points, points, points, points)
    results = scoring.results(observation_round)
    assert [(r.site.project.name, r.score, r.rank) for r in results.sites] == [
        ("甲", Decimal("90.00"), 1),
        ("丙", Decimal("90.00"), 1),
        ("乙", Decimal("70.00"), 3),
        ("丁", None, None),  # not scored yet: listed last, unranked
    ]
    # 珠晖区: mean of 90 and 70; 耒阳市: 90 (丁 unscored does not count).
    assert [(r.name, r.score, r.rank, r.sites) for r in results.counties] == [
        ("耒阳市", Decimal("90.00"), 1, 2),
        ("珠晖区", Decimal("80.00"), 2, 2),
    ]


def test_scoring_again_corrects_the_score_and_is_audited(at, make_project, round_of, observers):
    observation_round = round_of([make_project()])
    site = observation_round.sites.get()
    _score(observation_round, site, observers[0], 50, 50, 50, 50)
    _score(observation_round, site, observers[0], 80, 80, 80, 80)
    assert Score.objects.count() == 1
    assert scoring.results(observation_round).sites[0].score == Decimal("80.00")
    assert AuditEntry.objects.filter(action="observation_scored").count() == 2


def test_only_the_rounds_observers_score_and_only_while_it_is_open(
    at, make_project, round_of, observers, users, ledger
):
    from yancheng.core.roles import Role

    observation_round = round_of([make_project()], people=observers[:2])
    site = observation_round.sites.get()
    with pytest.raises(ActionRefused, match="不是本次观摩的观摩人员"):
        _score(observation_round, site, users[Role.UNIT_OFFICIAL], 80, 80, 80, 80)
    with pytest.raises(ActionRefused, match="0 到 100"):
        _score(observation_round, site, observers[0], 80, 80, 80, 101)
    with pytest.raises(ActionRefused, match="还没有任何评分"):
        actions.publish(observation_round, by=ledger["commission"])
    _score(observation_round, site, observers[0], 80, 80, 80, 80)
    with pytest.raises(ActionRefused):
        actions.publish(observation_round, by=users[Role.LEADER])
    actions.publish(observation_round, by=ledger["commission"])
    observation_round.refresh_from_db()
    with pytest.raises(ActionRefused, match="已发布"):
        _score(observation_round, site, observers[1], 80, 80, 80, 80)
    assert Score.objects.count() == 1


def test_a_round_needs_sites_observers_and_weights_summing_to_100(at, make_project, ledger, users, observers):
    from datetime import date

    from yancheng.core.roles import Role

    def create(by=ledger["commission"], projects=None, people=None, criteria=(("进度", 60), ("质量", 40))):
        return actions.create_round(
            by=by, name="观摩", held_on=date(2026, 12, 2), projects=[make_project()] if projects is None else projects,
            observers=[u.person for u in (people or observers)], criteria=list(criteria),
        )  # fmt: skip

    with pytest.raises(ActionRefused, match="只有市发展改革委"):
        create(by=users[Role.LEADER])
    with pytest.raises(ActionRefused, match="至少选择一个观摩项目"):
        create(projects=[])
    with pytest.raises(ActionRefused, match="合计 100"):
        create(criteria=[("进度", 60), ("质量", 30)])
    with pytest.raises(ActionRefused, match="不能为空或重复"):
        create(criteria=[("进度", 50), ("进度", 50)])
    assert create().criteria.count() == 2
