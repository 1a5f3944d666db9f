"""How a scheme turns the registry's figures into points, totals and ranks. Pure functions of the
figures, so a score can be recomputed and explained line by line.

- a line's points: all its weight at the target or beyond, none at the floor or beyond it the other
  way, in proportion between (the direction follows from which of the two is higher);
- a line with nothing to measure (no records) earns nothing and weighs nothing: the total is the points
  over the weights of the lines that were measured, out of 100 — a unit is not marked down, or up, for
  work it had none of;
- ranks are competition ranks (1, 2, 2, 4) on the total; a unit with nothing measured is not ranked."""

from dataclasses import dataclass


def points(value: float | None, weight: float, target: float, floor: float) -> float | None:
    if value is None:
        return None
    if target == floor:
        return weight if value >= target else 0.0
    share = (value - floor) / (target - floor)
    return round(weight * min(1.0, max(0.0, share)), 2)


def total(lines: list[tuple[float | None, float]]) -> float | None:
    """``lines``: (points or None, weight). Out of 100 over the measured lines' weights."""
    measured = [(p, w) for p, w in lines if p is not None]
    weights = sum(w for _p, w in measured)
    if not weights:
        return None
    return round(100 * sum(p for p, _w in measured) / weights, 2)


@dataclass(frozen=True)
class Ranked:
    subject: object
    total: float | None
    rank: int | None


def rank(totals: dict) -> list[Ranked]:
    """{subject: total} ranked highest first; ties share a rank; None unranked, last."""
    ordered = sorted(totals.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0)))
    ranked, previous, place = [], None, 0
    for n, (subject, value) in enumerate(ordered, start=1):
        if value is not None and value != previous:
            place, previous = n, value
        ranked.append(Ranked(subject, value, place if value is not None else None))
    return ranked
