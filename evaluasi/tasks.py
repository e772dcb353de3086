"""Celery tasks of questionnaires: thin wrappers that load by id and call a service."""

from celery import shared_task

from . import services


@shared_task(name="evaluasi.questionnaire_import_check")
def questionnaire_import_check_task(job_id: int) -> str:
    return services.questionnaire_import_job_check(job_id=job_id).status


@shared_task(name="evaluasi.questionnaire_import_apply")
def questionnaire_import_apply_task(job_id: int) -> str:
    return services.questionnaire_import_job_apply(job_id=job_id).status
