from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a problem was found (问题来源), derived from who raised it and from what."""

    OWNER = "owner", _("业主反映")
    REPORT = "report", _("月报反映")
    OBSERVATION = "observation", _("现场观摩")
    LEADER = "leader", _("领导交办")
    SUPERVISION = "supervision", _("督查发现")
    UNIT = "unit", _("单位排查")


class State(models.TextChoices):
    """open → resolved (the responsible unit filed its evidence) → closed (销号) by the raiser's
    confirmation, or returned with a reason and open again; a closed problem may be reopened once."""

    OPEN = "open", _("整改中")
    RESOLVED = "resolved", _("待确认销号")
    CLOSED = "closed", _("已销号")


class EventKind(models.TextChoices):
    RAISED = "raised", _("挂账")
    RESOLVED = "resolved", _("提交整改材料")
    CLOSED = "closed", _("确认销号")
    RETURNED = "returned", _("退回重新整改")
    REOPENED = "reopened", _("重新挂账")
    ESCALATED = "escalated", _("催办")


AUDIT_ACTIONS = {f"problem_{kind.value}": kind.label for kind in EventKind}
