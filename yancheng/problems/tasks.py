"""Background work on problems: the escalation ladder (problems.ladders on core's)."""

from datetime import datetime

from yancheng.core import clock, ladder
from yancheng.core.periodic import every

from .ladders import PROBLEM


@every(minutes=10)
def escalate(now: datetime | None = None) -> int:
    """Send every step of the problems' ladder that holds at ``now`` and was not sent; safe at any
    time, any number of times, from any number of workers."""
    return ladder.run_pass([PROBLEM], now or clock.now())
