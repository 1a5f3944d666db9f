"""Background work on commitments: the escalation ladder (commitments.ladders on core's)."""

from datetime import datetime

from yancheng.core import clock, ladder
from yancheng.core.periodic import every

from .ladders import COMMITMENT


@every(minutes=10)
def escalate(now: datetime | None = None) -> int:
    """Send every step of the commitments' ladder that holds at ``now`` and was not sent; safe at any
    time, any number of times, from any number of workers."""
    return ladder.run_pass([COMMITMENT], now or clock.now())
