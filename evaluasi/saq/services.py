"""Writes of the SAQ: submissions, answers (with the version rule), evidence, submission
and reopening. Every write to a SAQ's answers and evidence holds the submission's lock."""

from __future__ import annotations

import logging
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from award.models import Period, Unit
from award.selectors import period_saq_is_open
from common.formats import decimal_text, moment_text
from common.jobs import (
    task_enqueue,
)
from common.net import link_reachable, url_problem
from common.uploads import upload_limit_mb
from evaluasi.models import (
    Answer,
    Evidence,
    Indicator,
    Submission,
    SubmissionEvent,
)
from evaluasi.questionnaires.rubric import (
    AnswerError,
    answer_normalise,
)
from evaluasi.questionnaires.selectors import (
    indicator_spec,
    questionnaire_active,
)
from evaluasi.saq.evidence_safety import evidence_active_content
from evaluasi.saq.selectors import (
    submission_answers,
    submission_evidence,
    submission_extension_close,
    submission_missing,
    submission_saq_deadline,
    submission_score,
)

logger = logging.getLogger(__name__)


@dataclass
class AnswerResult:
    answer: Answer | None
    conflict: Answer | None = None  # the stored answer that a stale save would overwrite


def submission_start(*, period: Period, unit: Unit) -> Submission:
    """The unit's submission for the period, created on first use with the active questionnaire."""
    submission = Submission.objects.filter(period=period, unit=unit).first()
    if submission:
        return submission
    questionnaire = questionnaire_active(period=period, level=unit.level)
    if questionnaire is None:
        raise ValidationError(
            _("There is no published questionnaire for level %(level)s in %(period)s yet.")
            % {"level": unit.level.name, "period": period.name}
        )
    try:
        with transaction.atomic():
            return Submission.objects.create(period=period, unit=unit, questionnaire=questionnaire)
    except IntegrityError:  # two operators opened it at the same moment
        return Submission.objects.get(period=period, unit=unit)


def submission_check_editable(*, submission: Submission, moment=None) -> None:
    """Raise ValidationError (in Indonesian) unless the unit may still change its SAQ now."""
    submission.period.check_inputs_editable()
    if submission.is_submitted:
        raise ValidationError(
            _("The SAQ has been submitted and is locked. Ask the administrator to reopen it.")
        )
    moment = moment or timezone.now()
    extension_close = submission_extension_close(submission=submission)
    if not period_saq_is_open(
        period=submission.period,
        unit=submission.unit,
        moment=moment,
        extension_close=extension_close,
    ):
        period = submission.period
        if period.stage_override:
            # The admin moved the stage by hand: the dates say nothing about why it is closed.
            raise ValidationError(
                _("The SAQ stage is closed (the period is now at the stage “%(stage)s”).")
                % {"stage": period.stage_label}
            )
        deadline = submission_saq_deadline(submission=submission)
        if moment < submission.period.saq_open:
            raise ValidationError(
                _("The SAQ opens on %(date)s.") % {"date": moment_text(submission.period.saq_open)}
            )
        raise ValidationError(
            _("The SAQ deadline (%(date)s) has passed; answers can no longer change.")
            % {"date": moment_text(deadline)}
        )


# What can change on a submission row after it is created; period, unit and questionnaire
# are fixed when the unit starts its SAQ (submission_start).
SUBMISSION_STATE = ("status", "submitted_at", "submitted_by_id", "saq_score", "updated_at")


def submission_lock(*, submission: Submission, exclusive: bool = False) -> Submission:
    """Lock a submission's row until the current transaction ends and bring ``submission``
    (with whatever the caller loaded beside it) to the row's state as it is now.

    Every write to a SAQ's answers and evidence takes the shared lock and checks the status it
    reads under it; submission takes the exclusive one. So a submission waits for the writes
    in flight, and a write that comes after it finds the SAQ submitted and is refused: no
    acknowledged answer lands after ``submitted_at``, and the stored SAQ score is computed
    from exactly the answers that were locked. (SQLite serialises writing transactions.)"""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("submission_lock needs a transaction")
    rows = Submission.objects.filter(pk=submission.pk)
    if connection.vendor == "postgresql":
        if exclusive:
            rows = rows.select_for_update()
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {Submission._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
                    [submission.pk],
                )
    for name, value in rows.values(*SUBMISSION_STATE).get().items():
        setattr(submission, name, value)
    return submission


def answer_clean(*, indicator: Indicator, raw) -> str:
    try:
        return answer_normalise(indicator_spec(indicator=indicator), raw)
    except AnswerError as error:
        raise ValidationError(str(error)) from None


def answer_save(
    *, submission: Submission, indicator: Indicator, raw, version: int | None, user, moment=None
) -> AnswerResult:
    """Save one answer unless someone else changed it since ``version`` was read.

    A stale save whose value differs from the stored one is not written: the stored answer is
    returned as ``conflict`` so the user can choose. Saving the value already stored is not a
    conflict.
    """
    if indicator.questionnaire_id != submission.questionnaire_id:
        raise ValidationError(_("This indicator is not part of the unit's questionnaire."))
    submission.period.check_inputs_editable()
    value = answer_clean(indicator=indicator, raw=raw)
    with transaction.atomic():
        submission = submission_lock(submission=submission)
        submission_check_editable(submission=submission, moment=moment)
        return _answer_write(
            submission=submission, indicator=indicator, value=value, version=version, user=user
        )


def _answer_write(*, submission, indicator, value: str, version, user) -> AnswerResult:
    current = Answer.objects.filter(submission=submission, indicator=indicator).first()
    if current is None:
        if value == "" and not version:
            return AnswerResult(answer=None)
        try:
            with transaction.atomic():
                answer = Answer.objects.create(
                    submission=submission, indicator=indicator, value=value, updated_by=user
                )
        except IntegrityError:
            current = Answer.objects.get(submission=submission, indicator=indicator)
            if current.value == value:
                return AnswerResult(answer=current)
            return AnswerResult(answer=None, conflict=current)
        return AnswerResult(answer=answer)
    if current.value == value:
        return AnswerResult(answer=current)
    if version is not None and int(version) != current.version:
        return AnswerResult(answer=None, conflict=current)
    updated = Answer.objects.filter(pk=current.pk, version=current.version).update(
        value=value, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )
    if not updated:
        current.refresh_from_db()
        return AnswerResult(answer=None, conflict=current)
    current.value, current.version, current.updated_by = value, current.version + 1, user
    return AnswerResult(answer=current)


EVIDENCE_TYPES = {
    ".pdf": ("pdf", "application/pdf"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
    ".png": ("png", "image/png"),
    ".docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def evidence_sniff(head: bytes, names_in_zip: set[str] | None = None) -> str | None:
    """The kind of a file from its first bytes (and, for Office files, its zip entries)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04") and names_in_zip is not None:
        if "word/document.xml" in names_in_zip:
            return "docx"
        if "xl/workbook.xml" in names_in_zip:
            return "xlsx"
    return None


def evidence_safe_name(name: str) -> str:
    """The last path component, made safe; never empty, never a path."""
    base = name.replace("\\", "/").split("/")[-1]
    safe = get_valid_filename(base.strip(". ")) if base.strip(". ") else ""
    return (safe or "bukti")[-120:]


def evidence_add_file(*, submission: Submission, indicator: Indicator, upload, user) -> Evidence:
    submission_check_editable(submission=submission)
    kind, content_type, name = evidence_file_check(upload=upload)
    with transaction.atomic():
        submission = submission_lock(submission=submission)
        submission_check_editable(submission=submission)
        evidence = Evidence(
            submission=submission,
            indicator=indicator,
            kind=Evidence.Kind.FILE,
            original_name=name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        evidence.file.save(f"{uuid.uuid4().hex[:12]}-{name}", upload, save=False)
        stored = evidence.file.name
        try:
            evidence.save()
        except Exception:
            evidence.file.storage.delete(stored)
            raise
        task_enqueue("evaluasi.evidence_analyse", evidence.pk)  # the jury assistant, on commit
    return evidence


def evidence_file_check(*, upload) -> tuple[str, str, str]:
    """The kind, content type and safe name of an uploaded evidence file, or ValidationError
    saying (in Indonesian) why it is refused: type, size, empty, content not matching."""
    name = evidence_safe_name(upload.name or "")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            _("“%(name)s”: only PDF, JPG, PNG, DOCX and XLSX files are accepted.") % {"name": name}
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(evidence_too_large_message(name=name, size=upload.size))
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    names = None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        upload.seek(0)
    kind, content_type = EVIDENCE_TYPES[extension]
    if evidence_sniff(head, names) != kind:
        raise ValidationError(
            _("The content of “%(name)s” is not a %(kind)s file. Upload the real document.")
            % {"name": name, "kind": kind.upper()}
        )
    problem = evidence_active_content(kind=kind, data=upload.read(), name=name)
    upload.seek(0)
    if problem:
        raise ValidationError(problem)
    return kind, content_type, name


def evidence_too_large_message(*, name: str, size: int) -> str:
    return _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.") % {
        "name": name,
        "size": decimal_text(size / 1048576, 1),
        "limit": upload_limit_mb(),
    }


def evidence_add_url(*, submission: Submission, indicator: Indicator, url: str, user) -> Evidence:
    submission_check_editable(submission=submission)
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            _("“%(url)s” is not a valid web address; start it with https://.") % {"url": url}
        ) from None
    if url_problem(url):
        raise ValidationError(
            _(
                "“%(url)s” cannot be used as evidence: give the address of a public web page "
                "(http or https, without a port number or a password)."
            )
            % {"url": url}
        )
    with transaction.atomic():
        submission = submission_lock(submission=submission)
        submission_check_editable(submission=submission)
        evidence = Evidence.objects.create(
            submission=submission,
            indicator=indicator,
            kind=Evidence.Kind.URL,
            url=url[:1000],
            uploaded_by=user,
        )
    # Without a queue the link simply stays "not checked yet"; the evidence is saved.
    task_enqueue("evaluasi.evidence_link_check", evidence.pk)
    return evidence


def evidence_delete(*, evidence: Evidence) -> None:
    with transaction.atomic():
        submission = submission_lock(submission=evidence.submission)
        submission_check_editable(submission=submission)
        name = evidence.file.name if evidence.file else ""
        storage = evidence.file.storage
        evidence.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def evidence_link_check(*, evidence_id: int, timeout: float = 5) -> str:
    """Mark a link as reachable or not, for the jury to see. Never raises on network errors,
    and never fetches an address outside the public internet (``common.net``): such a link is
    simply "broken", so the answer tells an operator nothing about the server's own network."""
    evidence = Evidence.objects.filter(pk=evidence_id, kind=Evidence.Kind.URL).first()
    if evidence is None:
        return ""
    reachable = link_reachable(evidence.url, timeout=timeout)
    status = Evidence.LinkStatus.OK if reachable else Evidence.LinkStatus.BROKEN
    Evidence.objects.filter(pk=evidence_id).update(
        link_status=status, link_checked_at=timezone.now()
    )
    return status


def submission_submit(*, submission: Submission, user, moment=None) -> Submission:
    """Lock the SAQ after checking that every required answer and evidence is there.

    A second click finds it already submitted and says so; nothing changes twice.
    """
    with transaction.atomic():
        locked = submission_lock(submission=submission, exclusive=True)
        if locked.is_submitted:
            raise ValidationError(_("This SAQ was already submitted."))
        submission_check_editable(submission=locked, moment=moment)
        # Read under the exclusive lock: exactly the answers and evidence that are locked in.
        answers = submission_answers(submission=locked)
        missing = submission_missing(
            submission=locked, answers=answers, evidence=submission_evidence(submission=locked)
        )
        if missing:
            raise ValidationError(
                _("%(count)s required answers or evidence are still missing.")
                % {"count": len(missing)}
            )
        now = timezone.now()
        changes = {
            "status": Submission.Status.SUBMITTED,
            "submitted_at": now,
            "submitted_by": user,
            "saq_score": submission_score(submission=locked, answers=answers),
            "updated_at": now,
        }
        Submission.objects.filter(pk=locked.pk).update(**changes)
        SubmissionEvent.objects.create(
            submission=locked, kind=SubmissionEvent.Kind.SUBMITTED, user=user
        )
        # The receipt email leaves from a worker: an SMTP server that answers slowly never
        # holds the operator's submit (and 200 of them at the deadline).
        task_enqueue("evaluasi.submission_receipt", locked.pk)
    for name, value in changes.items():  # what the row now holds, without reading it again
        setattr(submission, name, value)
    return submission


def submission_reopen(*, submission: Submission, reason: str, user) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening."))
    Period.objects.get(pk=submission.period_id).check_inputs_editable()
    with transaction.atomic():
        updated = Submission.objects.filter(
            pk=submission.pk, status=Submission.Status.SUBMITTED
        ).update(status=Submission.Status.DRAFT, submitted_at=None, saq_score=None)
        if not updated:
            raise ValidationError(_("This SAQ is not submitted, so it is already open."))
        SubmissionEvent.objects.create(
            submission=submission,
            kind=SubmissionEvent.Kind.REOPENED,
            reason=reason[:500],
            user=user,
        )
    submission.refresh_from_db()
    return submission
