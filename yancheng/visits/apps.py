from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "yancheng.visits"
    label = "visits"
    verbose_name = _("赋码入企")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.visits import indicators, panels  # noqa: F401  (indicators; home panels and navigation)
        from yancheng.visits.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
