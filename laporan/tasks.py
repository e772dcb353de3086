"""Celery tasks of reports: thin wrappers that load by id and call a service."""

from celery import shared_task

from award.jobs import status_of

from . import services


@shared_task(name="laporan.ranking_export")
def ranking_export_task(job_id: int) -> str:
    return status_of(services.ranking_export_run(job_id=job_id))


@shared_task(name="laporan.certificates")
def certificates_task(job_id: int) -> str:
    return status_of(services.certificates_run(job_id=job_id))


@shared_task(name="laporan.recap")
def recap_task(job_id: int) -> str:
    return status_of(services.recap_run(job_id=job_id))
