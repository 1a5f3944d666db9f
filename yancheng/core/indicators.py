"""The indicator registry (architecture, "Patterns for the second wave", pattern 3; issue 13, item 3).

Each domain app declares, in its own ``indicators.py`` (imported by its ``AppConfig.ready``), the
figures it can compute from its own data: the share of visits checked in, requests replied to on time,
the projects' completion rate … Performance scoring and the leaders' screen read only this registry,
never another app's tables.

An indicator measures results (on time, closed, satisfied, completed), never activity: no indicator may
read the tables in ``ACTIVITY_SOURCES`` (logins, sessions, the audit log, notifications, page views,
uploads, history rows). A test asserts every registered indicator's ``sources`` and the SQL it runs.

Interface of an indicator, for any grouping it declares:

- ``compute(grouping, subject_ids, period, now=None) -> {subject id: Figure}``, for many subjects in a
  fixed number of grouped queries (never one query per subject); every subject asked for has a figure.
- ``records(grouping, subject_id, period, now=None) -> QuerySet``: exactly the records the figure
  counts (its denominator), each annotated with ``counted`` (True when it is in the numerator). An
  indicator whose numerator is a sum rather than a count of records (an investment, a score, months)
  also annotates ``part`` (what the record adds to the numerator) and ``whole`` (what it adds to the
  denominator); a median's records carry ``part`` (the duration the median is taken of).
- ``link(record) -> str``: the record's page.

``now`` (default: the platform clock) decides only what has fallen due by then: a request whose reply
deadline has not passed yet counts neither way, as the apps' own pages count it.
"""

import calendar
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yancheng.core import clock

# --- what no indicator may read ------------------------------------------------------------------

# Tables of activity, not results: sign-ins and sessions, the audit and admin logs, notifications and
# their deliveries, API tokens (their last use), imports and uploads, every scan attempt, the history
# rows of each record (who did what when), the escalation ladder's sent steps and reminders, lookups.
# visits.CheckEvent is not among them: one check-in per pass is the fact "this visit was made with a
# scanned green pass" that pass compliance measures, not a count of clicks.
ACTIVITY_SOURCES = frozenset(
    {
        "auth.User",  # last_login
        "sessions.Session",
        "admin.LogEntry",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "otp_totp.TOTPDevice",
        "core.AuditEntry",
        "core.Notification",
        "core.Delivery",
        "core.ApiToken",
        "core.ImportJob",
        "core.LadderStep",
        "core.LadderSerial",
        "visits.ScanAttempt",
        "visits.NoPassReportStep",
        "enterprise_requests.RequestEvent",
        "enterprise_requests.EscalationStep",
        "enterprise_requests.Attachment",
        "mortgage.LookupMisses",
        "projects.ProjectEvent",
        "projects.ReportReminder",
        "projects.ReportPhoto",
        "commitments.CommitmentEvent",
        "commitments.Evidence",
        "problems.ProblemEvent",
        "problems.ProblemEvidence",
        "monitoring.CameraEvent",
        "monitoring.Snapshot",
    }
)


# --- periods ---------------------------------------------------------------------------------------

QUARTER_NAMES = {1: _("第一季度"), 2: _("第二季度"), 3: _("第三季度"), 4: _("第四季度")}
PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year of local days (Asia/Shanghai): ``start`` and ``end`` included."""

    kind: str
    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(
            PeriodKind.MONTH, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter} is not 1-4")
        first = 3 * quarter - 2
        return cls(PeriodKind.QUARTER, date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """ "2026-11" (a month), "2026-Q4" (a quarter) or "2026" (a year); ValueError otherwise."""
        found = PERIOD_PATTERN.match((text or "").strip())
        if found is None:
            raise ValueError(f"not a period: {text!r} (expected 2026-11, 2026-Q4 or 2026)")
        year, month, quarter = found.groups()
        if month is not None:
            if not 1 <= int(month) <= 12:
                raise ValueError(f"not a month: {text!r}")
            return cls.month(int(year), int(month))
        if quarter is not None:
            return cls.quarter(int(year), int(quarter))
        return cls.year(int(year))

    @property
    def number(self) -> int:
        """The month (1-12) or the quarter (1-4) within the year; 0 for a year."""
        if self.kind == PeriodKind.MONTH:
            return self.start.month
        return (self.start.month + 2) // 3 if self.kind == PeriodKind.QUARTER else 0

    @property
    def code(self) -> str:
        """What ``parse`` reads back: 2026-11, 2026-Q4, 2026."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{self.number}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        """In Chinese: 2026年11月, 2026年第四季度, 2026年."""
        if self.kind == PeriodKind.MONTH:
            return gettext("%(year)d年%(month)d月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == PeriodKind.QUARTER:
            return gettext("%(year)d年%(quarter)s") % {
                "year": self.start.year,
                "quarter": QUARTER_NAMES[self.number],
            }
        return gettext("%(year)d年") % {"year": self.start.year}

    def __str__(self):
        return self.code

    @property
    def since(self) -> datetime:
        """Local midnight at the start of the first day (aware, Asia/Shanghai)."""
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def until(self) -> datetime:
        """Local midnight after the last day: a moment is in the period when since <= moment < until."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    def months(self) -> list["Period"]:
        """The months inside, in order (one for a month)."""
        return [Period.month(self.start.year, m) for m in range(self.start.month, self.end.month + 1)]

    def contains(self, moment: datetime | date) -> bool:
        if isinstance(moment, datetime):
            return self.since <= moment < self.until
        return self.start <= moment <= self.end


# --- indicators ------------------------------------------------------------------------------------


class Grouping(models.TextChoices):
    """Whom an indicator's figure is about: a unit (core.Unit id), a county (core.Region's GB/T 2260
    code) or a cadre (core.Person id)."""

    UNIT = "unit", _("单位")
    REGION = "region", _("区县")
    PERSON = "person", _("干部")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


@dataclass(frozen=True)
class Figure:
    """An indicator's value for one subject and period, in the indicator's measure (a "%" is 0-100).

    ``value`` is None when there is nothing to measure (no visits: no compliance rate, neither 0 nor 100).
    ``numerator`` / ``denominator`` let a page say "38 / 40" (a mean: its total and how many; a median:
    neither; an average held back below the office's minimum number of ratings: only how many).
    ``count``: how many records lie behind the figure (what ``records`` returns)."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    count: int = 0

    @classmethod
    def ratio(cls, part, whole, *, count: int | None = None) -> "Figure":
        """part / whole as a percentage; whole is the number of records unless ``count`` says otherwise.
        Nothing to divide by is nothing to measure, shown like a subject with no record at all."""
        if not whole:
            return cls(None, None, None, count or 0)
        return cls(100 * part / whole, part, whole, whole if count is None else count)

    @classmethod
    def tally(cls, n: int) -> "Figure":
        """A number of records (件): zero records is a measurement of 0, not "nothing to measure"."""
        return cls(n, n, None, n)


NOTHING = Figure(None)


@dataclass(frozen=True)
class Indicator:
    """One figure an app can compute. ``figures`` and ``rows`` are the app's functions behind
    ``compute`` and ``records``: ``figures(grouping, ids, period, now) -> {id: Figure}`` (subjects with
    nothing may be left out) and ``rows(grouping, id, period, now) -> QuerySet``."""

    code: str  # "visits.pass_compliance": the app's label, a dot, a name
    name: str
    measure: str  # "%", "分", "分钟", "件"
    direction: str
    groupings: frozenset
    sources: tuple[str, ...]  # model labels it reads, e.g. ("visits.Visit", "visits.VisitRequest")
    description: str  # how it is counted, one Chinese sentence shown beside a score
    figures: Callable = field(repr=False)
    rows: Callable = field(repr=False)
    link: Callable = field(repr=False)
    # What a subject with no record at all gets: nothing to measure, or for a tally zero.
    empty: Figure = NOTHING
    # False when the subject (the unit itself) must see the figure but never the single records behind
    # it: enterprises' ratings of a visiting unit (赋码保护: a unit never sees a single rating).
    records_shown_to_subject: bool = True

    def __str__(self):
        return str(self.name)

    def _grouping(self, grouping) -> Grouping:
        grouping = Grouping(grouping)
        if grouping not in self.groupings:
            raise ValueError(f"{self.code} is not computed by {grouping.value}")
        return grouping

    def compute(
        self, grouping, subject_ids: Iterable[Hashable], period: Period, *, now: datetime | None = None
    ) -> dict[Hashable, Figure]:
        """Every subject's figure, in a number of queries that does not depend on how many subjects."""
        grouping = self._grouping(grouping)
        ids = list(dict.fromkeys(subject_ids))
        found = self.figures(grouping, ids, period, now or clock.now()) if ids else {}
        return {subject: found.get(subject, self.empty) for subject in ids}

    def records(self, grouping, subject_id: Hashable, period: Period, *, now: datetime | None = None):
        """The records behind one subject's figure, each with ``counted`` (in the numerator)."""
        return self.rows(self._grouping(grouping), subject_id, period, now or clock.now())


registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator (from an app's indicators.py); a code is registered once."""
    known = registry.get(indicator.code)
    if known is not None and known is not indicator:
        raise ValueError(f"indicator {indicator.code} is already registered")
    registry[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    """The indicator of ``code``; KeyError for an unknown one."""
    return registry[code]


def for_grouping(grouping) -> list[Indicator]:
    """The indicators computed for ``grouping``, in the order they were registered."""
    grouping = Grouping(grouping)
    return [indicator for indicator in registry.values() if grouping in indicator.groupings]


# --- helpers for the apps' indicators --------------------------------------------------------------


# Up to this many subjects a compute filters its rows by them; beyond, it groups every subject's rows and
# keeps those asked for. A list of a thousand ids in ``unit_id IN (…)`` made SQLite walk the unit index
# over all time (every request of those units, then each one's visit) instead of the period's rows: a
# year's joint-visit share for 1,000 units took 10 s at 300,000 visits, grouped without it 0.5 s.
FILTER_LIMIT = 100


def among(key: str, ids: list) -> models.Q:
    """The rows of the subjects ``ids`` (``key`` seen from the rows), or of every subject when there are
    many (``Indicator.compute`` returns only the ones asked for)."""
    if len(ids) <= FILTER_LIMIT:
        return models.Q(**{f"{key}__in": ids})
    return models.Q(**{f"{key}__isnull": False})


def grouped(queryset, key: str, **figures) -> dict[Hashable, dict]:
    """{group: {figure: value}} from ONE grouped query: ``values(key).annotate(**figures)``."""
    # An alias no model has as a field (enterprise requests have a ``subject``).
    rows = queryset.order_by().values(indicator_subject=models.F(key)).annotate(**figures)
    return {row.pop("indicator_subject"): row for row in rows.values("indicator_subject", *figures)}


def flag(condition: models.Q) -> models.Case:
    """A boolean annotation (``counted``) from a Q: True or False, never NULL (a comparison with an
    empty column is NULL in SQL)."""
    return models.Case(
        models.When(condition, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


def share(rows: Callable, key: dict, part: models.Q) -> tuple[Callable, Callable]:
    """The ``figures`` and ``rows`` of an indicator that is a share of records: of ``rows(period,
    now)`` (every subject's records the period counts), those matching ``part``; each subject's records
    by ``key[grouping]`` (the subject seen from the rows)."""

    def figures(grouping, ids, period, now):
        counts = grouped(
            rows(period, now).filter(among(key[grouping], ids)),
            key[grouping],
            counted=models.Count("pk"),
            part=models.Count("pk", filter=part),
        )
        return {subject: Figure.ratio(row["part"], row["counted"]) for subject, row in counts.items()}

    def records(grouping, subject, period, now):
        return rows(period, now).filter(among(key[grouping], [subject])).annotate(counted=flag(part))

    return figures, records
