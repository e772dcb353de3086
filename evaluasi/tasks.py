"""Celery tasks of evaluasi: thin wrappers that load by id and call a service. Services queue
them by name (``common.jobs.task_enqueue``), so services never import this module."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from award.models import Period, Unit

from .checks import services as checks
from .saq import reminders
from .saq import services as saq_services


@shared_task(name="evaluasi.evidence_link_check")
def evidence_link_check_task(evidence_id: int) -> str:
    return saq_services.evidence_link_check(evidence_id=evidence_id)


@shared_task(name="evaluasi.evidence_analyse", soft_time_limit=240, time_limit=300)
def evidence_analyse_task(evidence_id: int) -> str:
    """Analyse one evidence file (a time limit per file: a hostile file ends, the worker
    stays)."""
    try:
        check = checks.evidence_analyse(evidence_id=evidence_id)
    except SoftTimeLimitExceeded:
        checks.evidence_analysis_too_long(evidence_id=evidence_id)
        return "too long"
    return ",".join(f["code"] for f in check.flags) if check else "-"


@shared_task(name="evaluasi.submission_receipt")
def submission_receipt_task(submission_id: int) -> int:
    return reminders.submission_receipt_send(submission_id=submission_id)


@shared_task(name="evaluasi.reminders_due")
def reminders_due_task() -> int:
    return reminders.reminders_due()


@shared_task(name="evaluasi.reminders_send")
def reminders_send_task(period_id: int, unit_ids: list[int]) -> int:
    return reminders.reminders_send(
        period=Period.objects.get(pk=period_id), units=Unit.objects.filter(pk__in=unit_ids)
    )
