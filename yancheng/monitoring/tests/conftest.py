"""A real media server for the monitoring tests (nginx with the RTMP module, fed by ffmpeg; one for the
test session), and cameras on the ledger's projects."""

import pytest

from yancheng.core import clock
from yancheng.monitoring import local
from yancheng.monitoring.models import Camera, MediaServer, MonitoringRules
from yancheng.projects.tests.conftest import ledger, make_project  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def media_server(tmp_path_factory):
    missing = local.available()
    if missing:
        pytest.fail(f"make test installs what the media-server tests need; missing: {missing}")
    with local.MediaServerProcess(tmp_path_factory.mktemp("nginx-rtmp")) as server:
        yield server


@pytest.fixture
def camera_on(db):
    """camera_on(project, key, server=None): a camera of ``project`` streaming as ``key``."""
    MonitoringRules.objects.get_or_create(pk=1)

    def make(project, key, hls_base="http://127.0.0.1:9/hls/", name=None):
        server, _ = MediaServer.objects.get_or_create(
            name=hls_base, defaults={"kind": "nginx_rtmp", "hls_base": hls_base}
        )
        return Camera.objects.create(
            project=project,
            name=name or f"{key} 号点位",
            server=server,
            stream_key=key,
            created_at=clock.now(),
        )

    return make
