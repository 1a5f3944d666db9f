"""Background work on supervision items: the escalation ladders (supervision.ladders on core's)."""

from datetime import datetime

from yancheng.core import clock, ladder
from yancheng.core.periodic import every

from .ladders import ITEM, SIGN


@every(minutes=10)
def escalate(now: datetime | None = None) -> int:
    """Send every step of the items' ladders (the deadline, the time to sign for) that holds at ``now``
    and was not sent; safe at any time, any number of times, from any number of workers."""
    return ladder.run_pass([SIGN, ITEM], now or clock.now())
