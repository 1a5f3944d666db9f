"""Every change in the visits app: atomic, audited, notifying after commit."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, sql
from yancheng.core.actions import ActionRefused, submission_key_taken
from yancheng.core.auth import record_token_use
from yancheng.core.forms import REPORT_FIRST_DAY
from yancheng.core.models import Enterprise
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, has_role

from . import gate, passes, rules
from .choices import ACTIVE, Direction, Kind, Purpose, RequestStatus, ScanMethod, ScanResult
from .models import (
    CheckEvent,
    EnterpriseCode,
    Pass,
    Rating,
    ScanAttempt,
    Visit,
    Visitor,
    VisitRequest,
    VisitRules,
)

# Clocks of phones and servers differ a little: a pass is honoured this long around its window.
LEEWAY = timedelta(seconds=passes.LEEWAY_SECONDS)


class RulesRefused(ActionRefused):
    def __init__(self, violations: list[rules.Violation]):
        super().__init__("；".join(v.message for v in violations), "rules")
        self.violations = violations


def _day_and_time(moment) -> str:
    """A moment of a visit, in local time: month, day, hour and minute."""
    # Translators: a Django date format (m month, d day: zero-padded; H:i hour and minute).
    return date_format(timezone.localtime(moment), _("m月d日 H:i"))


def _office_users():
    return get_user_model().objects.filter(
        person__roles__role=Role.BUSINESS_ENVIRONMENT_OFFICE, is_active=True
    )


def _enterprise_users(enterprise):
    return get_user_model().objects.filter(person__enterprise=enterprise, is_active=True)


def _request_link(request) -> str:
    return reverse("visits:request", args=[request.pk])


def file_request(draft: rules.Draft, *, by, submission_key: str) -> VisitRequest:
    """File a unit's visit request. The same submission key returns the request it already made."""
    if not has_role(by, Role.UNIT_OFFICIAL) or getattr(by.person, "unit_id", None) != draft.unit.pk:
        raise ActionRefused(_("只有本单位工作人员可以申请访企。"), "forbidden")
    existing = VisitRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.filed_by_id != by.pk:
            raise submission_key_taken()
        return existing
    draft.filed_at = timezone.now()
    try:
        with transaction.atomic():
            # Lock the enterprise: two units filing at once see each other's requests when counting caps.
            Enterprise.objects.select_for_update().get(pk=draft.enterprise.pk)
            violations = rules.check(draft)
            if violations:
                raise RulesRefused(violations)
            request = _create_request(draft, by, submission_key)
    except IntegrityError:  # the same key sent twice at once: return the request that won
        existing = VisitRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        if existing.filed_by_id != by.pk:
            raise submission_key_taken() from None
        return existing
    except RulesRefused as refusal:
        audit.record(
            "visit_request_refused_by_rules",
            draft.enterprise,
            actor=by,
            changes={"violations": [None, [v.code for v in refusal.violations]]},
        )
        raise
    if request.status == RequestStatus.PENDING:
        notify_after_commit(
            lambda: notify(
                _office_users(),
                _("待审批访企申请：%(unit)s → %(enterprise)s")
                % {"unit": request.unit, "enterprise": draft.enterprise},
                link=_request_link(request),
            )
        )
    return request


def _create_request(draft, by, submission_key) -> VisitRequest:
    visit = draft.join_visit
    if visit is None:
        visit = Visit.objects.create(
            enterprise=draft.enterprise,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            year=timezone.localdate(draft.starts_at).year,
        )
    request = VisitRequest.objects.create(
        visit=visit,
        unit=draft.unit,
        purpose=draft.purpose,
        kind=draft.kind,
        trigger=draft.trigger if draft.kind == Kind.TRIGGERED else "",
        trigger_note=draft.trigger_note[:500] if draft.kind == Kind.TRIGGERED else "",
        items=draft.items,
        legal_basis=draft.legal_basis,
        filed_by=by,
        submission_key=submission_key,
        filed_late=draft.starts_at < draft.filed_at,
    )
    for user, certificate in draft.visitors:
        Visitor.objects.create(request=request, user=user, certificate_no=certificate or "")
    audit.record(
        "visit_request_filed",
        request,
        actor=by,
        changes={
            "enterprise": [None, draft.enterprise.uscc],
            "purpose": [None, draft.purpose],
            "kind": [None, draft.kind],
            "joint": [None, draft.join_visit is not None],
            "filed_late": [None, request.filed_late],
        },
    )
    current = VisitRules.current()
    if (
        draft.purpose == Purpose.RESEARCH
        and current.auto_approve_research
        and len(draft.visitors) <= current.auto_approve_max_visitors
    ):
        _approve(request, by=None, auto=True)
    return request


def _approve(request: VisitRequest, *, by, auto=False):
    request.status = RequestStatus.APPROVED
    request.auto_approved = auto
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "auto_approved", "decided_by", "decided_at"])
    for visitor in request.visitors.select_related("user"):
        issue_pass(visitor)
    audit.record(
        "visit_request_approved",
        request,
        actor=by,
        actor_label="" if by else "auto",
        changes={"status": [RequestStatus.PENDING, RequestStatus.APPROVED], "auto": [None, auto]},
    )
    visit = request.visit
    recipients = [request.filed_by, *[v.user for v in request.visitors.all()]]
    notify_after_commit(
        lambda: (
            notify(
                set(recipients),
                _("访企申请已批准：%(enterprise)s") % {"enterprise": visit.enterprise},
                link=_request_link(request),
            ),
            notify(
                _enterprise_users(visit.enterprise),
                _("%(unit)s 将于 %(when)s 来访")
                % {"unit": request.unit, "when": _day_and_time(visit.starts_at)},
                body=_("事由：%(purpose)s") % {"purpose": request.get_purpose_display()},
                # The request's page: the enterprise may read it (who comes, when, why, on what basis).
                link=_request_link(request),
            ),
        )
    )


def _decide(request: VisitRequest, by):
    if not has_role(by, Role.BUSINESS_ENVIRONMENT_OFFICE):
        audit.record(
            "permission_denied", request, actor=by, changes={"attempted": [None, "decide_visit_request"]}
        )
        raise ActionRefused(_("只有营商办可以审批访企申请。"), "forbidden")
    locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.PENDING:
        raise ActionRefused(
            _("该申请已是“%(status)s”状态，不能再审批。") % {"status": locked.get_status_display()},
            "not_pending",
        )
    return locked


def approve_request(request: VisitRequest, *, by) -> VisitRequest:
    with transaction.atomic():
        locked = _decide(request, by)
        _approve(locked, by=by)
    return locked


def refuse_request(request: VisitRequest, *, by, reason: str) -> VisitRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("不批准时须写明理由，申请单位会看到。"), "reason_required")
    with transaction.atomic():
        locked = _decide(request, by)
        locked.status = RequestStatus.REFUSED
        locked.decided_by, locked.decided_at, locked.decision_reason = by, timezone.now(), reason[:500]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            "visit_request_refused",
            locked,
            actor=by,
            changes={"status": [RequestStatus.PENDING, RequestStatus.REFUSED], "reason": [None, reason]},
        )
        notify_after_commit(
            lambda: notify(
                [locked.filed_by],
                _("访企申请未批准：%(enterprise)s") % {"enterprise": locked.visit.enterprise},
                body=reason,
                link=_request_link(locked),
            )
        )
    return locked


def cancel_refusal(request: VisitRequest) -> ActionRefused | None:
    """Why the filer may not withdraw the request now, or None. Once the visit has begun, withdrawing
    would erase what happened: the enterprise's rating, missed check-ins, the visit's place in the caps."""
    if request.status not in ACTIVE:
        return ActionRefused(_("该申请已结束，不能撤回。"), "not_active")
    started = timezone.now() >= request.visit.starts_at
    if started or CheckEvent.objects.filter(green_pass__visitor__request=request).exists():
        return ActionRefused(_("访企活动已开始或已有人员签到，不能撤回。"), "visit_started")
    return None


def cancel_request(request: VisitRequest, *, by) -> VisitRequest:
    if request.filed_by_id != by.pk:
        raise ActionRefused(_("只有申请人可以撤回访企申请。"), "forbidden")
    with transaction.atomic():
        locked = VisitRequest.objects.select_for_update().get(pk=request.pk)
        refusal = cancel_refusal(locked)
        if refusal is not None:
            raise refusal
        before = locked.status
        locked.status = RequestStatus.CANCELLED
        locked.save(update_fields=["status"])
        Pass.objects.filter(visitor__request=locked, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason="访企申请已撤回"
        )
        audit.record("visit_request_cancelled", locked, actor=by, changes={"status": [before, locked.status]})
    return locked


def issue_pass(visitor: Visitor) -> Pass:
    visit = visitor.request.visit
    green_pass = Pass.objects.create(visitor=visitor, token="", short_code=_unused_short_code())
    green_pass.token = passes.sign_pass(
        pass_id=green_pass.pk,
        visit_id=visit.pk,
        visitor_user_id=visitor.user_id,
        enterprise_uscc=visit.enterprise.uscc,
        not_before=visit.starts_at,
        expires=visit.ends_at,
    )
    green_pass.save(update_fields=["token"])
    audit.record(
        "pass_issued", green_pass, actor_label="system", changes={"visitor": [None, visitor.user_id]}
    )
    return green_pass


def _unused_short_code() -> str:
    while True:
        code = passes.new_short_code()
        if not Pass.objects.filter(short_code=code).exists():
            return code


# --- check-in and check-out ---------------------------------------------------------------------


class ScanOutcome:
    """What a scan found: the pass (when there is one) and the result, good or bad. For a good pass,
    `checks` holds its check-in and check-out so far (this scan's included), so that a page can say what
    already happened and offer only the step that is left."""

    def __init__(
        self,
        result: str,
        green_pass: Pass | None = None,
        message: str = "",
        check: CheckEvent | None = None,
        checks: dict | None = None,
    ):
        self.result, self.green_pass, self.check = result, green_pass, check
        self.message = str(message or ScanResult(result).label)
        self.checks = checks or {}

    @property
    def ok(self) -> bool:
        return self.result == ScanResult.OK

    @property
    def shows_visit(self) -> bool:
        """Whether the scanner may see whose visit the pass is for. Not for a forged pass, nor for a pass
        to another enterprise: that would tell one enterprise who is visiting whom elsewhere."""
        return self.green_pass is not None and self.result not in (
            ScanResult.TAMPERED,
            ScanResult.OTHER_ENTERPRISE,
        )

    @property
    def checked_in(self) -> CheckEvent | None:
        return self.checks.get(Direction.IN)

    @property
    def checked_out(self) -> CheckEvent | None:
        return self.checks.get(Direction.OUT)

    @property
    def next_direction(self) -> str | None:
        """The step still open to a good pass: check-in, then check-out, then none."""
        if not self.ok or self.checked_out is not None:
            return None
        return Direction.OUT if self.checked_in is not None else Direction.IN


def _judge(green_pass: Pass | None, enterprise, direction: str, now) -> ScanOutcome:
    if green_pass is None:
        return ScanOutcome(
            ScanResult.NO_PASS, message=_("没有找到您此时访问该企业的通行码，请先申请访企并经批准。")
        )
    visit = green_pass.visitor.request.visit
    if green_pass.revoked_at is not None or green_pass.visitor.request.status != RequestStatus.APPROVED:
        # The reason is stored as it was written (in Chinese); only the fallback is translated.
        reason = green_pass.revoked_reason or _("申请已撤回")
        return ScanOutcome(
            ScanResult.REVOKED, green_pass, _("通行码已撤销：%(reason)s。") % {"reason": reason}
        )
    if visit.enterprise_id != enterprise.pk:
        return ScanOutcome(ScanResult.OTHER_ENTERPRISE, green_pass, _("该通行码不是访问本企业的。"))
    if not (visit.starts_at - LEEWAY <= now <= visit.ends_at + LEEWAY):
        window = f"{_day_and_time(visit.starts_at)}–{clock.local_text(visit.ends_at, '%H:%M')}"
        return ScanOutcome(
            ScanResult.OUTSIDE_WINDOW,
            green_pass,
            _("不在批准的访企时段（%(window)s）。") % {"window": window},
        )
    recorded = gate.checks(green_pass)
    if direction == Direction.OUT and Direction.IN not in recorded:
        return ScanOutcome(ScanResult.NOT_CHECKED_IN, green_pass)
    return ScanOutcome(ScanResult.OK, green_pass, checks=recorded)


def _record_attempt(outcome: ScanOutcome, *, by, enterprise, direction, method):
    request = audit.current_request.get()
    attempt = ScanAttempt(
        user=by if by and by.is_authenticated else None,
        enterprise=enterprise,
        green_pass=outcome.green_pass,
        direction=direction,
        method=method,
        result=outcome.result,
        ip=audit.client_ip(request),
    )
    sql.insert(attempt)  # the gate's hot path (core/sql.py): rows only ever added, no signals


def scan(
    green_pass: Pass | None, *, enterprise, direction: str, method: str, by, confirm: bool
) -> ScanOutcome:
    """Judge a scan and record the attempt; with `confirm`, record the check-in or check-out too.
    A second scan in the same direction returns the first record: never two check-ins."""
    now = timezone.now()
    outcome = _judge(green_pass, enterprise, direction, now)
    with transaction.atomic():
        # The scanner's API token use in the same write (core/auth.py), when it comes through the API.
        record_token_use(audit.current_request.get())
        _record_attempt(outcome, by=by, enterprise=enterprise, direction=direction, method=method)
        if outcome.ok and confirm:
            check = CheckEvent(green_pass=green_pass, direction=direction, method=method, recorded_by=by)
            # One statement whether or not the pass was scanned before; the unique constraint decides.
            if sql.insert(check, unless_exists=("green_pass", "direction")):
                audit.record(f"check_{direction}", green_pass, actor=by, changes={"method": [None, method]})
            else:
                check = CheckEvent.objects.get(green_pass=green_pass, direction=direction)
            outcome.check = outcome.checks[direction] = check
    return outcome


def passes_for_visitor(user, enterprise, now=None) -> list[Pass]:
    """The visitor's passes for this enterprise valid now, the one to act on first: a pass checked in and
    not yet out (the visitor is inside), then the pass used last (the visit they are on), then the one
    starting soonest; revoked ones last. One official may hold two passes here on one day (a planned
    inspection and an emergency check), and the gate must not pick between them at random."""
    now = now or timezone.now()
    current = _pass_query().filter(
        visitor__user=user,
        visitor__request__visit__enterprise=enterprise,
        visitor__request__visit__starts_at__lte=now + LEEWAY,
        visitor__request__visit__ends_at__gte=now - LEEWAY,
    )
    current = current.annotate(
        checked_in=Max("checks__at", filter=Q(checks__direction=Direction.IN)),
        checked_out=Max("checks__at", filter=Q(checks__direction=Direction.OUT)),
    )
    inside = Q(checked_in__isnull=False, checked_out__isnull=True)
    return list(
        current.order_by(
            F("revoked_at").asc(nulls_first=True),
            Case(When(inside, then=0), default=1),
            Coalesce("checked_out", "checked_in").desc(nulls_last=True),
            "visitor__request__visit__starts_at",
        )
    )


def pass_for_visitor(user, enterprise, current: list[Pass], chosen: str = "", now=None) -> Pass | None:
    """The pass to judge among ``current`` (``passes_for_visitor``): the one the visitor chose (its pk),
    else the first; with none current, the nearest one, to explain the refusal."""
    found = next((held for held in current if str(held.pk) == chosen), None)
    if found is not None or current:
        return found or current[0]
    now = now or timezone.now()
    mine = _pass_query().filter(visitor__user=user)
    return (
        mine.filter(visitor__request__visit__enterprise=enterprise)
        .order_by("-visitor__request__visit__starts_at")
        .first()
        or mine.filter(
            visitor__request__visit__starts_at__lte=now + LEEWAY,
            visitor__request__visit__ends_at__gte=now - LEEWAY,
        ).first()
    )


def _outcome_for_bad_token(rejected) -> ScanOutcome:
    result = (
        ScanResult.OUTSIDE_WINDOW if rejected.code in ("expired", "not_yet_valid") else ScanResult.TAMPERED
    )
    return ScanOutcome(result, None, rejected.message)


def scan_token(token: str, *, enterprise, direction: str, by, confirm: bool) -> ScanOutcome:
    """The enterprise scans a visitor's pass: the signature first, then the database (revocation)."""
    method = ScanMethod.ENTERPRISE_SCANS_PASS
    try:
        claims = passes.verify_pass(token)
    except passes.PassRejected as rejected:
        outcome = _outcome_for_bad_token(rejected)
        _record_attempt(outcome, by=by, enterprise=enterprise, direction=direction, method=method)
        return outcome
    green_pass = gate.find_pass(pk=int(claims["jti"]))
    if green_pass is None or green_pass.token != token:
        outcome = ScanOutcome(ScanResult.TAMPERED, None, _("通行码无效：平台没有发放过这个通行码。"))
        _record_attempt(outcome, by=by, enterprise=enterprise, direction=direction, method=method)
        return outcome
    return scan(green_pass, enterprise=enterprise, direction=direction, method=method, by=by, confirm=confirm)


def scan_short_code(code: str, *, enterprise, direction: str, by, confirm: bool) -> ScanOutcome:
    try:
        green_pass = gate.find_pass(short_code=passes.normalize_short_code(code))
    except ValueError:  # not even the shape of a short code
        green_pass = None
    return scan(
        green_pass,
        enterprise=enterprise,
        direction=direction,
        method=ScanMethod.SHORT_CODE,
        by=by,
        confirm=confirm,
    )


def _pass_query():
    # Only what judging a scan needs (gate.find_pass loads the same): PostgreSQL spends longer planning
    # an 8-table join than running it (docs/benchmarks.md).
    return Pass.objects.select_related("visitor__user__person", "visitor__request__visit")


# --- ratings and no-pass reports ------------------------------------------------------------------

RATING_FIELDS = (
    "overall",
    "conduct",
    "necessity",
    "efficiency",
    "integrity",
    "flag_repeated",
    "flag_favours",
    "flag_no_pass",
    "flag_overstayed",
    "comment",
)


def _own_enterprise(by, enterprise):
    person = getattr(by, "person", None)
    if not has_role(by, Role.ENTERPRISE_USER) or person is None or person.enterprise_id != enterprise.pk:
        raise ActionRefused(_("只有被访企业本身可以评价或报告。"), "forbidden")


def with_rating_facts(visits):
    """The visits with what decides whether they can be rated now (see rating_refusal), in the same
    query: whether a unit's part is approved, the first check-out, whether it is rated."""
    first_check_out = (
        CheckEvent.objects.filter(green_pass__visitor__request__visit=OuterRef("pk"), direction=Direction.OUT)
        .order_by("at")
        .values("at")[:1]
    )
    approved = VisitRequest.objects.filter(visit=OuterRef("pk"), status=RequestStatus.APPROVED)
    return visits.annotate(
        has_approved_request=Exists(approved),
        first_check_out=Subquery(first_check_out),
        is_rated=Exists(Rating.objects.filter(visit=OuterRef("pk"))),
    )


def rating_opens_at(visit: Visit):
    """A visit (with_rating_facts) can be rated once a visitor has checked out, or else once its window has
    passed."""
    first_out = visit.first_check_out
    return min(first_out, visit.ends_at) if first_out else visit.ends_at


def rating_closes_at(visit: Visit, rules: VisitRules | None = None):
    return visit.ends_at + timedelta(days=(rules or VisitRules.current()).rating_days)


def rating_refusal(visit: Visit, now=None, rules: VisitRules | None = None) -> ActionRefused | None:
    """Why the enterprise cannot rate the visit (with_rating_facts) now, or None: the pages offer the
    rating only where rate_visit would take it."""
    now = now or timezone.now()
    if not visit.has_approved_request:
        return ActionRefused(
            _("该访企活动未经批准，无需评价；如有未持码入企情况，请提交无码入企报告。"), "not_approved"
        )
    if visit.is_rated:
        return ActionRefused(_("该访企活动已评价，不能重复评价。"), "already_rated")
    if now < rating_opens_at(visit):
        return ActionRefused(_("访企人员签退或访企时段结束后才能评价。"), "too_early")
    closes = rating_closes_at(visit, rules)
    if now > closes:
        # Translators: a Django date format (Y year, m month, d day: zero-padded numbers).
        closing_day = date_format(timezone.localtime(closes), _("Y年m月d日"))
        return ActionRefused(_("评价已于 %(date)s 截止。") % {"date": closing_day}, "closed")
    return None


def rate_visit(visit: Visit, *, by, scores: dict):
    _own_enterprise(by, visit.enterprise)
    refusal = rating_refusal(with_rating_facts(Visit.objects.filter(pk=visit.pk)).get())
    if refusal is not None:
        raise refusal
    values = {name: scores[name] for name in RATING_FIELDS if name in scores}
    for name in ("overall", "conduct", "necessity", "efficiency", "integrity"):
        if not isinstance(values.get(name), int) or not 1 <= values[name] <= 5:
            raise ActionRefused(_("每项评分须为 1 至 5 分。"), "invalid_score")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(visit=visit, rated_by=by, **values)
            audit.record(
                "visit_rated", visit, actor=by
            )  # the scores stay out of the log: ratings are anonymous
    except IntegrityError:
        raise ActionRefused(_("该访企活动已评价，不能重复评价。"), "already_rated") from None
    return rating


def report_no_pass(
    enterprise, *, by, unit=None, unit_text="", occurred_at, visitors_text, description, submission_key
):
    from .models import NoPassReport

    _own_enterprise(by, enterprise)
    existing = NoPassReport.objects.filter(submission_key=submission_key, reported_by=by).first()
    if existing:
        return existing
    if not (visitors_text or "").strip() or not (description or "").strip():
        raise ActionRefused(_("请写明来访人员和情况经过。"), "incomplete")
    if unit is None and not (unit_text or "").strip():
        raise ActionRefused(_("请选择或填写来访单位。"), "unit_required")
    if occurred_at > timezone.now():
        raise ActionRefused(_("发生时间不能晚于现在。"), "future")
    if occurred_at.year < REPORT_FIRST_DAY.year:  # year 1 overflows on its way to UTC
        raise ActionRefused(
            _("发生时间不能早于 %(year)s 年。") % {"year": REPORT_FIRST_DAY.year}, "out_of_range"
        )
    try:
        with transaction.atomic():
            report = NoPassReport.objects.create(
                enterprise=enterprise,
                unit=unit,
                unit_text=unit_text.strip(),
                occurred_at=occurred_at,
                visitors_text=visitors_text.strip(),
                description=description.strip(),
                reported_by=by,
                submission_key=submission_key,
            )
            audit.record("no_pass_reported", report, actor=by)
            notify_after_commit(
                lambda: notify(
                    _office_users(),
                    _("无码入企报告：%(enterprise)s") % {"enterprise": enterprise},
                    link=reverse("visits:office_no_pass_detail", args=[report.pk]),
                )
            )
    except IntegrityError:  # the same key sent twice at once: return the report that won, if it is ours
        existing = NoPassReport.objects.filter(submission_key=submission_key, reported_by=by).first()
        if existing is None:
            raise submission_key_taken() from None
        return existing
    return report


def handle_no_pass(report, *, by, status: str, note: str):
    from .models import NoPassReport, NoPassReportStep

    if not has_role(by, Role.BUSINESS_ENVIRONMENT_OFFICE):
        raise ActionRefused(_("只有营商办可以处理无码入企报告。"), "forbidden")
    if not (note or "").strip():
        raise ActionRefused(_("请填写处理情况。"), "note_required")
    with transaction.atomic():
        locked = NoPassReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == "closed":
            raise ActionRefused(_("该报告已办结。"), "closed")
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        NoPassReportStep.objects.create(report=locked, by=by, status=status, note=note.strip())
        audit.record("no_pass_handled", locked, actor=by, changes={"status": [before, status]})
    return locked


def enterprise_code(enterprise, *, by) -> EnterpriseCode:
    """The enterprise's gate code, issued (and audited) the first time anyone asks for its poster."""
    with transaction.atomic():
        code, created = EnterpriseCode.objects.get_or_create(
            enterprise=enterprise, defaults={"code": secrets.token_urlsafe(9)}
        )
        if created:
            audit.record(
                "enterprise_code_issued", code, actor=by, changes={"enterprise": [None, enterprise.uscc]}
            )
    return code


def update_rules(form, *, by) -> VisitRules:
    """The office changes the rules; the old and new values go to the audit log."""
    if not has_role(by, Role.BUSINESS_ENVIRONMENT_OFFICE):
        raise ActionRefused(_("只有营商办可以修改访企规则。"), "forbidden")
    with transaction.atomic():
        VisitRules.objects.get_or_create(pk=1)  # the first save starts from the defaults
        before = audit.snapshot(VisitRules.objects.select_for_update().get(pk=1))
        rules_row = form.save(commit=False)
        rules_row.quiet_days = form.cleaned_data["quiet_days_text"]
        rules_row.save()
        audit.record(
            "visit_rules_changed",
            rules_row,
            actor=by,
            changes=audit.changes_between(before, audit.snapshot(rules_row)),
        )
    return rules_row
