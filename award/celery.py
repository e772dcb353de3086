"""The Celery application. Eager (tasks run in the caller) when no broker is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "award.settings")

app = Celery("award")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="award.ping")
def ping(value: int) -> dict:
    """Health check used by tests and `make`-level smoke checks: proves a worker answers."""
    return {"pong": value, "pid": os.getpid()}
