from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "yancheng.commitments"
    label = "commitments"
    verbose_name = _("承诺兑现")

    def ready(self):
        from yancheng.commitments import indicators, ladders, panels  # noqa: F401  (indicators; the escalation ladder; navigation)
        from yancheng.commitments.choices import AUDIT_ACTIONS
        from yancheng.core.models.audit import ACTION_LABELS

        ACTION_LABELS.update(AUDIT_ACTIONS)
