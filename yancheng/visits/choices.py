"""States and kinds of the visits app, declared once with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    RESEARCH = "research", _("调研参观")
    INSPECTION = "inspection", _("督查检查")
    ENFORCEMENT = "enforcement", _("监管执法")


# Purposes that need inspection items and a legal basis, and that the yearly caps count.
INSPECTING = frozenset({Purpose.INSPECTION, Purpose.ENFORCEMENT})


class Kind(models.TextChoices):
    PLANNED = "planned", _("计划性（日常）")
    TRIGGERED = "triggered", _("触发性")


class Trigger(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    REFERRAL = "referral", _("上级交办或转办")
    DATA_ALERT = "data_alert", _("数据预警")
    EMERGENCY = "emergency", _("突发事件")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    CANCELLED = "cancelled", _("已撤回")


# Requests that hold a place: they count against the caps and can be joined.
ACTIVE = (RequestStatus.PENDING, RequestStatus.APPROVED)

STATUS_COLOURS = {
    RequestStatus.PENDING: "yellow",
    RequestStatus.APPROVED: "green",
    RequestStatus.REFUSED: "red",
    RequestStatus.CANCELLED: "grey",
}


class Direction(models.TextChoices):
    IN = "in", _("签到")
    OUT = "out", _("签退")


class ScanMethod(models.TextChoices):
    VISITOR_SCANS_ENTERPRISE = "visitor", _("访企人员扫企业码")
    ENTERPRISE_SCANS_PASS = "enterprise", _("企业扫通行码")
    SHORT_CODE = "short_code", _("企业输入短码")


class ScanResult(models.TextChoices):
    OK = "ok", _("通过")
    NO_PASS = "no_pass", _("没有通行码")
    OUTSIDE_WINDOW = "outside_window", _("不在访企时段")
    OTHER_ENTERPRISE = "other_enterprise", _("不是本企业的访企活动")
    REVOKED = "revoked", _("通行码已撤销")
    TAMPERED = "tampered", _("通行码无效或被篡改")
    NOT_CHECKED_IN = "not_checked_in", _("尚未签到，不能签退")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLING = "handling", _("处理中")
    CLOSED = "closed", _("已办结")


# The audit log's action codes of this app, by their Chinese names (core.models.audit.ACTION_LABELS).
AUDIT_ACTIONS = {
    "visit_request_filed": _("提交访企申请"),
    "visit_request_refused_by_rules": _("访企申请不符合规则"),
    "visit_request_approved": _("批准访企申请"),
    "visit_request_refused": _("不批准访企申请"),
    "visit_request_cancelled": _("撤回访企申请"),
    "visit_rules_changed": _("修改访企规则"),
    "pass_issued": _("发放通行码"),
    "enterprise_code_issued": _("生成企业码"),
    "check_in": _("签到"),
    "check_out": _("签退"),
    "visit_rated": _("评价访企"),
    "no_pass_reported": _("报告无码入企"),
    "no_pass_handled": _("处理无码入企报告"),
}
