from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yancheng.core.roles import Role, has_role

from .base import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a person's in-app inbox; deliveries carry it to e-mail and group robots."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    WECOM = "wecom", _("企业微信群机器人")


class ChannelQuerySet(ScopedQuerySet):
    def for_user(self, user):
        return self if has_role(user, Role.ADMINISTRATOR) else self.none()


class WebhookChannel(models.Model):
    """A unit's group robot: every notification to a person of the unit is posted there too."""

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="channels"
    )
    kind = models.CharField(
        _("类型"), max_length=10, choices=[c for c in ChannelKind.choices if c[0] != ChannelKind.EMAIL]
    )
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(
        _("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”安全设置的密钥")
    )
    active = models.BooleanField(_("启用"), default=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"


class Delivery(models.Model):
    """One attempt chain to carry a notification over one channel, recorded as the worker goes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(
        Notification, verbose_name=_("站内消息"), on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(_("渠道"), max_length=10, choices=ChannelKind)
    target = models.CharField(_("目标"), max_length=500)
    # The robot whose URL and signing secret the worker uses; empty for e-mail.
    channel = models.ForeignKey(
        WebhookChannel, verbose_name=_("群机器人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息投递")
        verbose_name_plural = _("消息投递")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.target}"
