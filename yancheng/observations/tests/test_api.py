"""The observation API: the rounds as each caller may see them, scoring, publishing."""

import pytest

from yancheng.core.roles import Role
from yancheng.observations.models import Score

URL = "/api/v1/observations"

pytestmark = pytest.mark.django_db


def call(client, user, method, path, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(f"{URL}{path}")
    return client.post(f"{URL}{path}", data or {}, content_type="application/json")


@pytest.fixture
def scene(at, make_project, round_of, observers):
    project = make_project(region="zhuhui", name="衡阳甲电子产业园")
    return round_of([project], people=observers[:3])


def _values(observation_round, points):
    return [{"criterion_id": c.pk, "value": points} for c in observation_round.criteria.all()]


def test_an_observer_scores_and_the_commission_sees_the_ranking(client, scene, observers, ledger):
    site = scene.sites.get()
    answer = call(
        client, observers[0], "POST", f"/sites/{site.pk}/score", {"values": _values(scene, 77), "note": "好"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["values"] == {"形象进度": 77, "投资完成": 77, "工程质量": 77, "安全文明施工": 77}
    body = call(client, ledger["commission"], "GET", f"/rounds/{scene.pk}").json()
    assert body["results"]["sites"][0]["score"] == "77.00" and body["results"]["sites"][0]["rank"] == 1
    assert body["results"]["counties"][0]["name"] == "珠晖区"
    published = call(client, ledger["commission"], "POST", f"/rounds/{scene.pk}/publish").json()
    assert published["state"] == "published"
    late = call(client, observers[1], "POST", f"/sites/{site.pk}/score", {"values": _values(scene, 50)})
    assert late.status_code == 400 and late.json()["code"] == "published"


def test_refusals(client, scene, observers, users):
    site = scene.sites.get()
    # Someone who may not see the round: 404, as for a round that does not exist.
    assert call(client, users["other_official"], "GET", f"/rounds/{scene.pk}").status_code == 404
    assert (
        call(client, users["other_official"], "POST", f"/sites/{site.pk}/score", {"values": []}).status_code
        == 404
    )
    # A leader who sees the whole ledger but is not on this round: 403.
    answer = call(
        client,
        users[Role.SUPERVISION_OFFICE],
        "POST",
        f"/sites/{site.pk}/score",
        {"values": _values(scene, 80)},
    )
    assert answer.status_code == 403
    # Values missing a criterion, or out of range.
    assert (
        call(
            client, observers[0], "POST", f"/sites/{site.pk}/score", {"values": _values(scene, 80)[:2]}
        ).status_code
        == 400
    )
    assert (
        call(
            client, observers[0], "POST", f"/sites/{site.pk}/score", {"values": _values(scene, 120)}
        ).status_code
        == 422
    )
    assert call(client, observers[0], "POST", f"/rounds/{scene.pk}/publish").status_code == 403
    assert not Score.objects.exists()
    # An observer from a unit sees the round but not its results before publication.
    assert call(client, observers[2], "GET", f"/rounds/{scene.pk}").json()["results"] is None
