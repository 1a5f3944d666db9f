"""Pages of the site cameras: the camera wall (4, 9 or 16 a screen, paging) for leaders and units, a
camera with its player, state, uptime, events and snapshots; the snapshot files, served only to whoever
sees the camera; the state badge a page polls."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from yancheng.core import clock
from yancheng.core.middleware import needs_extra_sources
from yancheng.projects.models import keeps_ledger

from . import media, snapshots
from .models import Camera, MediaServer, Snapshot

WALL_SIZES = (4, 9, 16)
UPTIME_DAYS = 30


def _visible(request):
    needs_extra_sources(request)  # the pages that use it play the cameras
    return Camera.objects.for_user(request.user).select_related("project", "server")


@login_required
def wall(request):
    per = int(request.GET["per"]) if request.GET.get("per", "").isdigit() else WALL_SIZES[0]
    per = per if per in WALL_SIZES else WALL_SIZES[0]
    page = Paginator(_visible(request).order_by("project__name", "pk"), per).get_page(request.GET.get("page"))
    cameras = list(page.object_list)
    context = {
        "page": page,
        "cameras": cameras,
        "latest": snapshots.latest(cameras),
        "per": per,
        "sizes": WALL_SIZES,
        "may_import": keeps_ledger(request.user),
        "servers": MediaServer.objects.exclude(api_url="") if keeps_ledger(request.user) else [],
    }
    return render(request, "monitoring/wall.html", context)


@login_required
def camera(request, pk):
    found = get_object_or_404(_visible(request), pk=pk)
    since = timezone.localdate(clock.now()) - timedelta(days=UPTIME_DAYS - 1)
    context = {
        "camera": found,
        "latest": snapshots.latest([found]).get(found.pk),
        "events": found.events.all()[:30],
        "days": found.days.filter(day__gte=since).order_by("-day"),
        "recent": found.snapshots.all()[:12],
    }
    return render(request, "monitoring/camera.html", context)


@login_required
@require_GET
def state(request, pk):
    """The camera's state badge, polled by the pages that show it."""
    found = get_object_or_404(_visible(request), pk=pk)
    return render(request, "monitoring/_state.html", {"camera": found})


@login_required
def snapshot_file(request, pk, size):
    snapshot = get_object_or_404(
        Snapshot.objects.filter(camera__in=Camera.objects.for_user(request.user)), pk=pk
    )
    field = snapshot.thumbnail if size == "thumb" else snapshot.image
    return FileResponse(field.open("rb"), content_type="image/jpeg")


@login_required
def server_streams(request, pk):
    """The streams live on a media server (its API), each said connected or not: for the commission to
    connect the missing ones (the admin, or the Excel import)."""
    if not keeps_ledger(request.user):
        raise Http404
    server = get_object_or_404(MediaServer.objects.exclude(api_url=""), pk=pk)
    try:
        names, failure = media.list_streams(server.kind, server.api_url), ""
    except media.Unreachable as error:
        names, failure = [], str(error)
    connected = dict(server.cameras.values_list("stream_key", "name"))
    context = {"server": server, "rows": [(n, connected.get(n)) for n in names], "failure": failure}
    return render(request, "monitoring/streams.html", context)
