"""Is the worker doing a piece of work still alive? A heartbeat measured in seconds.

While a task works on a scoring run or a job, a thread of its worker process writes the time
into the shared cache (Redis) every ``WORK_HEARTBEAT_SECONDS``. The thread dies with the
process: a SIGKILLed worker, an out-of-memory kill, a lost machine all stop the beat at once.
The database row is not used for this: the final stage of a run holds its row locked inside a
long transaction, and a beat written there would wait for it (and a reader checking it, too).

``work_stopped`` then tells a dead piece of work from one that waits: no beat for
``WORK_STALE_SECONDS``, and none of its task messages still waiting in a queue (a message
delivered to a worker that no longer beats belongs to a dead worker: with acks_late and a
prefetch multiplier of 1, a live worker beats for every message it holds)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(name: str) -> str:
    return f"alive:{name}"


@contextlib.contextmanager
def work_heartbeat(name: str):
    """Beat for ``name`` while the block runs (first beat before it starts)."""
    stop = threading.Event()
    every = settings.WORK_HEARTBEAT_SECONDS

    def beat():
        with contextlib.suppress(Exception):  # a cache outage must never fail the work
            cache.set(_key(name), time.time(), timeout=settings.WORK_STALE_SECONDS * 4)

    def loop():
        while not stop.wait(every):
            beat()

    beat()
    thread = threading.Thread(target=loop, name=f"heartbeat {name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 1)
        with contextlib.suppress(Exception):
            cache.delete(_key(name))


def work_last_beat(name: str) -> float | None:
    """When the work ``name`` last beat (epoch seconds), None if never or long ago."""
    try:
        return cache.get(_key(name))
    except Exception:  # noqa: BLE001 - an unreachable cache tells nothing
        return None


def work_stopped(
    *, name: str, since: float, task_ids: list[str], now: float | None = None
) -> bool | None:
    """Whether the work ``name`` can no longer be running: True when it has not beaten for
    ``WORK_STALE_SECONDS`` (nor been updated since ``since``, epoch seconds) and none of
    ``task_ids`` waits in a queue; False while it beats or waits; None when the broker cannot
    tell (no Redis): the caller keeps its slower rule."""
    now = now if now is not None else time.time()
    last = max(work_last_beat(name) or 0, since)
    if now - last < settings.WORK_STALE_SECONDS:
        return False
    states = [broker_task_state(task_id) for task_id in task_ids]
    if any(state is None for state in states):
        return None
    return "queued" not in states


def broker_task_state(task_id: str) -> str | None:
    """Where the broker has the task's message: "queued" (waiting in a queue), "delivered"
    (handed to a worker, not yet acknowledged) or "absent". None when that cannot be told
    (no Redis, an error)."""
    if not task_id or not settings.CELERY_BROKER_URL.startswith("redis"):
        return None
    needle = task_id.encode()
    try:
        with current_app.connection_for_read() as connection:
            client = connection.default_channel.client
            for key in client.scan_iter(match=f"{settings.CELERY_TASK_DEFAULT_QUEUE}*"):
                if client.type(key) == b"list" and any(
                    needle in item for item in client.lrange(key, 0, -1)
                ):
                    return "queued"
            if any(needle in item for item in client.hvals("unacked")):
                return "delivered"
            return "absent"
    except Exception:  # noqa: BLE001
        return None
