"""The demo's live cameras: nginx with the RTMP module on a loopback port, three ffmpeg test-pattern
feeds into it as the three live demo sites; runs until stopped (``make demo`` starts it beside the
worker). Without nginx or its module it says so and leaves (the rest of the demo runs)."""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from yancheng.monitoring import demo, local
from yancheng.monitoring.models import MediaServer


class Command(BaseCommand):
    help = "启动演示用流媒体服务器（nginx-rtmp）和三个模拟摄像头（可选）"

    def handle(self, *args, **options):
        missing = local.available()
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"云监工演示：未找到 {missing}，三个实时点位将显示为离线（其余点位显示存储的快照）。"
                    "安装后重新运行 make demo 即可看到实时画面：sudo apt-get install nginx libnginx-mod-rtmp ffmpeg"
                )
            )
            return
        server = local.MediaServerProcess(settings.VAR_DIR / "media-server").start()
        MediaServer.objects.filter(name=demo.SERVER_NAME).update(hls_base=server.hls_base)
        for key in demo.live_keys():
            server.publish(key, size="640x360", rate=10)
        self.stdout.write(
            f"云监工演示：流媒体服务器 {server.hls_base}，{len(demo.live_keys())} 个模拟摄像头已推流。"
        )
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        try:
            while not stopping:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
