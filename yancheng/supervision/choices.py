from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a supervision item comes from (督办来源)."""

    INSTRUCTION = "instruction", _("领导批示")
    MEETING = "meeting", _("会议决定")
    DOCUMENT = "document", _("文件要求")
    KEY_TASK = "key_task", _("重点工作")
    FINDING = "finding", _("平台预警")  # a red figure on the platform, its record linked


class Cadence(models.TextChoices):
    """How often the units report progress (反馈频次)."""

    NONE = "none", _("不定期")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class State(models.TextChoices):
    """assigned (交办, waiting for the lead unit to sign for it) → in progress (签收) → close requested
    (办结申请, with evidence) → closed (销号) by the office, or returned with a reason to in progress."""

    ASSIGNED = "assigned", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    CLOSE_REQUESTED = "close_requested", _("待审核")
    CLOSED = "closed", _("已销号")


# The longest a unit may go without a report, by cadence.
REPORT_EVERY = {Cadence.WEEKLY: timedelta(days=7), Cadence.MONTHLY: timedelta(days=30)}

# Still with the units: the deadline and the reports judge these.
WITH_UNITS = (State.ASSIGNED, State.IN_PROGRESS)


class Part(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    COOPERATING = "cooperating", _("配合单位")


class Light(models.TextChoices):
    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")


class FileKind(models.TextChoices):
    ATTACHMENT = "attachment", _("交办附件")
    REPORT = "report", _("反馈材料")
    CLOSING = "closing", _("办结材料")


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", _("交办")
    READ = "read", _("已阅")
    SIGNED = "signed", _("签收")
    REPORTED = "reported", _("反馈进展")
    CLOSE_REQUESTED = "close_requested", _("申请办结")
    CLOSED = "closed", _("审核销号")
    RETURNED = "returned", _("退回")
    REMINDED = "reminded", _("提醒")
    ESCALATED = "escalated", _("催办")


AUDIT_ACTIONS = {f"supervision_{kind.value}": kind.label for kind in EventKind}
AUDIT_ACTIONS["supervision_dispatched"] = _("一键调度")
