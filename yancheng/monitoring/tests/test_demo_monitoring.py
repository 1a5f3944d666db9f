"""The site-camera demo over the Hengyang demo: 25 sites as in the seed, three live on the demo's media
server, the others with a month of stored snapshots (one a day, for the time-lapse) and their uptime;
loads once."""

import io

import pytest

from yancheng.core.management.commands.load_demo import Command
from yancheng.monitoring import demo, snapshots
from yancheng.monitoring.models import Camera, CameraDay, Snapshot

pytestmark = pytest.mark.django_db


def test_the_demo_has_twenty_five_sites_three_live_and_a_month_of_snapshots_and_loads_once():
    Command(stdout=io.StringIO()).handle()
    assert Camera.objects.count() == 25
    assert set(Camera.objects.filter(monitored=True).values_list("stream_key", flat=True)) == set(
        demo.live_keys()
    )
    archive = Camera.objects.filter(monitored=False).first()
    frames = snapshots.timelapse([archive])[archive.pk]
    assert len(frames) == demo.DAYS == archive.days.count()
    assert frames[0].image.read(2) == b"\xff\xd8"
    assert Snapshot.objects.count() == 25 * demo.DAYS and CameraDay.objects.count() == 25 * demo.DAYS
    assert demo.load(io.StringIO()) == "云监工：演示数据已存在。"
