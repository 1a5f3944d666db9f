"""The site-camera demo: the city's media server (nginx-rtmp, which ``manage.py demo_cameras`` starts
beside the demo with three live test-pattern cameras when nginx and its RTMP module are installed) and
the cameras of 25 major-project sites, as in the seed ("20余家省、市重点工程"): three live, the others kept
for their stored snapshots — a month of one-a-day pictures of the works rising, for the time-lapse —
with their uptime. Safe to run twice (the cameras are keyed by project and name)."""

import io
import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from yancheng.core import clock
from yancheng.projects.models import Project

from . import snapshots
from .choices import ServerKind, State
from .models import Camera, CameraDay, MediaServer, MonitoringRules

SITES = 25
LIVE = 3
DAYS = 30
SERVER_NAME = "市重点项目视频平台（演示 nginx-rtmp）"
DEMO_HLS_BASE = "http://127.0.0.1:8088/hls/"  # demo_cameras moves it to the port it starts on
POSITIONS = ["东北角塔吊", "主入口", "主体施工区", "材料堆场", "西侧基坑"]


def live_keys() -> list[str]:
    return [f"demo-site-{n}" for n in range(1, LIVE + 1)]


def load(stdout) -> str:
    with transaction.atomic():
        return _load()


def _load() -> str:
    if Camera.objects.filter(stream_key__startswith="demo-site-").exists():
        return "云监工：演示数据已存在。"
    MonitoringRules.objects.get_or_create(pk=1)
    server, _ = MediaServer.objects.get_or_create(
        name=SERVER_NAME, defaults={"kind": ServerKind.NGINX_RTMP, "hls_base": DEMO_HLS_BASE}
    )
    projects = list(Project.objects.order_by("-total_investment", "pk")[:SITES])
    if len(projects) < SITES:
        return "云监工：缺少重大项目（请先载入重大项目演示数据），未载入。"
    rng = random.Random(430400 + 16)
    now = clock.now()
    stored = 0
    for n, project in enumerate(projects):
        camera = Camera.objects.create(
            project=project, name=f"{rng.choice(POSITIONS)}摄像头", position=project.address[:200], server=server,
            stream_key=f"demo-site-{n + 1}", device_id=f"4304{n + 1:02d}00001320000{n + 1:03d}",
            monitored=n < LIVE, state=State.UNKNOWN if n < LIVE else State.OFFLINE, created_at=now - timedelta(days=DAYS),
        )  # fmt: skip
        stored += _history(rng, camera, now)
    return f"云监工：{SITES} 个项目现场监控点位（{LIVE} 个实时点位，其余为存档快照），{stored} 张快照。"


def _history(rng, camera, now) -> int:
    """A month of one picture a day of the works rising, and each day's uptime."""
    today = timezone.localdate(now)
    rows = []
    for days_ago in range(DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        moment = timezone.make_aware(datetime.combine(day, time(10, rng.randint(0, 59))))
        snapshots.store(camera, _picture(rng, camera.pk, DAYS - days_ago, moment), moment)
        checked = 86_400
        rows.append(
            CameraDay(
                camera=camera,
                day=day,
                checked_seconds=checked,
                online_seconds=int(checked * rng.uniform(0.9, 1)),
            )
        )
    CameraDay.objects.bulk_create(rows)
    return DAYS


def _picture(rng, seed: int, progress: int, moment) -> bytes:
    """A site at ``progress`` days of a month: ground, a building rising floor by floor, a crane."""
    image = Image.new("RGB", (640, 360), (150 + seed % 40, 190, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 260, 640, 360), fill=(120, 100, 80))
    floors = 2 + progress * (8 + seed % 5) // DAYS
    left = 180 + seed * 7 % 120
    for floor in range(floors):
        top = 260 - (floor + 1) * 18
        draw.rectangle((left, top, left + 200, top + 16), fill=(185, 185, 180), outline=(90, 90, 90))
    crane = left + 230
    draw.line((crane, 260, crane, 40), fill=(230, 170, 20), width=6)
    draw.line((crane - 120, 50, crane + 60, 50), fill=(230, 170, 20), width=5)
    draw.text((12, 12), f"CAM {seed:03d}  {clock.local_text(moment)}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()
