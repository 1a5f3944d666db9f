"""Chinese working days, for deadlines such as "within 5 working days".

Where a day's status comes from, strongest first:

1. the ``CalendarOverride`` table, which an administrator fills in from the State Council's yearly
   notice (放假安排) — so a correction, or a year the package does not know yet, needs no deploy;
2. the ``chinese-calendar`` package, for the years it knows;
3. for any other year, a fallback: Saturdays and Sundays are rest days, and so are the holidays whose
   Gregorian date is fixed by law. Lunar holidays and the adjusted weekends (调休) around them are only
   known once the notice is out, so they must be entered in the override table.

Code that checks many days loads the overrides for the whole range once (``load_overrides``) and
passes them to ``is_workday``, so a loop over days never makes one query per day. A page that asks
about many deadlines (a list of requests with their states) wraps itself in ``preloaded(start, end)``:
inside it, every question about days in that range is answered from one query.
"""

from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone

from yancheng.core.models import CalendarOverride

# (month, day) of the statutory holidays with a fixed Gregorian date (《全国年节及纪念日放假办法》,
# as revised in 2024): 元旦 1 Jan, 劳动节 1–2 May, 国庆节 1–3 Oct.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})

ONE_DAY = timedelta(days=1)


_preloaded: ContextVar = ContextVar("workdays_preloaded", default=None)


def _query_overrides(start: date, end: date) -> dict[date, bool]:
    rows = CalendarOverride.objects.filter(day__range=(start, end)).values_list("day", "is_workday")
    return dict(rows)


def load_overrides(start: date, end: date) -> dict[date, bool]:
    """The override rows for ``start``..``end`` (both included), in one query: ``{day: is_workday}``
    (or none, inside a ``preloaded`` block that covers the range)."""
    loaded = _preloaded.get()
    if loaded is not None and loaded[0] <= start and end <= loaded[1]:
        return {day: working for day, working in loaded[2].items() if start <= day <= end}
    return _query_overrides(start, end)


@contextmanager
def preloaded(start: date, end: date):
    """Answer every calendar question about ``start``..``end`` from one query, until the block ends."""
    token = _preloaded.set((start, end, _query_overrides(start, end)))
    try:
        yield
    finally:
        _preloaded.reset(token)


@contextmanager
def covering(start: date, end: date):
    """Like ``preloaded``, but free when a block already open covers ``start``..``end``: a pass over
    many records preloads once, and the helpers it calls may ask again without another query."""
    loaded = _preloaded.get()
    if loaded is not None and loaded[0] <= start and end <= loaded[1]:
        yield
        return
    with preloaded(start, end):
        yield


def is_workday(day: date, overrides: Mapping[date, bool] | None = None) -> bool:
    """Whether ``day`` is a working day in mainland China.

    ``overrides`` is what ``load_overrides`` returned for a range containing ``day``; pass ``{}`` to
    ignore the table. With ``None`` the table is read for this one day (one query).

    An override row always wins. Otherwise the ``chinese-calendar`` package decides for the years it
    knows. For a year it does not know (it raises NotImplementedError) this never raises: weekends
    are rest days, and so are 1 Jan (元旦), 1–2 May (劳动节) and 1–3 Oct (国庆节). The lunar holidays
    (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and the adjusted working weekends (调休)
    cannot be known before the State Council's notice for that year; until they are entered in the
    override table such days count as ordinary weekdays or weekends.
    """
    if overrides is None:
        overrides = load_overrides(day, day)
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        pass
    if day.weekday() >= 5:
        return False
    return (day.month, day.day) not in FIXED_HOLIDAYS


def end_of_day(day: date) -> datetime:
    """The last moment of a local day: a deadline "by 20 December" holds all of 20 December."""
    return datetime.combine(day, time.max, tzinfo=timezone.get_current_timezone())


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    With ``n == 0``: ``start`` if it is a working day, else the next working day.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    # The answer's date is not known up front, so overrides are loaded a window at a time. A window of
    # 2n + 31 days holds n working days even across the Spring Festival and National Day weeks, so in
    # practice this is one query; the loop is only there should the table mark long stretches as rest.
    window = timedelta(days=2 * n + 31)
    day = start if n == 0 else start + ONE_DAY
    remaining = max(n, 1)
    loaded_until = day - ONE_DAY
    overrides: dict[date, bool] = {}
    while True:
        if day > loaded_until:
            overrides = load_overrides(day, day + window)
            loaded_until = day + window
        if is_workday(day, overrides):
            remaining -= 1
            if remaining == 0:
                return day
        day += ONE_DAY


def working_days_between(start: date, end: date) -> int:
    """How many working days lie in (``start``, ``end``]: ``start`` excluded, ``end`` included.

    0 when ``end <= start``. So ``working_days_between(d, add_working_days(d, n)) == n`` for n > 0.
    """
    if end <= start:
        return 0
    overrides = load_overrides(start + ONE_DAY, end)
    return sum(is_workday(start + timedelta(days=i), overrides) for i in range(1, (end - start).days + 1))


def deadline_after(moment: datetime, n: int) -> datetime:
    """The deadline for something due "within ``n`` working days" of the aware datetime ``moment``.

    The count starts from ``moment``'s local date (the current time zone, Asia/Shanghai): the day of
    filing is not counted, whatever the hour. The deadline is the end of the n-th working day after it,
    and "end of a working day" means the end of that calendar day, 23:59:59.999999 local time, not
    office closing hours. So a request filed at 16:00 on 2025-09-30 with 1 working day is due at the
    end of 2025-10-09 (the National Day holiday runs 10-01..10-08).

    Returns an aware datetime in the current time zone. A naive ``moment`` raises ValueError.
    """
    local_day = timezone.localtime(moment).date()
    return end_of_day(add_working_days(local_day, n))


def working_days_left(deadline: datetime, now: datetime) -> int:
    """Working days from ``now`` until ``deadline``, counted on their local dates.

    - ``deadline`` later today (or any time on a later rest day with no working day in between): 0;
    - ``deadline`` on a later date: the working days in (today, deadline's date], so a deadline at the
      end of tomorrow, or of next Monday seen from Friday, gives 1;
    - ``deadline`` already passed: negative, at least -1 — minus the working days in (deadline's date,
      today], so a deadline missed on Friday gives -1 on Saturday and on Monday, -2 on Tuesday.

    "Due soon" in the apps means ``0 <= working_days_left(...) <= 1``.
    """
    today = timezone.localtime(now).date()
    due_day = timezone.localtime(deadline).date()
    if now > deadline:
        return -max(1, working_days_between(due_day, today))
    return working_days_between(today, due_day)


# Office hours of a working day (上午 8:30–12:00, 下午 14:30–17:30): what "within 4 working hours" counts.
OFFICE_HOURS = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))


def add_working_hours(moment: datetime, hours: int) -> datetime:
    """The moment ``hours`` office hours (OFFICE_HOURS on working days) after the aware ``moment``.

    Time outside office hours does not count: an item assigned at 17:00 on Friday with 4 working hours
    is due at 12:00 on Monday (half an hour on Friday, 8:30–12:00 on Monday). The answer is in the current
    time zone. A naive ``moment`` raises ValueError.
    """
    if timezone.is_naive(moment):
        raise ValueError("moment must be aware")
    zone = timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    left = timedelta(hours=hours)
    day = local.date()
    loaded_until = day - ONE_DAY
    overrides: dict[date, bool] = {}
    while True:
        if day > loaded_until:  # a window a time, as add_working_days reads it: one query in practice
            loaded_until = day + timedelta(days=2 * (hours // 7 + 1) + 31)
            overrides = load_overrides(day, loaded_until)
        if is_workday(day, overrides):
            for start, end in OFFICE_HOURS:
                opens = datetime.combine(day, start, tzinfo=zone)
                closes = datetime.combine(day, end, tzinfo=zone)
                begin = max(opens, local)
                if begin >= closes:
                    continue
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        day += ONE_DAY
