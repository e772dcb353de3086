"""Celery tasks of scoring runs: thin wrappers that take ids and call the run services.
Services queue them by name (``common.jobs.task_enqueue``), so they never import this module.
A stage whose worker process died is delivered again at once (the stages are idempotent)."""

from celery import shared_task

from . import services


@shared_task(name="penilaian.scoring_plan", reject_on_worker_lost=True)
def scoring_plan_task(run_id: int) -> None:
    services.scoring_run_plan(run_id=run_id)


@shared_task(name="penilaian.scoring_chunk", reject_on_worker_lost=True)
def scoring_chunk_task(chunk_id: int) -> None:
    services.scoring_chunk_run(chunk_id=chunk_id)


@shared_task(name="penilaian.scoring_finish", reject_on_worker_lost=True)
def scoring_finish_task(run_id: int) -> None:
    services.scoring_run_finish(run_id=run_id)


@shared_task(name="penilaian.scoring_watchdog")
def scoring_watchdog_task() -> int:
    """Fail the scoring runs that can no longer finish (beat, every two minutes)."""
    return services.scoring_runs_fail_stale()
