from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "yancheng.problems"
    label = "problems"
    verbose_name = _("问题清单")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.problems import indicators, ladders, panels  # noqa: F401  (indicators; the escalation ladder; navigation)
        from yancheng.problems.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
