"""What is done to problems (挂账销号), each checked, atomic, recorded as an event and audited; refusals
raise ActionRefused with a message for the person and change nothing.

- a problem is raised on a project by its owner, its responsible unit, the commission, a city leader or
  the supervision office — or by an observer at an observation site of the project (observations);
- the responsible unit's officials resolve it by filing evidence (at least one file);
- the raiser confirms it and it is closed (销号), or returns it with a reason; for a problem the owner
  raised, any of the owner's people may answer;
- a closed problem may be reopened once, with a reason and a new deadline, by who may confirm it or the
  supervision office."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, evidence, ladder
from yancheng.core.actions import refuse_unless, submission_key_taken
from yancheng.core.models import Unit
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, official_unit, roles_of
from yancheng.core.workdays import end_of_day
from yancheng.projects.actions import is_owner, is_responsible, owner_users, unit_officials
from yancheng.projects.models import keeps_ledger

from .choices import EventKind, Source, State
from .models import Problem, ProblemEvent, ProblemEvidence

MAX_DAYS_AHEAD = 730  # a deadline further than two years is a typing error, not a plan


def is_observer_at(user, site) -> bool:
    person = getattr(user, "person", None)
    return person is not None and site.round.observers.filter(person=person).exists()


def may_raise(user, project, site=None) -> bool:
    if site is not None:
        return site.project_id == project.pk and is_observer_at(user, site)
    return (
        is_owner(user, project)
        or is_responsible(user, project)
        or keeps_ledger(user)
        or bool(roles_of(user) & {Role.LEADER, Role.SUPERVISION_OFFICE})
    )


def source_of(user, project, *, report=None, site=None) -> Source:
    if site is not None:
        return Source.OBSERVATION
    if report is not None:
        return Source.REPORT
    roles = roles_of(user)
    if is_owner(user, project):
        return Source.OWNER
    if Role.LEADER in roles:
        return Source.LEADER
    if Role.SUPERVISION_OFFICE in roles:
        return Source.SUPERVISION
    return Source.UNIT


def may_resolve(user, problem) -> bool:
    return official_unit(user) == problem.unit_id and problem.state == State.OPEN


def is_raiser(user, problem) -> bool:
    """The raiser answers for the close; for the owner's problem, anyone of the owner."""
    if getattr(user, "pk", None) == problem.raised_by_id:
        return True
    return problem.source == Source.OWNER and is_owner(user, problem.project)


def may_answer(user, problem) -> bool:
    return is_raiser(user, problem) and problem.state == State.RESOLVED


def may_reopen(user, problem) -> bool:
    return (
        problem.state == State.CLOSED
        and problem.reopened_at is None
        and (is_raiser(user, problem) or Role.SUPERVISION_OFFICE in roles_of(user))
    )


def _event(problem, kind, by, note="", changes=None) -> None:
    ProblemEvent.objects.create(problem=problem, at=clock.now(), by=by, kind=kind, note=note)
    audit.record(f"problem_{kind}", problem, actor=by, changes=changes or {"state": [None, problem.state]})


def _tell(recipients, title: str, problem) -> None:
    link = f"/problems/{problem.pk}/"
    notify_after_commit(lambda: notify(list(recipients), title, body=problem.description[:200], link=link))


@ladder.per_pass(lambda problem: (problem.person_id, problem.unit_id))
def responsible_users(problem) -> list:
    """The responsible person when they can sign in, else the responsible unit's officials."""
    user = problem.person.user if problem.person_id and problem.person.user_id else None
    return [user] if user is not None and user.is_active else list(unit_officials(problem.unit_id))


def _check_deadline(due_on: date | None, today: date) -> None:
    refuse_unless(due_on is not None, _("请填写完成时限。"), "due")
    refuse_unless(due_on >= today, _("完成时限不能早于今天。"), "due")
    refuse_unless((due_on - today).days <= MAX_DAYS_AHEAD, _("完成时限不能超过两年。"), "due")


def _check_raise(project, by, description, measures, unit, person, due_on, report, site) -> None:
    refuse_unless(
        may_raise(by, project, site),
        _("只有项目业主、责任单位、市发展改革委、市领导、督查室或观摩人员可以提出问题。"),
        "forbidden",
    )
    refuse_unless(bool(description.strip()), _("请填写问题。"), "description")
    refuse_unless(bool(measures.strip()), _("请填写整改措施。"), "measures")
    refuse_unless(unit is not None and unit.kind not in Unit.NOT_GOVERNMENT, _("请选择责任单位。"), "unit")
    refuse_unless(person is None or person.unit_id == unit.pk, _("责任人应为责任单位的工作人员。"), "person")
    refuse_unless(report is None or report.project_id == project.pk, _("月报不属于该项目。"), "report")
    _check_deadline(due_on, timezone.localdate(clock.now()))


def raise_problem(project, *, by, description, measures, unit, due_on, submission_key: str, person=None,
                  report=None, site=None) -> Problem:  # fmt: skip
    """Put a problem on `project`'s list (挂账). The same submission twice is one problem. Called inside
    the observer's scoring transaction when seen on site (`site`), so both are kept or neither."""
    _check_raise(project, by, description, measures, unit, person, due_on, report, site)
    now = clock.now()
    with transaction.atomic():
        problem, created = Problem.objects.get_or_create(
            submission_key=submission_key[:64],
            defaults={
                "project": project, "description": description.strip(), "measures": measures.strip(),
                "unit": unit, "person": person, "source": source_of(by, project, report=report, site=site),
                "report": report, "site": site, "raised_on": timezone.localdate(now), "due_on": due_on,
                "deadline_at": end_of_day(due_on), "raised_by": by, "raised_at": now,
            },
        )  # fmt: skip
        if not created and problem.raised_by_id != by.pk:
            raise submission_key_taken()
        if created:
            _event(problem, EventKind.RAISED, by)
            _tell(responsible_users(problem), _("新的问题清单：%(p)s") % {"p": project.name}, problem)
    return problem


def _locked(problem) -> Problem:
    return (
        Problem.objects.select_for_update(of=("self",)).select_related("project", "person").get(pk=problem.pk)
    )


def resolve(problem, *, by, files, note: str = "") -> Problem:
    """The responsible unit files its evidence; the raiser is asked to confirm."""
    files = list(files)
    refuse_unless(official_unit(by) == problem.unit_id, _("只有责任单位可以提交整改材料。"), "forbidden")
    refuse_unless(bool(files), _("请上传整改材料（照片、批复、记录等）。"), "no_evidence")
    evidence.check_files(files)
    with transaction.atomic():
        locked = _locked(problem)
        refuse_unless(locked.state == State.OPEN, _("该问题已提交整改材料或已销号。"), "state")
        now = clock.now()
        evidence.store(ProblemEvidence, files, by=by, at=now, problem=locked)
        locked.state, locked.resolved_on = State.RESOLVED, timezone.localdate(now)
        locked.save(update_fields=["state", "resolved_on"])
        _event(locked, EventKind.RESOLVED, by, note.strip()[:1000])
        _tell(_raisers(locked), _("问题整改待确认销号：%(p)s") % {"p": locked.project.name}, locked)
    return locked


def _raisers(problem) -> list:
    if problem.source == Source.OWNER:
        return list(owner_users(problem.project))
    return [problem.raised_by] if problem.raised_by.is_active else []


def close(problem, *, by) -> Problem:
    """The raiser confirms the evidence: the problem is closed (销号)."""
    refuse_unless(is_raiser(by, problem), _("只有问题提出人可以确认销号。"), "forbidden")
    with transaction.atomic():
        locked = _locked(problem)
        refuse_unless(locked.state == State.RESOLVED, _("责任单位尚未提交整改材料，不能销号。"), "state")
        refuse_unless(locked.evidence.exists(), _("没有整改材料，不能销号。"), "no_evidence")
        locked.state, locked.closed_at = State.CLOSED, clock.now()
        locked.save(update_fields=["state", "closed_at"])
        _event(locked, EventKind.CLOSED, by)
        _tell(responsible_users(locked), _("问题已销号：%(p)s") % {"p": locked.project.name}, locked)
    return locked


def return_problem(problem, *, by, reason: str) -> Problem:
    """The raiser finds the problem not solved: back to the unit, its deadline unchanged."""
    refuse_unless(is_raiser(by, problem), _("只有问题提出人可以退回整改。"), "forbidden")
    refuse_unless(bool(reason.strip()), _("请填写退回理由。"), "reason")
    with transaction.atomic():
        locked = _locked(problem)
        refuse_unless(locked.state == State.RESOLVED, _("责任单位尚未提交整改材料。"), "state")
        locked.state, locked.resolved_on = State.OPEN, None
        locked.save(update_fields=["state", "resolved_on"])
        _event(locked, EventKind.RETURNED, by, reason.strip()[:500])
        _tell(responsible_users(locked), _("问题整改被退回：%(p)s") % {"p": locked.project.name}, locked)
    return locked


def reopen(problem, *, by, reason: str, due_on: date | None) -> Problem:
    """A closed problem that came back: open again, once, with a reason and a new deadline (so the
    ladder starts over on it)."""
    refuse_unless(
        is_raiser(by, problem) or Role.SUPERVISION_OFFICE in roles_of(by),
        _("只有问题提出人或督查室可以重新挂账。"),
        "forbidden",
    )
    refuse_unless(bool(reason.strip()), _("请填写重新挂账的理由。"), "reason")
    _check_deadline(due_on, timezone.localdate(clock.now()))
    with transaction.atomic():
        locked = _locked(problem)
        refuse_unless(locked.state == State.CLOSED, _("只有已销号的问题可以重新挂账。"), "state")
        refuse_unless(locked.reopened_at is None, _("该问题已重新挂账过一次，不能再次重新挂账。"), "reopened")
        before = str(locked.due_on)
        locked.state, locked.resolved_on, locked.closed_at = State.OPEN, None, None
        locked.due_on, locked.deadline_at, locked.reopened_at = due_on, end_of_day(due_on), clock.now()
        locked.save(
            update_fields=["state", "resolved_on", "closed_at", "due_on", "deadline_at", "reopened_at"]
        )
        changes = {"state": [State.CLOSED, State.OPEN], "due_on": [before, str(due_on)]}
        _event(locked, EventKind.REOPENED, by, reason.strip()[:500], changes)
        _tell(responsible_users(locked), _("问题重新挂账：%(p)s") % {"p": locked.project.name}, locked)
    return locked
