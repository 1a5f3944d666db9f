from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "yancheng.investment"
    label = "investment"
    verbose_name = _("招商引资")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.investment import panels  # noqa: F401  (navigation)
        from yancheng.investment.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
