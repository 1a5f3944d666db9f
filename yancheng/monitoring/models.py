"""Site cameras (云监工): the media servers the city runs, the cameras on project sites with their
stream on a server, each camera's health as events (online, offline), its snapshots (a JPEG and a
thumbnail each, kept by a retention rule) and its uptime per day (a summary the screens read)."""

from urllib.parse import urljoin

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core import clock
from yancheng.core.models.base import RecordEvent, ScopedQuerySet

from .choices import EventKind, ServerKind, State


class MonitoringRules(models.Model):
    """The office's settings (one row; the admin changes it)."""

    snapshot_minutes = models.PositiveSmallIntegerField(_("抓拍间隔（分钟）"), default=10)
    grab_timeout_seconds = models.PositiveSmallIntegerField(_("单次抓拍超时（秒）"), default=15)
    concurrency = models.PositiveSmallIntegerField(_("同时抓拍路数"), default=4)
    stale_seconds = models.PositiveSmallIntegerField(_("播放列表多少秒不更新视为离线"), default=30)
    offline_minutes = models.PositiveSmallIntegerField(_("离线多少分钟后通知责任单位"), default=30)
    keep_all_days = models.PositiveSmallIntegerField(_("全部快照保留天数"), default=7)

    class Meta:
        verbose_name = _("云监工设置")
        verbose_name_plural = _("云监工设置")

    def __str__(self):
        return str(_("云监工设置"))

    @classmethod
    def current(cls) -> "MonitoringRules":
        return cls.objects.order_by("pk").first() or cls()


def validate_hls_base(value: str) -> None:
    """An http(s) address (with at most one {key}), as a browser fetches it."""
    if not value.startswith(("http://", "https://")) or value.count("{key}") > 1:
        raise ValidationError(
            _("请填写以 http:// 或 https:// 开头的地址，流名称的位置最多用一个 {key} 标出。")
        )
    URLValidator()(value.replace("{key}", "key"))


class MediaServer(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ServerKind)
    # Where its HLS is published: a camera's playlist is <hls_base><stream key>.m3u8, or the base with
    # {key} replaced when it holds one (ZLMediaKit's <app>/<stream>/hls.m3u8, MediaMTX's <path>/index.m3u8).
    hls_base = models.CharField(
        _("HLS 地址前缀"), max_length=300, validators=[validate_hls_base],
        help_text=_("如 http://10.1.2.3:8080/hls/；播放地址不以流名称加 .m3u8 结尾时用 {key} 标出流名称的位置，如 http://10.1.2.3/rtp/{key}/hls.m3u8"),
    )  # fmt: skip
    api_url = models.URLField(_("流列表接口"), blank=True, help_text=_("可选：服务器列出在线流的 HTTP 接口"))

    class Meta:
        verbose_name = _("流媒体服务器")
        verbose_name_plural = _("流媒体服务器")

    def __str__(self):
        return self.name


class CameraQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """A camera is seen by whoever sees its project (leaders and the office see every site, a unit
        its projects')."""
        from yancheng.projects.models import Project

        return self.filter(project__in=Project.objects.for_user(user))


class Camera(models.Model):
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="cameras"
    )
    name = models.CharField(_("点位名称"), max_length=100)
    position = models.CharField(_("安装位置"), max_length=200, blank=True)
    server = models.ForeignKey(
        MediaServer, verbose_name=_("流媒体服务器"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cameras",
    )  # fmt: skip
    stream_key = models.CharField(_("流名称"), max_length=100, blank=True)
    hls_url = models.URLField(_("HLS 播放地址"), blank=True, help_text=_("不填则按服务器前缀和流名称生成"))
    device_id = models.CharField(
        _("设备编号"), max_length=200, blank=True, help_text=_("GB/T 28181 设备编码或 RTSP 地址，仅作记录")
    )
    # Off: kept for its stored snapshots (a finished site, an archive), neither checked nor grabbed.
    monitored = models.BooleanField(_("实时监测"), default=True)
    state = models.CharField(_("状态"), max_length=10, choices=State, default=State.UNKNOWN)
    state_since = models.DateTimeField(_("状态开始时间"), null=True, blank=True)
    # The playlist's last media sequence and when it last moved: a playlist that stops moving is dark.
    last_sequence = models.CharField(_("最近分片"), max_length=200, blank=True)
    last_advanced_at = models.DateTimeField(_("最近更新时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("最近检测时间"), null=True, blank=True)
    # When a dark camera's unit is told (offline + the rules' minutes): its escalation deadline.
    alert_at = models.DateTimeField(_("离线告警时刻"), null=True, blank=True)
    created_at = models.DateTimeField(_("接入时间"))

    objects = CameraQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控点位")
        verbose_name_plural = _("监控点位")
        ordering = ["project_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="one_camera_name_a_project"),
            models.UniqueConstraint(
                fields=["server", "stream_key"],
                condition=~models.Q(stream_key=""),
                name="one_stream_a_server",
            ),
            models.CheckConstraint(
                condition=~models.Q(stream_key="", hls_url=""), name="camera_has_a_stream"
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · {self.name}"

    @property
    def playlist_url(self) -> str:
        if self.hls_url:
            return self.hls_url
        if not self.server_id:
            return ""
        base = self.server.hls_base
        return (
            base.replace("{key}", self.stream_key)
            if "{key}" in base
            else urljoin(base, f"{self.stream_key}.m3u8")
        )


class CameraEvent(RecordEvent):
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=EventKind)

    class Meta:
        verbose_name = _("监控点位记录")
        verbose_name_plural = _("监控点位记录")
        ordering = ["-at", "-pk"]


def snapshot_path(instance, filename):
    local = timezone.localtime(instance.taken_at)
    return f"snapshots/{instance.camera_id}/{local:%Y/%m/%d}/{filename}"


class Snapshot(models.Model):
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(_("抓拍时间"), db_index=True)
    image = models.FileField(_("快照"), upload_to=snapshot_path)
    thumbnail = models.FileField(_("缩略图"), upload_to=snapshot_path)

    class Meta:
        verbose_name = _("快照")
        verbose_name_plural = _("快照")
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["camera", "-taken_at"])]

    def __str__(self):
        return f"{self.camera} {clock.local_text(self.taken_at)}"


class CameraDay(models.Model):
    """A camera's day (local): how long it was watched and how long online; uptime = online ÷ checked.
    Kept by the health check as it runs (the screens read these rows, never the events)."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("日期"))
    checked_seconds = models.PositiveIntegerField(_("检测时长（秒）"), default=0)
    online_seconds = models.PositiveIntegerField(_("在线时长（秒）"), default=0)

    class Meta:
        verbose_name = _("点位在线日统计")
        verbose_name_plural = _("点位在线日统计")
        constraints = [models.UniqueConstraint(fields=["camera", "day"], name="one_camera_day")]

    def __str__(self):
        return f"{self.camera} {self.day:%Y-%m-%d}"

    @property
    def uptime(self) -> float | None:
        return 100 * self.online_seconds / self.checked_seconds if self.checked_seconds else None
