"""Health transitions with their events, uptime kept per day, the dark camera's unit told once it has
been offline the rules' minutes (the shared ladder), the snapshot retention rule, the wall's pages and
who sees which camera."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from yancheng.core import ladder
from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.models import LadderStep, Notification
from yancheng.core.roles import Role
from yancheng.monitoring import health, snapshots
from yancheng.monitoring.choices import EventKind
from yancheng.monitoring.ladders import CAMERA
from yancheng.monitoring.media import Playlist
from yancheng.monitoring.models import Camera, CameraDay, MonitoringRules, Snapshot


def check(camera, position, now):
    playlist = Playlist(position) if position else None
    health.apply(camera, playlist, "" if playlist else "HTTP 404", now, MonitoringRules.current())


def test_online_and_offline_transitions_are_events_and_uptime_is_kept_per_day(make_project, camera_on, at):
    camera = camera_on(make_project(), "k")
    start = at(2026, 12, 2, 10)
    check(camera, "1/a.ts", start)
    for minute in range(1, 4):
        check(camera, f"{minute + 1}/a.ts", start + timedelta(minutes=minute))  # moving: online
    check(camera, "4/a.ts", start + timedelta(minutes=4))  # still for a minute (> 30 s): offline
    check(camera, None, start + timedelta(minutes=5))  # unreadable: stays offline, no second event
    check(camera, "5/a.ts", start + timedelta(minutes=6))  # moves again: online
    kinds = list(camera.events.order_by("at").values_list("kind", "at"))
    assert kinds == [
        (EventKind.ONLINE, start),
        (EventKind.OFFLINE, start + timedelta(minutes=4)),
        (EventKind.ONLINE, start + timedelta(minutes=6)),
    ]
    day = CameraDay.objects.get(camera=camera)
    assert (day.checked_seconds, day.online_seconds) == (6 * 60, 4 * 60)  # online 10:00–10:04, off to 10:06
    figure = get("monitoring.cameras_online").compute(
        Grouping.UNIT, [camera.project.responsible_unit_id], Period.month(2026, 12), now=start
    )[camera.project.responsible_unit_id]
    assert round(figure.value, 1) == 66.7


def test_a_camera_dark_past_the_rules_minutes_tells_its_unit_once(
    make_project, camera_on, at, users, django_capture_on_commit_callbacks
):
    camera = camera_on(make_project(unit="samr"), "k")
    start = at(2026, 12, 2, 10)
    check(camera, "1/a.ts", start)
    check(camera, None, start + timedelta(minutes=1))
    camera.refresh_from_db()
    assert camera.alert_at == start + timedelta(minutes=31)
    official = users[Role.UNIT_OFFICIAL]
    assert ladder.run_pass([CAMERA], start + timedelta(minutes=20)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert ladder.run_pass([CAMERA], start + timedelta(minutes=32)) == 1
    assert ladder.run_pass([CAMERA], start + timedelta(minutes=33)) == 0  # once
    step = LadderStep.objects.get(kind=CAMERA.kind)
    assert official in step.recipients.all()
    assert Notification.objects.filter(recipient=official, title__contains="监控点位离线").exists()
    check(camera, "2/a.ts", start + timedelta(minutes=40))  # back: off the ladder
    assert not CAMERA.open(start + timedelta(days=5)).filter(pk=camera.pk).exists()


def test_every_snapshot_is_kept_for_seven_days_then_the_first_of_each_day(make_project, camera_on, at):
    camera = camera_on(make_project(), "k")
    now = at(2026, 12, 20, 12)
    for days_ago in range(10, -1, -1):
        for hour in (9, 13, 17):
            moment = (now - timedelta(days=days_ago)).replace(hour=hour)
            snapshots.store(camera, JPEG, moment)
    assert Snapshot.objects.count() == 33
    old_file = Snapshot.objects.order_by("taken_at")[1].image.name
    removed = snapshots.prune(now)
    assert removed == 2 * 3  # days 10, 9, 8 ago: each keeps only its first (09:00)
    kept = Snapshot.objects.filter(taken_at__lt=now - timedelta(days=7))  # and 7 days ago at 09:00
    assert [timezone.localtime(s.taken_at).hour for s in kept] == [9, 9, 9, 9]
    assert Snapshot.objects.count() == 33 - 6
    assert not Snapshot.objects.filter(image=old_file).exists()
    assert not default_storage.exists(old_file)  # its file with it
    assert snapshots.prune(now) == 0


def test_the_wall_pages_four_nine_or_sixteen_and_a_unit_sees_only_its_cameras(
    client, make_project, camera_on, users, at
):
    mine, theirs = make_project(unit="samr"), make_project(unit="eco", enterprise="b")
    for n in range(10):
        camera_on(mine, f"m{n}")
    other = camera_on(theirs, "t0")
    client.force_login(users[Role.LEADER])
    for per, pages in ((4, 3), (9, 2), (16, 1), (7, 3)):  # 7 is not a size: 4
        page = client.get(f"/monitoring/?per={per}").content.decode()
        assert page.count("data-camera=") == min(per if per in (4, 9, 16) else 4, 11)
        assert (f"1 / {pages}" in page) == (pages > 1)
    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get("/monitoring/?per=16").content.decode()
    assert page.count("data-camera=") == 10 and other.name not in page


def test_who_sees_a_camera_and_its_snapshots(client, make_project, camera_on, users, assert_refused, at):
    camera = camera_on(make_project(unit="samr"), "k")
    snapshot = snapshots.store(camera, JPEG, at(2026, 12, 2, 10))
    for url in (
        f"/monitoring/cameras/{camera.pk}/",
        f"/monitoring/snapshots/{snapshot.pk}/image.jpg",
        f"/monitoring/cameras/{camera.pk}/state/",
    ):
        for reader in (users[Role.LEADER], users[Role.UNIT_OFFICIAL], users[Role.SUPERVISION_OFFICE]):
            client.force_login(reader)
            assert client.get(url).status_code == 200, (reader, url)
        assert_refused(
            [users["other_official"], users["other_enterprise"], users[Role.BANK_CLERK], None], "GET", url
        )
    client.force_login(users[Role.UNIT_OFFICIAL])
    page = client.get(f"/projects/{camera.project_id}/").content.decode()
    assert "data-site-cameras" in page and camera.playlist_url in page
    client.force_login(users["other_official"])
    assert client.get(f"/projects/{camera.project_id}/").status_code == 404


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 36), "gray").save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()


def test_a_playlist_address_follows_each_servers_layout(make_project, camera_on):
    project = make_project()
    assert (
        camera_on(project, "site-1", hls_base="http://srs:8080/live/").playlist_url
        == "http://srs:8080/live/site-1.m3u8"
    )
    zlm = camera_on(project, "3402_3402", hls_base="http://zlm/rtp/{key}/hls.m3u8")
    assert zlm.playlist_url == "http://zlm/rtp/3402_3402/hls.m3u8"
    zlm.hls_url = "http://mediamtx:8888/gate/index.m3u8"
    assert zlm.playlist_url == "http://mediamtx:8888/gate/index.m3u8"
    from django.core.exceptions import ValidationError

    from yancheng.monitoring.models import validate_hls_base

    for wrong in ("rtmp://srs/live/", "http://zlm/{key}/{key}.m3u8", "not an address"):
        with pytest.raises(ValidationError):
            validate_hls_base(wrong)


def test_the_api_lists_the_cameras_each_caller_may_see(client, make_project, camera_on, users, at):
    from yancheng.core.actions import issue_api_token

    camera = camera_on(make_project(unit="samr"), "k")
    camera_on(make_project(unit="eco", enterprise="b"), "other")
    snapshots.store(camera, JPEG, at(2026, 12, 2, 10))
    for user, seen in (
        (users[Role.UNIT_OFFICIAL], 1),
        (users[Role.SUPERVISION_OFFICE], 2),
        (users["other_enterprise"], 1),
    ):
        _token, secret = issue_api_token(owner=user, by=user, name="t")
        listed = client.get("/api/v1/monitoring/cameras", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
        assert listed["count"] == seen, user
    _token, secret = issue_api_token(owner=users[Role.UNIT_OFFICIAL], by=users[Role.UNIT_OFFICIAL], name="t2")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    one = client.get(f"/api/v1/monitoring/cameras/{camera.pk}", **auth).json()
    assert one["playlist_url"] == camera.playlist_url and one["latest_snapshot_url"].endswith("/image.jpg")
    other = Camera.objects.get(stream_key="other")
    assert client.get(f"/api/v1/monitoring/cameras/{other.pk}", **auth).status_code == 404
