import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core.models.base import ScopedQuerySet
from yancheng.core.roles import Role, roles_of
from yancheng.core.validators import validate_property_unit_number, validate_registered_id_number

from .choices import (
    LIVE,
    ApplicationStatus,
    EncumbranceKind,
    IdentityMethod,
    LandKind,
    MortgageKind,
    NoticeState,
    Operation,
)

REGISTRY_ROLES = frozenset({Role.REGISTRY_OFFICIAL, Role.ADMINISTRATOR})


class RegisterQuerySet(ScopedQuerySet):
    """The register is read by the registry; banks read it only through their applications."""

    def for_user(self, user):
        return self if roles_of(user) & REGISTRY_ROLES else self.none()


MIN_WEBHOOK_SECRET = 32  # characters: the HMAC key of the bank's notices


class Bank(models.Model):
    """A mortgagee: a bank with its unit (its clerks belong to the unit) and its webhook."""

    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="bank"
    )
    name = models.CharField(_("银行名称"), max_length=100)
    webhook_url = models.URLField(_("通知地址"), blank=True)
    webhook_secret = models.CharField(_("通知签名密钥"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("银行")
        verbose_name_plural = _("银行")
        constraints = [
            # An unsigned notice could be forged by anyone who knows the bank's address.
            models.CheckConstraint(
                condition=models.Q(webhook_url="")
                | models.Q(GreaterThanOrEqual(Length("webhook_secret"), MIN_WEBHOOK_SECRET)),
                name="bank_webhook_needs_secret",
                violation_error_message=_("填写了通知地址，就必须设置至少 32 个字符的通知签名密钥。"),
            )
        ]

    def __str__(self):
        return self.name


class PropertyUnit(models.Model):
    number = models.CharField(
        _("不动产单元号"), max_length=28, unique=True, validators=[validate_property_unit_number]
    )
    region = models.ForeignKey("core.Region", verbose_name=_("区县"), on_delete=models.PROTECT)
    location = models.CharField(_("坐落"), max_length=200)
    land_kind = models.CharField(_("土地性质"), max_length=20, choices=LandKind)
    land_use = models.CharField(_("用途"), max_length=30, default="城镇住宅用地")
    land_use_term_end = models.DateField(_("土地使用期限至"), null=True, blank=True)
    building = models.CharField(_("幢号/房号"), max_length=60, blank=True)
    area = models.DecimalField(_("建筑面积（㎡）"), max_digits=10, decimal_places=2)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("不动产单元")
        verbose_name_plural = _("不动产单元")

    def __str__(self):
        return self.number


class Holding(models.Model):
    """One holder's share of the ownership right of a unit (current while `ended_at` is empty)."""

    property_unit = models.ForeignKey(
        PropertyUnit, verbose_name=_("不动产单元"), on_delete=models.PROTECT, related_name="holdings"
    )
    holder_name = models.CharField(_("权利人"), max_length=50)
    # As registered: a holder registered before 1999 may still hold a 15-digit number.
    id_number = models.CharField(_("证件号码"), max_length=18, validators=[validate_registered_id_number])
    share = models.DecimalField(_("份额（%）"), max_digits=5, decimal_places=2, default=100)
    started_at = models.DateField(_("登记日期"))
    ended_at = models.DateField(_("注销日期"), null=True, blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("权利人")
        verbose_name_plural = _("权利人")

    def __str__(self):
        return self.holder_name


class Encumbrance(models.Model):
    """A seizure, objection, advance notice or restriction; in force from `starts_on` until lifted or ended."""

    property_unit = models.ForeignKey(
        PropertyUnit, verbose_name=_("不动产单元"), on_delete=models.PROTECT, related_name="encumbrances"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=EncumbranceKind)
    reference = models.CharField(_("文书号"), max_length=100)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("届满日期"), null=True, blank=True)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("限制事项")
        verbose_name_plural = _("限制事项")

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"


class ApplicationQuerySet(ScopedQuerySet):
    def for_user(self, user):
        roles = roles_of(user)
        if roles & REGISTRY_ROLES:
            return self
        person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
        if Role.BANK_CLERK in roles and person is not None and person.unit_id:
            return self.filter(bank__unit_id=person.unit_id)
        return self.none()


class Application(models.Model):
    """A bank's application: a new mortgage, or the cancellation of one. One live application per bank,
    contract and operation; a refused or withdrawn one leaves the contract number free."""

    bank = models.ForeignKey(
        Bank, verbose_name=_("抵押权人"), on_delete=models.PROTECT, related_name="applications"
    )
    contract_number = models.CharField(_("合同编号"), max_length=60)
    operation = models.CharField(_("登记类型"), max_length=20, choices=Operation, default=Operation.MORTGAGE)
    unit_number = models.CharField(_("不动产单元号（申请）"), max_length=40)
    property_unit = models.ForeignKey(
        PropertyUnit,
        verbose_name=_("不动产单元"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    mortgagors = models.JSONField(_("抵押人"), default=list)  # [{"name": ..., "id_number": ...}]
    debtor = models.CharField(_("债务人"), max_length=100)
    kind = models.CharField(_("抵押方式"), max_length=20, choices=MortgageKind, default=MortgageKind.ORDINARY)
    amount = models.DecimalField(_("被担保主债权数额（元）"), max_digits=14, decimal_places=2)
    term_start = models.DateField(_("债务履行期限起"))
    term_end = models.DateField(_("债务履行期限止"))
    identity_method = models.CharField(_("身份核验方式"), max_length=20, choices=IdentityMethod)
    identity_verified_at = models.DateTimeField(_("身份核验时间"))
    cancels = models.ForeignKey(
        "MortgageRight",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cancellations",
        verbose_name=_("注销的抵押权"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus, default=ApplicationStatus.RECEIVED
    )
    refusal_reason = models.CharField(_("不予登记理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Every step's time, shown on the application (the seed's "6 minutes" is measured on these).
    received_at = models.DateTimeField(_("接收时间"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登簿时间"), null=True, blank=True)
    certificate_signed_at = models.DateTimeField(_("证明签发时间"), null=True, blank=True)
    bank_notified_at = models.DateTimeField(_("通知银行时间"), null=True, blank=True)
    # When the notice was queued (after the certificate's signature): unset on a recorded mortgage only
    # after a crash in between, which tasks.queue_missed_notices repairs.
    bank_notice_queued_at = models.DateTimeField(_("通知排队时间"), null=True, blank=True)
    # The notice's delivery as the bank's clerk sees it (each try is also in the audit log).
    bank_notice_tries = models.PositiveSmallIntegerField(_("通知尝试次数"), default=0)
    bank_notice_tried_at = models.DateTimeField(_("最近一次通知时间"), null=True, blank=True)
    bank_notice_error = models.CharField(_("最近一次通知失败原因"), max_length=500, blank=True)
    bank_notice_retry_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    bank_acknowledged_at = models.DateTimeField(_("银行确认时间"), null=True, blank=True)
    loan_released_at = models.DateTimeField(_("放款时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("抵押登记申请")
        verbose_name_plural = _("抵押登记申请")
        ordering = ["-received_at"]
        constraints = [
            # Concurrent identical filings meet here: one insert wins, the others find it.
            models.UniqueConstraint(
                fields=["bank", "contract_number", "operation"],
                condition=models.Q(status__in=sorted(LIVE)),
                name="one_live_application_per_contract",
            )
        ]
        indexes = [
            # The sweep for notices a crash left unqueued reads only these (normally none).
            models.Index(
                fields=["recorded_at"],
                condition=models.Q(status="recorded", bank_notice_queued_at__isnull=True),
                name="mortgage_notice_unqueued",
            )
        ]

    def __str__(self):
        return f"{self.bank} {self.contract_number}"

    @property
    def notice_state(self) -> NoticeState | None:
        """Where the notice of this recording to the bank stands; None when there is none to send."""
        if self.status != ApplicationStatus.RECORDED or self.operation != Operation.MORTGAGE:
            return None
        if self.bank_notified_at is not None:
            return NoticeState.DELIVERED
        if not self.bank.webhook_url:
            return NoticeState.NO_WEBHOOK
        if self.bank_notice_retry_at is not None:
            return NoticeState.RETRYING
        return NoticeState.FAILED if self.bank_notice_tries else NoticeState.WAITING


class CheckResult(models.Model):
    """One named check of the automatic review, with its Chinese reason."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    label = models.CharField(_("审核项"), max_length=100)
    passed = models.BooleanField(_("通过"))
    reason = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return f"{self.label}: {'✓' if self.passed else '✗'}"


class MortgageRight(models.Model):
    property_unit = models.ForeignKey(
        PropertyUnit, verbose_name=_("不动产单元"), on_delete=models.PROTECT, related_name="mortgages"
    )
    rank = models.PositiveSmallIntegerField(_("顺位"))
    bank = models.ForeignKey(
        Bank, verbose_name=_("抵押权人"), on_delete=models.PROTECT, related_name="mortgages"
    )
    kind = models.CharField(_("抵押方式"), max_length=20, choices=MortgageKind)
    amount = models.DecimalField(_("被担保主债权数额（元）"), max_digits=14, decimal_places=2)
    term_start = models.DateField(_("债务履行期限起"))
    term_end = models.DateField(_("债务履行期限止"))
    application = models.OneToOneField(
        Application, verbose_name=_("登记申请"), on_delete=models.PROTECT, related_name="mortgage_right"
    )
    recorded_at = models.DateTimeField(_("登簿时间"))
    cancelled_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("抵押权")
        verbose_name_plural = _("抵押权")
        constraints = [
            # 顺位 is the order of registration on the unit: a cancelled right keeps its rank.
            models.UniqueConstraint(fields=["property_unit", "rank"], name="one_right_per_unit_rank")
        ]

    def __str__(self):
        return f"{self.property_unit} 第{self.rank}顺位"


class CertificateSerial(models.Model):
    """The last certificate serial of a registry in a year. Taken under a row lock, in the recording
    transaction: a rolled-back recording gives its number back, so serials have no gaps."""

    registry = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registry", "year"], name="one_serial_per_registry_year")
        ]

    def __str__(self):
        return f"{self.registry} {self.year}: {self.last}"


class Certificate(models.Model):
    application = models.OneToOneField(
        Application, verbose_name=_("登记申请"), on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("证明号"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("流水号"))
    verification_code = models.CharField(_("核验码"), max_length=12)
    pdf = models.BinaryField(_("签章 PDF"), null=True, editable=False)
    signed_at = models.DateTimeField(_("签章时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("不动产登记证明")
        verbose_name_plural = _("不动产登记证明")
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="one_certificate_per_serial")]

    def __str__(self):
        return self.number


GENESIS_HASH = "0" * 64


class RegisterHead(models.Model):
    """The end of the register's chain (one row). Recording locks it, so entries form one chain with
    no two holding the same place, whatever the number of app servers."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self):
        return f"#{self.seq}"


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# How an entry's hash is made. 1: the payload alone, so the entry's other columns (kind, time, unit,
# application) could be changed unseen; entries written so are kept and still verify. 2: every column
# that means something. An entry carries its scheme, and a chain's schemes never go down.
PAYLOAD_ONLY_SCHEME = 1
REGISTER_SCHEME = 2


def sealed_columns(entry) -> dict:
    """What scheme 2 seals: every column of the entry but its own hash."""
    return {
        "scheme": entry.scheme,
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(),
        "kind": entry.kind,
        "property_unit": entry.property_unit_id,
        "application": entry.application_id,
        "payload": entry.payload,
    }


def entry_hash(entry) -> str:
    """The hash that seals `entry` to the one before it (`entry.prev_hash`), by the entry's scheme."""
    sealed = entry.payload if entry.scheme == PAYLOAD_ONLY_SCHEME else sealed_columns(entry)
    return hashlib.sha256(entry.prev_hash.encode() + canonical(sealed)).hexdigest()


def right_payload(right) -> dict:
    """What a mortgage entry records of its right, so the right can be checked against the register."""
    return {
        "right": right.pk,
        "rank": right.rank,
        "amount": str(right.amount),
        "bank_id": right.bank_id,
        "kind": right.kind,
        "term_start": right.term_start.isoformat(),
        "term_end": right.term_end.isoformat(),
    }


class RegisterEntry(models.Model):
    """The register's journal: append-only, each entry carrying the hash of the one before it, so a
    changed row breaks the chain from there on (manage.py verify_register finds it and names what
    changed). The payload repeats the entry's kind, time, unit and application, and records the right
    (`right_payload`), so each column can be checked against what the hash seals."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("记载时间"))
    kind = models.CharField(_("登记类型"), max_length=30, choices=Operation)
    property_unit = models.ForeignKey(
        PropertyUnit, verbose_name=_("不动产单元"), on_delete=models.PROTECT, related_name="entries"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("登记申请"), on_delete=models.PROTECT, related_name="entries"
    )
    payload = models.JSONField(_("记载内容"))
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    scheme = models.PositiveSmallIntegerField(_("哈希方案"))

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("登记簿记载")
        verbose_name_plural = _("登记簿记载")
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.get_kind_display()}"


class LookupMisses(models.Model):
    """Wrong certificate look-ups (number and code that do not match) from one network address, counted
    until LOOKUP_MISS_WINDOW after the last one. A row, not the cache: the count is taken under its lock,
    so concurrent guesses cannot all pass a check made before any of them was counted."""

    address = models.CharField(max_length=64, unique=True)
    misses = models.PositiveIntegerField(default=0)
    last_miss_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("证明查询失败计数")
        verbose_name_plural = _("证明查询失败计数")

    def __str__(self):
        return f"{self.address}: {self.misses}"
