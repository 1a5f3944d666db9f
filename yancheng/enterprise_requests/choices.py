from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    DEMAND = "demand", _("诉求")
    COMPLAINT = "complaint", _("投诉")
    CONSULTATION = "consultation", _("咨询")
    SUGGESTION = "suggestion", _("建议")


# Defaults from the city's rules: accept within 1 working day; reply within 5 (consultations) or 15.
DEFAULT_DEADLINES = {
    RequestKind.DEMAND: (1, 15),
    RequestKind.COMPLAINT: (1, 15),
    RequestKind.CONSULTATION: (1, 5),
    RequestKind.SUGGESTION: (1, 15),
}


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


class Escalation(models.IntegerChoices):
    """The ladder the worker climbs as a reply deadline passes (提示单 → 督办单 → 报告单)."""

    REMINDER = 0, _("到期提醒")
    NOTICE = 1, _("提示单")
    SUPERVISION_ORDER = 2, _("督办单")
    REPORT = 3, _("报告单")


class EventKind(models.TextChoices):
    FILED = "filed", _("提交")
    ROUTED = "routed", _("分派")
    TRANSFERRED = "transferred", _("转办")
    ACCEPTED = "accepted", _("受理")
    EXTENSION_ASKED = "extension_asked", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REFUSED = "extension_refused", _("不批准延期")
    REPLIED = "replied", _("答复")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重新办理")
    ESCALATED = "escalated", _("催办")


# The audit log's action codes of this app, by their Chinese names (core.models.audit.ACTION_LABELS):
# each event of a request is recorded as request_<kind>.
AUDIT_ACTIONS = {
    **{f"request_{kind.value}": format_lazy(_("诉求：{}"), kind.label) for kind in EventKind},
    "request_deadlines_changed": _("修改诉求办理时限"),
    "routing_rule_changed": _("修改分派规则"),
    "routing_rule_deleted": _("删除分派规则"),
    "ledger_thresholds_changed": _("修改台账预警阈值"),
}
