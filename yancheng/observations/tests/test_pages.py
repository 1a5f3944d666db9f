"""The pages: setting up a round, scoring from the phone form, the results and their exports."""

from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from yancheng.core.roles import Role
from yancheng.observations.models import ObservationRound, Score
from yancheng.projects.tests.test_ledger import _photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(at, make_project, round_of, observers):
    a = make_project(region="zhuhui", name="衡阳甲电子产业园")
    b = make_project(region="leiyang", name="耒阳乙化工技改", enterprise="b", unit="eco")
    return {"round": round_of([a, b], people=observers[:2]), "a": a, "b": b}


def _post_score(client, site, points, **extra):
    data = {f"criterion_{c.pk}": points for c in site.round.criteria.all()}
    return client.post(f"/observations/sites/{site.pk}/score/", {**data, "note": "现场整洁", **extra})


def test_the_commission_sets_up_a_round_from_the_form(client, ledger, make_project, observers):
    project = make_project(name="珠晖区某项目")
    client.force_login(ledger["commission"])
    form = client.get("/observations/new/").content.decode()
    assert "形象进度" in form and "珠晖区 · 珠晖区某项目" in form
    data = {"name": "第一次观摩", "held_on": "2026-12-10", "projects": [project.pk],
            "observers": [observers[0].person.pk, observers[2].person.pk]}  # fmt: skip
    data |= {"criterion_0": "进度", "weight_0": 70, "criterion_1": "质量", "weight_1": 20}
    response = client.post("/observations/new/", data)
    assert response.status_code == 400 and "合计 100" in response.content.decode()
    assert not ObservationRound.objects.exists()
    for n in range(2, 6):
        data |= {f"criterion_{n}": "", f"weight_{n}": ""}
    data |= {"weight_1": 30}
    response = client.post("/observations/new/", data)
    created = ObservationRound.objects.get()
    assert response["Location"] == f"/observations/{created.pk}/"
    assert [c.name for c in created.criteria.all()] == ["进度", "质量"]


def test_an_observer_scores_from_the_phone_form_with_a_photo(client, scene, observers):
    site = scene["round"].sites.get(project=scene["a"])
    client.force_login(observers[0])
    form = client.get(f"/observations/sites/{site.pk}/score/").content.decode()
    assert 'capture="environment"' in form and "形象进度（30%）" in form
    response = _post_score(client, site, 101)
    assert response.status_code == 400 and not Score.objects.exists()
    response = _post_score(client, site, 88, photos=[_photo()])
    assert response.status_code == 302
    score = Score.objects.get()
    assert score.photos.count() == 1 and score.values.count() == 4
    photo = score.photos.get()
    assert client.get(f"/observations/photos/{photo.pk}/thumbnail/").status_code == 200
    page = client.get(f"/observations/{scene['round'].pk}/").content.decode()
    assert "更正评分" in page


def test_results_rank_sites_and_counties_and_export(client, scene, observers, ledger):
    observation_round = scene["round"]
    for user, points in ((observers[0], 90), (observers[1], 80)):
        client.force_login(user)
        _post_score(client, observation_round.sites.get(project=scene["a"]), points)
    client.force_login(observers[0])
    _post_score(client, observation_round.sites.get(project=scene["b"]), 60)
    client.force_login(ledger["commission"])
    page = client.get(f"/observations/{observation_round.pk}/").content.decode()
    assert page.index("衡阳甲电子产业园") < page.index("耒阳乙化工技改")
    assert "85.00" in page and "60.00" in page and "发布观摩结果" in page
    sheet = load_workbook(
        BytesIO(client.get(f"/observations/{observation_round.pk}/?export=xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("排名", "项目代码", "项目名称", "县市区", "评分人数", "得分")
    assert rows[1][0] == 1 and rows[1][2] == "衡阳甲电子产业园" and rows[1][4] == 2 and rows[1][5] == 85.0
    response = client.get(f"/observations/{observation_round.pk}/?export=docx&number=7")
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "衡发改观〔2026〕7号" in text and "评分结果的通报" in text
    client.post(f"/observations/{observation_round.pk}/publish/")
    observation_round.refresh_from_db()
    assert observation_round.state == "published"


def test_results_stay_hidden_from_the_sites_until_published(client, scene, observers, users, ledger):
    client.force_login(observers[0])
    _post_score(client, scene["round"].sites.get(project=scene["a"]), 90)
    owner = users[Role.ENTERPRISE_USER]  # owner of 甲
    client.force_login(owner)
    assert client.get(f"/observations/{scene['round'].pk}/").status_code == 404
    client.force_login(ledger["commission"])
    client.post(f"/observations/{scene['round'].pk}/publish/")
    client.force_login(owner)
    page = client.get(f"/observations/{scene['round'].pk}/").content.decode()
    assert (
        "项目得分排名" in page
        and "90.00" in page
        and "评分" not in page.split("项目得分排名")[0].split("观摩点")[1]
    )


def test_refusals_change_nothing(assert_refused, scene, observers, users, ledger):
    observation_round = scene["round"]
    site = observation_round.sites.first()
    outsiders = [None, users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER], users[Role.BANK_CLERK]]
    assert_refused(outsiders + [observers[2]], "POST", f"/observations/sites/{site.pk}/score/", {})
    assert_refused(outsiders + [users[Role.LEADER]], "POST", f"/observations/{observation_round.pk}/publish/")
    assert_refused(outsiders + [users[Role.LEADER]], "POST", "/observations/new/", {"name": "x"})
    assert_refused([None, users[Role.UNIT_OFFICIAL]], "GET", f"/observations/{observation_round.pk}/")


def test_the_round_page_costs_the_same_queries_however_many_sites(
    client, at, make_project, round_of, observers, ledger
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(size):
        observation_round = round_of([make_project() for _ in range(size)])
        for site in observation_round.sites.all():
            for user in observers:
                values = {f"criterion_{c.pk}": 80 for c in observation_round.criteria.all()}
                client.force_login(user)
                client.post(f"/observations/sites/{site.pk}/score/", values)
        client.force_login(ledger["commission"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/observations/{observation_round.pk}/").status_code == 200
        return len(captured)

    assert queries(2) == queries(6)
