from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "yancheng.projects"
    label = "projects"
    verbose_name = _("重大项目调度")

    def ready(self):
        from yancheng.core.models.audit import ACTION_LABELS
        from yancheng.projects import importer, indicators, panels  # noqa: F401  (the ledger import; indicators; home panels and navigation)
        from yancheng.projects.choices import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
