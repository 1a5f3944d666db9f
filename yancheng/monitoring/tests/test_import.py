"""The cameras' Excel import: every bad row named before anything is written, then each camera once;
the same file again changes nothing, a changed position is an update; only the commission imports."""

import pytest
from django.urls import reverse

from yancheng.core.models import ImportJob
from yancheng.core.roles import Role
from yancheng.core.tests.test_import import errors_of, run_queued, upload_rows
from yancheng.monitoring.importer import CameraImporter
from yancheng.monitoring.models import Camera, MediaServer

START = reverse("import_start", args=["cameras"])


def line(on, **changes) -> list:
    values = {"project": on.code, "name": "东北角塔吊", "position": "塔吊顶部", "server": "市视频平台",
              "stream_key": "cam-1", "hls_url": "", "device_id": "34020000001320000001"}  # fmt: skip
    values.update(changes)
    return [values[column.key] for column in CameraImporter.columns]


def upload(client, rows) -> ImportJob:
    return upload_rows(client, CameraImporter, rows, "点位.xlsx")


def confirm(client, job) -> ImportJob:
    client.post(reverse("import_confirm", args=[job.pk]))
    run_queued()
    job.refresh_from_db()
    return job


@pytest.fixture
def server(db):
    return MediaServer.objects.create(
        name="市视频平台", kind="zlmediakit", hls_base="http://zlm/rtp/{key}/hls.m3u8"
    )


def test_only_the_commission_imports_cameras(client, users, ledger, assert_refused):
    assert_refused([users[Role.LEADER], users[Role.UNIT_OFFICIAL], users[Role.ENTERPRISE_USER]], "GET", START)
    client.force_login(ledger["commission"])
    assert client.get(START).status_code == 200


def test_bad_rows_are_named_then_each_camera_is_imported_once(client, ledger, make_project, server):
    project = make_project()
    client.force_login(ledger["commission"])
    bad = [
        line(project), line(project, server="没有的服务器", stream_key="x1"), line(project, project="2025-000000-00-00-000000", stream_key="x2"),
        line(project, hls_url="rtsp://camera/1", stream_key="x3"), line(project, stream_key="x4"),  # same name twice
        line(project, name="另一个", stream_key="cam-1"),  # the same stream twice
    ]  # fmt: skip
    said = {row: message for row, _column, message in errors_of(upload(client, bad))}
    assert set(said) == {3, 4, 5, 6, 7}, said
    assert "未在平台登记" in said[3] and "不在重大项目台账中" in said[4] and "http://" in said[5]
    assert not Camera.objects.exists()
    rows = [line(project), line(project, name="主入口", stream_key="cam-2", device_id="")]
    assert confirm(client, upload(client, rows)).created == 2
    camera = Camera.objects.get(stream_key="cam-1")
    assert (
        camera.playlist_url == "http://zlm/rtp/cam-1/hls.m3u8" and camera.device_id == "34020000001320000001"
    )
    again = confirm(client, upload(client, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    moved = confirm(client, upload(client, [line(project, position="西侧基坑")]))
    assert (moved.updated, Camera.objects.get(stream_key="cam-1").position) == (1, "西侧基坑")
    assert Camera.objects.count() == 2
