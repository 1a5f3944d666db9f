"""The platform's clock. Time rules read `now()` from here so a browser test can move the clock of a
running server (never in production: the offset is honoured only with YANCHENG_TEST_CLOCK=true)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def offset_file():
    return settings.VAR_DIR / "test-clock-offset-seconds"


def now() -> datetime:
    if not settings.TEST_CLOCK:
        return timezone.now()
    try:
        seconds = float(offset_file().read_text())
    except (FileNotFoundError, ValueError):
        seconds = 0.0
    return timezone.now() + timedelta(seconds=seconds)


def local_text(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as text in the platform's time zone (Asia/Shanghai). Templates convert aware datetimes
    themselves; text made in Python (panel notes, messages, stored notes) does not, and formatting a
    stored moment directly prints its UTC value, eight hours off. Every such text goes through here."""
    return "" if moment is None else format(timezone.localtime(moment), pattern)
