from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yancheng.core.models import CalendarOverride
from yancheng.core.workdays import (
    add_working_days,
    add_working_hours,
    deadline_after,
    is_workday,
    load_overrides,
    working_days_between,
    working_days_left,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def end_of(day):
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


# The two acceptance facts, straight from the 2025 notice.


def test_national_day_2025_is_skipped():
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_adjusted_saturday_2025_10_11_is_a_working_day():
    assert is_workday(date(2025, 10, 11))
    assert add_working_days(date(2025, 10, 10), 1) == date(2025, 10, 11)


def test_spring_festival_2026_as_the_package_has_it():
    # 2026 notice: rest 02-15 (Sun) .. 02-23, with Saturday 02-14 and Saturday 02-28 worked (调休).
    assert is_workday(date(2026, 2, 14))
    assert not any(is_workday(date(2026, 2, 15) + timedelta(days=i)) for i in range(9))
    assert is_workday(date(2026, 2, 24))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 14), date(2026, 2, 24)) == 1


def test_n_zero_is_start_or_the_next_workday():
    assert add_working_days(date(2025, 10, 9), 0) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 1), 0) == date(2025, 10, 9)


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 9), -1)


# Years the package does not know.


def test_unknown_year_weekends_are_rest_days():
    # 2027-03-06/07 and 2028-06-10/11 are weekends with no holiday near them.
    assert not is_workday(date(2027, 3, 6))
    assert not is_workday(date(2027, 3, 7))
    assert is_workday(date(2027, 3, 8))
    assert not is_workday(date(2028, 6, 10), {})
    assert is_workday(date(2028, 6, 9), {})
    assert not is_workday(date(2003, 6, 7), {})  # before the package's range too


def test_unknown_year_fixed_date_holidays_are_rest_days():
    assert not is_workday(date(2027, 10, 1))  # a Friday, no override row
    for day in [date(2027, 1, 1), date(2028, 5, 1), date(2028, 5, 2), date(2028, 10, 2), date(2028, 10, 3)]:
        assert not is_workday(day, {}), day
    assert is_workday(date(2028, 10, 4), {})  # a Wednesday, beyond the three fixed days


def test_deadline_reaching_into_2027_does_not_crash():
    # 12-31 works; 2027-01-01 (元旦) and the weekend rest; then Mon 01-04 ...
    assert add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 7)
    due = deadline_after(datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI), 30)
    assert due.date().year == 2027
    assert working_days_between(date(2026, 12, 30), due.date()) == 30


def test_an_override_row_for_2027_changes_the_result():
    # Friday 2027-02-05: without the 2027 notice, Monday 02-08 is the next working day.
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 8)
    CalendarOverride.objects.create(day=date(2027, 2, 8), is_workday=False, note="春节")
    assert not is_workday(date(2027, 2, 8))
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 9)
    assert working_days_between(date(2027, 2, 5), date(2027, 2, 9)) == 1


# The override table wins both ways, also over the package.


def test_override_marks_a_weekday_rest():
    assert is_workday(date(2025, 11, 12))
    CalendarOverride.objects.create(day=date(2025, 11, 12), is_workday=False)
    assert not is_workday(date(2025, 11, 12))
    assert add_working_days(date(2025, 11, 11), 1) == date(2025, 11, 13)


def test_override_marks_a_saturday_work():
    assert not is_workday(date(2027, 2, 20))
    CalendarOverride.objects.create(day=date(2027, 2, 20), is_workday=True, note="调休上班")
    assert is_workday(date(2027, 2, 20))
    assert add_working_days(date(2027, 2, 19), 1) == date(2027, 2, 20)


def test_explicit_overrides_mapping_is_used_without_the_table():
    assert not is_workday(date(2027, 3, 8), {date(2027, 3, 8): False})
    assert is_workday(date(2027, 3, 6), {date(2027, 3, 6): True})


def test_load_overrides_is_inclusive():
    for day in (date(2027, 1, 31), date(2027, 2, 1), date(2027, 2, 28), date(2027, 3, 1)):
        CalendarOverride.objects.create(day=day, is_workday=True)
    assert load_overrides(date(2027, 2, 1), date(2027, 2, 28)) == {
        date(2027, 2, 1): True,
        date(2027, 2, 28): True,
    }


def test_add_working_days_makes_a_constant_number_of_queries(django_assert_max_num_queries):
    CalendarOverride.objects.create(day=date(2027, 2, 8), is_workday=False)
    start = date(2026, 6, 1)
    with django_assert_max_num_queries(2):
        end = add_working_days(start, 210)
    assert (end - start).days >= 300
    with django_assert_max_num_queries(1):
        assert working_days_between(start, end) == 210


# working_days_between


def test_working_days_between_is_half_open_and_negative_safe():
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 10)) == 0
    assert working_days_between(date(2025, 10, 20), date(2025, 10, 10)) == 0
    # (Fri 10-10, Mon 10-13]: the adjusted Saturday 10-11 and Monday 10-13.
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 13)) == 2
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


# deadline_after


def test_deadline_after_the_documented_example():
    due = deadline_after(datetime(2025, 9, 30, 16, 0, tzinfo=SHANGHAI), 1)
    assert due == end_of(date(2025, 10, 9))


def test_deadline_after_counts_from_the_local_date_of_a_utc_moment():
    moment = datetime(2025, 9, 30, 17, 0, tzinfo=UTC)  # 2025-10-01 01:00 in Shanghai
    due = deadline_after(moment, 1)
    assert due.tzinfo is not None
    assert due.utcoffset() == timedelta(hours=8)
    assert str(due.tzinfo) == "Asia/Shanghai"
    assert (due.date(), due.time()) == (date(2025, 10, 9), time(23, 59, 59, 999999))
    # n == 0: the local date 10-01 is a holiday, so 10-09; the UTC date 09-30 would have given 09-30.
    assert deadline_after(moment, 0) == end_of(date(2025, 10, 9))
    # From a UTC moment on 10-09 16:30Z (10-10 00:30 local) one working day is the adjusted Saturday.
    assert deadline_after(datetime(2025, 10, 9, 16, 30, tzinfo=UTC), 1) == end_of(date(2025, 10, 11))
    # Had the UTC date been used, the same moment would have counted from 10-09 and given 10-10.
    assert deadline_after(datetime(2025, 10, 9, 15, 30, tzinfo=UTC), 1) == end_of(date(2025, 10, 10))


def test_deadline_after_refuses_a_naive_moment():
    with pytest.raises(ValueError):
        deadline_after(datetime(2025, 9, 30, 16, 0), 1)


# working_days_left


def test_working_days_left():
    due = end_of(date(2025, 10, 13))  # Monday
    at = lambda d, h=10: datetime.combine(d, time(h), tzinfo=SHANGHAI)  # noqa: E731
    assert working_days_left(due, at(date(2025, 10, 9))) == 3  # 10-10, Sat 10-11 (调休), 10-13
    assert working_days_left(due, at(date(2025, 10, 11))) == 1
    assert working_days_left(due, at(date(2025, 10, 12))) == 1
    assert working_days_left(due, at(date(2025, 10, 13), 23)) == 0
    assert working_days_left(due, at(date(2025, 10, 14))) == -1
    assert working_days_left(due, at(date(2025, 10, 16))) == -3
    friday = end_of(date(2025, 10, 17))
    assert working_days_left(friday, at(date(2025, 10, 18))) == -1  # passed, though no working day since
    # Instants in UTC are compared on their Shanghai dates.
    assert working_days_left(due, datetime(2025, 10, 12, 17, 0, tzinfo=UTC)) == 0


# Property: for any start and n, the result is a working day exactly n working days later.


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), n=st.integers(0, 40))
def test_add_working_days_property(start, n):
    result = add_working_days(start, n)
    assert result >= start
    assert is_workday(result)
    if n > 0:
        assert result > start
        assert working_days_between(start, result) == n
    else:
        assert result == (start if is_workday(start) else add_working_days(start, 1))


# Office hours: what "sign for it within 4 working hours" counts (08:30–12:00, 14:30–17:30).


@pytest.mark.parametrize(
    "start, hours, due",
    [
        (datetime(2026, 12, 1, 9, 0), 2, datetime(2026, 12, 1, 11, 0)),
        (datetime(2026, 12, 1, 11, 0), 2, datetime(2026, 12, 1, 15, 30)),  # the lunch break does not count
        (datetime(2026, 12, 1, 12, 30), 1, datetime(2026, 12, 1, 15, 30)),  # assigned at lunch
        (datetime(2026, 12, 1, 7, 0), 3, datetime(2026, 12, 1, 11, 30)),  # before the office opens
        (datetime(2026, 12, 4, 17, 0), 4, datetime(2026, 12, 7, 12, 0)),  # Friday evening to Monday
        (datetime(2025, 9, 30, 16, 0), 4, datetime(2025, 10, 9, 11, 0)),  # across National Day
        (datetime(2025, 10, 10, 17, 0), 1, datetime(2025, 10, 11, 9, 0)),  # to the worked Saturday
        (datetime(2026, 12, 1, 9, 0), 7, datetime(2026, 12, 2, 9, 30)),
    ],
)
def test_working_hours_count_office_hours_on_working_days(start, hours, due):
    assert add_working_hours(start.replace(tzinfo=SHANGHAI), hours) == due.replace(tzinfo=SHANGHAI)


def test_working_hours_follow_the_override_table():
    CalendarOverride.objects.create(day=date(2026, 12, 2), is_workday=False, note="test")
    start = datetime(2026, 12, 1, 17, 0, tzinfo=SHANGHAI)
    assert add_working_hours(start, 1) == datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)


def test_working_hours_need_an_aware_moment():
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 12, 1, 9, 0), 1)
