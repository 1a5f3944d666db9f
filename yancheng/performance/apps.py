from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "yancheng.performance"
    label = "performance"
    verbose_name = _("云绩效")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.performance import panels  # noqa: F401  (navigation)
        from yancheng.performance.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
