from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskforcesConfig(AppConfig):
    name = "yancheng.taskforces"
    label = "taskforces"
    verbose_name = _("专班推进")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.taskforces import indicators, ladders, panels  # noqa: F401  (indicators; the escalation ladders; navigation)
        from yancheng.taskforces.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
