"""The observation demo: Hengyang's seven rounds of 2026 over 58 projects of the demo ledger, as its
2023 report counts them, scored by seven observers (the city leaders and the commission's official, so
the trimming rule applies); six published, the November round still being scored.

Loaded over the projects demo; safe to run twice (a round is found by its name)."""

import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from yancheng.core import clock
from yancheng.core.models import Person
from yancheng.projects.choices import Stage
from yancheng.projects.models import Project

from . import actions
from .choices import DEFAULT_CRITERIA, RoundState
from .models import CriterionScore, ObservationRound, Score

SEED = 430400 + 12
COMMISSION_LOGIN = "fagaiwei"
OBSERVER_LOGINS = [
    "leader",
    "leader-tan",
    "leader-he",
    "leader-luo",
    "leader-zeng",
    "leader-yi",
    COMMISSION_LOGIN,
]
# (month, day, sites): 58 sites over seven rounds.
ROUNDS = [(3, 18, 8), (4, 22, 8), (5, 20, 8), (6, 17, 8), (8, 19, 8), (9, 23, 9), (11, 25, 9)]
SCORED_IN_OPEN_ROUND = 3  # observers who have scored the November round so far


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _name(month: int) -> str:
    return f"2026年{month}月重大项目现场观摩"


def _load() -> str:
    User = get_user_model()
    commission = User.objects.filter(username=COMMISSION_LOGIN).first()
    people = {
        p.user.username: p
        for p in Person.objects.filter(user__username__in=OBSERVER_LOGINS).select_related("user")
    }
    candidates = list(
        Project.objects.filter(stage__in=[Stage.NEW_START, Stage.CONTINUING, Stage.COMPLETED]).order_by(
            "code"
        )
    )
    if (
        commission is None
        or len(people) < len(OBSERVER_LOGINS)
        or len(candidates) < sum(n for *_r, n in ROUNDS)
    ):
        return "现场观摩：缺少重大项目或观摩人员（请先载入重大项目演示数据），未载入。"
    if ObservationRound.objects.filter(name=_name(ROUNDS[0][0])).exists():
        return "现场观摩：演示数据已存在。"
    rng = random.Random(SEED)
    chosen = rng.sample(candidates, sum(n for *_r, n in ROUNDS))
    observers = [people[login] for login in OBSERVER_LOGINS]
    quality = {p.pk: rng.uniform(68, 94) for p in chosen}  # how well a site is doing, as observers see it
    scores = 0
    for number, (month, day, size) in enumerate(ROUNDS):
        sites, chosen = chosen[:size], chosen[size:]
        observation_round = actions.create_round(
            by=commission, name=_name(month), held_on=date(2026, month, day), projects=sites,
            observers=observers, criteria=DEFAULT_CRITERIA,
        )  # fmt: skip
        last = number == len(ROUNDS) - 1
        scores += _score(observation_round, quality, rng, SCORED_IN_OPEN_ROUND if last else None)
        if not last:
            observation_round.state = RoundState.PUBLISHED
            observation_round.published_at = _at(date(2026, month, day) + timedelta(days=3), 17)
            observation_round.save(update_fields=["state", "published_at"])
    return f"现场观摩：{len(ROUNDS)} 次观摩活动，{sum(n for *_r, n in ROUNDS)} 个项目，{scores} 份评分。"


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.now().tzinfo)


def _score(observation_round, quality, rng, observers_scoring) -> int:
    """Every observer's score of every site (the first `observers_scoring` only, for an open round):
    the site's quality, the observer's leniency, a little noise per criterion."""
    criteria = list(observation_round.criteria.all())
    observers = list(observation_round.observers.all())[:observers_scoring]
    held = observation_round.held_on
    made, leniency = [], {}
    for observer in observers:
        leniency[observer.pk] = rng.uniform(-6, 6)
        for k, site in enumerate(observation_round.sites.all()):
            made.append(Score(site=site, observer=observer, scored_at=_at(held, 9 + k // 3)))
    Score.objects.bulk_create(made)
    values = []
    for score in Score.objects.filter(site__round=observation_round).select_related("site"):
        base = quality[score.site.project_id] + leniency[score.observer_id] + rng.uniform(-4, 4)
        for criterion in criteria:
            value = round(min(100, max(40, base + rng.uniform(-5, 5))))
            values.append(CriterionScore(score=score, criterion=criterion, value=value))
    CriterionScore.objects.bulk_create(values)
    return len(made)
