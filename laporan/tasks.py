"""Celery tasks of laporan that are not jobs: thin wrappers that load by id."""

from celery import shared_task

from penilaian.models import ScoringRun

from . import opendata


@shared_task(name="laporan.opendata_freeze")
def opendata_freeze_task(run_id: int) -> int:
    run = ScoringRun.objects.filter(pk=run_id).select_related("period").first()
    return opendata.opendata_freeze(run=run) if run else 0
