"""What the monitoring app adds to other pages: the site cameras on a project's page, and the media
servers' origins to the Content-Security-Policy (the browser reads their playlists and segments)."""

import time
from urllib.parse import urlsplit

from django.template.loader import render_to_string

from yancheng.core.middleware import EXTRA_CSP_SOURCES, needs_extra_sources
from yancheng.core.navigation import record_section

from . import snapshots
from .models import Camera, MediaServer

ORIGINS_SECONDS = 30  # a server added in the admin plays within half a minute
_origins: dict = {"at": -ORIGINS_SECONDS, "found": []}  # this process's answer and when it was read


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def media_origins() -> list[str]:
    """The origins of the media servers and of the cameras' own addresses, read at most every
    ORIGINS_SECONDS by each process (every response asks)."""
    if time.monotonic() - _origins["at"] >= ORIGINS_SECONDS:
        urls = [*MediaServer.objects.values_list("hls_base", flat=True)]
        urls += Camera.objects.exclude(hls_url="").values_list("hls_url", flat=True)
        _origins.update(at=time.monotonic(), found=sorted({o for o in map(_origin, urls) if o}))
    return _origins["found"]


def csp_sources() -> dict:
    origins = media_origins()
    if not origins:
        return {}
    # hls.js fetches the playlist and segments (connect-src), feeds them to the video as a blob (media-src)
    # and runs its demuxer in a worker made from a blob (worker-src).
    return {"connect-src": origins, "media-src": ["blob:", *origins], "worker-src": ["'self'", "blob:"]}


EXTRA_CSP_SOURCES.append(csp_sources)


def forget_origins() -> None:
    """Read the origins again on the next response (a test that adds a server)."""
    _origins["at"] = -ORIGINS_SECONDS


@record_section("projects.project")
def project_cameras(request, project):
    cameras = list(Camera.objects.for_user(request.user).filter(project=project).select_related("server"))
    if not cameras:
        return None
    needs_extra_sources(request)
    context = {
        "cameras": cameras,
        "latest": snapshots.latest(cameras),
        "timelapse": snapshots.timelapse(cameras),
    }
    return render_to_string("monitoring/_project_cameras.html", context, request=request)
