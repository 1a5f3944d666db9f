"""Snapshots: one frame of every online camera at the rules' interval, grabbed by ffmpeg (one process a
grab, a bounded number at once, each killed at its timeout), stored as a JPEG with its thumbnail; a
grab that fails puts the camera offline. Kept by a retention rule: every snapshot for the rules' days,
then the first of each local day for the project's life (the time-lapse)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from yancheng.core import clock

from . import health, media
from .choices import State
from .models import Camera, MonitoringRules, Snapshot


def due(now: datetime, rules) -> list[Camera]:
    """The online cameras whose last snapshot is older than the interval (or that have none)."""
    cutoff = now - timedelta(minutes=rules.snapshot_minutes)
    latest = Snapshot.objects.filter(camera=OuterRef("pk")).order_by("-taken_at").values("taken_at")[:1]
    cameras = Camera.objects.filter(monitored=True, state=State.ONLINE).annotate(last=Subquery(latest))
    return list(
        cameras.filter(Q(last__isnull=True) | Q(last__lte=cutoff)).select_related("server", "project")
    )


def _grab(camera, timeout):
    try:
        return media.grab(camera.playlist_url, timeout), ""
    except media.Unreachable as failure:
        return None, str(failure)


def take(now: datetime, cameras=None) -> dict[str, int]:
    """One round: a snapshot of each camera due (or of ``cameras``); {"taken": n, "failed": n}."""
    rules = MonitoringRules.current()
    cameras = due(now, rules) if cameras is None else list(cameras)
    with ThreadPoolExecutor(max_workers=max(1, rules.concurrency)) as pool:
        grabs = list(pool.map(lambda camera: _grab(camera, rules.grab_timeout_seconds), cameras))
    taken = failed = 0
    for camera, (jpeg, failure) in zip(cameras, grabs, strict=True):
        if jpeg is None:
            failed += 1
            if health.become(camera, State.OFFLINE, now, rules, f"抓拍失败：{failure}"):
                camera.save(update_fields=["state", "state_since", "alert_at"])
            continue
        store(camera, jpeg, now)
        taken += 1
    return {"taken": taken, "failed": failed}


def store(camera, jpeg: bytes, at: datetime) -> Snapshot:
    snapshot = Snapshot(camera=camera, taken_at=at)
    stamp = clock.local_text(at, "%Y%m%d%H%M%S")
    snapshot.image.save(f"{stamp}.jpg", ContentFile(jpeg), save=False)
    snapshot.thumbnail.save(f"{stamp}-thumb.jpg", ContentFile(media.thumbnail(jpeg)), save=False)
    snapshot.save()
    return snapshot


def _local_day():
    return TruncDate("taken_at", tzinfo=ZoneInfo(settings.TIME_ZONE))


def daily(queryset):
    """The first snapshot of each camera's local day among ``queryset``: their ids."""
    return (
        queryset.annotate(day=_local_day()).values("camera", "day").annotate(first=Min("pk")).values("first")
    )


def prune(now: datetime) -> int:
    """Apply the retention rule; the number of snapshots removed (their files with them)."""
    rules = MonitoringRules.current()
    old = Snapshot.objects.filter(taken_at__lt=now - timedelta(days=rules.keep_all_days))
    removed = 0
    for snapshot in old.exclude(pk__in=list(daily(old).values_list("first", flat=True))).iterator():
        snapshot.image.delete(save=False)
        snapshot.thumbnail.delete(save=False)
        snapshot.delete()
        removed += 1
    return removed


def latest(cameras) -> dict[int, Snapshot]:
    """Each camera's newest snapshot (one query)."""
    newest = (
        Snapshot.objects.filter(camera__in=cameras).values("camera").annotate(last=Max("pk")).values("last")
    )
    return {s.camera_id: s for s in Snapshot.objects.filter(pk__in=newest)}


TIMELAPSE_DAYS = 120  # the days the slider covers, newest last


def timelapse(cameras) -> dict[int, list[Snapshot]]:
    """Per camera, one snapshot a local day (the first), oldest first, for the slider."""
    kept = daily(Snapshot.objects.filter(camera__in=cameras))
    frames: dict[int, list[Snapshot]] = {}
    for snapshot in Snapshot.objects.filter(pk__in=kept).order_by("taken_at"):
        frames.setdefault(snapshot.camera_id, []).append(snapshot)
    return {camera: days[-TIMELAPSE_DAYS:] for camera, days in frames.items()}
