"""The cameras' Excel import (core.output.importing): the commission's list of site cameras, one row
each — the project by its code, the camera's name and position, the media server by its name, the
stream key (the natural key, with the server: a server has one stream of a name), the full HLS address
where the server's layout needs one, the upstream device id. A camera already on the platform is updated
where its row differs. Registered when the app is ready (apps.py)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import audit, clock
from yancheng.core.output.importing import Column, ImportCounts, Importer, RowError, register, text
from yancheng.projects.models import Project, keeps_ledger

from .models import Camera, MediaServer, validate_hls_base

FIELDS = ["project_id", "name", "position", "hls_url", "device_id"]


class Lookups:
    def __init__(self):
        self.servers = {s.name: s for s in MediaServer.objects.all()}


class CameraImporter(Importer):
    kind = "cameras"
    title = gettext_lazy("监控点位")
    key = "stream_key"
    max_rows = 5000
    columns = (
        Column("project", "项目代码", parse=text(24), note="重大项目台账中的项目代码。", example="2025-430481-18-03-745097"),
        Column("name", "点位名称", parse=text(100), example="东北角塔吊摄像头"),
        Column("position", "安装位置", required=False, parse=text(200), example="项目东北角塔吊顶部"),
        Column("server", "流媒体服务器", parse=text(100), note="平台中登记的流媒体服务器名称。", example="市重点项目视频平台"),
        Column("stream_key", "流名称", parse=text(100), note="同一服务器上的流名称只导入一次。", example="34020000001320000001_34020000001320000001"),
        Column("hls_url", "HLS 播放地址", required=False, parse=text(300), note="可不填：按服务器的地址前缀生成。"),
        Column("device_id", "设备编号", required=False, parse=text(200), note="GB/T 28181 设备编码或 RTSP 地址。"),
    )  # fmt: skip

    def allowed(self, user) -> bool:
        return keeps_ledger(user)

    def context(self, user) -> Lookups:
        return Lookups()

    def check_row(self, values: dict, context: Lookups) -> dict:
        server = context.servers.get(values["server"])
        if server is None:
            raise RowError(_("「流媒体服务器」“%(v)s”未在平台登记") % {"v": values["server"]}, "流媒体服务器")
        project = Project.objects.filter(code=values["project"]).only("pk").first()
        if project is None:
            raise RowError(_("「项目代码」“%(v)s”不在重大项目台账中") % {"v": values["project"]}, "项目代码")
        if values["hls_url"]:
            try:
                validate_hls_base(values["hls_url"])
            except Exception:  # noqa: BLE001  (the validator's message is the one to show)
                raise RowError(_("「HLS 播放地址」须以 http:// 或 https:// 开头"), "HLS 播放地址") from None
        taken = Camera.objects.filter(project=project, name=values["name"]).exclude(
            server=server, stream_key=values["stream_key"]
        )
        if taken.exists():
            raise RowError(_("该项目已有同名点位（接入的是另一路流）"), "点位名称")
        return {
            "server": server, "stream_key": values["stream_key"], "project_id": project.pk, "name": values["name"],
            "position": values["position"] or "", "hls_url": values["hls_url"] or "", "device_id": values["device_id"] or "",
        }  # fmt: skip

    def check_file(self, rows: list, context) -> dict:
        seen, errors = {}, {}
        for n, row in enumerate(rows):
            key = (row["project_id"], row["name"])
            if key in seen:
                errors[n] = [RowError(_("同一项目的点位名称重复"), "点位名称")]
            seen[key] = n
        return errors

    def write(self, rows: list, by, progress) -> ImportCounts:
        wanted = Q()
        for row in rows:
            wanted |= Q(server=row["server"], stream_key=row["stream_key"])
        stored = {(c.server_id, c.stream_key): c for c in Camera.objects.filter(wanted)}
        counts = ImportCounts()
        for n, row in enumerate(rows):
            camera = stored.get((row["server"].pk, row["stream_key"]))
            fields = {name: row[name] for name in FIELDS}
            if camera is None:
                camera = Camera.objects.create(
                    server=row["server"], stream_key=row["stream_key"], created_at=clock.now(), **fields
                )
                audit.record(
                    "camera_added", camera, actor=by, changes={k: [None, str(v)] for k, v in fields.items()}
                )
                counts.created += 1
            elif any(getattr(camera, name) != value for name, value in fields.items()):
                before = audit.snapshot(camera, FIELDS)
                Camera.objects.filter(pk=camera.pk).update(**fields)
                camera.refresh_from_db()
                audit.record(
                    "camera_changed",
                    camera,
                    actor=by,
                    changes=audit.changes_between(before, audit.snapshot(camera, FIELDS)),
                )
                counts.updated += 1
            else:
                counts.unchanged += 1
            progress(n + 1)
        return counts

    def done_url(self) -> str:
        return "/monitoring/"


register(CameraImporter())
