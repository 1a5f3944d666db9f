"""A round's scores and rankings, derived on read (three queries, whatever the round's size).

- An observer's score of a site: the weighted mean of their criterion values (each 0–100) with the
  round's weights, so 0–100 too.
- A site's score: the mean of its observers' scores; with five observers or more (TRIM_FROM) the highest
  and the lowest are dropped first, so one generous or harsh observer cannot move a site alone.
- A county's score: the mean of its scored sites' scores.
Rankings are competition rankings (1, 2, 2, 4) on the scores rounded to two decimals."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .choices import TRIM_FROM
from .models import CriterionScore, Site

CENT = Decimal("0.01")


def weighted(values: dict, weights: dict) -> Decimal:
    """One observer's score of one site from their value per criterion and the criteria's weights."""
    total = sum(weights.values())
    return sum(Decimal(values[c]) * w for c, w in weights.items()) / total


def trimmed_mean(scores: list[Decimal]) -> Decimal | None:
    if not scores:
        return None
    kept = sorted(scores)[1:-1] if len(scores) >= TRIM_FROM else scores
    return (sum(kept) / len(kept)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class SiteResult:
    site: Site
    observers: int = 0
    score: Decimal | None = None
    rank: int | None = None


@dataclass
class CountyResult:
    code: str
    name: str
    sites: int = 0
    score: Decimal | None = None
    rank: int | None = None


@dataclass
class Results:
    sites: list = field(default_factory=list)
    counties: list = field(default_factory=list)


def rank(rows) -> list:
    """Rows with a score, best first, ranked 1, 2, 2, 4; rows without a score after them, unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: -r.score)
    for position, row in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        row.rank = previous.rank if previous is not None and previous.score == row.score else position
    return scored + [r for r in rows if r.score is None]


def results(observation_round) -> Results:
    weights = dict(observation_round.criteria.values_list("pk", "weight"))
    sites = list(observation_round.sites.select_related("project__region"))
    given: dict = defaultdict(lambda: defaultdict(dict))  # site -> observer -> criterion -> value
    for site_id, observer_id, criterion_id, value in CriterionScore.objects.filter(
        score__site__round=observation_round
    ).values_list("score__site_id", "score__observer_id", "criterion_id", "value"):
        given[site_id][observer_id][criterion_id] = value
    site_rows = []
    for site in sites:
        # A score counts when it covers every criterion of the round (the form asks for all of them).
        totals = [weighted(v, weights) for v in given[site.pk].values() if weights and set(v) >= set(weights)]
        site_rows.append(SiteResult(site, len(totals), trimmed_mean(totals)))
    by_county: dict = defaultdict(list)
    for row in site_rows:
        by_county[row.site.project.region].append(row)
    counties = []
    for region, rows in by_county.items():
        scores = [r.score for r in rows if r.score is not None]
        mean = (sum(scores) / len(scores)).quantize(CENT, rounding=ROUND_HALF_UP) if scores else None
        counties.append(CountyResult(region.code, region.name, len(rows), mean))
    return Results(sites=rank(site_rows), counties=rank(sorted(counties, key=lambda c: c.code)))
