"""Changes made by Celery tasks (imports, scoring runs, reminders) are recorded with the task's
name and the user who started the job where the task knows it."""

import pghistory
from celery.signals import task_postrun, task_prerun
from django.db import connection

_OPEN: dict[str, pghistory.context] = {}


@task_prerun.connect
def _enter(task_id=None, task=None, **_kwargs):
    if connection.vendor != "postgresql":
        return
    context = pghistory.context(task=getattr(task, "name", "task"))
    context.__enter__()
    _OPEN[task_id] = context


@task_postrun.connect
def _exit(task_id=None, **_kwargs):
    context = _OPEN.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
