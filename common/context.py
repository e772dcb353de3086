"""Who the current work is for, carried from a request into the tasks it queues.

``common`` knows nothing of organisers (``award`` is above it); ``award`` registers one
``WorkContext`` in its ``AppConfig.ready()``:

- ``organiser_id()``: the organiser the current block runs for (stored on each ``Job``);
- ``capture()``: message headers for a task queued now (``common.jobs.task_enqueue``);
- ``enter(headers)``: a context manager the worker runs each task inside (``task_prerun``);
- ``sender()``: the name and contact address the current work's emails go out under.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkContext:
    organiser_id: Callable[[], int | None]
    capture: Callable[[], dict]
    enter: Callable[[dict], contextlib.AbstractContextManager]
    # Whether the request's user has no part at all in the organiser whose page it asked for
    # (then a refusal is a 404: another organiser's pages are not admitted to exist).
    stranger: Callable[[object], bool] = lambda request: False
    # Who the current work speaks as in its emails: {"name", "email"} of the organiser, or {}.
    sender: Callable[[], dict] = dict


_CONTEXT: list[WorkContext] = []


def work_context_register(context: WorkContext) -> None:
    _CONTEXT[:] = [context]


def work_organiser_id() -> int | None:
    return _CONTEXT[0].organiser_id() if _CONTEXT else None


def work_stranger(request) -> bool:
    return _CONTEXT[0].stranger(request) if _CONTEXT else False


def work_sender() -> dict:
    return _CONTEXT[0].sender() if _CONTEXT else {}


def work_headers() -> dict:
    return _CONTEXT[0].capture() if _CONTEXT else {}


def work_enter(headers: dict) -> contextlib.AbstractContextManager:
    return _CONTEXT[0].enter(headers) if _CONTEXT else contextlib.nullcontext()


def task_enter(task) -> None:
    """``task_prerun``: enter the task's context (its organiser), left at ``task_postrun``."""
    request = task.request
    headers = dict(getattr(request, "headers", None) or {})
    for key in ("ppid_organiser",):  # Celery may hand custom headers as request attributes
        if key not in headers and getattr(request, key, None) is not None:
            headers[key] = getattr(request, key)
    stack = contextlib.ExitStack()
    stack.enter_context(work_enter(headers))
    request.ppid_context = stack


def task_leave(task) -> None:
    stack = getattr(task.request, "ppid_context", None)
    if stack is not None:
        task.request.ppid_context = None
        stack.close()
