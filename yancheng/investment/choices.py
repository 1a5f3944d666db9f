from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """A lead's stage, declared step by step with its evidence (入库 → 在谈 → 签约 → 履约 → 到位 → 投产),
    or dropped with a reason. 到位 is never declared: the first transfer recorded with its bank receipt
    moves a signed or started lead there."""

    POOLED = "pooled", _("入库")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    STARTED = "started", _("履约")
    FUNDED = "funded", _("到位")
    PRODUCING = "producing", _("投产")
    DROPPED = "dropped", _("终止")


# The funnel's order; a lead moves only forward along it (or is dropped).
FUNNEL = (Stage.POOLED, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.FUNDED, Stage.PRODUCING)
# Signed and later: the contract exists, funds may arrive.
CONTRACTED = (Stage.SIGNED, Stage.STARTED, Stage.FUNDED, Stage.PRODUCING)
# Still being worked on: a lead here can stall, be followed up and be dropped.
ACTIVE = (Stage.POOLED, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.FUNDED)
# What each declared step must carry (到位 comes from transfers; 在谈 from a note of the talks).
EVIDENCE_REQUIRED = {
    Stage.SIGNED: _("请上传签约合同。"),
    Stage.STARTED: _("请上传履约材料（用地、审批或开工的证明）。"),
    Stage.PRODUCING: _("请上传投产材料（营业执照、投产证明等）。"),
}


class Source(models.TextChoices):
    TEAM = "team", _("招商小分队")
    BY_BUSINESS = "by_business", _("以商招商")
    FAIR = "fair", _("展会推介")
    ONLINE = "online", _("网上招商")
    OTHER = "other", _("其他")


class EventKind(models.TextChoices):
    FILED = "filed", _("入库登记")
    STAGE = "stage", _("推进阶段")
    TRANSFER = "transfer", _("资金到位")
    FOLLOW_UP = "follow_up", _("跟进")
    JOINED = "joined", _("协办单位加入")
    DROPPED = "dropped", _("终止")
    TO_PROJECT = "to_project", _("转为重大项目")


class WarningKind(models.TextChoices):
    """The early warnings (及时预警), derived on read from the rules' limits (warnings.py)."""

    POOLED_LONG = "pooled_long", _("入库过久")
    NEGOTIATING_LONG = "negotiating_long", _("在谈过久")
    NOT_STARTED = "not_started", _("签约未履约")
    FUNDS_BEHIND = "funds_behind", _("资金到位滞后")
    IDLE = "idle", _("长期未跟进")


AUDIT_ACTIONS = {f"lead_{kind.value}": kind.label for kind in EventKind}
