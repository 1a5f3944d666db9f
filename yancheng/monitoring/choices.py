from django.db import models
from django.utils.translation import gettext_lazy as _


class ServerKind(models.TextChoices):
    """The media servers the platform plays from (it runs none of them: they are the city's)."""

    NGINX_RTMP = "nginx_rtmp", _("nginx-rtmp")
    SRS = "srs", _("SRS")
    ZLMEDIAKIT = "zlmediakit", _("ZLMediaKit / wvp-GB28181")
    MEDIAMTX = "mediamtx", _("MediaMTX")


class State(models.TextChoices):
    UNKNOWN = "unknown", _("未检测")
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")


class EventKind(models.TextChoices):
    ADDED = "added", _("接入")
    ONLINE = "online", _("恢复在线")
    OFFLINE = "offline", _("离线")
    ESCALATED = "escalated", _("催办")


AUDIT_ACTIONS = {"camera_added": _("接入监控点位"), "camera_changed": _("修改监控点位")}
