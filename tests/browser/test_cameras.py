"""Issue 15's loop in Chromium against a real media server (nginx with the RTMP module, started here,
fed by ffmpeg's test pattern): the project's page plays the live camera (the video's currentTime
advances); the worker's snapshot shows on the page; the feed stopped, the camera turns offline on the
page and its responsible unit is told once it has stayed dark; the feed restarted, it turns online."""

import subprocess
import sys
import time

import pytest

from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.test_requests import server_clock, signed_in  # noqa: F401  (server_clock: a fixture)
from tests.server import ROOT
from yancheng.monitoring import local

pytestmark = pytest.mark.browser

KEY = "browser-cam"
CAMERA = "浏览器测试点位"


def python(server_env, code: str) -> str:
    """Run Python on the server's database, as the worker would; what it prints."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=server_env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def worker_round(server_env) -> None:
    python(server_env, "from yancheng.monitoring import tasks; tasks.check_cameras(); tasks.take_snapshots()")


@pytest.fixture
def media_server(tmp_path):
    assert local.available() is None, "make test installs nginx, libnginx-mod-rtmp and ffmpeg"
    with local.MediaServerProcess(tmp_path / "nginx") as server:
        yield server


def test_a_live_camera_plays_is_snapshotted_goes_dark_tells_its_unit_and_comes_back(
    new_page,
    live_url,
    server_env,
    media_server,
    server_clock,  # noqa: F811
):
    feed = media_server.publish(KEY)
    media_server.wait_for_stream(KEY)
    project = python(
        server_env,
        "from yancheng.core import clock; from yancheng.projects.models import Project; "
        "from yancheng.monitoring.models import Camera, MediaServer; "
        "p = Project.objects.filter(responsible_unit__code='county-430481').order_by('pk').first(); "
        f"s = MediaServer.objects.create(name='浏览器测试服务器', kind='nginx_rtmp', hls_base={media_server.hls_base!r}); "
        f"Camera.objects.create(project=p, name={CAMERA!r}, server=s, stream_key={KEY!r}, created_at=clock.now()); "
        "print(p.pk)",
    )  # fmt: skip
    worker_round(server_env)  # online, and its first snapshot

    unit = signed_in(new_page, live_url, "leiyangshi", DESKTOP)
    url = f"{live_url}/projects/{project}/"
    wait_for_the_policy(unit, url, media_server.hls_base)
    unit.goto(url)
    camera = unit.locator("figure[data-camera]", has_text=CAMERA)
    camera.locator("[data-camera-state=online]").wait_for()
    assert camera.locator("[data-snapshot-at]").is_visible()  # the worker's snapshot
    video = camera.locator("video")
    unit.wait_for_function("v => v.currentTime > 1.5", arg=video.element_handle(), timeout=30_000)
    first = video.evaluate("v => v.currentTime")
    time.sleep(2)
    assert video.evaluate("v => v.currentTime") > first  # live: it plays on
    screenshot(unit, "camera-live")

    # The feed stops: two rounds later (the first may still find segments written before the stop)
    # the playlist has not moved for longer than the rules allow.
    feed.stop()
    time.sleep(2)
    for minutes in (1, 2):
        server_clock(minutes * 60)
        worker_round(server_env)
    camera.locator("[data-camera-state=offline]").wait_for(timeout=20_000)  # the badge polls
    # Dark past the rules' 30 minutes: the ladder's notice to the project's responsible unit.
    server_clock(40 * 60)
    worker_round(server_env)
    unit.goto(f"{live_url}/inbox/")
    unit.get_by_text(f"“{CAMERA}”监控点位离线", exact=False).first.wait_for()
    screenshot(unit, "camera-offline-notice")

    # Back on the air.
    media_server.publish(KEY)
    media_server.wait_for_stream(KEY)
    for minutes in (41, 42):
        server_clock(minutes * 60)
        worker_round(server_env)
    unit.goto(url)
    camera.locator("[data-camera-state=online]").wait_for()


def wait_for_the_policy(page, url, hls_base, seconds=60):
    """The platform reads its media servers' origins into its Content-Security-Policy within half a
    minute (monitoring.sections): wait until the page's policy lets the browser fetch from the new one."""
    origin = hls_base.split("/hls/")[0]
    deadline = time.monotonic() + seconds
    while origin not in (page.request.get(url).headers.get("content-security-policy") or ""):
        assert time.monotonic() < deadline, "the new media server never reached the page's policy"
        time.sleep(2)
