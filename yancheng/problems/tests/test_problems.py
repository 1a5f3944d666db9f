"""Problems (挂账销号): raised with measures, unit and deadline; resolved with evidence by the unit;
closed only by the raiser's confirmation; returned with a reason; reopened once; overdue derived."""

from datetime import date

import pytest

from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry, Notification
from yancheng.core.roles import Role
from yancheng.problems import actions, figures
from yancheng.problems.models import Problem, ProblemEvent

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def eco(users):
    return users["other_official"]  # an official of eco, the responsible unit


def _kinds(problem):
    return list(ProblemEvent.objects.filter(problem=problem).values_list("kind", flat=True))


def test_a_problem_closes_only_with_evidence_and_the_raisers_confirmation(
    at, make_project, problem, eco, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        p = problem(make_project())
    owner = users[Role.ENTERPRISE_USER]
    assert (p.state, p.source, p.raised_on, p.raised_by) == ("open", "owner", date(2026, 12, 2), owner)
    assert Notification.objects.filter(recipient=eco, link=f"/problems/{p.pk}/").exists()
    with pytest.raises(ActionRefused, match="尚未提交整改材料"):
        actions.close(p, by=owner)  # no evidence yet
    with pytest.raises(ActionRefused, match="请上传整改材料"):
        actions.resolve(p, by=eco, files=[])
    with pytest.raises(ActionRefused, match="只有责任单位"):
        actions.resolve(p, by=users[Role.UNIT_OFFICIAL], files=[evidence_file()])
    with pytest.raises(ActionRefused, match="不是 PDF"):
        actions.resolve(p, by=eco, files=[evidence_file("a.exe")])
    p = actions.resolve(p, by=eco, files=[evidence_file()], note="临时线路已通电")
    assert (p.state, p.resolved_on, p.evidence.count()) == ("resolved", date(2026, 12, 2), 1)
    for stranger in (eco, users[Role.LEADER], users[Role.SUPERVISION_OFFICE], users["other_enterprise"]):
        with pytest.raises(ActionRefused, match="只有问题提出人"):
            actions.close(p, by=stranger)
    assert Problem.objects.get(pk=p.pk).state == "resolved"
    p = actions.close(p, by=owner)
    assert p.state == "closed" and p.closed_at is not None
    assert _kinds(p) == ["raised", "resolved", "closed"]
    assert AuditEntry.objects.filter(action__startswith="problem_").count() == 3


def test_a_return_sends_it_back_with_its_deadline_and_then_it_is_overdue(
    at, make_project, problem, eco, users
):
    p = problem(make_project(), due_on=date(2026, 12, 10))
    actions.resolve(p, by=eco, files=[evidence_file()])
    with pytest.raises(ActionRefused, match="退回理由"):
        actions.return_problem(p, by=users[Role.ENTERPRISE_USER], reason=" ")
    p = actions.return_problem(p, by=users[Role.ENTERPRISE_USER], reason="现场仍未通电")
    assert (p.state, p.resolved_on, p.due_on) == ("open", None, date(2026, 12, 10))
    assert not figures.is_overdue(p, date(2026, 12, 10))
    assert figures.is_overdue(p, date(2026, 12, 11))
    assert list(figures.overdue(Problem.objects.all(), date(2026, 12, 11))) == [p]
    assert ProblemEvent.objects.get(problem=p, kind="returned").note == "现场仍未通电"


def test_a_closed_problem_is_reopened_once_with_a_reason_and_a_new_deadline(
    at, make_project, problem, eco, users
):
    owner = users[Role.ENTERPRISE_USER]
    p = problem(make_project())
    actions.close(actions.resolve(p, by=eco, files=[evidence_file()]), by=owner)
    with pytest.raises(ActionRefused, match="只有问题提出人或督查室"):
        actions.reopen(p, by=eco, reason="又停电", due_on=date(2026, 12, 30))
    with pytest.raises(ActionRefused, match="理由"):
        actions.reopen(p, by=owner, reason="", due_on=date(2026, 12, 30))
    with pytest.raises(ActionRefused, match="不能早于今天"):
        actions.reopen(p, by=owner, reason="又停电", due_on=date(2026, 11, 30))
    p = actions.reopen(
        p, by=users[Role.SUPERVISION_OFFICE], reason="回访发现又停电", due_on=date(2026, 12, 30)
    )
    assert (p.state, p.due_on, p.resolved_on, p.closed_at) == ("open", date(2026, 12, 30), None, None)
    assert p.reopened_at is not None
    actions.close(actions.resolve(p, by=eco, files=[evidence_file()]), by=owner)
    with pytest.raises(ActionRefused, match="已重新挂账过一次"):
        actions.reopen(p, by=owner, reason="第三次", due_on=date(2027, 1, 15))
    assert Problem.objects.get(pk=p.pk).state == "closed"
    assert _kinds(p) == ["raised", "resolved", "closed", "reopened", "resolved", "closed"]


def test_who_may_raise_and_what_a_problem_needs(at, make_project, ledger, users, problem):
    project = make_project()  # owner enterprise a, responsible unit samr
    allowed = {
        users[Role.ENTERPRISE_USER]: "owner",
        users[Role.UNIT_OFFICIAL]: "unit",  # the responsible unit
        ledger["commission"]: "unit",
        users[Role.LEADER]: "leader",
        users[Role.SUPERVISION_OFFICE]: "supervision",
    }
    for by, source in allowed.items():
        assert problem(project, by=by).source == source
    for by in (users["other_enterprise"], users["other_official"], users[Role.BANK_CLERK]):
        with pytest.raises(ActionRefused, match="只有项目业主"):
            problem(project, by=by)
    bad = [
        ({"description": " "}, "请填写问题"),
        ({"measures": ""}, "请填写整改措施"),
        ({"unit": "bank"}, "请选择责任单位"),
        ({"due_on": date(2026, 12, 1)}, "不能早于今天"),
        ({"due_on": date(2029, 1, 1)}, "不能超过两年"),
        ({"person": users[Role.UNIT_OFFICIAL].person}, "责任人应为责任单位"),  # samr's, not eco's
    ]
    for extra, message in bad:
        with pytest.raises(ActionRefused, match=message):
            problem(project, **extra)
    assert Problem.objects.count() == len(allowed)


def test_the_same_submission_twice_is_one_problem_and_a_strangers_key_is_refused(
    at, make_project, problem, users
):
    project = make_project()
    assert problem(project, key="k-1") == problem(project, key="k-1")
    with pytest.raises(ActionRefused, match="提交编号已被使用"):
        problem(project, key="k-1", by=users[Role.LEADER])
    assert Problem.objects.count() == 1 and ProblemEvent.objects.count() == 1


def test_a_problem_from_a_monthly_report_names_it(at, make_project, problem, report, users):
    project, other = make_project(), make_project()
    filed = report(project, 11, 100_0000)
    assert problem(project, report=filed, by=users[Role.UNIT_OFFICIAL]).source == "report"
    with pytest.raises(ActionRefused, match="月报不属于该项目"):
        problem(other, report=filed, by=users[Role.UNIT_OFFICIAL])


def test_the_responsible_person_is_told_and_answers_for_it(
    at, make_project, problem, users, ledger, django_capture_on_commit_callbacks
):
    from conftest import make_user

    person_user = make_user("eco_zhang", Role.UNIT_OFFICIAL, unit=ledger["units"]["eco"], full_name="张明")
    with django_capture_on_commit_callbacks(execute=True):
        p = problem(make_project(), person=person_user.person)
    assert actions.responsible_users(p) == [person_user]
    assert Notification.objects.filter(recipient=person_user, link=f"/problems/{p.pk}/").exists()
    assert not Notification.objects.filter(
        recipient=users["other_official"], link=f"/problems/{p.pk}/"
    ).exists()


def test_who_sees_which_problems(at, make_project, problem, users, ledger):
    mine, theirs = make_project(), make_project(enterprise="b", unit="eco")
    p1, p2 = problem(mine), problem(theirs, by=users[Role.LEADER], unit="samr")
    seen = lambda user: set(Problem.objects.for_user(user))  # noqa: E731
    assert seen(users[Role.ENTERPRISE_USER]) == {p1}
    assert seen(users["other_enterprise"]) == {p2}  # its project's problem
    assert seen(users[Role.UNIT_OFFICIAL]) == {p1, p2}  # responsible for mine, answers for p2
    assert seen(users["other_official"]) == {p1, p2}  # answers for p1, responsible for theirs
    assert seen(users[Role.LEADER]) == seen(users[Role.SUPERVISION_OFFICE]) == {p1, p2}
    assert seen(users[Role.BANK_CLERK]) == set()
