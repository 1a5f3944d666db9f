"""Filing, automatic review and recording (登簿). Review and recording happen in one transaction that
holds the property unit's row lock, so concurrent filings on one unit record at most one mortgage."""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import audit
from yancheng.core.actions import ActionRefused
from yancheng.core.roles import Role, has_role
from yancheng.core.urls import public_url

from . import certificate, checks, tasks
from .choices import ApplicationStatus, Operation
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
    unit_number: str
    contract_number: str
    mortgagors: list = field(default_factory=list)  # [{"name", "id_number"}]
    debtor: str = ""
    kind: str = "ordinary"
    amount: Decimal = Decimal(0)
    term_start: date | None = None
    term_end: date | None = None
    identity_method: str = "face"
    identity_verified_at: datetime | None = None
    operation: str = Operation.MORTGAGE
    cancels_id: int | None = None


def file_application(bank, *, by, filing: Filing) -> Application:
    """File, review and — when every check passes — record at once. The same bank and contract number
    return the application already filed, never a second one."""
    person = getattr(by, "person", None)
    if not has_role(by, Role.BANK_CLERK) or person is None or person.unit_id != bank.unit_id:
        raise ActionRefused(_("只有本银行的柜员可以提交抵押登记申请。"), "forbidden")
    contract = filing.contract_number.strip()
    if not contract:
        raise ActionRefused(_("请填写合同编号。"), "contract_required")
    existing = _existing(bank, contract, filing.operation)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            unit = PropertyUnit.objects.select_for_update().filter(number=filing.unit_number.strip()).first()
            app = _create(bank, by, filing, contract, unit)
            _review_and_maybe_record(app)
    except IntegrityError:
        existing = _existing(bank, contract, filing.operation)
        if existing is None:
            raise
        return existing
    if app.status == ApplicationStatus.RECORDED and app.operation == Operation.MORTGAGE:
        sign_certificate(app)
    return app


def _existing(bank, contract, operation):
    return Application.objects.filter(bank=bank, contract_number=contract, operation=operation).first()


def _create(bank, by, filing, contract, unit) -> Application:
    app = Application.objects.create(
        bank=bank,
        contract_number=contract,
        operation=filing.operation,
        unit_number=filing.unit_number.strip(),
        property_unit=unit,
        mortgagors=filing.mortgagors,
        debtor=filing.debtor,
        kind=filing.kind,
        amount=filing.amount,
        term_start=filing.term_start,
        term_end=filing.term_end,
        identity_method=filing.identity_method,
        identity_verified_at=filing.identity_verified_at,
        cancels_id=filing.cancels_id,
        filed_by=by,
        received_at=timezone.now(),
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
        tasks.enqueue_on_commit(app.pk)  # tell the bank once the recording has committed
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
        sign_certificate(locked)
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


def _bank_sets_once(app, by, field_name, action, refusal, *, mortgage_only=False) -> Application:
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("bank").get(pk=app.pk)
        person = getattr(by, "person", None)
        if not has_role(by, Role.BANK_CLERK) or person is None or person.unit_id != locked.bank.unit_id:
            raise ActionRefused(_("只有抵押权人银行的柜员可以办理。"), "forbidden")
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
