from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What is promised to a project (承诺事项)."""

    LAND = "land", _("用地保障")
    PLANNING = "planning", _("规划审批")
    CONSTRUCTION = "construction", _("施工许可")
    POWER = "power", _("供电")
    WATER = "water", _("供水")
    GAS = "gas", _("供气")
    ROAD = "road", _("道路配套")
    FINANCING = "financing", _("融资支持")
    POLICY = "policy", _("政策兑现")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    """open → fulfilled (the unit filed its evidence) → confirmed by the owner, or disputed (with a
    reason) and back to the unit, which fulfils again."""

    OPEN = "open", _("待兑现")
    FULFILLED = "fulfilled", _("待业主确认")
    CONFIRMED = "confirmed", _("已兑现")
    DISPUTED = "disputed", _("业主有异议")


# Not yet done by the unit: these are overdue once their day has passed.
PENDING = (State.OPEN, State.DISPUTED)


class EventKind(models.TextChoices):
    MADE = "made", _("作出承诺")
    FULFILLED = "fulfilled", _("提交兑现材料")
    CONFIRMED = "confirmed", _("业主确认兑现")
    DISPUTED = "disputed", _("业主提出异议")
    ESCALATED = "escalated", _("催办")


AUDIT_ACTIONS = {f"commitment_{kind.value}": kind.label for kind in EventKind}
