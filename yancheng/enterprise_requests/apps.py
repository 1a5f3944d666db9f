from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseRequestsConfig(AppConfig):
    name = "yancheng.enterprise_requests"
    label = "enterprise_requests"
    verbose_name = _("企业诉求")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.enterprise_requests import indicators, ladders, panels  # noqa: F401  (indicators; ladders; home panels and navigation)
        from yancheng.enterprise_requests.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
