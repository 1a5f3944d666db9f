"""Deadlines on the real calendar, and the state derived from them with no worker running."""

from datetime import datetime

import pytest

from yancheng.core.roles import Role
from yancheng.enterprise_requests import actions
from yancheng.enterprise_requests.models import KindDeadline
from yancheng.enterprise_requests.state import derive
from yancheng.enterprise_requests.tests.conftest import SHANGHAI


def test_national_day_holiday_does_not_count_and_deemed_acceptance_comes_after_october_9(at, file_request):
    at(2025, 9, 30, 16)
    request = file_request()
    assert request.accept_deadline == datetime(2025, 10, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    for day in range(1, 9):  # the holiday, 1–8 October
        state = derive(request, datetime(2025, 10, day, 12, tzinfo=SHANGHAI))
        assert not state.accepted and state.deemed_accepted_at is None, day
    assert not derive(request, datetime(2025, 10, 9, 23, 59, tzinfo=SHANGHAI)).accepted
    after = derive(request, datetime(2025, 10, 10, 0, 0, 1, tzinfo=SHANGHAI))
    assert after.accepted and after.deemed_accepted_at == request.accept_deadline
    assert after.label.startswith("默认受理")


def test_the_reply_deadline_counts_working_days_by_kind(at, file_request):
    at(2025, 9, 30, 16)
    consultation = file_request(kind="consultation")
    demand = file_request(kind="demand")
    # 5 working days after 30 September: 9, 10, 11 (Saturday, 调休), 13, 14 October.
    assert consultation.reply_deadline.date() == datetime(2025, 10, 14).date()
    assert demand.reply_deadline > consultation.reply_deadline


def test_until_the_office_sets_limits_the_defaults_apply_and_filing_writes_no_limit(at, file_request):
    at(2026, 3, 2, 10)  # a Monday: complaints default to 1 working day to accept, 15 to reply
    request = file_request(kind="complaint")
    assert request.accept_deadline.date() == datetime(2026, 3, 3).date()
    assert not KindDeadline.objects.exists()


def test_the_deadlines_follow_the_configured_limits(at, file_request):
    KindDeadline.objects.update_or_create(kind="complaint", defaults={"accept_days": 2, "reply_days": 3})
    at(2026, 3, 2, 10)  # a Monday
    request = file_request(kind="complaint")
    assert request.accept_deadline.date() == datetime(2026, 3, 4).date()
    assert request.reply_deadline.date() == datetime(2026, 3, 5).date()


def test_due_soon_turns_yellow_and_overdue_red(at, file_request, users, hengyang):
    at(2026, 3, 2, 10)
    request = actions.route(
        file_request(kind="consultation"),
        unit=hengyang["units"]["samr"],
        by=users[Role.BUSINESS_ENVIRONMENT_OFFICE],
    )
    actions.accept(request, by=users[Role.UNIT_OFFICIAL])
    request.refresh_from_db()
    assert derive(request, datetime(2026, 3, 3, 9, tzinfo=SHANGHAI)).colour == "green"
    soon = derive(request, datetime(2026, 3, 8, 9, tzinfo=SHANGHAI))  # Sunday before the Monday deadline
    assert soon.due_soon and soon.colour == "yellow"
    late = derive(request, datetime(2026, 3, 10, 9, tzinfo=SHANGHAI))
    assert late.overdue and late.colour == "red"


def test_a_deadline_reaching_into_an_unknown_year_is_computed(at, file_request):
    at(2026, 12, 30, 10)
    request = file_request(kind="demand")
    assert request.reply_deadline.year == 2027


@pytest.mark.parametrize(("accepted_day", "on_time"), [(9, True), (10, False)])
def test_accepting_late_is_recorded_but_does_not_count_as_on_time(
    at, file_request, users, hengyang, accepted_day, on_time
):
    at(2025, 9, 30, 16)
    request = actions.route(
        file_request(), unit=hengyang["units"]["samr"], by=users[Role.BUSINESS_ENVIRONMENT_OFFICE]
    )
    at(2025, 10, accepted_day, 11)
    actions.accept(request, by=users[Role.UNIT_OFFICIAL])
    request.refresh_from_db()
    state = derive(request, datetime(2025, 10, 20, tzinfo=SHANGHAI))
    assert state.accepted and state.accepted_on_time == on_time
    assert (state.deemed_accepted_at is None) == on_time
