"""What every indicator owes, checked the same way for each app's indicators (their tests call this):

- compute for several subjects at once equals compute for each alone, and with many more subjects asked;
- compute's number of queries does not grow with the number of subjects;
- ``records`` are exactly the records behind the figure: as many as ``Figure.count``, the counted ones
  (or their ``part``) adding up to the numerator, their ``whole`` (or one each) to the denominator;
- every record has a link.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yancheng.core.indicators import FILTER_LIMIT, Indicator, Period


def queries_of(function) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, len(captured)


def check_contract(indicator: Indicator, grouping, subjects: list, period: Period, now) -> dict:
    """Run the checks above; return the figures of all ``subjects`` (computed at once)."""
    together, queries = queries_of(lambda: indicator.compute(grouping, subjects, period, now=now))
    assert set(together) == set(subjects)
    # Past FILTER_LIMIT subjects compute groups everyone's rows instead of filtering: the same figures.
    padding = [_unknown(subjects[0], n) for n in range(FILTER_LIMIT + 1)]
    many = indicator.compute(grouping, [*subjects, *padding], period, now=now)
    assert {s: many[s] for s in subjects} == together, indicator.code
    assert all(many[p] == indicator.empty for p in padding), indicator.code
    alone_queries = []
    for subject in subjects:
        alone, queries_alone = queries_of(lambda s=subject: indicator.compute(grouping, [s], period, now=now))
        assert alone == {subject: together[subject]}, (indicator.code, subject)
        alone_queries.append(queries_alone)
        _check_records(indicator, grouping, subject, period, now, together[subject])
    # All subjects at once cost no more than the dearest one alone (a subject with no record may save
    # the query for the names).
    assert queries <= max(alone_queries), (
        indicator.code,
        "queries grow with the subjects",
        alone_queries,
        queries,
    )
    return together


def _unknown(example, n):
    """An id no subject has, of the same type as ``example`` (a region's code is text)."""
    return f"9{n:05d}" if isinstance(example, str) else 10**9 + n


def _check_records(indicator, grouping, subject, period, now, figure):
    records = list(indicator.records(grouping, subject, period, now=now))
    assert len(records) == figure.count, (indicator.code, subject, len(records), figure)
    assert all(isinstance(r.counted, bool) for r in records), indicator.code
    if figure.numerator is not None:
        parts = [getattr(r, "part", int(r.counted)) for r in records]
        assert sum(parts) == figure.numerator, (indicator.code, subject, parts, figure)
    if figure.denominator is not None and figure.numerator is not None:
        weights = [getattr(r, "whole", 1) for r in records]
        assert sum(weights) == figure.denominator, (indicator.code, subject, weights, figure)
    for record in records:
        assert indicator.link(record).startswith("/"), indicator.code
