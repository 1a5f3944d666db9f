"""Talking to a media server as a browser would: read a camera's HLS playlist, grab one frame of it with
ffmpeg (one process a grab, killed at its timeout), make the thumbnail."""

import io
import json
import re
import subprocess
import urllib.request
from dataclasses import dataclass
from xml.etree import ElementTree

from PIL import Image

THUMBNAIL = (320, 180)
PLAYLIST_TIMEOUT = 5  # seconds
_SEQUENCE = re.compile(r"^#EXT-X-MEDIA-SEQUENCE:(\d+)", re.MULTILINE)


class Unreachable(Exception):
    """The playlist cannot be read, or the frame cannot be grabbed: the camera is dark."""


@dataclass(frozen=True)
class Playlist:
    """What moves in a live playlist: its media sequence and its last segment."""

    position: str

    @classmethod
    def parse(cls, text: str) -> "Playlist":
        if not text.startswith("#EXTM3U"):
            raise Unreachable("not an HLS playlist")
        segments = [line for line in text.splitlines() if line and not line.startswith("#")]
        if not segments:
            raise Unreachable("the playlist holds no segment")
        found = _SEQUENCE.search(text)
        return cls(f"{found.group(1) if found else ''}/{segments[-1]}")


def read_playlist(url: str, timeout: float = PLAYLIST_TIMEOUT) -> Playlist:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  (the office's server)
            return Playlist.parse(response.read(256 * 1024).decode("utf-8", "replace"))
    except (OSError, ValueError) as failure:
        raise Unreachable(str(failure)) from failure


def grab(url: str, timeout: float) -> bytes:
    """One JPEG frame of the live stream at ``url``, from one of its newest segments. A grab that hangs is
    killed at ``timeout`` seconds and fails like any other."""
    # From the segment before the newest (written in full: starting at the newest, ffmpeg waits for the
    # next one), probing half a second rather than five: 0.1 s a grab instead of 5 on a live stream.
    command = [
        "ffmpeg", "-nostdin", "-loglevel", "error", "-live_start_index", "-2", "-analyzeduration", "500000", "-rw_timeout",
        str(int(timeout * 1_000_000)), "-i", url, "-frames:v", "1", "-q:v", "3", "-f", "image2", "-c:v",
        "mjpeg", "pipe:1",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired as hung:
        raise Unreachable(f"ffmpeg did not finish in {timeout:g} s") from hung
    if done.returncode != 0 or not done.stdout.startswith(b"\xff\xd8"):
        raise Unreachable(done.stderr.decode("utf-8", "replace")[-300:] or f"ffmpeg exit {done.returncode}")
    return done.stdout


def thumbnail(jpeg: bytes) -> bytes:
    image = Image.open(io.BytesIO(jpeg))
    image.thumbnail(THUMBNAIL)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def list_streams(kind: str, api_url: str, timeout: float = PLAYLIST_TIMEOUT) -> list[str]:
    """The names of the streams live on a media server, from its HTTP API (``api_url``): nginx-rtmp's
    ``/stat`` (XML), SRS's ``/api/v1/streams/``, MediaMTX's ``/v3/paths/list``, ZLMediaKit's
    ``/index/api/getMediaList?secret=…``."""
    try:
        with urllib.request.urlopen(api_url, timeout=timeout) as response:  # noqa: S310  (the office's server)
            body = response.read(4 * 1024 * 1024)
    except OSError as failure:
        raise Unreachable(str(failure)) from failure
    try:
        if kind == "nginx_rtmp":
            # The office's own server; Python's expat refuses entity expansion bombs.
            streams = ElementTree.fromstring(body).iter("stream")  # noqa: S314
            return sorted(
                {name.text for name in (s.find("name") for s in streams) if name is not None and name.text}
            )
        data = json.loads(body)
        rows = {"srs": "streams", "mediamtx": "items", "zlmediakit": "data"}[kind]
        key = "stream" if kind == "zlmediakit" else "name"
        return sorted({row[key] for row in data.get(rows) or [] if row.get(key)})
    except (ValueError, KeyError, TypeError) as failure:
        raise Unreachable(f"not a stream list: {failure}") from failure
