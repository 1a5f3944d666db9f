from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "yancheng.observations"
    label = "observations"
    verbose_name = _("现场观摩")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.observations import panels  # noqa: F401  (navigation)
        from yancheng.observations.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
