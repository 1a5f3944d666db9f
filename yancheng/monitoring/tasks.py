"""Background work on site cameras: the health check (and the dark cameras' ladder) every minute, the
snapshot rounds, the retention rule."""

from datetime import datetime

from yancheng.core import clock, ladder
from yancheng.core.periodic import every

from . import health, snapshots
from .ladders import CAMERA


@every(minutes=1)
def check_cameras(now: datetime | None = None) -> dict:
    """Read every camera's playlist once; then send what the dark cameras' ladder holds."""
    now = now or clock.now()
    counts = health.check_all(now)
    counts["steps"] = ladder.run_pass([CAMERA], now)
    return counts


@every(minutes=1)
def take_snapshots(now: datetime | None = None) -> dict:
    """A snapshot of each online camera whose last one is older than the rules' interval."""
    return snapshots.take(now or clock.now())


@every(minutes=60)
def prune_snapshots(now: datetime | None = None) -> int:
    return snapshots.prune(now or clock.now())
