"""Long work (imports, reports) as ``Job`` rows run by Celery: the registry of job kinds, one
task that runs any of them with progress, and the rules that make every job end.

Each app registers its kinds in ``AppConfig.ready()`` with ``job_kind_register``: an import has
``check`` (read, validate, preview; the job becomes READY) and ``apply`` (after the user
confirms); a report has ``run``. ``job_start`` creates the job (or returns the unfinished one
with the same inputs) and queues its first phase; ``job_confirm`` queues ``apply``. The one
task ``common.job_run`` calls the phase with a ``report(percent, message)`` callback. A new
kind needs no migration and no task of its own.

A job always ends: succeeded, ready for the user's confirmation, or failed with a message in
Indonesian. What can stop a job and what the user then sees:

- the broker is down when the job is queued → failed at once ("antrean tidak dapat dihubungi"),
  nothing done, the user may start it again;
- the worker process dies (out of memory, killed) or runs past ``CELERY_TASK_TIME_LIMIT`` →
  Celery records a failure for the task; the next look at the job marks it failed;
- the broker restarted without persistence and lost the message → the job is queued, but its
  task is neither in the queue nor held by a worker: failed after ``JOB_LOST_GRACE_SECONDS``;
- anything else → failed once it has been running longer than the hard time limit, which no
  live task can outlast.

``jobs_fail_lost`` applies these rules; the job page calls it for its job and a beat task for
all of them, so nobody has to look for a job to be freed.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable

from celery import current_app, shared_task
from celery.result import AsyncResult
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .context import work_headers, work_organiser_id
from .liveness import broker_task_state, work_heartbeat, work_stopped
from .models import Job
from .registry import _REGISTRY, JobKind, JobRefused, job_kind, job_kind_register  # noqa: F401
from .workbooks import Problems, problems_summary

logger = logging.getLogger(__name__)

IN_WORKER = (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.APPLYING)


def queue_down_message() -> str:
    return _(
        "The job queue (Redis) cannot be reached, so the work was not started and nothing was "
        "changed. Try again in a few minutes; tell the system administrator if it persists."
    )


class ImportRejected(Exception):
    def __init__(self, problems: Problems):
        super().__init__("; ".join(str(p) for p in problems.errors[:5]))
        self.problems = problems


def job_start(
    *, kind: str, created_by, data: bytes = b"", file_name: str = "", params: dict | None = None
) -> Job:
    """Create a job of a registered kind and queue its first phase (or return the unfinished
    job with the same inputs, which is already queued)."""
    registered = _REGISTRY[kind]
    job = job_create(
        kind=kind, created_by=created_by, data=data, file_name=file_name, params=params
    )
    if getattr(job, "created_now", False):
        job_enqueue(job=job, phase="check" if registered.check else "run")
    return job


@shared_task(name="common.job_run")
def job_run_task(job_id: int, phase: str) -> str:
    return status_of(job_run(job_id=job_id, phase=phase))


def job_run(*, job_id: int, phase: str) -> Job | None:
    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    registered = _REGISTRY.get(kind or "")
    if registered is None:
        logger.error("job %s: unknown kind %r", job_id, kind)
        return None
    # The worker beats while it works (common.liveness): a dead one is seen within a minute.
    with work_heartbeat(job_heartbeat_name(job_id)):
        if phase == "check":
            return job_check_run(job_id=job_id, check=registered.check)
        if phase == "apply":
            return job_apply_run(job_id=job_id, apply=registered.apply)
        return job_work_run(job_id=job_id, work=registered.run)


def job_heartbeat_name(job_id: int) -> str:
    return f"job-{job_id}"


# --- queueing ------------------------------------------------------------------------------
def task_enqueue(task, *args, task_id: str | None = None, on_error: Callable | None = None):
    """Send ``task`` (a task or its registered name) once the current transaction commits.
    When the broker cannot take it, log it and call ``on_error()`` (which records the failure
    for the user) instead of letting the exception escape after the commit."""

    headers = work_headers()  # who the work is for, taken now (common.context)

    def send():
        sender = current_app.tasks[task] if isinstance(task, str) else task
        try:
            sender.apply_async(args=args, task_id=task_id, headers=headers)
        except Exception:
            logger.exception("could not queue %s%r", sender.name, args)
            if on_error is not None:
                on_error()

    transaction.on_commit(send)


def job_enqueue(*, job: Job, phase: str) -> None:
    """Queue a phase of the job under a task id recorded on the job (to find it again)."""
    task_id = uuid.uuid4().hex
    Job.objects.filter(pk=job.pk).update(task_id=task_id)
    job.task_id = task_id

    def failed():
        Job.objects.filter(pk=job.pk, status__in=IN_WORKER).update(
            status=Job.Status.FAILED,
            message=queue_down_message()[:500],
            progress=100,
            finished_at=timezone.now(),
        )

    task_enqueue(job_run_task, job.pk, phase, task_id=task_id, on_error=failed)


# --- life cycle ----------------------------------------------------------------------------
def job_fingerprint(*, kind: str, data: bytes = b"", params: dict | None = None) -> str:
    digest = hashlib.sha256(kind.encode())
    digest.update(f"organiser={work_organiser_id()}".encode())  # the same work of another
    digest.update(repr(sorted((params or {}).items())).encode())
    digest.update(data)
    return digest.hexdigest()[:64]


def job_create(
    *, kind: str, created_by, data: bytes = b"", file_name: str = "", params: dict | None = None
) -> Job:
    """A new job, or the unfinished one with exactly the same inputs (a double click, a second
    tab, the same file uploaded twice): the same work never runs twice at once."""
    fingerprint = job_fingerprint(kind=kind, data=data, params=params)
    existing = Job.objects.filter(fingerprint=fingerprint, status__in=Job.ACTIVE).first()
    if existing is not None:
        return existing
    job = Job(
        kind=kind,
        created_by=created_by,
        file_name=file_name[:255],
        params=params or {},
        fingerprint=fingerprint,
    )
    if data:
        safe = get_valid_filename(file_name) or "upload.xlsx"
        job.file.save(f"jobs/{timezone.now():%Y/%m}/{safe}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:  # the same inputs, created a moment ago by a parallel request
        if job.file:
            job.file.delete(save=False)
        return Job.objects.get(fingerprint=fingerprint, status__in=Job.ACTIVE)
    job.created_now = True
    return job


def job_begin(*, job_id: int, status: str = Job.Status.RUNNING) -> Job | None:
    """Claim a job for the task that runs it. None when the job is gone or already ended
    (failed as lost while its message waited): the task then does nothing."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status__in=IN_WORKER).update(
        status=status, started_at=now
    )
    if not claimed:
        return None
    if settings.JOB_FAULT_DELAY:  # test-only: time to kill the worker in the middle of a job
        time.sleep(settings.JOB_FAULT_DELAY)
    return Job.objects.get(pk=job_id)


def job_progress_set(*, job_id: int, percent: int, message: str) -> None:
    """Record progress where every process can read it, even inside a long transaction. A
    cache outage loses the progress bar, never the job."""
    try:
        cache.set(
            Job.progress_key(job_id),
            {"progress": percent, "message": message},
            timeout=3600,
        )
    except Exception:  # noqa: BLE001 - progress is a courtesy
        logger.warning("job %s: progress not recorded (cache unavailable)", job_id)


def job_progress_get(*, job_id: int) -> dict | None:
    try:
        return cache.get(Job.progress_key(job_id))
    except Exception:  # noqa: BLE001
        return None


def job_finish(*, job: Job, status: str, message: str = "", result: dict | None = None) -> Job:
    job.status = status
    job.message = message[:500]
    if result is not None:
        job.result = result
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "result", "progress", "finished_at"])
    try:
        cache.delete(Job.progress_key(job.pk))
    except Exception:  # noqa: BLE001
        logger.warning("job %s: progress key not removed (cache unavailable)", job.pk)
    return job


def _reporter(job_id: int):
    def report(percent: int, message: str) -> None:
        job_progress_set(job_id=job_id, percent=percent, message=message)

    return report


def job_check_run(*, job_id: int, check: Callable) -> Job | None:
    """The check phase of an import job: ``check(job, data, report)`` returns (problems,
    result). The job becomes READY (waiting for the user's confirmation) or FAILED with every
    problem listed; nothing is written either way."""
    job = job_begin(job_id=job_id)
    if job is None:
        return None
    try:
        with job.file.open("rb") as handle:
            problems, result = check(job, handle.read(), _reporter(job_id))
    except Exception:
        logger.exception("%s check %s failed", job.kind, job_id)
        return job_finish(
            job=job,
            status=Job.Status.FAILED,
            message=_("An unexpected error stopped the check. Nothing was saved."),
        )
    if problems.errors:
        return job_finish(
            job=job,
            status=Job.Status.FAILED,
            message=_("The workbook has %(count)s problems; nothing was saved.")
            % {"count": len(problems.errors)},
            result=result,
        )
    return job_finish(job=job, status=Job.Status.READY, result=result)


def job_confirm(*, job: Job) -> bool:
    """Move a checked job to applying and queue its apply phase; a second click (or a second
    tab) finds it already claimed and does nothing."""
    claimed = Job.objects.filter(pk=job.pk, status=Job.Status.READY).update(
        status=Job.Status.APPLYING, progress=0, queued_at=timezone.now(), started_at=None
    )
    if claimed:
        job_enqueue(job=job, phase="apply")
    return bool(claimed)


def job_apply_run(*, job_id: int, apply: Callable) -> Job | None:
    """The apply phase: ``apply(job, data, report)`` returns (message, result) or raises
    ImportRejected (all or nothing: then nothing was saved)."""
    job = job_begin(job_id=job_id, status=Job.Status.APPLYING)
    if job is None:
        return None
    try:
        with job.file.open("rb") as handle:
            message, result = apply(job, handle.read(), _reporter(job_id))
    except ImportRejected as rejected:
        return job_finish(
            job=job,
            status=Job.Status.FAILED,
            message=problems_summary(rejected.problems),
            result={**job.result, **rejected.problems.as_lists()},
        )
    except Exception:
        logger.exception("%s apply %s failed", job.kind, job_id)
        return job_finish(
            job=job,
            status=Job.Status.FAILED,
            message=_("An unexpected error stopped the import. Nothing was saved."),
        )
    return job_finish(job=job, status=Job.Status.SUCCEEDED, message=message, result=result)


def job_work_run(*, job_id: int, work: Callable) -> Job | None:
    """A job done in one phase (a report): ``work(job, report)`` returns its result (and may
    store a file on the job); JobRefused ends it failed with its message."""
    job = job_begin(job_id=job_id)
    if job is None:
        return None
    try:
        result = work(job, _reporter(job_id))
    except JobRefused as refusal:
        return job_finish(job=job, status=Job.Status.FAILED, message=str(refusal))
    except Exception:
        logger.exception("%s job %s failed", job.kind, job_id)
        return job_finish(
            job=job,
            status=Job.Status.FAILED,
            message=_(
                "The job stopped because of an internal error; nothing was published. Start "
                "it again; if it fails again, give the system administrator the reference "
                "%(reference)s."
            )
            % {"reference": f"job-{job_id}"},
        )
    return job_finish(job=job, status=Job.Status.SUCCEEDED, result=result)


# --- jobs that will never end by themselves ------------------------------------------------
def task_failure_of(task_id: str) -> str | None:
    """Why Celery recorded the task as failed (worker lost, time limit), or None."""
    if not task_id or not settings.CELERY_BROKER_URL:
        return None

    try:
        result = AsyncResult(task_id)
        if result.state in ("FAILURE", "REVOKED"):
            return type(result.result).__name__ if result.result is not None else result.state
    except Exception:  # noqa: BLE001 - an unreachable backend tells nothing
        return None
    return None


def broker_holds_task(task_id: str) -> bool | None:
    """Whether the broker still has the task's message, waiting in a queue or delivered to a
    worker and not yet acknowledged. None when that cannot be told (no Redis, an error)."""
    state = broker_task_state(task_id)
    return None if state is None else state != "absent"


def worker_died_message() -> str:
    return _(
        "The worker running this job stopped (out of memory or restarted). Nothing was "
        "saved; start it again."
    )


def lost_reason(*, task_id: str, queued_at, started_at, moment) -> str | None:
    """Why an unfinished piece of work can never end by itself, in Indonesian; None if it
    may still be running or waiting. Shared by jobs and scoring runs."""
    failure = task_failure_of(task_id)
    if failure:
        if "TimeLimit" in failure:
            return _("The job ran longer than the time limit and was stopped. Nothing was saved.")
        return worker_died_message()
    limit = settings.CELERY_TASK_TIME_LIMIT + 120
    if started_at and (moment - started_at).total_seconds() > limit:
        return _("The job ran longer than the time limit and was stopped. Nothing was saved.")
    waited = (moment - queued_at).total_seconds()
    if not started_at and waited > settings.JOB_LOST_GRACE_SECONDS:
        if broker_holds_task(task_id) is False and task_failure_of(task_id) is None:
            return _(
                "The job was lost by the job queue (it was restarted) and never started. "
                "Nothing was done; start it again."
            )
        if waited > settings.JOB_QUEUED_LIMIT_SECONDS:
            return _("The job waited too long in the queue and was cancelled; start it again.")
    return None


def jobs_fail_lost(*, jobs=None, moment=None) -> int:
    """Mark failed every unfinished job that can no longer end by itself (see the module)."""
    moment = moment or timezone.now()
    candidates = jobs if jobs is not None else Job.objects.filter(status__in=IN_WORKER)
    count = 0
    for job in candidates:
        if job.status not in IN_WORKER:
            continue
        if job.started_at and work_stopped(
            name=job_heartbeat_name(job.pk),
            since=job.started_at.timestamp(),
            task_ids=[job.task_id],
            now=moment.timestamp(),
        ):
            reason = worker_died_message()
        else:
            reason = lost_reason(
                task_id=job.task_id,
                queued_at=job.queued_at,
                started_at=job.started_at,
                moment=moment,
            )
        if reason:
            count += Job.objects.filter(pk=job.pk, status=job.status).update(
                status=Job.Status.FAILED, message=reason[:500], progress=100, finished_at=moment
            )
            logger.warning("job %s (%s) marked failed: %s", job.pk, job.kind, reason)
            job.refresh_from_db()
    return count


def status_of(job: Job | None) -> str:
    """What a job task returns: the job's final status, or "skipped" for a job that had
    already ended before its task ran."""
    return job.status if job is not None else "skipped"


@shared_task(name="common.jobs_watchdog")
def jobs_watchdog_task() -> int:
    """Fail the jobs that can no longer end by themselves (beat, every two minutes)."""
    return jobs_fail_lost()
