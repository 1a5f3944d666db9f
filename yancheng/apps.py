"""The third-party apps under Chinese names: their admin sections are titled by these (their own
verbose names are English, or not set at all, and marked for no translation)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录锁定")


class TOTPConfig(TOTPAppConfig):
    verbose_name = _("动态口令")

    def ready(self):
        super().ready()
        # The device model and its fields are named in plain English strings, which no catalog can
        # translate: named here instead. Only the names shown change; migrations read the names the
        # model was declared with, so none is made.
        device = self.get_model("TOTPDevice")
        device._meta.verbose_name = device._meta.verbose_name_plural = _("身份验证器")
        labels = {
            "user": _("用户"),
            "name": _("名称"),
            "confirmed": _("已绑定"),
            "created_at": _("创建时间"),
            "last_used_at": _("最近使用时间"),
        }
        for field, label in labels.items():
            device._meta.get_field(field).verbose_name = label


class TasksConfig(TasksAppConfig):
    verbose_name = _("后台任务")
