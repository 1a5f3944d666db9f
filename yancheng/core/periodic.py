"""Periodic work on the task queue: a ``tick`` task that runs what is due and queues the next tick.

An app registers a function in its ``tasks`` module::

    @every(minutes=10)
    def escalate(): ...

``tick`` imports the ``tasks`` module of every Yancheng app (so nothing has to be imported from an
app's ``ready``), runs each registered function whose interval has elapsed, and queues itself again
about a minute later. ``manage.py worker`` calls ``ensure_ticking`` when it starts, which queues a tick
unless one is waiting already.

Several workers: a function's turn is claimed in the shared cache (``cache.add`` with the interval as
timeout, the database cache by default), so it normally runs once per interval across all workers. Two
workers starting at the same moment may each queue a tick, and under such a race a function may
occasionally run twice in an interval: a registered function must be idempotent (``escalate`` is: every
step it takes is a row unique per request, rung and deadline). A tick that finds another tick waiting
does not queue a next one, so duplicate chains die out by themselves.

A registered function must not depend on having run: it sends reminders and records what already holds
(architecture, habit 4)."""

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.tasks import TaskResultStatus, task
from django.utils import timezone

logger = logging.getLogger(__name__)

TICK_EVERY = timedelta(minutes=1)
# A tick seen RUNNING for less than this still counts as alive (it will queue the next one); an older
# one belongs to a worker that died mid-run.
RUNNING_IS_ALIVE_FOR = timedelta(minutes=10)
KEEP_FINISHED_TICKS = timedelta(days=1)
CACHE_PREFIX = "yancheng:periodic:"


@dataclass(frozen=True)
class Periodic:
    name: str
    minutes: int
    function: Callable


registry: dict[str, Periodic] = {}


def every(minutes: int):
    """Register the decorated function to run every ``minutes`` minutes (at most once per interval)."""
    if minutes < 1:
        raise ValueError("minutes must be >= 1")

    def register(function):
        name = f"{function.__module__}.{function.__qualname__}"
        registry[name] = Periodic(name, minutes, function)
        return function

    return register


def discover() -> None:
    """Import the ``tasks`` module of every Yancheng app, where periodic functions are registered."""
    for config in apps.get_app_configs():
        if not config.name.startswith("yancheng."):
            continue
        try:
            importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tasks":
                raise


def _claim(job: Periodic) -> bool:
    """Whether this worker has the job's turn: the first to claim it in an interval gets it. The claim
    lapses a little before the interval ends, so a tick a minute apart does not miss a turn."""
    timeout = max(job.minutes * 60 - 30, 30)
    try:
        return cache.add(f"{CACHE_PREFIX}{job.name}", timezone.now().isoformat(), timeout=timeout)
    except Exception:  # no cache table, say: run unclaimed (the jobs are idempotent) rather than never
        logger.exception("periodic: the cache is unavailable, running %s unclaimed", job.name)
        return True


def run_due() -> dict:
    """Run every registered function whose turn it is; ``{name: result}`` (an error is logged, and the
    function waits for its next turn)."""
    discover()
    ran = {}
    for name in sorted(registry):
        job = registry[name]
        if not _claim(job):
            continue
        try:
            result = job.function()
        except Exception as error:  # one failing job must not stop the others, nor the ticking
            logger.exception("periodic job %s failed", name)
            result = f"error: {type(error).__name__}: {error}"[:500]
        ran[name] = result if isinstance(result, int | float | str | bool | None) else str(result)
    return ran


def _tick_results():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=tick.module_path)


def _waiting_tick_exists(*, running_too: bool) -> bool:
    waiting = _tick_results().filter(status=TaskResultStatus.READY)
    if running_too:
        alive_since = timezone.now() - RUNNING_IS_ALIVE_FOR
        running = _tick_results().filter(status=TaskResultStatus.RUNNING, started_at__gte=alive_since)
        return waiting.exists() or running.exists()
    return waiting.exists()


@task()
def tick() -> dict:
    """Run what is due, then queue the next tick (unless another one is waiting)."""
    try:
        return run_due()
    finally:
        if not _waiting_tick_exists(running_too=False):
            tick.using(run_after=timezone.now() + TICK_EVERY).enqueue()
        # One finished row a minute adds up: keep a day's worth.
        _tick_results().filter(
            status__in=(TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED),
            finished_at__lt=timezone.now() - KEEP_FINISHED_TICKS,
        ).delete()


def ensure_ticking() -> bool:
    """Queue a tick unless one is waiting (or running, and so about to queue the next); True if queued."""
    if _waiting_tick_exists(running_too=True):
        return False
    tick.enqueue()
    return True
