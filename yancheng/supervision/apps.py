from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "yancheng.supervision"
    label = "supervision"
    verbose_name = _("云督查")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.supervision import importer, indicators, ladders, panels  # noqa: F401  (import; indicators; ladders; nav)
        from yancheng.supervision.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
