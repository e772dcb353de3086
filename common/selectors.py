"""Reads of the shared plumbing: a job's live state, the health of the services."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .jobs import job_progress_get
from .models import Job


def job_state(*, job: Job) -> dict:
    """Status, progress and message of a job, live progress from the cache while it runs."""
    state = {"status": job.status, "progress": job.progress, "message": job.message}
    if not job.is_finished:
        live = job_progress_get(job_id=job.pk)
        if live:
            state.update(live)
    return state


WORKER_SEEN_KEY = "worker:last-seen"
WORKER_SEEN_SECONDS = 300


def database_health() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - down is the answer
        return "down"
    return "ok"


def system_health() -> dict[str, str]:
    """Each service the system needs: "ok" or "down" ("eager" for workers when tasks run in
    the web process: the embedded default has no Redis and no worker)."""
    state = {"database": database_health()}
    if not settings.CELERY_BROKER_URL:
        return {**state, "redis": "ok", "worker": "eager"}
    try:
        cache.set("health:probe", 1, timeout=10)
        seen = cache.get(WORKER_SEEN_KEY)
        state["redis"] = "ok"
    except Exception:  # noqa: BLE001
        state["redis"], seen = "down", None
    state["worker"] = "ok" if seen and time.time() - seen < WORKER_SEEN_SECONDS else "down"
    return state
