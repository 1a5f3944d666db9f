from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The seed's first batch: 24 major projects and 20 key tasks, each run by a task force."""

    MAJOR_PROJECT = "major_project", _("重大项目专班")
    KEY_TASK = "key_task", _("重点工作专班")


class Cadence(models.TextChoices):
    """How often the task force reports its progress (the check-ins)."""

    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每两周")


class Rank(models.IntegerChoices):
    """A cadre's rank (职级); the performance profile is drawn for 副处级 and above."""

    STAFF = 10, _("科员")
    DEPUTY_SECTION = 20, _("副科级")
    SECTION = 30, _("正科级")
    DEPUTY_DIVISION = 40, _("副处级")
    DIVISION = 50, _("正处级")
    DEPUTY_BUREAU = 60, _("副厅级")
    BUREAU = 70, _("正厅级")


PROFILED_FROM = Rank.DEPUTY_DIVISION


class Position(models.TextChoices):
    """A member's place in the task force."""

    HEAD = "head", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    LIAISON = "liaison", _("联络员")


class StallKind(models.TextChoices):
    """What makes a task force stall (卡壳), each on working days from the rules."""

    MILESTONE = "milestone", _("节点逾期未完成")
    BLOCKER = "blocker", _("卡点逾期未解决")
    TASK = "task", _("协办任务未响应")


class Grade(models.TextChoices):
    """The task-force leader's quarterly assessment of a cadre."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class EventKind(models.TextChoices):
    MILESTONE_MET = "milestone_met", _("节点完成")
    TASK_ANSWERED = "task_answered", _("任务响应")
    TASK_DONE = "task_done", _("任务完成")
    CHECKED_IN = "checked_in", _("报送进展")
    ACKNOWLEDGED = "acknowledged", _("组长已阅")
    BLOCKER_RESOLVED = "blocker_resolved", _("卡点解决")
    MEETING = "meeting", _("召开调度会")
    DECISION = "decision", _("会议议定事项")
    ESCALATED = "escalated", _("催办")


AUDIT_ACTIONS = {
    **{f"taskforce_{kind.value}": kind.label for kind in EventKind},
    "cadre_assessed": _("专班组长季度评价"),
    "cadre_chosen_excellent": _("确定优秀个人"),
}
