"""Filing, automatic review and recording (登簿). Review and recording happen in one transaction that
holds the property unit's row lock, so concurrent filings on one unit record at most one mortgage."""

import logging
import secrets
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import audit, clock
from yancheng.core.actions import ActionRefused
from yancheng.core.roles import Role, has_role
from yancheng.core.urls import public_url
from yancheng.core.validators import validate_id_number, validate_property_unit_number

from . import certificate, checks, tasks
from .choices import LIVE, PENDING, ApplicationStatus, IdentityMethod, MortgageKind, Operation
from .models import (
    REGISTER_SCHEME,
    Application,
    Certificate,
    CertificateSerial,
    CheckResult,
    LookupMisses,
    MortgageRight,
    PropertyUnit,
    RegisterEntry,
    RegisterHead,
    entry_hash,
    right_payload,
)

REGISTRY_CODE = "衡阳市"
PROVINCE = "湘"
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

logger = logging.getLogger(__name__)


@dataclass
class Filing:
    """What a bank files, already normalised and checked field by field by the API's schema or the form."""

    unit_number: str
    contract_number: str
    mortgagors: list  # [{"name", "id_number"}]
    debtor: str
    amount: Decimal
    term_start: date
    term_end: date
    identity_verified_at: datetime
    kind: str = MortgageKind.ORDINARY
    identity_method: str = IdentityMethod.FACE
    operation: str = Operation.MORTGAGE
    cancels_id: int | None = None


class FilingRefused(ActionRefused):
    """A filing refused for one of its fields: the form shows the message on that field."""

    def __init__(self, message: str, code: str, field: str):
        super().__init__(message, code)
        self.field = field


def validate_amount(amount) -> None:
    if not amount > 0:
        raise ValidationError(_("被担保主债权数额须大于零，请核对。"), code="amount_not_positive")


def _refuse_malformed(filing: Filing) -> None:
    """Malformed input is refused, never sent to a person: a person can only refuse it. The schema and
    the form check each field with the same validators; this stops a caller that skipped them."""
    checked = [
        ("unit_number", validate_property_unit_number, filing.unit_number),
        ("amount", validate_amount, filing.amount),
        *(("mortgagors", validate_id_number, person["id_number"]) for person in filing.mortgagors),
    ]
    for field, validate, value in checked:
        try:
            validate(value)
        except ValidationError as error:
            raise FilingRefused(error.messages[0], error.code, field) from None
    if filing.term_end < filing.term_start:
        raise FilingRefused(_("债务履行期限的截止日期早于起始日期，请核对。"), "term_invalid", "term_end")


class ContractInUse(FilingRefused):
    """The contract number is held by a live application with other content (the API answers 409)."""

    def __init__(self, application: Application):
        facts = {
            "contract": application.contract_number,
            "id": application.pk,
            "status": application.get_status_display(),
            "received": clock.local_text(application.received_at),
        }
        if application.status in PENDING:
            message = _(
                "合同编号 %(contract)s 已由第 %(id)s 号申请使用（%(received)s 接收，%(status)s），其内容与本次不同。"
                "如需更正，请先撤回第 %(id)s 号申请（在“本行抵押登记申请”中打开它，点“撤回申请”；或调用 "
                "POST /api/v1/mortgage/applications/%(id)s/withdraw），再重新提交。"
            )
        else:
            message = _(
                "合同编号 %(contract)s 已由第 %(id)s 号申请使用（%(received)s 接收，%(status)s），其内容与本次不同。"
                "已登簿的申请不能撤回：如需更正，请先办理注销登记，再以新的合同编号申请。"
            )
        super().__init__(message % facts, "contract_in_use", "contract_number")
        self.application = application


def _refuse_unless_banks_clerk(bank, by, message) -> None:
    person = getattr(by, "person", None)
    if not has_role(by, Role.BANK_CLERK) or person is None or person.unit_id != bank.unit_id:
        raise ActionRefused(message, "forbidden")


def file_application(bank, *, by, filing: Filing) -> tuple[Application, bool]:
    """File, review and — when every check passes — record at once. Returns the application and whether
    this call created it. The contract number is the bank's key: the same request sent again returns
    the live application it made (also when sent many times at once); other content under a key still
    held is refused (ContractInUse), since a corrected filing must not be answered with the old one."""
    _refuse_unless_banks_clerk(bank, by, _("只有本银行的柜员可以提交抵押登记申请。"))
    if not filing.contract_number:
        raise FilingRefused(_("请填写合同编号。"), "contract_required", "contract_number")
    _refuse_malformed(filing)
    existing = _live(bank, filing)
    if existing is not None:
        return _sent_again(existing, filing), False
    try:
        with transaction.atomic():
            unit = PropertyUnit.objects.select_for_update().filter(number=filing.unit_number).first()
            app = _create(bank, by, filing, unit)
            _review_and_maybe_record(app)
    except IntegrityError:
        existing = _live(bank, filing)  # filed at the same moment by another request
        if existing is None:
            raise
        return _sent_again(existing, filing), False
    if app.status == ApplicationStatus.RECORDED and app.operation == Operation.MORTGAGE:
        _sign_and_tell_bank(app)
    return app, True


def _live(bank, filing) -> Application | None:
    return (
        Application.objects.select_related("bank")
        .filter(
            bank=bank,
            contract_number=filing.contract_number,
            operation=filing.operation,
            status__in=LIVE,
        )
        .first()
    )


def _sent_again(existing: Application, filing: Filing) -> Application:
    if _filing_of(existing) != filing:
        raise ContractInUse(existing)
    return existing


def _filing_of(app: Application) -> Filing:
    """The filing an application was made from: each of Filing's fields is a column of Application."""
    return Filing(**{f.name: getattr(app, f.name) for f in fields(Filing)})


def _create(bank, by, filing, unit) -> Application:
    app = Application.objects.create(
        **asdict(filing), bank=bank, property_unit=unit, filed_by=by, received_at=timezone.now()
    )
    audit.record("mortgage_application_filed", app, actor=by)
    return app


def _review_and_maybe_record(app: Application) -> None:
    results = checks.run(app)
    CheckResult.objects.bulk_create(
        CheckResult(application=app, order=n, code=code, label=label, passed=passed, reason=reason)
        for n, (code, label, passed, reason) in enumerate(results)
    )
    app.reviewed_at = timezone.now()
    if all(passed for _code, _label, passed, _reason in results):
        _record(app)
    else:
        app.status = ApplicationStatus.TO_PERSON
        app.save(update_fields=["reviewed_at", "status"])
        audit.record(
            "mortgage_application_to_person",
            app,
            actor_label="auto",
            changes={"failed": [None, [code for code, _l, passed, _r in results if not passed]]},
        )


def _record(app: Application, by=None) -> None:
    """登簿: the right (or its cancellation), the chained register entry and the certificate number."""
    now = timezone.now()
    unit = app.property_unit
    if app.operation == Operation.CANCELLATION:
        right = MortgageRight.objects.select_for_update().filter(pk=app.cancels_id).first()
        _refuse_unless_cancellable(app, right)  # a person's recording skips the review's checks
        right.cancelled_at = now
        right.save(update_fields=["cancelled_at"])
        payload = {"operation": "cancellation", "right": right.pk}
    else:
        # 顺位 is the order of registration on the unit, cancelled rights included, so a new right never
        # shares a rank with one still in force. Every caller holds the unit's row lock, so two recordings
        # cannot read the same maximum (and the unique constraint would refuse it if one ever did).
        last = MortgageRight.objects.filter(property_unit=unit).aggregate(last=Max("rank"))["last"]
        rank = (last or 0) + 1
        right = MortgageRight.objects.create(
            property_unit=unit,
            rank=rank,
            bank=app.bank,
            kind=app.kind,
            amount=app.amount,
            term_start=app.term_start,
            term_end=app.term_end,
            application=app,
            recorded_at=now,
        )
        payload = right_payload(right) | {
            "operation": "mortgage",
            "bank": app.bank.name,
            "mortgagors": app.mortgagors,
        }
    payload |= {
        "unit": unit.number,
        "application": app.pk,
        "contract": app.contract_number,
        "at": now.isoformat(),
    }
    _append_entry(app, unit, payload, now)
    app.status, app.recorded_at, app.decided_by = ApplicationStatus.RECORDED, now, by
    app.save(update_fields=["status", "reviewed_at", "recorded_at", "decided_by"])
    if app.operation == Operation.MORTGAGE:
        _number_certificate(app, now)
    audit.record("mortgage_recorded", app, actor=by, actor_label="" if by else "auto")


def _refuse_unless_cancellable(app, right) -> None:
    """The register's hard rules for a cancellation: a person may overrule the review, never these."""
    if right is None:
        raise ActionRefused(_("没有找到要注销的抵押权。"), "unknown_right")
    if right.property_unit_id != app.property_unit_id:
        raise ActionRefused(
            _("要注销的抵押权不在申请所列的不动产单元（%(unit)s）上，不能登簿。") % {"unit": app.unit_number},
            "right_on_other_unit",
        )
    if right.cancelled_at is not None:
        on = timezone.localtime(right.cancelled_at)
        raise ActionRefused(
            _("该抵押权已于%(date)s注销，不能再次注销。") % {"date": f"{on:%Y年%m月%d日}"},
            "right_already_cancelled",
        )


def _locked_row(model, **key):
    """The row with `key`, locked for this transaction; created first if missing. Two transactions
    creating it at once: one insert waits for the other and fails inside its savepoint, then locks."""
    row = model.objects.select_for_update().filter(**key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            model.objects.create(**key)
    except IntegrityError:
        pass
    return model.objects.select_for_update().get(**key)


def _append_entry(app, unit, payload, now) -> RegisterEntry:
    head = _locked_row(RegisterHead, pk=1)
    head.seq += 1
    entry = RegisterEntry(
        seq=head.seq,
        at=now,
        kind=app.operation,
        property_unit=unit,
        application=app,
        payload=payload,
        prev_hash=head.hash,
        scheme=REGISTER_SCHEME,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    head.hash = entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


def _number_certificate(app, now) -> Certificate:
    """湘(2026)衡阳市不动产证明第0000001号: the serial is taken under the row lock of its counter, inside
    the recording transaction, so it has no gaps and no duplicates."""
    year = timezone.localtime(now).year
    serial, _created = CertificateSerial.objects.select_for_update().get_or_create(
        registry=REGISTRY_CODE, year=year
    )
    serial.last += 1
    serial.save(update_fields=["last"])
    code = "".join(secrets.choice(VERIFICATION_ALPHABET) for _n in range(8))
    number = f"{PROVINCE}({year}){REGISTRY_CODE}不动产证明第{serial.last:07d}号"
    return Certificate.objects.create(
        application=app, number=number, year=year, serial=serial.last, verification_code=code
    )


def _locked_for_person(app, by) -> Application:
    if not has_role(by, Role.REGISTRY_OFFICIAL):
        raise ActionRefused(_("只有不动产登记人员可以处理人工审核。"), "forbidden")
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("property_unit", "bank")
        .get(pk=app.pk)
    )
    if locked.status != ApplicationStatus.TO_PERSON:
        raise ActionRefused(_("该申请不在人工审核中。"), "not_to_person")
    return locked


def record_by_person(app: Application, *, by) -> Application:
    """A registry official records an application the machine sent to a person (after looking at it)."""
    with transaction.atomic():
        if app.property_unit_id:
            PropertyUnit.objects.select_for_update().get(pk=app.property_unit_id)
        locked = _locked_for_person(app, by)
        if locked.property_unit is None:
            raise ActionRefused(_("登记簿中没有这个不动产单元，不能登簿。"), "no_unit")
        _record(locked, by=by)
    if locked.operation == Operation.MORTGAGE:
        _sign_and_tell_bank(locked)
    return locked


def refuse(app: Application, *, by, reason: str) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("不予登记须写明理由，银行会看到。"), "reason_required")
    with transaction.atomic():
        locked = _locked_for_person(app, by)
        locked.status, locked.refusal_reason, locked.decided_by = ApplicationStatus.REFUSED, reason[:300], by
        locked.save(update_fields=["status", "refusal_reason", "decided_by"])
        audit.record("mortgage_refused", locked, actor=by, changes={"reason": [None, reason]})
    return locked


def acknowledge_notice(app: Application, *, by) -> Application:
    """The bank acknowledges the notice of a recording. Only the first time is kept."""
    refusal = _("该申请尚未登簿，没有可确认的登簿通知。")
    return _bank_sets_once(app, by, "bank_acknowledged_at", "mortgage_bank_acknowledged", refusal)


def record_loan_released(app: Application, *, by) -> Application:
    """The bank has lent on a recorded mortgage. Only the first time is kept."""
    refusal = _("抵押权登簿后才能登记放款。")
    return _bank_sets_once(app, by, "loan_released_at", "mortgage_loan_released", refusal, mortgage_only=True)


def _locked_for_bank(app, by) -> Application:
    locked = Application.objects.select_for_update(of=("self",)).select_related("bank").get(pk=app.pk)
    _refuse_unless_banks_clerk(locked.bank, by, _("只有抵押权人银行的柜员可以办理。"))
    return locked


def withdraw(app: Application, *, by) -> Application:
    """The bank withdraws its own application before it is decided: it leaves the registry's queue and
    its contract number is free for a corrected filing."""
    with transaction.atomic():
        locked = _locked_for_bank(app, by)
        if locked.status not in PENDING:
            raise ActionRefused(
                _("该申请%(status)s，只有尚未办结的申请可以撤回。") % {"status": locked.get_status_display()},
                "not_pending",
            )
        before = locked.status
        locked.status, locked.withdrawn_at = ApplicationStatus.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "withdrawn_at"])
        audit.record(
            "mortgage_application_withdrawn", locked, actor=by, changes={"status": [before, locked.status]}
        )
    return locked


def _bank_sets_once(app, by, field_name, action, refusal, *, mortgage_only=False) -> Application:
    with transaction.atomic():
        locked = _locked_for_bank(app, by)
        not_a_mortgage = mortgage_only and locked.operation != Operation.MORTGAGE
        if locked.status != ApplicationStatus.RECORDED or not_a_mortgage:
            raise ActionRefused(refusal, "not_recorded")
        if getattr(locked, field_name) is None:
            now = timezone.now()
            setattr(locked, field_name, now)
            locked.save(update_fields=[field_name])
            audit.record(action, locked, actor=by, changes={field_name: [None, now.isoformat()]})
    return locked


NOT_SIGNED_YET = gettext_lazy("证明已登簿，电子签章暂未完成，请稍后再下载。")


def _sign_and_tell_bank(app: Application) -> None:
    """After a mortgage's recording has committed: sign its certificate, then queue the bank's notice, so
    the bank is told of a certificate it can download at once. A crash between the commit and the queue
    leaves the notice unqueued, never lost: `tasks.queue_missed_notices` finds it."""
    sign_certificate(app)
    tasks.queue_notice(app.pk)


def sign_certificate(app: Application) -> Certificate:
    """Render and sign the certificate PDF (≈0.1 s), and keep it. Done right after the recording
    commits, outside its locks, so the recording stands whatever happens here: a failure is logged and
    the certificate stays unsigned (no `pdf`) until it is next asked for, when this runs again. It never
    raises, so a recorded filing is never answered as an error."""
    cert = app.certificate
    if cert.pdf:
        return cert
    try:
        pdf = certificate.issue(_certificate_data(app, cert))
        now = timezone.now()
        Certificate.objects.filter(pk=cert.pk, pdf__isnull=True).update(pdf=pdf, signed_at=now)
        unsigned = Application.objects.filter(pk=app.pk, certificate_signed_at__isnull=True)
        if unsigned.update(certificate_signed_at=now):
            app.certificate_signed_at = now
        cert.refresh_from_db()
    except Exception:  # noqa: BLE001 (whatever it was, the recording has committed: see the docstring)
        logger.exception(
            "certificate %s (application %s) not signed; signed when next asked for", cert, app.pk
        )
    return cert


def _certificate_data(app: Application, cert: Certificate) -> certificate.CertificateData:
    query = urlencode({"number": cert.number, "code": cert.verification_code})
    return certificate.CertificateData(
        number=cert.number,
        kind_label="抵押权",
        registry_name="衡阳市不动产登记中心",
        mortgagee=app.bank.name,
        mortgagors=[m["name"] for m in app.mortgagors],
        debtor=app.debtor,
        property_unit_number=app.property_unit.number,
        location=app.property_unit.location,
        secured_amount=app.amount,
        mortgage_kind_label=app.get_kind_display(),
        term_start=app.term_start,
        term_end=app.term_end,
        recorded_at=app.recorded_at,
        verification_code=cert.verification_code,
        verification_url=f"{public_url(reverse('mortgage:verify'))}?{query}",
    )


# Certificate numbers run in sequence, so the 8-character code is what keeps a certificate private. An
# address that gives this many wrong pairs is refused until this long after its last miss.
LOOKUP_MISSES_ALLOWED = 20
LOOKUP_MISS_WINDOW = timedelta(minutes=10)


class TooManyLookups(Exception):
    """The address has used up its misses: refused until LOOKUP_MISS_WINDOW after the last one."""


def counted_lookup(address: str, find, *, request=None):
    """`find()`, a certificate look-up by number and code, as one of `address`'s tries: a miss (None)
    is counted, a find is not. The address's row stays locked from the check to the count, so the
    limit holds however many guesses arrive at once (a check before the look-up and a count after it
    let 60 simultaneous guesses get 39 answers)."""
    now = timezone.now()
    with transaction.atomic():
        row = _locked_row(LookupMisses, address=address)
        if row.last_miss_at < now - LOOKUP_MISS_WINDOW:
            row.misses = 0
        if row.misses >= LOOKUP_MISSES_ALLOWED:
            raise TooManyLookups
        found = find()
        if found is None:
            row.misses, row.last_miss_at = row.misses + 1, now
            row.save(update_fields=["misses", "last_miss_at"])
            if row.misses == LOOKUP_MISSES_ALLOWED:
                audit.record(
                    "mortgage_lookup_limited", changes={"misses": [None, row.misses]}, request=request
                )
    return found
