"""The performance API, as each party calls it: a unit reads its own published score with its lines and
objects; another unit's score answers 404; drafts are the office's."""

import pytest

from yancheng.core.indicators import Period
from yancheng.core.roles import Role
from yancheng.performance import actions
from yancheng.performance.models import Score

pytestmark = pytest.mark.django_db
URL = "/api/v1/performance"


def test_a_unit_reads_its_score_and_objects_through_the_api(client, users, november, scheme):
    office, samr = users[Role.PERFORMANCE_OFFICE], users[Role.UNIT_OFFICIAL]
    card = actions.compute(scheme, Period.month(2026, 11), by=office)
    mine = Score.objects.get(scorecard=card, unit__code="samr")
    other = Score.objects.get(scorecard=card, unit__code="eco")
    client.force_login(samr)
    assert client.get(f"{URL}/scores/{mine.pk}").status_code == 404  # not published yet
    assert client.get(f"{URL}/scorecards").json() == []
    actions.publish(card, by=office)
    read = client.get(f"{URL}/scores/{mine.pk}").json()
    assert (read["total"], read["rank"], read["final_total"]) == (80.0, 1, 80.0)
    assert [(line["indicator"], line["numerator"], line["denominator"], line["records"], line["points"]) for line in read["lines"]] == [
        ("supervision.closed_on_time", 2, 3, 3, 40.0), ("supervision.signed_on_time", 3, 3, 3, 40.0),
    ]  # fmt: skip
    assert client.get(f"{URL}/scores/{other.pk}").status_code == 404
    assert [s["unit_name"] for s in client.get(f"{URL}/scorecards/{card.pk}/scores").json()] == [
        "衡阳市市场监督管理局"
    ]
    objected = client.post(
        f"{URL}/scores/{mine.pk}/objections",
        {"reason": "数据有误", "line_id": read["lines"][0]["id"]},
        content_type="application/json",
    )
    assert objected.status_code == 200 and objected.json()["objections"][0]["state"] == "pending"
    again = client.post(
        f"{URL}/scores/{mine.pk}/objections", {"reason": "再次"}, content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["code"] == "pending"
    client.force_login(office)
    assert len(client.get(f"{URL}/scorecards/{card.pk}/scores").json()) == 2


def test_a_scorecards_scores_cost_the_same_queries_for_any_number_of_units(
    client, users, november, scheme, django_assert_max_num_queries
):
    office = users[Role.PERFORMANCE_OFFICE]
    card = actions.compute(scheme, Period.month(2026, 11), by=office)
    client.force_login(office)
    with django_assert_max_num_queries(
        10
    ):  # the session, the roles, the card, the scores, their lines and objections: not a query a unit
        assert len(client.get(f"{URL}/scorecards/{card.pk}/scores").json()) == 2
