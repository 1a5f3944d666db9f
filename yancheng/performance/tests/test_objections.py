"""A unit objects to its score within the window; the office decides; the decision and any corrected
score sit beside the original, which never changes."""

import pytest

from yancheng.core.actions import ActionRefused
from yancheng.core.indicators import Period
from yancheng.core.roles import Role
from yancheng.performance import actions
from yancheng.performance.models import Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(november, scheme, users):
    office = users[Role.PERFORMANCE_OFFICE]
    return actions.publish(actions.compute(scheme, Period.month(2026, 11), by=office), by=office)


def test_an_upheld_objection_keeps_the_corrected_score_beside_the_original(published, users, at):
    eco = Score.objects.get(scorecard=published, unit__code="eco")
    objection = actions.object_to(
        eco, by=users["other_official"], reason="第 2 件因上级要求暂缓办理，应不计入", line=eco.lines.first()
    )
    with pytest.raises(ActionRefused) as twice:
        actions.object_to(eco, by=users["other_official"], reason="再次申诉")
    assert twice.value.code == "pending"
    decided = actions.decide(
        objection,
        by=users[Role.PERFORMANCE_OFFICE],
        upheld=True,
        decision="经核实，暂缓有市领导批示，予以剔除",
        corrected_total=60.0,
    )
    eco.refresh_from_db()
    assert eco.total == 30.0 and decided.corrected_total == 60.0 and actions.final_total(eco) == 60.0
    assert decided.state == "upheld" and decided.decided_by == users[Role.PERFORMANCE_OFFICE]


def test_objections_are_the_units_own_within_the_window_and_decisions_the_offices(published, users, at):
    samr = Score.objects.get(scorecard=published, unit__code="samr")
    for by, code in [(users["other_official"], "forbidden"), (users[Role.SUPERVISION_OFFICE], "forbidden")]:
        with pytest.raises(ActionRefused) as refusal:
            actions.object_to(samr, by=by, reason="x")
        assert refusal.value.code == code
    objection = actions.object_to(samr, by=users[Role.UNIT_OFFICIAL], reason="数据有误")
    with pytest.raises(ActionRefused):
        actions.decide(objection, by=users[Role.LEADER], upheld=False, decision="x")
    with pytest.raises(ActionRefused) as refusal:
        actions.decide(
            objection, by=users[Role.PERFORMANCE_OFFICE], upheld=False, decision="x", corrected_total=90
        )
    assert refusal.value.code == "corrected_total"
    actions.decide(
        objection, by=users[Role.PERFORMANCE_OFFICE], upheld=False, decision="数据取自平台记录，无误"
    )
    assert actions.final_total(samr) == samr.total
    at(2026, 12, 10, 9)  # the window closed at the end of 9 December
    with pytest.raises(ActionRefused) as late:
        actions.object_to(samr, by=users[Role.UNIT_OFFICIAL], reason="补充申诉")
    assert late.value.code == "late"


def test_the_ranking_bulletin_shows_each_score_and_a_correction_beside_it(published, users, client):
    from io import BytesIO

    from docx import Document

    eco = Score.objects.get(scorecard=published, unit__code="eco")
    objection = actions.object_to(eco, by=users["other_official"], reason="有误")
    actions.decide(
        objection, by=users[Role.PERFORMANCE_OFFICE], upheld=True, decision="更正", corrected_total=45.5
    )
    client.force_login(users[Role.LEADER])
    response = client.get(f"/performance/scorecards/{published.pk}/bulletin.docx?number=3")
    document = Document(BytesIO(response.content))
    body = "".join(p.text for p in document.paragraphs)
    assert "关于2026年11月市直部门绩效考核结果的通报" in body and "衡绩办通〔2026〕3号" in body
    assert "督办件按期办结率（60分）" in body
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[1:] == [
        ["1", "衡阳市市场监督管理局", "80.00", ""],
        ["2", "衡阳市生态环境局", "30.00", "45.50"],
    ]
    client.force_login(users[Role.UNIT_OFFICIAL])
    assert client.get(f"/performance/scorecards/{published.pk}/bulletin.docx").status_code == 404
