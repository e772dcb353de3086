"""The registry of job kinds: each app registers its kinds in ``AppConfig.ready()``; the one
job task (``common.jobs``) runs any registered kind. Imports nothing of the project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class JobRefused(Exception):
    """A job that cannot be done as asked; the message says why, in Indonesian."""


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: object
    check: Callable | None = None  # (job, data, report) -> (problems, result)
    apply: Callable | None = None  # (job, data, report) -> (message, result)
    run: Callable | None = None  # (job, report) -> result; may raise JobRefused


_REGISTRY: dict[str, JobKind] = {}


def job_kind_register(*, kind: str, label, check=None, apply=None, run=None) -> None:
    """Make a kind of job known (from an app's ``ready()``)."""
    if (check is None) != (apply is None) or (run is None) == (check is None):
        raise ValueError(f"job kind {kind}: give check and apply, or run")
    _REGISTRY[kind] = JobKind(kind=kind, label=label, check=check, apply=apply, run=run)


def job_kind(kind: str) -> JobKind | None:
    return _REGISTRY.get(kind)
