"""Site cameras in the API: the cameras as each caller may see them (leaders and the office every site,
a unit its projects'), one camera with its playlist, state, latest snapshot, recent events and uptime
by day. A camera outside the caller's scope answers 404. Cameras are connected in the admin or by the
Excel import."""

from datetime import date, datetime, timedelta
from typing import Literal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from yancheng.core import clock
from yancheng.core.pagination import PageIn
from yancheng.core.schemas import ErrorOut, Id

from . import snapshots
from .models import Camera

router = Router(tags=["云监工"])
UPTIME_DAYS = 30


class CameraOut(Schema):
    id: int
    project_id: int
    project_name: str
    name: str
    position: str
    playlist_url: str = Field(description="HLS 播放地址")
    device_id: str
    monitored: bool
    state: str = Field(description="unknown 未检测；online 在线；offline 离线")
    state_since: datetime | None
    latest_snapshot_url: str | None
    latest_snapshot_at: datetime | None


class CameraPage(Schema):
    count: int
    items: list[CameraOut]


class CameraFilterIn(Schema):
    project: Id | None = None
    state: Literal["unknown", "online", "offline"] | None = None


class CameraEventOut(Schema):
    at: datetime
    kind: str = Field(description="added 接入；online 恢复在线；offline 离线；escalated 催办")
    note: str


class CameraDayOut(Schema):
    day: date
    uptime: float | None = Field(description="在线时长占检测时长的百分比")


class CameraDetailOut(CameraOut):
    events: list[CameraEventOut]
    days: list[CameraDayOut]


def _visible(user):
    return Camera.objects.for_user(user).select_related("project", "server")


def _answer(camera: Camera, latest) -> dict:
    last = latest.get(camera.pk)
    return {
        "id": camera.pk, "project_id": camera.project_id, "project_name": camera.project.name, "name": camera.name,
        "position": camera.position, "playlist_url": camera.playlist_url, "device_id": camera.device_id,
        "monitored": camera.monitored, "state": camera.state, "state_since": camera.state_since,
        "latest_snapshot_url": reverse("monitoring:snapshot", args=[last.pk, "image"]) if last else None,
        "latest_snapshot_at": last.taken_at if last else None,
    }  # fmt: skip


@router.get("/cameras", response=CameraPage, summary="监控点位（本人可见的）")
def list_cameras(request, filters: Query[CameraFilterIn], page: Query[PageIn]):
    found = _visible(request.user).order_by("project_id", "pk")
    if filters.project:
        found = found.filter(project_id=filters.project)
    if filters.state:
        found = found.filter(state=filters.state)
    shown = list(found[page.offset : page.offset + page.limit])
    latest = snapshots.latest(shown)
    return {"count": found.count(), "items": [_answer(c, latest) for c in shown]}


@router.get("/cameras/{camera_id}", response={200: CameraDetailOut, 404: ErrorOut}, summary="一个监控点位")
def camera(request, camera_id: Id):
    found = get_object_or_404(_visible(request.user), pk=camera_id)
    since = timezone.localdate(clock.now()) - timedelta(days=UPTIME_DAYS - 1)
    days = found.days.filter(day__gte=since).order_by("-day")
    return {
        **_answer(found, snapshots.latest([found])),
        "events": [{"at": e.at, "kind": e.kind, "note": e.note} for e in found.events.all()[:20]],
        "days": [{"day": d.day, "uptime": d.uptime} for d in days],
    }
