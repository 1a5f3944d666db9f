from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """A project may carry several levels (a provincial key project is often a city one too)."""

    PROVINCIAL_MAJOR = "provincial_major", _("省“三高四新”重大产业项目")
    PROVINCIAL_KEY = "provincial_key", _("省重点项目")
    CITY_KEY = "city_key", _("市重点工程")
    COUNTY_KEY = "county_key", _("县级重点项目")


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("前期")
    NEW_START = "new_start", _("新开工")
    CONTINUING = "continuing", _("续建")
    COMPLETED = "completed", _("竣工")
    IN_PRODUCTION = "in_production", _("投产")


# Which stage may follow which. A project never goes back: a stage entered by mistake is corrected by
# the commission in the admin's history, not by walking the ledger backwards.
STAGE_TRANSITIONS = {
    Stage.PREPARATION: {Stage.NEW_START},
    Stage.NEW_START: {Stage.CONTINUING, Stage.COMPLETED},
    Stage.CONTINUING: {Stage.COMPLETED},
    Stage.COMPLETED: {Stage.IN_PRODUCTION},
    Stage.IN_PRODUCTION: set(),
}
# Stages whose projects report every month (a completed project reports no more investment).
REPORTING_STAGES = frozenset({Stage.PREPARATION, Stage.NEW_START, Stage.CONTINUING})


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已更正")


# Reports that count as filed for their month: a returned report must be filed again.
FILED_STATES = (ReportState.SUBMITTED, ReportState.CONFIRMED, ReportState.SUPERSEDED)


class PlanState(models.TextChoices):
    """A filed version of a year plan: waiting, then approved (the baseline) or returned; an approved
    version is superseded when a later one is approved."""

    FILED = "filed", _("待审批")
    APPROVED = "approved", _("现行基线")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已被取代")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    BEHIND = "behind", _("滞后")


class EventKind(models.TextChoices):
    CREATED = "created", _("入库")
    CHANGED = "changed", _("修改")
    STAGE_CHANGED = "stage_changed", _("阶段变更")
    PLAN_SET = "plan_set", _("年度计划")
    PLAN_FILED = "plan_filed", _("报送年度计划")
    PLAN_APPROVED = "plan_approved", _("批准年度计划")
    PLAN_RETURNED = "plan_returned", _("退回年度计划")
    REPORTED = "reported", _("报送月报")
    REPORT_CONFIRMED = "report_confirmed", _("确认月报")
    REPORT_RETURNED = "report_returned", _("退回月报")
    REPORT_CORRECTED = "report_corrected", _("更正月报")
    REMINDED = "reminded", _("催报")


class Grouping(models.TextChoices):
    """What completion rates and rankings are grouped by."""

    LEVEL = "level", _("项目级别")
    INDUSTRIAL = "industrial", _("产业类别")
    REGION = "region", _("县市区")
    PARK = "park", _("园区")
    UNIT = "unit", _("责任单位")
    LEADER = "leader", _("联系市领导")
    INDUSTRY = "industry", _("行业门类")


AUDIT_ACTIONS = {
    **{f"project_{kind.value}": format_lazy(_("重大项目：{}"), kind.label) for kind in EventKind},
    "project_rules_changed": _("修改项目调度规则"),
}
