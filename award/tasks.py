"""Celery tasks of the core domain: thin wrappers that load by id and call a service."""

from celery import shared_task

from . import services
from .jobs import status_of


@shared_task(name="award.units_import_check")
def units_import_check_task(job_id: int) -> str:
    return status_of(services.units_import_job_check(job_id=job_id))


@shared_task(name="award.units_import_apply")
def units_import_apply_task(job_id: int) -> str:
    return status_of(services.units_import_job_apply(job_id=job_id))


@shared_task(name="award.jobs_watchdog")
def jobs_watchdog_task() -> int:
    """Fail the jobs that can no longer end by themselves (beat, every two minutes)."""
    from .jobs import jobs_fail_lost

    return jobs_fail_lost()
