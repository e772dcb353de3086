"""Scoring runs: their life cycle (start, plan, chunks, finish, fail, stale), the write of
stored results and penetapan."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass

import pandas as pd
from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Period
from common.jobs import (
    lost_reason,
    queue_down_message,
    task_enqueue,
)
from common.liveness import work_heartbeat, work_stopped
from evaluasi.questionnaires.selectors import (
    period_previous,
)
from penilaian.models import Score, ScoringChunk, ScoringRun
from penilaian.results import presentations_write, scores_write
from penilaian.signals import run_published

from . import data, scoring
from .models import FinalisationOverride
from .selectors import (
    finalisation_blockers,
    jury_work_items,
    scoring_run_published,
    scoring_run_unchanged,
)

logger = logging.getLogger(__name__)


class ScoringRefused(Exception):
    """A run cannot start or be finalised; the message says why, in Indonesian. ``field``
    names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


_INLINE = contextvars.ContextVar("scoring_inline", default=False)


def _queue(stage: str, pk: int) -> None:
    """Queue the next stage of a run as a Celery task once the current transaction commits,
    or, for an inline run (demo, small periods), run it right here."""
    service, task = {
        "plan": (lambda: scoring_run_plan(run_id=pk), "penilaian.scoring_plan"),
        "chunk": (lambda: scoring_chunk_run(chunk_id=pk), "penilaian.scoring_chunk"),
        "finish": (lambda: scoring_run_finish(run_id=pk), "penilaian.scoring_finish"),
    }[stage]
    if _INLINE.get():
        service()
        return
    run_id = pk if stage != "chunk" else None
    if stage == "plan":
        task_id = uuid.uuid4().hex
        ScoringRun.objects.filter(pk=pk).update(task_id=task_id)
    else:  # named from the row, so the run can find its waiting messages (scoring_run_tasks)
        task_id = _stage_task_id(stage, pk)

    def queue_down():
        if run_id is not None:
            scoring_run_fail(run_id=run_id, message=queue_down_message())
        else:
            for chunk_run in ScoringChunk.objects.filter(pk=pk).values_list("run_id", flat=True):
                scoring_run_fail(run_id=chunk_run, message=queue_down_message())

    task_enqueue(task, pk, task_id=task_id, on_error=queue_down)


def _stage_task_id(stage: str, pk: int) -> str:
    return f"ppid-scoring-{stage}-{pk}"


def scoring_run_tasks(*, run: ScoringRun) -> list[str]:
    """The task messages a running run still waits for: its unfinished chunks, else its final
    stage."""
    pending = list(ScoringChunk.objects.filter(run=run, done=False).values_list("pk", flat=True))
    if pending:
        return [_stage_task_id("chunk", pk) for pk in pending]
    return [_stage_task_id("finish", run.pk)]


def _heartbeat_name(run_id: int) -> str:
    return f"scoring-run-{run_id}"


def _run_update(run_id: int, **fields) -> None:
    """Update a run's row in its own short transaction (progress is visible to every process)."""
    ScoringRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now(), **fields)


def scoring_runs_fail_stale(*, period: Period | None = None, moment=None) -> int:
    """Mark failed the runs (of ``period``, or of every period) that can no longer finish:
    their worker stopped reporting for SCORING_STALE_MINUTES (killed, lost), or the broker
    lost the message of a run still queued (``common.jobs.lost_reason``)."""
    moment = moment or timezone.now()
    limit = moment - timezone.timedelta(minutes=settings.SCORING_STALE_MINUTES)
    active = ScoringRun.objects.filter(status__in=ScoringRun.ACTIVE)
    if period is not None:
        active = active.filter(period=period)
    stopped = _("The run stopped without finishing (its worker was stopped or lost).")
    # Within a minute: no heartbeat of its worker and nothing of it waiting in a queue
    # (common.liveness); where the broker cannot tell, SCORING_STALE_MINUTES below.
    dead = [
        run.pk
        for run in active.filter(status=ScoringRun.Status.RUNNING)
        if work_stopped(
            name=_heartbeat_name(run.pk),
            since=(run.heartbeat_at or run.created_at).timestamp(),
            task_ids=scoring_run_tasks(run=run),
            now=moment.timestamp(),
        )
    ]
    count = active.filter(Q(heartbeat_at__lt=limit) | Q(pk__in=dead)).update(
        status=ScoringRun.Status.FAILED, finished_at=moment, message=stopped
    )
    for run in active.filter(status=ScoringRun.Status.QUEUED).exclude(task_id=""):
        reason = lost_reason(
            task_id=run.task_id, queued_at=run.created_at, started_at=None, moment=moment
        )
        if reason:
            count += ScoringRun.objects.filter(pk=run.pk, status=ScoringRun.Status.QUEUED).update(
                status=ScoringRun.Status.FAILED, finished_at=moment, message=reason
            )
    return count


def scoring_run_start(
    *, period: Period, user=None, reason: str = "", inline: bool = False
) -> ScoringRun:
    """Queue a scoring run of the whole period (``inline``: compute it now, in this process).
    One run per period at a time; after penetapan a new run belongs to the correction the
    admin opened (with its reason), and only then."""
    reason = (reason or "").strip()
    scoring_runs_fail_stale(period=period)
    period.refresh_from_db()
    if period.finalised_at and not period.correction_open:
        raise ScoringRefused(
            _(
                "The results of this period are finalised and published. Open a correction "
                "with its reason first; a new run then belongs to that correction."
            ),
            field="reason",
        )
    if period.correction_open and not reason:
        reason = period.correction_reason
    with transaction.atomic():
        Period.objects.select_for_update().filter(pk=period.pk).first()
        if ScoringRun.objects.filter(period=period, status__in=ScoringRun.ACTIVE).exists():
            raise ScoringRefused(_("A scoring run of this period is already in progress."))
        number = (ScoringRun.objects.filter(period=period).aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                run = ScoringRun.objects.create(
                    period=period,
                    number=number,
                    started_by=user if user and user.is_authenticated else None,
                    reason=reason[:500],
                    heartbeat_at=timezone.now(),
                )
        except IntegrityError:
            raise ScoringRefused(
                _("A scoring run of this period is already in progress.")
            ) from None
        if not inline:
            _queue("plan", run.pk)
    if inline:
        token = _INLINE.set(True)
        try:
            scoring_run_plan(run_id=run.pk)
        finally:
            _INLINE.reset(token)
        run.refresh_from_db()
    return run


def scoring_run_fail(*, run_id: int, message: str) -> None:
    ScoringRun.objects.filter(pk=run_id, status__in=ScoringRun.ACTIVE).update(
        status=ScoringRun.Status.FAILED, finished_at=timezone.now(), message=message[:1000]
    )


def scoring_run_cancel(*, run_id: int, user) -> bool:
    """The admin ends a run that is stuck (or no longer wanted): it ends failed with who
    cancelled it, its waiting messages are revoked, and a stage still working writes nothing
    (every stage checks under the run's lock that it is still active). False when it had
    already ended."""
    run = ScoringRun.objects.filter(pk=run_id, status__in=ScoringRun.ACTIVE).first()
    if run is None:
        return False
    who = (user.get_full_name() or user.get_username()) if user else "-"
    ended = ScoringRun.objects.filter(pk=run_id, status__in=ScoringRun.ACTIVE).update(
        status=ScoringRun.Status.FAILED,
        finished_at=timezone.now(),
        message=_("Cancelled by %(who)s; the previous results are unchanged.") % {"who": who},
    )
    if ended and settings.CELERY_BROKER_URL:
        with contextlib.suppress(Exception):  # a broker outage: the stages still write nothing
            current_app.control.revoke([run.task_id, *scoring_run_tasks(run=run)])
    return bool(ended)


def _run_guard(run_id: int, work):
    """Run ``work`` for an active run; any error fails the run with a readable message. The
    worker beats while it works (common.liveness)."""
    run = ScoringRun.objects.select_related("period").filter(pk=run_id).first()
    if run is None or not run.is_active:
        return None
    try:
        with work_heartbeat(_heartbeat_name(run_id)):
            return work(run)
    except Exception:
        # The detail (often a library's English message) goes to the log; the admin reads
        # what happened and what to do, in Indonesian.
        logger.exception("scoring run %s failed", run_id)
        scoring_run_fail(
            run_id=run_id,
            message=_(
                "The scoring run stopped because of an internal error; the previous results "
                "are unchanged. Start the run again; if it fails again, give the system "
                "administrator the reference %(reference)s (the details are in the server log)."
            )
            % {"reference": f"scoring-run-{run_id}"},
        )
        return None


def scoring_run_plan(*, run_id: int) -> None:
    """Stage 1: split the period into chunks and queue one task per chunk."""

    def plan(run):
        if run.status != ScoringRun.Status.QUEUED:  # delivered again after it was planned
            return
        now = timezone.now()
        specs = scoring.chunks_plan(period_id=run.period_id, size=settings.SCORING_CHUNK_UNITS)
        with transaction.atomic():
            chunks = ScoringChunk.objects.bulk_create(
                [
                    ScoringChunk(run=run, index=index, spec=spec, size=spec["size"])
                    for index, spec in enumerate(specs)
                ]
            )
            _run_update(
                run.pk,
                status=ScoringRun.Status.RUNNING,
                started_at=now,
                progress=5,
                chunks_total=len(chunks),
                message=_("Computing %(count)s parts.") % {"count": len(chunks)},
            )
            if not chunks:
                _queue("finish", run.pk)
            for chunk in chunks:
                _queue("chunk", chunk.pk)

    _run_guard(run_id, plan)


def scoring_chunk_run(*, chunk_id: int) -> None:
    """Stage 2: one chunk's sums; the last chunk to finish queues the final stage."""
    chunk = ScoringChunk.objects.filter(pk=chunk_id).only("run_id", "spec", "done", "index").first()
    if chunk is None or chunk.done:
        return

    def compute(run):
        began = time.perf_counter()
        if settings.SCORING_CHUNK_FAULT_DELAY:  # fault tests: a chunk long enough to kill
            time.sleep(settings.SCORING_CHUNK_FAULT_DELAY)
        parts = scoring.chunk_compute(chunk.spec, scoring.PeriodSettings.of(run.period))
        data = scoring.chunk_pack(parts)
        with transaction.atomic():
            locked = ScoringRun.objects.select_for_update().get(pk=run.pk)
            fresh = ScoringChunk.objects.select_for_update().get(pk=chunk_id)
            if fresh.done or not locked.is_active:
                return
            fresh.done = True
            fresh.result = data
            fresh.finished_at = timezone.now()
            fresh.seconds = time.perf_counter() - began
            fresh.save(update_fields=["done", "result", "finished_at", "seconds"])
            done = locked.chunks_done + 1
            _run_update(
                run.pk,
                chunks_done=done,
                progress=5 + int(80 * done / max(locked.chunks_total, 1)),
                message=_("Computed %(done)s of %(total)s parts.")
                % {"done": done, "total": locked.chunks_total},
            )
            if done >= locked.chunks_total:
                _queue("finish", run.pk)

    _run_guard(chunk.run_id, compute)


def scoring_run_finish(*, run_id: int) -> None:
    """Stage 3: the whole period's scores, written and made current in one transaction."""

    def finish(run):
        _run_update(run.pk, progress=88, message=_("Combining juries and ranking."))
        began = time.perf_counter()
        result = scoring_compute(run=run)
        computed = time.perf_counter()
        _run_update(run.pk, progress=94, message=_("Saving the results."))
        with transaction.atomic():
            locked = ScoringRun.objects.select_for_update().get(pk=run.pk)
            if not locked.is_active:
                return
            if connection.vendor == "postgresql":
                # Still all or nothing; only the wait for the WAL flush at commit is skipped
                # (a crash in that instant loses a run that can be started again).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            scores_write(run=locked, units=result.units)
            presentations_write(run=locked, per_jury=result.per_jury)
            chunk_seconds = list(
                ScoringChunk.objects.filter(run_id=run.pk).values_list("seconds", flat=True)
            )
            result.stats["seconds"] = {
                "chunks_total": round(sum(chunk_seconds), 3),
                "chunk_max": round(max(chunk_seconds, default=0), 3),
                "compute": round(computed - began, 3),
                "write": round(time.perf_counter() - computed, 3),
            }
            if settings.SCORING_FAULT_DELAY:
                time.sleep(settings.SCORING_FAULT_DELAY)
            ScoringRun.objects.filter(period_id=run.period_id, is_current=True).update(
                is_current=False
            )
            _run_update(
                run.pk,
                status=ScoringRun.Status.SUCCEEDED,
                progress=100,
                finished_at=timezone.now(),
                message="",
                is_current=True,
                input_hash=result.input_hash,
                code_version=scoring.code_version(),
                stats=result.stats,
                settings=result.settings,
            )
            ScoringChunk.objects.filter(run_id=run.pk).update(result=None)

    _run_guard(run_id, finish)


@dataclass
class ScoringResult:
    units: object
    input_hash: str
    stats: dict
    per_jury: object = None
    settings: dict | None = None


def scoring_compute(*, run: ScoringRun) -> ScoringResult:
    """Load a run's inputs (the chunks' results plus the small tables), compute every score."""
    period = run.period
    chunks = [
        scoring.chunk_unpack(data)
        for data in ScoringChunk.objects.filter(run=run)
        .order_by("index")
        .values_list("result", flat=True)
        if data is not None
    ]
    empty = {
        "units": ["submission", "saq", "verified", "verified_count", "aspects"],
        "digests": ["submission", "digest"],
        "checks": ["submission", "check"],
    }
    parts = {
        name: pd.concat(
            [chunk[name] for chunk in chunks if name in chunk]
            or [pd.DataFrame({column: pd.Series(dtype="int64") for column in columns})],
            ignore_index=True,
        )
        for name, columns in empty.items()
    }
    submissions = data.load_submissions(period.pk)
    aspects, indicators, options = data.load_rubric(
        sorted(int(q) for q in submissions["questionnaire"].unique())
    )
    presentation = data.load_presentation(period.pk)
    previous = scores_previous(period=period)
    settings_ = scoring.PeriodSettings.of(period)
    units, per_jury = scoring.period_compute(
        settings_=settings_,
        submissions=submissions,
        totals=parts["units"],
        presentation=presentation,
        previous=previous,
    )

    input_hash = scoring.inputs_hash(
        parts={
            "settings": asdict(settings_),
            "aspects": aspects[["aspect", "questionnaire", "aspect_code", "aspect_weight"]],
            "indicators": indicators[
                ["indicator", "aspect", "code", "type", "weight", "min", "max"]
            ],
            "options": options,
            "submissions": submissions[
                ["submission", "unit", "level", "code", "questionnaire", "submitted_at"]
            ],
            "answers": parts["digests"].sort_values("submission", kind="stable"),
            "verifications": parts["checks"].sort_values("submission", kind="stable"),
            "presentation": presentation,
            "previous": previous.sort_values("unit", kind="stable"),
        }
    )
    by_level = units.groupby("level")
    stats = {
        "units": len(units),
        "finalists": int(units["finalist"].sum()),
        "verified_units": int((units["verified_count"] > 0).sum()),
        "pending_presentations": int(units["presentation_pending"].sum()),
        "levels": {str(level): int(len(frame)) for level, frame in by_level},
    }
    return ScoringResult(
        units=units,
        input_hash=input_hash,
        stats=stats,
        per_jury=per_jury,
        settings=json.loads(json.dumps(asdict(settings_), default=str)),
    )


def scores_previous(*, period: Period):
    """The published final scores of the previous period, per unit (for year over year)."""
    previous = period_previous(period=period)
    run = (
        ScoringRun.objects.filter(
            period=previous, finalised_at__isnull=False, superseded_by__isnull=True
        ).first()
        if previous
        else None
    )
    rows = list(Score.objects.filter(run=run).values_list("unit_id", "final")) if run else []
    frame = pd.DataFrame(rows, columns=["unit", "previous_final"])
    frame["unit"] = frame["unit"].astype("int64")
    frame["previous_final"] = frame["previous_final"].astype("float64")
    return frame


def unchanged_message(*, run: ScoringRun, published: ScoringRun) -> str:
    return _(
        "Tidak ada perubahan: the inputs of run %(run)s are those of the published "
        "run %(published)s, so it would replace nothing. Change what needs "
        "correcting, run the scoring again, or cancel the correction."
    ) % {"run": run.number, "published": published.number}


def scoring_run_finalise(*, run: ScoringRun, user, moment=None) -> ScoringRun:
    """Penetapan: publish a successful current run, once nothing that feeds it is still open
    (``penilaian.selectors.finalisation_blockers``). A correction run whose inputs are those of
    the published run is refused and supersedes nothing. Finalised results never change; the
    period's inputs are read-only from now on (``Period.check_inputs_editable``)."""
    with transaction.atomic():
        locked = ScoringRun.objects.select_for_update().get(pk=run.pk)
        period = Period.objects.select_for_update().get(pk=locked.period_id)
        if locked.is_finalised:
            raise ScoringRefused(_("This run is already finalised."))
        if locked.status != ScoringRun.Status.SUCCEEDED or not locked.is_current:
            raise ScoringRefused(
                _("Only the latest successful run can be finalised; run the scoring again.")
            )
        blockers = finalisation_blockers(period=period, moment=moment)
        if blockers:
            raise ScoringRefused(
                _("The results cannot be finalised yet: %(reasons)s")
                % {"reasons": " ".join(blockers)}
            )
        published = scoring_run_published(period=period)
        if scoring_run_unchanged(run=locked) is not None:
            raise ScoringRefused(unchanged_message(run=locked, published=published))
        now = timezone.now()
        if published is not None:
            ScoringRun.objects.filter(pk=published.pk).update(superseded_by=locked)
        locked.finalised_at = now
        locked.finalised_by = user
        if period.correction_open and not locked.reason:
            locked.reason = period.correction_reason
        locked.save(update_fields=["finalised_at", "finalised_by", "reason"])
        Period.objects.filter(pk=period.pk).update(
            finalised_at=now, correction_opened_at=None, correction_opened_by=None
        )
        run_published.send(sender=ScoringRun, run=locked)
    return locked


def period_correction_open(*, period: Period, reason: str, user) -> Period:
    """Unlock a finalised period's inputs for a correction; the reason goes with the run
    that will supersede the published one."""
    reason = (reason or "").strip()
    if not reason:
        raise ScoringRefused(_("Give the reason for the correction."), field="reason")
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if not locked.finalised_at:
            raise ScoringRefused(_("The results of this period are not finalised yet."))
        if locked.correction_open:
            raise ScoringRefused(_("A correction of this period is already open."))
        locked.correction_reason = reason[:500]
        locked.correction_opened_at = timezone.now()
        locked.correction_opened_by = user
        locked.save(
            update_fields=["correction_reason", "correction_opened_at", "correction_opened_by"]
        )
    logger.info("correction of %s opened by %s: %s", period, user, reason)
    return locked


def period_correction_cancel(*, period: Period, user) -> Period:
    """Close an open correction without a new publication: the inputs are read-only again and
    the published results stay as they are."""
    updated = Period.objects.filter(pk=period.pk, correction_opened_at__isnull=False).update(
        correction_opened_at=None, correction_opened_by=None
    )
    if not updated:
        raise ScoringRefused(_("No correction of this period is open."))
    logger.info("correction of %s cancelled by %s", period, user)
    return Period.objects.get(pk=period.pk)


def finalisation_override(
    *, period: Period, reason: str, user, key: str = "", kind: str = ""
) -> int:
    """Let penetapan go ahead despite unfinished jury work, with a reason: one item (``key``)
    or every open item of a kind (``kind``: verifikasi, sanggah, presentasi). The number of
    items overridden."""
    period.check_inputs_editable()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for going ahead without it.")})
    items = jury_work_items(period=period)
    if kind:
        chosen = [i for i in items if i["key"].startswith(f"{kind}:") and i["override"] is None]
    else:
        item = next((i for i in items if i["key"] == key), None)
        if item is not None and item["override"] is not None:
            raise ValidationError(_("This item is already overridden."))
        chosen = [item] if item is not None else []
    if not chosen:
        raise ValidationError(_("This item is no longer open; nothing to override."))
    FinalisationOverride.objects.bulk_create(
        FinalisationOverride(
            period=period,
            key=item["key"],
            unit=item["unit"],
            label=item["label"],
            reason=reason[:1000],
            created_by=user,
        )
        for item in chosen
    )
    return len(chosen)
