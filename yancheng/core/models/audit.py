from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.clock import local_text
from yancheng.core.roles import Role, has_role

from .base import ScopedQuerySet

# What each action code means, for the administrators who read the log. The core's codes are here; each
# app declares its own in its choices.py (AUDIT_ACTIONS) and adds them here in its AppConfig.ready.
ACTION_LABELS: dict[str, str] = {
    "login": _("登录"),
    "logout": _("退出登录"),
    "login_failed": _("登录失败"),
    "login_locked_out": _("登录被锁定"),
    "otp_device_confirmed": _("绑定身份验证器"),
    "otp_failed": _("动态口令错误"),
    "permission_denied": _("越权访问被拒绝"),
    "api_token_issued": _("创建 API 令牌"),
    "api_token_revoked": _("吊销 API 令牌"),
    "notification_read": _("阅读站内消息"),
    "admin_created": _("后台新增"),
    "admin_changed": _("后台修改"),
    "admin_deleted": _("后台删除"),
    # A step of an escalation ladder (core.ladder), of whichever app.
    "ladder_step_sent": _("发出催办"),
    "import_uploaded": _("上传导入文件"),
    "import_confirmed": _("确认导入"),
    "import_done": _("导入完成"),
    "import_failed": _("导入失败"),
    # A record written by an import (core.output.importing), of whichever app.
    "import_created": _("导入新增"),
    "import_updated": _("导入更新"),
}


class AuditLogIsAppendOnly(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self if has_role(user, Role.ADMINISTRATOR) else self.none()

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit entries are never changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit entries are never deleted")


class AuditEntry(models.Model):
    """One thing someone did (or was refused). Rows are only ever added: the model refuses updates and
    deletes, and a database trigger refuses them too (see migration 0002)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Kept as text too: the name typed at a failed login has no user row.
    actor_label = models.CharField(_("操作人标识"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{local_text(self.at, '%Y-%m-%d %H:%M:%S')} {self.actor_label} {self.action_label} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries are never deleted")

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def object_type_label(self) -> str:
        """The model's name ("访企申请"), not its code ("visits.visitrequest")."""
        return object_type_label(self.object_type)


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def object_type_label(code: str) -> str:
    try:
        return str(apps.get_model(code)._meta.verbose_name)
    except (LookupError, ValueError):  # a model since removed, or no object at all
        return code
