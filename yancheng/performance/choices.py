from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


AUDIT_ACTIONS = {
    "performance_scheme_versioned": _("发布考核方案版本"),
    "performance_scored": _("计算考核得分"),
    "performance_published": _("公布考核结果"),
    "performance_objected": _("提出申诉"),
    "performance_objection_decided": _("处理申诉"),
}
