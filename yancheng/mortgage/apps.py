from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MortgageConfig(AppConfig):
    name = "yancheng.mortgage"
    label = "mortgage"
    verbose_name = _("不动产抵押登记")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.mortgage import indicators, panels  # noqa: F401  (indicators; home panels and navigation)
        from yancheng.mortgage.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
