"""备案监督制: a project's year plan is filed (by its owner or the ledger keeper) and approved by the
development and reform commission; the approved version is the baseline, written into AnnualPlan and
Milestone, which the watch (deviations.py) and the monthly reports read. A change is a new version with
its reason; every version is kept, and what changed between two is derived from them (``compare``).

Milestones are matched by name between versions: one kept keeps its row (and the reports' progress on
it, and its met_month) even when its day moves; one dropped is retired, never deleted; a new name is a new
row. See ADR 0008."""

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yancheng.core import clock
from yancheng.core.actions import refuse_unless, submission_key_taken

from .actions import (
    _active_users,
    _after_commit_notify,
    _locked,
    is_owner,
    owner_users,
    record_event,
    unit_officials,
)
from .choices import EventKind, PlanState
from .models import (
    AnnualPlan,
    Milestone,
    PlanVersion,
    ProjectRules,
    even_months,
    is_commission,
    keeps_ledger,
    refresh_completed,
    refresh_met,
)

FIRST_YEAR, LAST_YEAR = 2015, 2100
MAX_MILESTONES = 50


def may_file(user, project) -> bool:
    return is_owner(user, project) or keeps_ledger(user)


def may_decide(user) -> bool:
    return is_commission(user)


# --- a plan's content and what changed ------------------------------------------------------------


def content_of(version) -> dict:
    return {
        "planned_investment": version.planned_investment,
        "monthly": list(version.monthly),
        "milestones": [(m["name"], date.fromisoformat(m["due_on"])) for m in version.milestones],
    }


def baseline_of(project, year: int) -> dict | None:
    """The plan in force for ``year`` as content, or None: read from AnnualPlan and its milestones
    still watched, so a plan set before versions existed (an import) counts as the baseline too."""
    plan = AnnualPlan.objects.filter(project=project, year=year).first()
    if plan is None:
        return None
    milestones = plan.milestones.filter(retired_at__isnull=True).order_by("due_on", "name")
    return {
        "planned_investment": plan.planned_investment,
        "monthly": list(plan.monthly_plan or even_months(plan.planned_investment)),
        "milestones": [(m.name, m.due_on) for m in milestones],
    }


def compare(before: dict | None, after: dict) -> dict:
    """What changed from ``before`` to ``after`` (contents): the total, each month whose amount moved,
    milestones added, retired or moved to another day. Empty when nothing did; {} for a first version."""
    if before is None:
        return {}
    changes = {}
    if before["planned_investment"] != after["planned_investment"]:
        changes["planned_investment"] = [before["planned_investment"], after["planned_investment"]]
    months = [
        [m, old, new]
        for m, (old, new) in enumerate(zip(before["monthly"], after["monthly"], strict=True), start=1)
        if old != new
    ]
    if months:
        changes["months"] = months
    old, new = dict(before["milestones"]), dict(after["milestones"])
    added = [name for name in new if name not in old]
    retired = [name for name in old if name not in new]
    moved = [[name, str(old[name]), str(new[name])] for name in new if name in old and old[name] != new[name]]
    for key, value in (("added", added), ("retired", retired), ("moved", moved)):
        if value:
            changes[key] = value
    return changes


def history(project) -> list[PlanVersion]:
    """The project's versions, newest first, each with ``.changes`` (and ``.change_words``) against the
    baseline it was filed to replace: the latest version of its year approved before it (a returned
    version was never in force, so nothing is measured from it)."""
    versions = list(
        PlanVersion.objects.filter(project=project)
        .select_related("filed_by__person", "decided_by__person")
        .order_by("-year", "-number")
    )
    decided = {PlanState.APPROVED, PlanState.SUPERSEDED}
    for version in versions:
        earlier = next(
            (
                v
                for v in versions
                if v.year == version.year and v.number < version.number and v.state in decided
            ),
            None,
        )
        version.changes = compare(content_of(earlier) if earlier else None, content_of(version))
        version.change_words = describe(version.changes)
    return versions


# --- checks ------------------------------------------------------------------------------------------


def _checked(year: int, planned_investment: int, monthly, milestones) -> tuple[list[int], list[tuple]]:
    """The input's monthly plan and milestones, normalised; refused (nothing written) when wrong."""
    refuse_unless(FIRST_YEAR <= year <= LAST_YEAR, _("请填写正确的年度。"), "plan_year")
    refuse_unless(planned_investment >= 0, _("年度计划投资不能为负数。"), "plan_negative")
    monthly = list(monthly)
    refuse_unless(len(monthly) == 12, _("分月计划须填写 1 至 12 月各月的计划投资。"), "monthly_months")
    refuse_unless(all(amount >= 0 for amount in monthly), _("分月计划投资不能为负数。"), "monthly_negative")
    refuse_unless(
        sum(monthly) == planned_investment,
        _("1 至 12 月的分月计划投资合计应等于年度计划投资，请核对后重新填写。"),
        "monthly_sum",
    )
    named = [(name.strip(), due_on) for name, due_on in milestones]
    refuse_unless(len(named) <= MAX_MILESTONES, _("每年的计划节点最多 50 个。"), "milestones_too_many")
    refuse_unless(all(name for name, _due in named), _("请填写计划节点的名称。"), "milestone_name")
    refuse_unless(
        all(len(name) <= 100 for name, _due in named), _("节点名称最多 100 个字。"), "milestone_name"
    )
    names = [name for name, _due in named]
    refuse_unless(
        len(set(names)) == len(names),
        _("计划节点的名称不能重复：同名的节点视为同一个节点。"),
        "milestone_repeated",
    )
    refuse_unless(
        all(due_on.year == year for _name, due_on in named),
        _("年度计划节点的日期应在 %(year)d 年内。") % {"year": year},
        "milestone_year",
    )
    return monthly, sorted(named, key=lambda m: (m[1], m[0]))


def _next_number(project, year: int) -> int:
    top = PlanVersion.objects.filter(project=project, year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _waiting(project, year: int) -> bool:
    return PlanVersion.objects.filter(project=project, year=year, state=PlanState.FILED).exists()


def _refuse_if_waiting(project, year: int) -> None:
    refuse_unless(
        not _waiting(project, year),
        _("%(year)d 年的年度计划已报送，正等待发展改革委审批；请等审批或退回后再报送新的版本。")
        % {"year": year},
        "plan_pending",
    )


# --- filing, approving, returning -----------------------------------------------------------------


def file_plan(
    project,
    *,
    by,
    year: int,
    planned_investment: int,
    monthly,
    milestones,
    reason: str = "",
    submission_key: str,
) -> tuple[PlanVersion, bool]:
    """The owner (or the ledger keeper) files a version of the year's plan for the commission to approve.
    A change of a plan in force needs its reason. Returns the version and whether this call created it
    (the same submission sent twice is one version)."""
    refuse_unless(may_file(by, project), _("只有项目业主或项目主管单位可以报送年度计划。"), "forbidden")
    existing = PlanVersion.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return _same_submission(existing, by)
    monthly, milestones = _checked(year, planned_investment, monthly, milestones)
    reason = reason.strip()[:300]
    content = {"planned_investment": planned_investment, "monthly": monthly, "milestones": milestones}
    try:
        with transaction.atomic():
            project = _locked(project)
            _refuse_if_waiting(project, year)
            baseline = baseline_of(project, year)
            refuse_unless(
                baseline is None or bool(reason),
                _("%(year)d 年的年度计划已批准，变更须填写变更理由。") % {"year": year},
                "plan_reason_required",
            )
            changes = compare(baseline, content)
            refuse_unless(
                baseline is None or bool(changes),
                _("所报计划与现行基线相同，无需变更。"),
                "plan_unchanged",
            )
            version = PlanVersion.objects.create(
                project=project,
                year=year,
                number=_next_number(project, year),
                state=PlanState.FILED,
                filed_by=by,
                filed_at=clock.now(),
                submission_key=submission_key,
                reason=reason,
                **_stored(content),
            )
            record_event(
                project,
                EventKind.PLAN_FILED,
                by,
                note=_note(version),
                changes=_event_changes(version, changes),
            )
    except IntegrityError:
        # The same submission key at the same moment: the other call created the version.
        existing = PlanVersion.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return _same_submission(existing, by)
    commission = ProjectRules.current().commission_id
    if commission is not None:
        _after_commit_notify(
            unit_officials(commission).exclude(pk=by.pk),
            lambda: (
                _("年度计划待审批：%(project)s %(note)s") % {"project": project.name, "note": _note(version)}
            ),
            project,
            body=reason,
        )
    return version, True


def _same_submission(existing, by) -> tuple[PlanVersion, bool]:
    if existing.filed_by_id != by.pk:
        raise submission_key_taken()
    return existing, False


def _stored(content: dict) -> dict:
    return {
        "planned_investment": content["planned_investment"],
        "monthly": list(content["monthly"]),
        "milestones": [{"name": n, "due_on": d.isoformat()} for n, d in content["milestones"]],
    }


def _note(version) -> str:
    note = _("%(year)d 年第 %(number)d 版") % {"year": version.year, "number": version.number}
    return f"{note}：{version.reason}" if version.reason else note


def _event_changes(version, changes: dict) -> dict:
    return {"year": version.year, "version": version.number, **changes}


def _locked_version(version) -> PlanVersion:
    return PlanVersion.objects.select_for_update(of=("self",)).select_related("project").get(pk=version.pk)


def approve_plan(version, *, by) -> PlanVersion:
    """The commission approves a filed version: it becomes the baseline in force (AnnualPlan and its
    milestones), the version approved before is superseded; all in one transaction."""
    refuse_unless(may_decide(by), _("只有发展改革委可以审批年度计划。"), "forbidden")
    with transaction.atomic():
        project = _locked(version.project)
        version = _locked_version(version)
        refuse_unless(version.state == PlanState.FILED, _("该版本已处理，无需再次审批。"), "plan_not_pending")
        refuse_unless(
            version.filed_by_id != by.pk,
            _("不能审批本人报送的年度计划，请由单位其他人员审批。"),
            "own_plan",
        )
        changes = compare(baseline_of(project, version.year), content_of(version))
        _make_baseline(version, by)
        record_event(
            project,
            EventKind.PLAN_APPROVED,
            by,
            note=_note(version),
            changes=_event_changes(version, changes),
        )
    _tell_filer(version, by, _("年度计划已批准：%(project)s %(note)s"))
    return version


def return_plan(version, *, by, reason: str) -> PlanVersion:
    """The commission returns a filed version with what to change; the baseline stays as it was."""
    refuse_unless(may_decide(by), _("只有发展改革委可以退回年度计划。"), "forbidden")
    reason = reason.strip()
    refuse_unless(bool(reason), _("请填写退回理由，告诉报送人需要修改什么。"), "reason_required")
    with transaction.atomic():
        project = _locked(version.project)
        version = _locked_version(version)
        refuse_unless(version.state == PlanState.FILED, _("该版本已处理，不能退回。"), "plan_not_pending")
        version.state = PlanState.RETURNED
        version.return_reason = reason[:300]
        version.decided_by = by
        version.decided_at = clock.now()
        version.save(update_fields=["state", "return_reason", "decided_by", "decided_at"])
        record_event(
            project,
            EventKind.PLAN_RETURNED,
            by,
            note=f"{_note(version)}；" + _("退回理由：%(reason)s") % {"reason": reason[:300]},
            changes={"year": version.year, "version": version.number},
        )
    _tell_filer(version, by, _("年度计划被退回：%(project)s %(note)s"), body=reason)
    return version


def _tell_filer(version, by, title: str, body: str = "") -> None:
    project = version.project
    filer = _active_users(pk=version.filed_by_id) if version.filed_by_id else _active_users(pk__in=[])
    recipients = (filer | owner_users(project)).exclude(pk=by.pk).distinct()
    _after_commit_notify(
        recipients, lambda: title % {"project": project.name, "note": _note(version)}, project, body=body
    )


def _make_baseline(version, by) -> AnnualPlan:
    """Approve ``version`` (locked, its project locked) and write it into the baseline."""
    now = clock.now()
    PlanVersion.objects.filter(
        project_id=version.project_id, year=version.year, state=PlanState.APPROVED
    ).update(state=PlanState.SUPERSEDED)
    version.state = PlanState.APPROVED
    version.decided_by = by
    version.decided_at = now
    version.save(update_fields=["state", "decided_by", "decided_at"])
    return write_baseline(version.project, version.year, content_of(version), now)


def write_baseline(project, year: int, content: dict, now) -> AnnualPlan:
    """Make ``content`` the project's plan in force for ``year``: the total and the monthly plan on
    AnnualPlan; milestones matched by name (kept rows keep their progress and met_month, dropped ones
    are retired, new names added), then met_month and completed_to_month refreshed from the reports in
    force (a plan set after its year's reports were confirmed counts them from the start)."""
    plan, _created = AnnualPlan.objects.get_or_create(
        project=project, year=year, defaults={"planned_investment": content["planned_investment"]}
    )
    plan.planned_investment = content["planned_investment"]
    plan.monthly_plan = list(content["monthly"])
    plan.save(update_fields=["planned_investment", "monthly_plan"])
    # Rows by name, a watched one first: older plans may hold two rows of one name (set before names
    # had to differ); the first is kept, the others retired.
    rows: dict[str, list[Milestone]] = {}
    for row in sorted(plan.milestones.all(), key=lambda m: (m.retired_at is not None, m.pk)):
        rows.setdefault(row.name, []).append(row)
    changed, added = [], []
    for name, due_on in content["milestones"]:
        same = rows.pop(name, [])
        if not same:
            added.append(Milestone(plan=plan, name=name, due_on=due_on))
            continue
        kept, *others = same
        if kept.due_on != due_on or kept.retired_at is not None:
            kept.due_on, kept.retired_at = due_on, None
            changed.append(kept)
        rows[f"\0{name}"] = others  # the extra rows of a kept name are dropped like any other
    for left in rows.values():
        for row in left:
            if row.retired_at is None:
                row.retired_at = now
                changed.append(row)
    Milestone.objects.bulk_update(changed, ["due_on", "retired_at"])
    Milestone.objects.bulk_create(added)
    refresh_met(Milestone.objects.filter(plan=plan))
    refresh_completed(AnnualPlan.objects.filter(pk=plan.pk))
    return plan


def set_plan(project, *, by, year: int, planned_investment: int, milestones=(), monthly=None, reason=""):
    """The ledger keeper sets the year's plan directly (the API's PUT, kept for the systems that use it):
    a version filed and approved at once, recorded in the history like any other. Without a monthly
    plan the one in force is kept if it still sums to the total, else the year is spread evenly."""
    refuse_unless(keeps_ledger(by), _("只有项目主管单位可以修改年度计划。"), "forbidden")
    refuse_unless(planned_investment >= 0, _("年度计划投资不能为负数。"), "plan_negative")
    with transaction.atomic():
        project = _locked(project)
        baseline = baseline_of(project, year)
        if monthly is None:
            kept = baseline and sum(baseline["monthly"]) == planned_investment
            monthly = baseline["monthly"] if kept else even_months(planned_investment)
        monthly, milestones = _checked(year, planned_investment, monthly, milestones)
        content = {"planned_investment": planned_investment, "monthly": monthly, "milestones": milestones}
        changes = compare(baseline, content)
        if baseline is not None and not changes:
            return AnnualPlan.objects.get(project=project, year=year)
        _refuse_if_waiting(project, year)
        version = PlanVersion.objects.create(
            project=project,
            year=year,
            number=_next_number(project, year),
            filed_by=by,
            filed_at=clock.now(),
            submission_key=uuid.uuid4().hex,
            reason=reason.strip()[:300] or (_("项目主管单位直接设置") if baseline else ""),
            **_stored(content),
        )
        plan = _make_baseline(version, by)
        record_event(
            project, EventKind.PLAN_SET, by, note=_note(version), changes=_event_changes(version, changes)
        )
    return plan


def _wan(yuan: int) -> str:
    return f"{yuan / 10_000:,.2f}".rstrip("0").rstrip(".")


def describe(changes: dict) -> list[str]:
    """``compare``'s changes in the words the project page shows, one line each."""
    words = []
    if "planned_investment" in changes:
        old, new = changes["planned_investment"]
        words.append(_("年度计划投资：%(old)s → %(new)s 万元") % {"old": _wan(old), "new": _wan(new)})
    if "months" in changes:
        months = "；".join(
            _("%(m)d 月 %(old)s → %(new)s") % {"m": m, "old": _wan(old), "new": _wan(new)}
            for m, old, new in changes["months"]
        )
        words.append(_("分月计划（万元）：%(months)s") % {"months": months})
    if "added" in changes:
        words.append(_("新增节点：%(names)s") % {"names": "、".join(changes["added"])})
    if "retired" in changes:
        words.append(_("撤销节点：%(names)s") % {"names": "、".join(changes["retired"])})
    for name, old, new in changes.get("moved", []):
        words.append(_("节点“%(name)s”日期调整：%(old)s → %(new)s") % {"name": name, "old": old, "new": new})
    return words
