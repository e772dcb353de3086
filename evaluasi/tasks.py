"""Celery tasks of questionnaires: thin wrappers that load by id and call a service."""

from celery import shared_task

from award.jobs import status_of

from . import services


@shared_task(name="evaluasi.questionnaire_import_check")
def questionnaire_import_check_task(job_id: int) -> str:
    return status_of(services.questionnaire_import_job_check(job_id=job_id))


@shared_task(name="evaluasi.questionnaire_import_apply")
def questionnaire_import_apply_task(job_id: int) -> str:
    return status_of(services.questionnaire_import_job_apply(job_id=job_id))


@shared_task(name="evaluasi.evidence_link_check")
def evidence_link_check_task(evidence_id: int) -> str:
    return services.evidence_link_check(evidence_id=evidence_id)


@shared_task(name="evaluasi.answers_import_check")
def answers_import_check_task(job_id: int) -> str:
    return status_of(services.answers_import_job_check(job_id=job_id))


@shared_task(name="evaluasi.answers_import_apply")
def answers_import_apply_task(job_id: int) -> str:
    return status_of(services.answers_import_job_apply(job_id=job_id))


@shared_task(name="evaluasi.reminders_due")
def reminders_due_task() -> int:
    return services.reminders_due()


@shared_task(name="evaluasi.reminders_send")
def reminders_send_task(period_id: int, unit_ids: list[int]) -> int:
    from award.models import Period, Unit

    return services.reminders_send(
        period=Period.objects.get(pk=period_id), units=Unit.objects.filter(pk__in=unit_ids)
    )


@shared_task(name="evaluasi.scoring_plan", reject_on_worker_lost=True)
def scoring_plan_task(run_id: int) -> None:
    services.scoring_run_plan(run_id=run_id)


@shared_task(name="evaluasi.scoring_chunk", reject_on_worker_lost=True)
def scoring_chunk_task(chunk_id: int) -> None:
    services.scoring_chunk_run(chunk_id=chunk_id)


@shared_task(name="evaluasi.scoring_finish", reject_on_worker_lost=True)
def scoring_finish_task(run_id: int) -> None:
    services.scoring_run_finish(run_id=run_id)


@shared_task(name="evaluasi.scoring_watchdog")
def scoring_watchdog_task() -> int:
    """Fail the scoring runs that can no longer finish (beat, every two minutes)."""
    return services.scoring_runs_fail_stale()
