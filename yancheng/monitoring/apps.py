from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "yancheng.monitoring"
    label = "monitoring"
    verbose_name = _("云监工")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.monitoring import importer, indicators, ladders, panels, sections  # noqa: F401  (the import; indicators; the ladder; navigation; the project page and the CSP)
        from yancheng.monitoring.choices import AUDIT_ACTIONS, EventKind

        ACTION_LABELS.update(AUDIT_ACTIONS)
        ACTION_LABELS.update({f"camera_{kind.value}": kind.label for kind in EventKind})
