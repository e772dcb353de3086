"""The Celery application. Eager (tasks run in the caller) when no broker is configured."""

import contextlib
import os
import resource
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ppid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ppid.ping")
def ping(value: int) -> dict:
    """Health check used by tests and `make`-level smoke checks: proves a worker answers."""
    return {"pong": value, "pid": os.getpid()}


@signals.task_prerun.connect
def _context_enter(task=None, **kwargs):
    """Each task runs for the organiser that queued it (``common.context``)."""
    from common.context import task_enter  # Django is set up after this module loads

    task_enter(task)


@signals.task_postrun.connect
def _context_leave(task=None, **kwargs):
    from common.context import task_leave  # Django is set up after this module loads

    task_leave(task)


@signals.task_postrun.connect
def _worker_seen(**kwargs):
    """Record that a worker finished a task (``/sehat/`` reports workers seen recently)."""
    from django.core.cache import cache  # Django is set up after this module loads

    # Health bookkeeping must never fail a task.
    with contextlib.suppress(Exception):
        cache.set("worker:last-seen", time.time(), timeout=24 * 3600)


@signals.worker_process_init.connect
def _limit_memory(**kwargs):
    """Each prefork worker process gets an address-space limit (JOB_MEMORY_LIMIT_MB): a task
    that tries to allocate more fails or kills only its own process; the worker replaces it
    and the job ends failed (common.jobs)."""
    from django.conf import settings  # Django is set up after this module loads

    limit = settings.JOB_MEMORY_LIMIT_MB * 1024 * 1024
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
