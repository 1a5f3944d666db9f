"""A problem seen at an observation site goes on the project's list with the score, in one step: both
kept or neither; sent twice, listed once; the observer who saw it confirms its close."""

from datetime import date

import pytest

from yancheng.core.actions import ActionRefused
from yancheng.observations import actions
from yancheng.observations.models import Score
from yancheng.problems import actions as problem_actions
from yancheng.problems.models import Problem
from yancheng.problems.tests.conftest import evidence_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(at, make_project, round_of, observers):
    project = make_project(region="zhuhui", name="衡阳甲电子产业园")
    return round_of([project], people=observers[:2]).sites.get()


def _values(site, points=85):
    return {c.pk: points for c in site.round.criteria.all()}


def _seen(ledger, **extra):
    return {"description": "塔吊基础积水", "measures": "三日内完成排水并复查", "unit": ledger["units"]["eco"],
            "person": None, "due_on": date(2026, 12, 9), "submission_key": "seen-0001", **extra}  # fmt: skip


def test_the_problem_seen_is_listed_with_the_score_once_and_closed_by_who_saw_it(site, observers, ledger):
    leader = observers[0]
    actions.score_site(site, by=leader, values=_values(site), problem=_seen(ledger))
    actions.score_site(site, by=leader, values=_values(site, 90), problem=_seen(ledger))  # sent again
    problem = Problem.objects.get()
    assert (problem.source, problem.site, problem.project, problem.raised_by) == (
        "observation",
        site,
        site.project,
        leader,
    )
    assert Score.objects.get().values.first().value == 90
    eco = next(u for u in observers[2:] if u.person.unit == ledger["units"]["eco"])
    resolved = problem_actions.resolve(problem, by=eco, files=[evidence_file()])
    with pytest.raises(ActionRefused, match="只有问题提出人"):
        problem_actions.close(resolved, by=observers[1])  # another observer did not see it
    assert problem_actions.close(resolved, by=leader).state == "closed"


def test_a_refused_problem_keeps_the_score_from_being_saved(site, observers, ledger):
    with pytest.raises(ActionRefused, match="不能早于今天"):
        actions.score_site(
            site, by=observers[0], values=_values(site), problem=_seen(ledger, due_on=date(2026, 12, 1))
        )
    assert not Score.objects.exists() and not Problem.objects.exists()


def test_the_phone_form_lists_the_problem(client, site, observers, ledger):
    client.force_login(observers[1])
    url = f"/observations/sites/{site.pk}/score/"
    form = client.get(url).content.decode()
    assert "现场发现的问题" in form
    data = {f"criterion_{c.pk}": 80 for c in site.round.criteria.all()}
    half = client.post(
        url, {**data, "problem-description": "围挡破损", "problem-submission_key": "seen-form-1"}
    )
    assert half.status_code == 400 and "请同时填写此项" in half.content.decode()
    assert not Score.objects.exists() and not Problem.objects.exists()
    done = client.post(url, {**data, "problem-description": "围挡破损", "problem-measures": "更换围挡",
                             "problem-unit": ledger["units"]["samr"].pk, "problem-due_on": "2026-12-11",
                             "problem-submission_key": "seen-form-1"})  # fmt: skip
    assert done.status_code == 302
    problem = Problem.objects.get()
    assert (problem.description, problem.unit, problem.site) == ("围挡破损", ledger["units"]["samr"], site)
    client.post(url, data)  # a correction without a problem lists nothing more
    assert Problem.objects.count() == 1 and Score.objects.count() == 1


def test_the_api_takes_the_problem_with_the_score(client, site, observers, ledger):
    client.force_login(observers[0])
    body = {"values": [{"criterion_id": c.pk, "value": 75} for c in site.round.criteria.all()],
            "problem": {"description": "安全通道堵塞", "measures": "当日清理", "unit_id": ledger["units"]["eco"].pk,
                        "due_on": "2026-12-04", "submission_key": "seen-api-0001"}}  # fmt: skip
    answer = client.post(f"/api/v1/observations/sites/{site.pk}/score", body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert Problem.objects.get().source == "observation"
