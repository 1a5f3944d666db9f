"""The rules a visit request must meet, each refusal in the active language (Chinese by default). They run
when the official files (the form shows them at once) and again inside the filing transaction, so the check
and the write agree."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yancheng.core import workdays

from .choices import ACTIVE, INSPECTING, Kind, Purpose, Trigger
from .models import Visit, VisitRequest, VisitRules

MAX_WINDOW = timedelta(hours=12)
MIN_ENFORCEMENT_VISITORS = 2  # 行政处罚法: enforcement is done by at least two officers with certificates


@dataclass
class Draft:
    enterprise: object
    unit: object
    purpose: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    visitors: list = field(default_factory=list)  # [(user, certificate_no)]
    trigger: str = ""
    trigger_note: str = ""
    items: str = ""
    legal_basis: str = ""
    join_visit: Visit | None = None
    filed_at: datetime | None = None

    @property
    def is_planned_inspection(self) -> bool:
        return self.kind == Kind.PLANNED and self.purpose in INSPECTING


def _day(day) -> str:
    # Translators: a Django date format (Y year, m month, d day: zero-padded numbers).
    return date_format(day, _("Y年m月d日"))


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


def check(draft: Draft, rules: VisitRules | None = None) -> list[Violation]:
    rules = rules or VisitRules.current()
    if draft.join_visit is not None:  # a merged request takes the visit's window
        draft.starts_at, draft.ends_at = draft.join_visit.starts_at, draft.join_visit.ends_at
    found = []
    for rule in (_joined, _window, _content, _visitors, _timing, _quiet_day, _exempt, _caps):
        found.extend(rule(draft, rules))
    return found


def _joined(draft, rules):
    # The form offers only visits the unit is not in; this catches a colleague who joined it meanwhile
    # (the filing holds the enterprise's lock, so the second of two at once sees the first).
    if draft.join_visit is not None and draft.join_visit.requests.filter(unit=draft.unit).exists():
        yield Violation("already_joined", _("本单位已在该联合检查中，无需再次申请。"))


def _window(draft, rules):
    if draft.ends_at <= draft.starts_at:
        yield Violation("window", _("结束时间须晚于开始时间。"))
    elif draft.ends_at - draft.starts_at > MAX_WINDOW:
        yield Violation("window", _("一次访企时段不超过 12 小时；跨天的活动请分别申请。"))


def _content(draft, rules):
    if draft.purpose in INSPECTING:
        if not draft.items.strip():
            yield Violation("items", _("督查检查和监管执法须列明检查事项。"))
        if not draft.legal_basis.strip():
            yield Violation("legal_basis", _("督查检查和监管执法须写明法律依据（法律法规名称及条款）。"))
    if draft.kind == Kind.TRIGGERED and not draft.trigger:
        yield Violation("trigger", _("触发性检查须选择触发原因（投诉举报、转办、数据预警或突发事件）。"))


def _visitors(draft, rules):
    if not draft.visitors:
        yield Violation("visitors", _("请至少填写一名访企人员。"))
    for user, _certificate in draft.visitors:
        person = getattr(user, "person", None)
        if person is None or person.unit_id != draft.unit.pk:
            yield Violation(
                "visitors",
                _("%(username)s 不是本单位人员，不能列为访企人员。") % {"username": user.get_username()},
            )
    if draft.purpose == Purpose.ENFORCEMENT:
        if len(draft.visitors) < MIN_ENFORCEMENT_VISITORS:
            yield Violation("visitors", _("监管执法须至少两名执法人员。"))
        if any(not (certificate or "").strip() for _user, certificate in draft.visitors):
            yield Violation("certificate", _("监管执法的每名人员都须填写执法证号。"))


def latest_start_day(now: datetime) -> date:
    """The last day a visit may start on when filed at `now`: the same day a year later."""
    today = timezone.localdate(now)
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def too_far_ahead(starts_at: datetime, now: datetime | None = None) -> bool:
    return timezone.localdate(starts_at) > latest_start_day(now or timezone.now())


def _timing(draft, rules):
    now = draft.filed_at or timezone.now()
    if too_far_ahead(draft.starts_at, now):
        # Checked first: counting working days up to a date years away takes minutes of CPU.
        yield Violation(
            "too_far_ahead",
            _("访企最多提前一年申请；最晚可申请 %(date)s 的访企。") % {"date": _day(latest_start_day(now))},
        )
        return
    if draft.kind == Kind.PLANNED:
        days = workdays.working_days_between(timezone.localdate(now), timezone.localdate(draft.starts_at))
        if days < rules.lead_working_days:
            earliest = workdays.add_working_days(timezone.localdate(now), rules.lead_working_days)
            yield Violation(
                "lead_time",
                _("计划性访企须至少提前 %(days)s 个工作日申请；最早可申请 %(date)s 的访企。")
                % {"days": rules.lead_working_days, "date": _day(earliest)},
            )
    elif draft.starts_at < now:
        if draft.trigger != Trigger.EMERGENCY:
            yield Violation("late", _("只有突发事件可以事后补报；其他访企须在开始前申请。"))
        elif now - draft.starts_at > timedelta(hours=rules.late_filing_hours):
            yield Violation(
                "late",
                _("突发事件须在访企开始后 %(hours)s 小时内补报，已超过时限。")
                % {"hours": rules.late_filing_hours},
            )


def _quiet_day(draft, rules):
    day = timezone.localdate(draft.starts_at).day
    if draft.kind == Kind.PLANNED and day in (rules.quiet_days or []):
        yield Violation(
            "quiet_day", _("每月 %(day)s 日是无事不扰日，不安排计划性访企；请改期。") % {"day": day}
        )


def _exempt(draft, rules):
    if not draft.is_planned_inspection:
        return
    if draft.enterprise.exempt:
        yield Violation(
            "exempt",
            _("该企业在“无事不扰”白名单中，不接受计划性检查；如有投诉举报等情形，请按触发性检查申请。"),
        )
    elif draft.enterprise.risk_grade == "A":
        yield Violation(
            "grade_a",
            _("该企业信用风险等级为 A，不安排计划性检查；如有投诉举报等情形，请按触发性检查申请。"),
        )


def planned_inspections(enterprise, year: int):
    """Active planned inspection requests of an enterprise in a year: what the caps count."""
    return VisitRequest.objects.filter(
        visit__enterprise=enterprise,
        visit__year=year,
        kind=Kind.PLANNED,
        purpose__in=INSPECTING,
        status__in=ACTIVE,
    )


def _caps(draft, rules):
    if not draft.is_planned_inspection:
        return
    year = timezone.localdate(draft.starts_at).year
    counted = planned_inspections(draft.enterprise, year)
    by_unit = counted.filter(unit=draft.unit).count()
    if by_unit >= rules.cap_per_unit_per_enterprise:
        yield Violation(
            "cap_unit",
            _("本单位今年已对该企业安排 %(count)s 次计划性检查，已达上限 %(cap)s 次。")
            % {"count": by_unit, "cap": rules.cap_per_unit_per_enterprise},
        )
    visits = set(counted.values_list("visit_id", flat=True))
    # Joining a visit that already counts adds nothing: a joint visit counts once for the enterprise.
    joins_counted_visit = draft.join_visit is not None and draft.join_visit.pk in visits
    if not joins_counted_visit and len(visits) >= rules.cap_per_enterprise:
        # Only joining a visit that already counts stays within the cap: offer it when there is one.
        joinable = joint_candidates(draft.enterprise, draft.unit, draft.starts_at, rules).filter(
            pk__in=visits
        )
        if joinable.exists():
            advice = _("可申请加入其他单位已安排的联合检查（只计一次）。")
        else:
            advice = _("今年不能再安排计划性检查；如有投诉举报等情形，请按触发性检查申请。")
        yield Violation(
            "cap_enterprise",
            _("该企业今年已接受 %(count)s 次计划性检查，已达全市上限 %(cap)s 次；%(advice)s")
            % {"count": len(visits), "cap": rules.cap_per_enterprise, "advice": advice},
        )


def joint_candidates(enterprise, unit, starts_at: datetime, rules: VisitRules | None = None):
    """Visits of other units to the same enterprise, pending or approved, within the joint window."""
    rules = rules or VisitRules.current()
    if too_far_ahead(starts_at):
        return Visit.objects.none()  # nothing can be joined there, and the window's arithmetic could overflow
    window = timedelta(days=rules.joint_window_days)
    return (
        Visit.objects.filter(
            enterprise=enterprise,
            starts_at__gte=starts_at - window,
            starts_at__lte=starts_at + window,
            starts_at__gt=timezone.now(),
            requests__status__in=ACTIVE,
        )
        .exclude(requests__unit=unit)
        .distinct()
        .order_by("starts_at")
    )
