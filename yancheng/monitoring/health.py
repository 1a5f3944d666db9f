"""Each camera's health, from its playlist: online while the playlist moves, offline once it has not
moved for the rules' seconds or cannot be read (or a grab fails, snapshots.py); each change an event,
and a dark camera's ``alert_at`` (its unit is told then, and the ladder climbs from it). Each check
also adds the time since the last one to the camera's day (``CameraDay``), online or not: uptime.

The playlists are read in threads (network only); the rows are written by the caller's thread."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yancheng.core import audit

from . import media
from .choices import EventKind, State
from .models import Camera, CameraDay, CameraEvent, MonitoringRules

# A gap between two checks longer than this is not counted as watched time (the worker was down).
MAX_GAP = timedelta(minutes=5)
READERS = 8  # playlists read at once


def become(camera, state: str, now: datetime, rules, note: str = "") -> bool:
    """Move ``camera`` to ``state`` at ``now`` (an event when it changes); True when it changed. The
    caller saves the camera."""
    if camera.state == state:
        return False
    camera.state, camera.state_since = state, now
    camera.alert_at = now + timedelta(minutes=rules.offline_minutes) if state == State.OFFLINE else None
    kind = EventKind.OFFLINE if state == State.OFFLINE else EventKind.ONLINE
    CameraEvent.objects.create(camera=camera, at=now, by=None, kind=kind, note=note[:500])
    audit.record(f"camera_{kind}", camera, changes={"state": [None, state]})
    return True


def _account(camera, now: datetime) -> None:
    """Add the time since the camera's last check to its day, and to its online time if it was online."""
    if camera.checked_at is None or not timedelta(0) < now - camera.checked_at <= MAX_GAP:
        return
    seconds = int((now - camera.checked_at).total_seconds())
    online = seconds if camera.state == State.ONLINE else 0
    day = timezone.localdate(now)
    row, _created = CameraDay.objects.get_or_create(camera=camera, day=day)
    CameraDay.objects.filter(pk=row.pk).update(
        checked_seconds=F("checked_seconds") + seconds, online_seconds=F("online_seconds") + online
    )


def _read(camera):
    try:
        return media.read_playlist(camera.playlist_url), ""
    except media.Unreachable as failure:
        return None, str(failure)


def apply(camera, playlist, failure: str, now: datetime, rules) -> None:
    """One check's result, written: the playlist read (or why not), at ``now``."""
    with transaction.atomic():
        _account(camera, now)
        if playlist is not None and playlist.position != camera.last_sequence:
            camera.last_sequence, camera.last_advanced_at = playlist.position, now
        fresh = camera.last_advanced_at is not None and now - camera.last_advanced_at <= timedelta(
            seconds=rules.stale_seconds
        )
        if playlist is not None and not fresh:
            failure = f"播放列表已 {rules.stale_seconds} 秒未更新"
        become(camera, State.ONLINE if playlist is not None and fresh else State.OFFLINE, now, rules, failure)
        camera.checked_at = now
        camera.save(
            update_fields=[
                "state",
                "state_since",
                "alert_at",
                "last_sequence",
                "last_advanced_at",
                "checked_at",
            ]
        )


def check_all(now: datetime, cameras=None) -> dict[str, int]:
    """Check every camera (or ``cameras``) once: {state: how many}."""
    rules = MonitoringRules.current()
    monitored = Camera.objects.filter(monitored=True).select_related("server", "project")
    cameras = list(cameras if cameras is not None else monitored)
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        results = list(pool.map(_read, cameras))
    counts: dict[str, int] = {}
    for camera, (playlist, failure) in zip(cameras, results, strict=True):
        apply(camera, playlist, failure, now, rules)
        counts[camera.state] = counts.get(camera.state, 0) + 1
    return counts
