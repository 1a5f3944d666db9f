"""Background work on task forces: the escalation ladders (taskforces.ladders on core's) and the
accountability records of the stalls (stalls.record)."""

from datetime import datetime

from yancheng.core import clock, ladder
from yancheng.core.periodic import every

from . import stalls
from .ladders import LADDERS


@every(minutes=10)
def escalate(now: datetime | None = None) -> int:
    """Send every step of the task forces' ladders that holds at ``now`` and was not sent; safe at any
    time, any number of times, from any number of workers."""
    return ladder.run_pass(LADDERS, now or clock.now())


@every(minutes=10)
def keep_stalls(now: datetime | None = None) -> int:
    """Keep every stall that holds as an accountability record, once."""
    return stalls.record(now or clock.now())
