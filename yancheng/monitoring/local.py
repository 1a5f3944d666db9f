"""A real media server on this machine, for the tests, the demo and the benchmark: Debian's nginx with
libnginx-mod-rtmp, an RTMP application that publishes HLS on a loopback port, and ffmpeg pushing a test
pattern (``lavfi testsrc``) into it as a simulated camera. Nothing of it is mocked: the platform reads
the playlists and grabs frames from it exactly as from the city's SRS or ZLMediaKit.

    with MediaServerProcess(directory) as server:      # nginx, on free loopback ports
        feed = server.publish("site-1")                # ffmpeg: a camera streaming to rtmp://…/live/site-1
        server.hls_base                                # http://127.0.0.1:<port>/hls/
        feed.stop()                                    # the camera goes dark
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")

CONFIG = """\
load_module {module};
daemon off;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log warn;
worker_processes 1;
events {{ worker_connections 1024; }}
rtmp {{
  server {{
    listen 127.0.0.1:{rtmp_port};
    application live {{
      live on;
      hls on;
      hls_path {root}/hls;
      hls_fragment 1s;
      hls_playlist_length 6s;
      hls_cleanup on;
    }}
  }}
}}
http {{
  access_log off;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  types {{ application/vnd.apple.mpegurl m3u8; video/mp2t ts; }}
  server {{
    listen 127.0.0.1:{http_port};
    location /hls/ {{
      alias {root}/hls/;
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin *;
    }}
    location /files/ {{
      alias {root}/files/;
      add_header Access-Control-Allow-Origin *;
    }}
    location /stat {{ rtmp_stat all; }}
  }}
}}
"""


def available() -> str | None:
    """None when nginx with the RTMP module and ffmpeg are here; else what is missing (in Chinese)."""
    missing = [name for name in ("nginx", "ffmpeg") if shutil.which(name) is None]
    if not RTMP_MODULE.exists():
        missing.append("libnginx-mod-rtmp")
    return "、".join(missing) or None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Feed:
    """An ffmpeg process streaming a test pattern to the server as one camera."""

    def __init__(self, url: str, size: str = "640x360", rate: int = 15):
        command = [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
            f"testsrc=size={size}:rate={rate}", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-g", str(rate), "-pix_fmt", "yuv420p", "-f", "flv", url,
        ]  # fmt: skip
        self.url = url
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)  # noqa: S603

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class MediaServerProcess:
    """nginx-rtmp under ``root`` on free loopback ports (see the module's doc)."""

    def __init__(self, root: Path, http_port: int | None = None, rtmp_port: int | None = None):
        self.root = Path(root)
        self.http_port, self.rtmp_port = http_port or free_port(), rtmp_port or free_port()
        self.feeds: list[Feed] = []
        self.process = None

    @property
    def hls_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/hls/"

    @property
    def files_base(self) -> str:
        """Where HLS files put under ``root/files`` are served (recorded streams, the bench's cameras)."""
        return f"http://127.0.0.1:{self.http_port}/files/"

    def playlist(self, key: str) -> str:
        return f"{self.hls_base}{key}.m3u8"

    def start(self) -> "MediaServerProcess":
        for part in ("hls", "tmp", "files"):
            (self.root / part).mkdir(parents=True, exist_ok=True)
        # As root, nginx would hand its workers to "nobody", who may not write the HLS folder.
        user = "user root;" if os.geteuid() == 0 else ""
        config = self.root / "nginx.conf"
        config.write_text(
            CONFIG.format(
                module=RTMP_MODULE,
                user=user,
                root=self.root,
                rtmp_port=self.rtmp_port,
                http_port=self.http_port,
            )
        )
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("nginx") or "nginx", "-c", str(config), "-p", str(self.root)],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_for(f"http://127.0.0.1:{self.http_port}/stat")
        return self

    def publish(self, key: str, **options) -> Feed:
        feed = Feed(f"rtmp://127.0.0.1:{self.rtmp_port}/live/{key}", **options)
        self.feeds.append(feed)
        return feed

    def wait_for_stream(self, key: str, seconds: float = 20) -> None:
        self._wait_for(self.playlist(key), seconds)

    def _wait_for(self, url: str, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (loopback)
                    return
            except OSError:
                if time.monotonic() > deadline or (self.process and self.process.poll() is not None):
                    raise RuntimeError(f"the media server did not answer {url}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        for feed in self.feeds:
            feed.stop()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
