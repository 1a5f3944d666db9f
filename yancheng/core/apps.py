from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yancheng.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self):
        from yancheng.core import checks, importers, panels, signals  # noqa: F401  (deploy checks; the enterprise register's import; home panels; login audit)
