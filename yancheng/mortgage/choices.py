from django.db import models
from django.utils.translation import gettext_lazy as _


class LandKind(models.TextChoices):
    STATE_OWNED = "state_owned", _("国有建设用地")
    COLLECTIVE = "collective", _("集体建设用地")
    HOMESTEAD = "homestead", _("宅基地")


# Land a machine may record a mortgage on; the other kinds go to a person (law limits them).
MORTGAGEABLE_LAND = frozenset({LandKind.STATE_OWNED})
# The 13th character of a unit number on each kind of land (GB/T 37346: who owns the parcel). Homestead
# is collective land, marked besides by the 14th character, C.
LAND_OWNERSHIP = {LandKind.STATE_OWNED: "G", LandKind.COLLECTIVE: "J", LandKind.HOMESTEAD: "J"}


class EncumbranceKind(models.TextChoices):
    SEIZURE = "seizure", _("查封")
    OBJECTION = "objection", _("异议登记")
    ADVANCE_NOTICE = "advance_notice", _("预告登记")
    RESTRICTION = "restriction", _("限制登记")


class MortgageKind(models.TextChoices):
    ORDINARY = "ordinary", _("一般抵押")
    MAXIMUM = "maximum", _("最高额抵押")


class Operation(models.TextChoices):
    MORTGAGE = "mortgage", _("抵押权首次登记")
    CANCELLATION = "cancellation", _("抵押权注销登记")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    TO_PERSON = "to_person", _("转人工审核")
    RECORDED = "recorded", _("已登簿")
    REFUSED = "refused", _("不予登记")
    WITHDRAWN = "withdrawn", _("已撤回")


# Not decided yet: the bank may still withdraw it.
PENDING = frozenset({ApplicationStatus.RECEIVED, ApplicationStatus.TO_PERSON})
# Holding its contract number: a refused or withdrawn application frees it for a new filing.
LIVE = PENDING | {ApplicationStatus.RECORDED}


class NoticeState(models.TextChoices):
    """Where the notice of a recording to the bank stands (tasks.notify_bank), derived when read."""

    WAITING = "waiting", _("等待发送")
    DELIVERED = "delivered", _("已送达")
    RETRYING = "retrying", _("未送达，将重试")
    FAILED = "failed", _("未送达，已停止重试")
    NO_WEBHOOK = "no_webhook", _("本行未设置通知地址")


class IdentityMethod(models.TextChoices):
    FACE = "face", _("人脸识别比对")
    ID_CARD_READER = "id_card_reader", _("身份证读卡器核验")
    COUNTER = "counter", _("柜面人工核验")


# The audit log's action codes of this app, by their Chinese names (core.models.audit.ACTION_LABELS).
AUDIT_ACTIONS = {
    "mortgage_application_filed": _("提交抵押登记申请"),
    "mortgage_application_to_person": _("抵押登记申请转人工审核"),
    "mortgage_application_withdrawn": _("撤回抵押登记申请"),
    "mortgage_recorded": _("抵押登记登簿"),
    "mortgage_refused": _("不予登记"),
    "mortgage_bank_notice": _("通知银行"),
    "mortgage_bank_acknowledged": _("银行确认登簿通知"),
    "mortgage_loan_released": _("银行登记放款"),
    "mortgage_lookup_limited": _("证明查验次数超限"),
}
