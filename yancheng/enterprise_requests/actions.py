"""Every change to an enterprise request: atomic, audited, recorded as an event, notifying after commit."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yancheng.core import audit, clock, workdays
from yancheng.core.actions import ActionRefused, refuse_unless, submission_key_taken
from yancheng.core.notify import notify, notify_after_commit
from yancheng.core.roles import Role, has_role

from .choices import EventKind, RequestKind, Satisfaction
from .models import Attachment, EnterpriseRequest, KindDeadline, RequestEvent, RoutingRule
from .state import derive

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_EXTENSION_DAYS = 15


def _users(**filters):
    return get_user_model().objects.filter(is_active=True, **filters)


def office_users():
    return _users(person__roles__role=Role.BUSINESS_ENVIRONMENT_OFFICE)


def unit_users(unit):
    return _users(person__unit=unit, person__roles__role=Role.UNIT_OFFICIAL)


def _event(request, kind, by, note="", files=()):
    event = RequestEvent.objects.create(request=request, at=clock.now(), by=by, kind=kind, note=note)
    for upload in files:
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ActionRefused(
                _("附件“%(name)s”超过 20 MB，请压缩后再上传。") % {"name": upload.name},
                "attachment_too_large",
            )
        Attachment.objects.create(
            request=request, event=event, file=upload, name=upload.name[:200], size=upload.size
        )
    audit.record(f"request_{kind}", request, actor=by, changes={"note": [None, note[:200]]} if note else None)
    return event


def _after_commit_notify(recipients, title, request, body=""):
    """Tell ``recipients`` about ``request`` once the transaction commits. A title or body given as a
    function is composed then, in the platform's language (core.notify.notify_after_commit)."""

    def text(value):
        return value() if callable(value) else value

    link = f"/requests/{request.pk}/"
    notify_after_commit(lambda: notify(list(recipients), text(title), body=text(body), link=link))


def _locked(request) -> EnterpriseRequest:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the unit.
    return (
        EnterpriseRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise", "unit")
        .get(pk=request.pk)
    )


HANDLING_UNIT_KINDS = ("department", "county_government", "office", "park")


def _check_handling_unit(unit):
    refuse_unless(
        unit.kind in HANDLING_UNIT_KINDS,
        _("“%(unit)s”不办理企业诉求，请选择政府部门或县市区。") % {"unit": unit},
        "unit_kind",
    )


def file_request(
    enterprise, *, by, kind: str, subject: str, text: str, submission_key: str, visit=None, files=()
) -> tuple[EnterpriseRequest, bool]:
    """An enterprise files a request; both deadlines are computed now, on working days, and stored.
    Returns the request and whether this call created it: the same submission sent again (even at the
    same moment) returns the first one, and only its sender is told it was created."""
    person = getattr(by, "person", None)
    refuse_unless(
        has_role(by, Role.ENTERPRISE_USER) and person is not None and person.enterprise_id == enterprise.pk,
        _("只有本企业用户可以提交诉求。"),
        "forbidden",
    )
    existing = EnterpriseRequest.objects.filter(submission_key=submission_key, filed_by=by).first()
    if existing is not None:
        return existing, False
    refuse_unless(kind in RequestKind.values, _("请选择诉求类别。"), "kind_required")
    refuse_unless(bool(subject.strip()) and bool(text.strip()), _("请填写标题和具体内容。"), "text_required")
    refuse_unless(
        visit is None or visit.enterprise_id == enterprise.pk, _("所选访企活动不属于本企业。"), "visit"
    )
    now = clock.now()
    limits = KindDeadline.for_kind(kind)
    try:
        with transaction.atomic():
            request = EnterpriseRequest.objects.create(
                enterprise=enterprise,
                filed_by=by,
                kind=kind,
                subject=subject.strip()[:120],
                text=text.strip(),
                visit=visit,
                filed_at=now,
                submission_key=submission_key,
                accept_deadline=workdays.deadline_after(now, limits.accept_days),
                reply_deadline=workdays.deadline_after(now, limits.reply_days),
            )
            _event(request, EventKind.FILED, by, files=files)
            rule = next((r for r in RoutingRule.objects.select_related("unit") if r.matches(request)), None)
            if rule is not None:
                _route(request, rule.unit, by=None, note=f"按分派规则自动分派（规则 {rule.pk}）")
            else:
                _after_commit_notify(
                    office_users(),
                    lambda: _("新诉求待分派：%(enterprise)s") % {"enterprise": enterprise},
                    request,
                    subject,
                )
    except IntegrityError:  # the same submission, sent twice at once: return the one that won
        existing = EnterpriseRequest.objects.filter(submission_key=submission_key, filed_by=by).first()
        if existing is None:
            raise submission_key_taken() from None
        return existing, False
    return request, True


def _route(request, unit, *, by, note=""):
    request.unit, request.routed_at = unit, clock.now()
    request.save(update_fields=["unit", "routed_at"])
    _event(request, EventKind.ROUTED, by, note or f"分派至{unit}")
    _after_commit_notify(
        unit_users(unit),
        lambda: _("新诉求请受理：%(subject)s") % {"subject": request.subject},
        request,
        lambda: _("受理期限：%(deadline)s") % {"deadline": clock.local_text(request.accept_deadline)},
    )


def route(request, *, unit, by) -> EnterpriseRequest:
    refuse_unless(has_role(by, Role.BUSINESS_ENVIRONMENT_OFFICE), _("只有营商办可以分派诉求。"), "forbidden")
    _check_handling_unit(unit)
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(
            locked.unit_id is None, _("该诉求已分派；如需改派，请由责任单位办理转办。"), "already_routed"
        )
        _route(locked, unit, by=by)
    return locked


def transfer(request, *, to_unit, by, reason: str) -> EnterpriseRequest:
    """Once, before acceptance and within the acceptance period; the clock keeps running."""
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(locked.unit_id is not None, _("该诉求尚未分派，请先分派。"), "not_routed")
        _check_handling_unit(to_unit)
        refuse_unless(
            _is_unit_official(by, locked.unit) or has_role(by, Role.BUSINESS_ENVIRONMENT_OFFICE),
            _("只有责任单位或营商办可以转办。"),
            "forbidden",
        )
        refuse_unless(bool(reason.strip()), _("请写明转办理由。"), "reason_required")
        refuse_unless(locked.transferred_from_id is None, _("每件诉求只能转办一次。"), "transferred_once")
        refuse_unless(
            locked.accepted_at is None and clock.now() <= locked.accept_deadline,
            _("只能在受理期限内、受理之前转办；已过期限的诉求视为已受理，须由本单位办理。"),
            "too_late",
        )
        refuse_unless(to_unit.pk != locked.unit_id, _("不能转给本单位。"), "same_unit")
        locked.transferred_from = locked.unit
        locked.unit = to_unit
        locked.save(update_fields=["transferred_from", "unit"])
        _event(
            locked, EventKind.TRANSFERRED, by, f"由{locked.transferred_from}转至{to_unit}：{reason.strip()}"
        )
        _after_commit_notify(
            unit_users(to_unit),
            lambda: _("转办诉求请受理：%(subject)s") % {"subject": locked.subject},
            locked,
            reason,
        )
    return locked


def _is_unit_official(user, unit) -> bool:
    person = getattr(user, "person", None)
    return (
        unit is not None
        and has_role(user, Role.UNIT_OFFICIAL)
        and person is not None
        and person.unit_id == unit.pk
    )


def accept(request, *, by) -> EnterpriseRequest:
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(_is_unit_official(by, locked.unit), _("只有责任单位可以受理。"), "forbidden")
        if locked.accepted_at is None:
            locked.accepted_at = clock.now()
            locked.save(update_fields=["accepted_at"])
            late = locked.accepted_at > locked.accept_deadline
            _event(locked, EventKind.ACCEPTED, by, "受理（已过受理期限，此前已视作默认受理）" if late else "")
            _after_commit_notify(
                [locked.filed_by],
                lambda: _("您的诉求已受理：%(subject)s") % {"subject": locked.subject},
                locked,
            )
    return locked


def ask_extension(request, *, by, days: int, reason: str) -> EnterpriseRequest:
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(_is_unit_official(by, locked.unit), _("只有责任单位可以申请延期。"), "forbidden")
        refuse_unless(locked.replied_at is None, _("已答复的诉求无需延期。"), "replied")
        already = locked.extension_pending or locked.events.filter(kind=EventKind.EXTENSION_APPROVED).exists()
        refuse_unless(not already, _("每件诉求最多延期一次。"), "extended_once")
        refuse_unless(bool(reason.strip()), _("请写明延期理由。"), "reason_required")
        refuse_unless(
            1 <= days <= MAX_EXTENSION_DAYS,
            _("延期天数须为 1 至 %(max)s 个工作日。") % {"max": MAX_EXTENSION_DAYS},
            "days",
        )
        locked.extension_pending, locked.extension_days = True, days
        locked.extension_reason = reason.strip()[:300]
        locked.save(update_fields=["extension_pending", "extension_days", "extension_reason"])
        _event(locked, EventKind.EXTENSION_ASKED, by, f"申请延期 {days} 个工作日：{reason.strip()}")
        _after_commit_notify(
            office_users(),
            lambda: _("延期申请待审批：%(subject)s") % {"subject": locked.subject},
            locked,
            reason,
        )
    return locked


def decide_extension(request, *, by, approve: bool, note: str = "") -> EnterpriseRequest:
    refuse_unless(has_role(by, Role.BUSINESS_ENVIRONMENT_OFFICE), _("只有营商办可以审批延期。"), "forbidden")
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(locked.extension_pending, _("没有待审批的延期申请。"), "no_extension")
        refuse_unless(locked.replied_at is None, _("该诉求已答复，延期申请不再需要审批。"), "replied")
        locked.extension_pending = False
        if approve:
            locked.extended_deadline = workdays.deadline_after(locked.reply_deadline, locked.extension_days)
        locked.save(update_fields=["extension_pending", "extended_deadline"])
        kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
        _event(
            locked,
            kind,
            by,
            note
            or (f"答复期限延至 {clock.local_text(locked.extended_deadline, '%Y-%m-%d')}" if approve else ""),
        )
        _after_commit_notify(
            unit_users(locked.unit),
            lambda: (
                (_("延期申请已批准：%(subject)s") if approve else _("延期申请未批准：%(subject)s"))
                % {"subject": locked.subject}
            ),
            locked,
            note,
        )
    return locked


def reply(request, *, by, text: str, files=()) -> EnterpriseRequest:
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(_is_unit_official(by, locked.unit), _("只有责任单位可以答复。"), "forbidden")
        refuse_unless(locked.replied_at is None, _("该诉求已答复。"), "replied")
        refuse_unless(derive(locked).accepted, _("请先受理再答复。"), "not_accepted")
        refuse_unless(bool(text.strip()), _("请填写答复内容。"), "text_required")
        locked.replied_at, locked.reply_text = clock.now(), text.strip()
        locked.save(update_fields=["replied_at", "reply_text"])
        _event(locked, EventKind.REPLIED, by, text.strip(), files=files)
        _after_commit_notify(
            [locked.filed_by],
            lambda: _("您的诉求已答复，请评价：%(subject)s") % {"subject": locked.subject},
            locked,
        )
    return locked


def rate(request, *, by, satisfaction: str) -> EnterpriseRequest:
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(
            locked.filed_by_id == by.pk or _same_enterprise(by, locked),
            _("只有提交诉求的企业可以评价。"),
            "forbidden",
        )
        refuse_unless(locked.replied_at is not None, _("答复后才能评价。"), "not_replied")
        refuse_unless(not locked.satisfaction, _("已评价。"), "rated")
        refuse_unless(
            satisfaction in Satisfaction.values, _("请选择满意、基本满意或不满意。"), "satisfaction"
        )
        locked.satisfaction, locked.rated_at = satisfaction, clock.now()
        locked.save(update_fields=["satisfaction", "rated_at"])
        _event(locked, EventKind.RATED, by, Satisfaction(satisfaction).label)
    return locked


def _same_enterprise(user, request) -> bool:
    person = getattr(user, "person", None)
    return (
        has_role(user, Role.ENTERPRISE_USER)
        and person is not None
        and person.enterprise_id == request.enterprise_id
    )


def reopen(request, *, by, reason: str) -> EnterpriseRequest:
    """Once, after a 'not satisfied' rating: the reply clock starts again from now."""
    with transaction.atomic():
        locked = _locked(request)
        refuse_unless(_same_enterprise(by, locked), _("只有提交诉求的企业可以要求重新办理。"), "forbidden")
        refuse_unless(
            locked.satisfaction == Satisfaction.NOT_SATISFIED,
            _("评价为不满意后才能要求重新办理。"),
            "not_unsatisfied",
        )
        refuse_unless(locked.reopened_at is None, _("每件诉求只能要求重新办理一次。"), "reopened_once")
        refuse_unless(bool(reason.strip()), _("请说明不满意的原因。"), "reason_required")
        now = clock.now()
        locked.reopened_at = now
        locked.reply_deadline = workdays.deadline_after(now, KindDeadline.for_kind(locked.kind).reply_days)
        locked.extended_deadline = None
        locked.replied_at, locked.reply_text, locked.satisfaction, locked.rated_at = None, "", "", None
        locked.save(
            update_fields=[
                "reopened_at",
                "reply_deadline",
                "extended_deadline",
                "replied_at",
                "reply_text",
                "satisfaction",
                "rated_at",
            ]
        )
        _event(locked, EventKind.REOPENED, by, reason.strip())
        _after_commit_notify(
            unit_users(locked.unit),
            lambda: _("企业不满意，要求重新办理：%(subject)s") % {"subject": locked.subject},
            locked,
            reason,
        )
    return locked
