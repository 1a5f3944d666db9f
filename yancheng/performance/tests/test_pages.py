"""The performance pages as each party meets them: the office makes a scheme and scores a period; a
unit opens its own score to its indicators and records, objects, and sees the decision; nobody sees
another unit's score details or the office's drafts."""

import pytest

from yancheng.core.roles import Role
from yancheng.performance.models import Objection, Scheme, Score, Scorecard

pytestmark = pytest.mark.django_db


def test_the_office_makes_a_scheme_scores_and_publishes_through_the_pages(client, users, november):
    client.force_login(users[Role.PERFORMANCE_OFFICE])
    form = client.get("/performance/schemes/new/").content.decode()
    assert "督办件按期办结率" in form and "登录" not in form  # the registry's indicators, no activity
    data = {"name": "市直部门绩效考核", "unit_kind": "department", "in_force_from": "2026-01",
            "indicator_1": "supervision.closed_on_time", "weight_1": "60", "target_1": "100", "floor_1": "0",
            "indicator_2": "supervision.signed_on_time", "weight_2": "40", "target_2": "100"}  # fmt: skip
    response = client.post("/performance/schemes/new/", data)
    assert response.status_code == 400 and "请填写第 2 行" in response.content.decode()
    assert not Scheme.objects.exists()
    response = client.post("/performance/schemes/new/", {**data, "floor_2": "50"})
    scheme = Scheme.objects.get()
    assert response["Location"] == f"/performance/schemes/{scheme.pk}/"
    response = client.post("/performance/scorecards/compute/", {"scheme": scheme.pk, "period": "2026-11"})
    card = Scorecard.objects.get()
    assert response["Location"] == f"/performance/scorecards/{card.pk}/"
    page = client.get(f"/performance/scorecards/{card.pk}/").content.decode()
    assert 'data-unit="samr"' in page and "80.00" in page and "30.00" in page
    client.post(f"/performance/scorecards/{card.pk}/publish/")
    card.refresh_from_db()
    assert card.published_at is not None


@pytest.fixture
def published(client, users, november, scheme):
    from yancheng.core.indicators import Period
    from yancheng.performance import actions

    office = users[Role.PERFORMANCE_OFFICE]
    draft = actions.compute(scheme, Period.month(2026, 11), by=office)
    return draft


def test_a_unit_sees_its_own_published_score_down_to_the_records_and_objects(
    client, users, published, assert_refused
):
    samr, eco = (Score.objects.get(scorecard=published, unit__code=c) for c in ("samr", "eco"))
    official = users[Role.UNIT_OFFICIAL]
    assert_refused([official], "GET", f"/performance/scores/{samr.pk}/")  # a draft is the office's
    from yancheng.performance import actions

    actions.publish(published, by=users[Role.PERFORMANCE_OFFICE])
    client.force_login(official)
    page = client.get(f"/performance/scores/{samr.pk}/").content.decode()
    assert "80.00" in page and "2 / 3" in page and "data-object" in page
    line = samr.lines.get(line__indicator="supervision.closed_on_time")
    records = client.get(f"/performance/scores/{samr.pk}/lines/{line.pk}/").content.decode()
    assert records.count('data-counted="1"') == 2 and records.count('data-counted="0"') == 1
    assert_refused([official], "GET", f"/performance/scores/{eco.pk}/")
    assert_refused([official], "GET", f"/performance/scores/{eco.pk}/lines/{eco.lines.first().pk}/")
    assert_refused([official], "POST", f"/performance/scores/{eco.pk}/object/", {"reason": "x"})
    client.force_login(official)
    client.post(f"/performance/scores/{samr.pk}/object/", {"reason": "第 3 件已于 11 月 26 日报送办结材料"})
    objection = Objection.objects.get()
    client.force_login(users[Role.PERFORMANCE_OFFICE])
    client.post(
        f"/performance/scores/{samr.pk}/objections/{objection.pk}/decide/",
        {"upheld": "1", "decision": "经核实材料已线下报送，予以更正", "corrected_total": "100"},
    )
    client.force_login(official)
    page = client.get(f"/performance/scores/{samr.pk}/").content.decode()
    assert "data-total>80.00<" in page and "data-final>100.00<" in page and "予以更正" in page
    listing = client.get("/performance/").content.decode()
    assert "市直部门绩效考核 · 2026-11" in listing


def test_only_the_office_makes_schemes_and_scores(users, published, assert_refused):
    others = [users[Role.UNIT_OFFICIAL], users[Role.LEADER], users[Role.SUPERVISION_OFFICE]]
    assert_refused(others, "GET", "/performance/schemes/new/")
    assert_refused(
        others,
        "POST",
        "/performance/scorecards/compute/",
        {"scheme": published.scheme_id, "period": "2026-10"},
    )
    assert_refused(others, "POST", f"/performance/scorecards/{published.pk}/publish/")
    assert_refused([users[Role.ENTERPRISE_USER], users[Role.BANK_CLERK]], "GET", "/performance/")
