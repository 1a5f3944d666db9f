"""A dark camera on core's escalation ladder (core/ladder.py): once it has been offline the rules'
minutes (``alert_at``), a 提示单 to its project's responsible unit; still dark three working days on, a
督办单 to the unit's head and the commission; ten, a 报告单 to the supervision office and the leaders.
Back online, it is off the ladder (a new outage is a new deadline, climbed afresh)."""

from django.db.models import F

from yancheng.core import ladder
from yancheng.core.models import Rung
from yancheng.core.roles import Role
from yancheng.core.roles import unit_officials as officials_of_unit

from .choices import EventKind, State
from .models import Camera, CameraEvent

AUTHORITY = "衡阳市发展和改革委员会"


@ladder.per_pass(lambda camera: camera.project.responsible_unit_id)
def unit_officials(camera) -> list:
    return officials_of_unit(camera.project.responsible_unit_id)


@ladder.per_pass(lambda camera: camera.project.responsible_unit_id)
def unit_head(camera) -> list:
    return ladder.to_head(lambda c: c.project.responsible_unit)(camera) or unit_officials(camera)


@ladder.per_pass(lambda camera: None)
def office_and_leaders(camera) -> list:
    return ladder.to_role(Role.SUPERVISION_OFFICE)(camera) + ladder.to_role(Role.LEADER)(camera)


def _escalated(sent: list[tuple]) -> None:
    CameraEvent.objects.bulk_create(
        CameraEvent(camera=camera, at=step.row.at, by=None, kind=EventKind.ESCALATED, note=step.note)
        for camera, step in sent
    )


def _addressee(camera, step) -> str:
    unit = camera.project.responsible_unit.name
    return {Rung.SUPERVISION_ORDER: f"{unit}主要负责同志", Rung.REPORT: "市领导、市委督查室"}.get(
        step.rung, unit
    )


CAMERA = ladder.register(
    ladder.Ladder(
        kind="camera_offline",
        model=Camera,
        steps=(
            ladder.Step(Rung.NOTICE, 1, unit_officials),
            ladder.Step(Rung.SUPERVISION_ORDER, 3, unit_head),
            ladder.Step(Rung.REPORT, 10, office_and_leaders),
        ),
        deadline=lambda camera, now: (
            camera.alert_at if camera.monitored and camera.state == State.OFFLINE else None
        ),
        deadline_sql=F("alert_at"),
        open=lambda now: Camera.objects.filter(
            monitored=True, state=State.OFFLINE, alert_at__isnull=False
        ).select_related("project__responsible_unit__head"),
        visible=lambda user: Camera.objects.for_user(user),
        link=lambda camera: f"/monitoring/cameras/{camera.pk}/",
        authority=AUTHORITY,
        number_prefix="衡发改监",
        subject=lambda camera: f"{camera.project.name}“{camera.name}”监控点位离线",
        addressee=_addressee,
        on_steps=_escalated,
    )
)
