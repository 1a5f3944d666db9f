"""Against a real nginx-rtmp server fed by ffmpeg: a live camera's playlist moves and a frame is grabbed;
the feed stopped, the camera turns offline with its event; a grab that hangs is killed at its timeout and
counted as a failure."""

import socket
import threading
import time

import pytest

from yancheng.monitoring import health, media, snapshots
from yancheng.monitoring.choices import EventKind, State


def test_a_live_camera_is_online_its_frame_grabbed_and_dark_once_its_feed_stops(
    media_server, make_project, camera_on, at
):
    feed = media_server.publish("site-live")
    media_server.wait_for_stream("site-live")
    camera = camera_on(make_project(), "site-live", hls_base=media_server.hls_base)
    first = media.read_playlist(camera.playlist_url)
    time.sleep(2.5)  # two one-second segments later
    assert media.read_playlist(camera.playlist_url) != first  # the playlist moves
    now = at(2026, 12, 2, 10)
    health.check_all(now)
    camera.refresh_from_db()
    assert camera.state == State.ONLINE
    assert snapshots.take(now) == {"taken": 1, "failed": 0}
    snapshot = camera.snapshots.get()
    assert snapshot.image.read(2) == b"\xff\xd8" and snapshot.thumbnail.size < snapshot.image.size
    feed.stop()
    time.sleep(2)
    # The first check after the stop may still find segments written before it; the next finds the
    # playlist still (or gone): dark.
    for minute in (1, 2):
        health.check_all(at(2026, 12, 2, 10, minute))
    camera.refresh_from_db()
    assert camera.state == State.OFFLINE
    assert list(camera.events.values_list("kind", flat=True)) == [EventKind.OFFLINE, EventKind.ONLINE]


@pytest.fixture
def silent_server():
    """A TCP server that accepts and never answers: a media server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hls/"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_grab_that_hangs_is_killed_at_its_timeout_and_counted_as_a_failure(
    silent_server, make_project, camera_on, at
):
    from yancheng.monitoring.models import MonitoringRules

    MonitoringRules.objects.update_or_create(pk=1, defaults={"grab_timeout_seconds": 2})
    camera = camera_on(make_project(), "hangs", hls_base=silent_server)
    camera.state = State.ONLINE
    camera.save()
    started = time.monotonic()
    with pytest.raises(media.Unreachable, match="did not finish in 2 s"):
        media.grab(camera.playlist_url, 2)
    assert time.monotonic() - started < 10  # killed, not waited for
    now = at(2026, 12, 2, 10)
    assert snapshots.take(now, [camera]) == {"taken": 0, "failed": 1}
    camera.refresh_from_db()
    assert camera.state == State.OFFLINE
    assert "抓拍失败" in camera.events.get().note


def test_the_streams_live_on_the_server_are_listed_from_its_api(
    media_server, make_project, camera_on, client, ledger, users
):
    from yancheng.core.roles import Role
    from yancheng.monitoring.models import MediaServer

    media_server.publish("listed-1")
    media_server.publish("listed-2")
    media_server.wait_for_stream("listed-1")
    media_server.wait_for_stream("listed-2")
    stat = f"http://127.0.0.1:{media_server.http_port}/stat"
    assert {"listed-1", "listed-2"} <= set(media.list_streams("nginx_rtmp", stat))
    camera = camera_on(make_project(), "listed-1", hls_base=media_server.hls_base)
    MediaServer.objects.filter(pk=camera.server_id).update(api_url=stat)
    client.force_login(ledger["commission"])
    page = client.get(f"/monitoring/servers/{camera.server_id}/streams/").content.decode()
    assert camera.name in page and 'data-stream="listed-2"' in page and "未接入" in page
    client.force_login(users[Role.UNIT_OFFICIAL])
    assert client.get(f"/monitoring/servers/{camera.server_id}/streams/").status_code == 404
    with pytest.raises(media.Unreachable):
        media.list_streams("srs", stat)  # XML is not SRS's JSON
