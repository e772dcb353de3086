"""Writes of questionnaires: import, copy, versions, publication and the editor's changes."""

from __future__ import annotations

import contextvars
import logging
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from award.jobs import (
    ImportRejected,
    job_apply_run,
    job_check_run,
    job_confirm,
    job_create,
    job_enqueue,
    lost_reason,
    queue_down_message,
    task_enqueue,
)
from award.models import Job, Level, Period, Unit
from award.net import link_reachable, url_problem
from award.selectors import period_saq_deadline, period_saq_deadlines, period_saq_is_open
from award.workbooks import Problems, cell_text

from .models import (
    Answer,
    Aspect,
    Assignment,
    Evidence,
    Indicator,
    Option,
    PresentationScore,
    Questionnaire,
    ReminderLog,
    Score,
    ScoringChunk,
    ScoringRun,
    Submission,
    SubmissionEvent,
    Verification,
)
from .rubric import (
    AnswerError,
    QuestionnaireSpec,
    answer_normalise,
    spec_problems,
)
from .selectors import (
    indicator_spec,
    period_previous,
    questionnaire_active,
    questionnaire_spec,
    submission_missing,
    submission_score,
)
from .workbook import answers_parse, questionnaire_parse

logger = logging.getLogger(__name__)


def _ensure_editable(questionnaire: Questionnaire) -> None:
    if questionnaire.is_frozen:
        raise ValidationError(
            _(
                "This questionnaire is published and the SAQ has opened, so it cannot change. "
                "Make a new version instead."
            )
        )


# --- creating from a spec -----------------------------------------------------------------
@transaction.atomic
def questionnaire_create_from_spec(
    *, spec: QuestionnaireSpec, period: Period, created_by=None, file_name: str = ""
) -> Questionnaire:
    """Store a questionnaire as a new draft version for its period and level."""
    level = Level.objects.get(code=spec.level)
    latest = (
        Questionnaire.objects.select_for_update()
        .filter(period=period, level=level)
        .aggregate(v=Max("version"))["v"]
    )
    questionnaire = Questionnaire.objects.create(
        period=period,
        level=level,
        title=spec.title,
        version=(latest or 0) + 1,
        version_label=spec.version_label,
        source_file_name=file_name[:255],
        created_by=created_by,
    )
    aspects = Aspect.objects.bulk_create(
        [
            Aspect(
                questionnaire=questionnaire,
                code=a.code,
                name=a.name,
                weight=a.weight,
                order=index,
                description=a.description,
            )
            for index, a in enumerate(spec.aspects)
        ]
    )
    indicators = []
    for aspect, aspect_spec in zip(aspects, spec.aspects, strict=True):
        for index, i in enumerate(aspect_spec.indicators):
            indicators.append(
                Indicator(
                    questionnaire=questionnaire,
                    aspect=aspect,
                    code=i.code,
                    question=i.question,
                    type=i.type,
                    weight=i.weight,
                    evidence=i.evidence,
                    guidance=i.guidance,
                    min_value=i.min_value,
                    max_value=i.max_value,
                    required=i.required,
                    group=i.group,
                    order=index,
                )
            )
    indicators = Indicator.objects.bulk_create(indicators, batch_size=1000)
    specs = [i for a in spec.aspects for i in a.indicators]
    Option.objects.bulk_create(
        [
            Option(indicator=indicator, code=o.code, label=o.label, value=o.value, order=index)
            for indicator, indicator_spec in zip(indicators, specs, strict=True)
            for index, o in enumerate(indicator_spec.options)
        ],
        batch_size=2000,
    )
    return questionnaire


# A rejected workbook (all or nothing) carries every problem found.
QuestionnaireRejected = ImportRejected


def questionnaire_import(
    *, data: bytes, period: Period, created_by=None, file_name: str = ""
) -> Questionnaire:
    """Import a workbook: all or nothing; raises QuestionnaireRejected listing every problem."""
    parsed = questionnaire_parse(
        data, level_codes=set(Level.objects.values_list("code", flat=True))
    )
    if parsed.problems.errors:
        raise QuestionnaireRejected(parsed.problems)
    return questionnaire_create_from_spec(
        spec=parsed.spec, period=period, created_by=created_by, file_name=file_name
    )


# --- import as a job with a preview -------------------------------------------------------
def questionnaire_import_start(*, data: bytes, file_name: str, period: Period, user) -> Job:
    from .tasks import questionnaire_import_check_task

    job = job_create(
        kind=Job.Kind.QUESTIONNAIRE_IMPORT,
        created_by=user,
        data=data,
        file_name=file_name,
        params={"period": period.pk},
    )
    if getattr(job, "created_now", False):
        job_enqueue(job=job, task=questionnaire_import_check_task)
    return job


def questionnaire_import_job_check(*, job_id: int) -> Job:
    def check(job, data, report):
        report(20, _("Reading the workbook"))
        parsed = questionnaire_parse(
            data, level_codes=set(Level.objects.values_list("code", flat=True))
        )
        return parsed.problems, parsed.preview()

    return job_check_run(job_id=job_id, check=check)


def questionnaire_import_confirm(*, job: Job) -> bool:
    from .tasks import questionnaire_import_apply_task

    return job_confirm(job=job, task=questionnaire_import_apply_task)


def questionnaire_import_job_apply(*, job_id: int) -> Job:
    def apply(job, data, report):
        report(50, _("Saving the questionnaire"))
        questionnaire = questionnaire_import(
            data=data,
            period=Period.objects.get(pk=job.params["period"]),
            created_by=job.created_by,
            file_name=job.file_name,
        )
        message = _("Questionnaire “%(title)s” imported as draft version %(version)s.") % {
            "title": questionnaire.title,
            "version": questionnaire.version,
        }
        return message, {**job.result, "questionnaire": questionnaire.pk}

    return job_apply_run(job_id=job_id, apply=apply)


# --- versions, copies, publication --------------------------------------------------------
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    problems = spec_problems(questionnaire_spec(questionnaire=questionnaire))
    if problems:
        raise ValidationError([p.message for p in problems])
    if questionnaire.status == Questionnaire.Status.PUBLISHED:
        return questionnaire
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["status", "published_at", "updated_at"])
    return questionnaire


def questionnaire_new_version(*, questionnaire: Questionnaire, created_by) -> Questionnaire:
    """A draft copy with the next version number (the way to change a frozen questionnaire)."""
    return questionnaire_create_from_spec(
        spec=questionnaire_spec(questionnaire=questionnaire),
        period=questionnaire.period,
        created_by=created_by,
    )


@transaction.atomic
def questionnaire_copy_from_previous(*, period: Period, created_by) -> list[Questionnaire]:
    """Copy each level's latest questionnaire of the previous period into ``period``."""
    previous = period_previous(period=period)
    if previous is None:
        raise ValidationError(_("There is no earlier period to copy from."))
    copies = []
    for level in Level.objects.all():
        source = (
            Questionnaire.objects.filter(period=previous, level=level)
            .order_by("-status", "-version")  # "published" sorts after "draft"
            .first()
        )
        if source is None:
            continue
        spec = questionnaire_spec(questionnaire=source)
        copies.append(
            questionnaire_create_from_spec(spec=spec, period=period, created_by=created_by)
        )
    if not copies:
        raise ValidationError(
            _("Period %(year)s has no questionnaire to copy.") % {"year": previous.year}
        )
    return copies


def questionnaire_delete(*, questionnaire: Questionnaire) -> None:
    if questionnaire.status != Questionnaire.Status.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    questionnaire.delete()


def questionnaire_update(*, questionnaire: Questionnaire, title: str) -> Questionnaire:
    _ensure_editable(questionnaire)
    questionnaire.title = title
    questionnaire.save(update_fields=["title", "updated_at"])
    return questionnaire


# --- editor: aspects, indicators, options -------------------------------------------------
def aspect_save(*, questionnaire: Questionnaire, aspect: Aspect | None = None, **fields) -> Aspect:
    _ensure_editable(questionnaire)
    if aspect is None:
        last = questionnaire.aspects.aggregate(m=Max("order"))["m"]
        aspect = Aspect(questionnaire=questionnaire, order=(last or 0) + 1)
    for key, value in fields.items():
        setattr(aspect, key, value)
    aspect.full_clean()
    aspect.save()
    return aspect


def aspect_delete(*, aspect: Aspect) -> None:
    _ensure_editable(aspect.questionnaire)
    aspect.delete()


def _move(queryset, item, direction: str) -> None:
    """Swap ``item`` with its neighbour above ("up") or below ("down")."""
    items = list(queryset.order_by("order", "id"))
    for position, candidate in enumerate(items):
        candidate.order = position
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index].order, items[other].order = items[other].order, items[index].order
    type(item).objects.bulk_update(items, ["order"])


def aspect_move(*, aspect: Aspect, direction: str) -> None:
    _ensure_editable(aspect.questionnaire)
    _move(aspect.questionnaire.aspects.all(), aspect, direction)


@transaction.atomic
def indicator_save(
    *,
    aspect: Aspect,
    indicator: Indicator | None = None,
    options: list[dict] | None = None,
    **fields,
) -> Indicator:
    """Save an indicator and (when given) replace its options; the questionnaire-wide
    invariants are reported by the editor and enforced at publication."""
    questionnaire = aspect.questionnaire
    _ensure_editable(questionnaire)
    if indicator is None:
        last = aspect.indicators.aggregate(m=Max("order"))["m"]
        indicator = Indicator(questionnaire=questionnaire, aspect=aspect, order=(last or 0) + 1)
    for key, value in fields.items():
        setattr(indicator, key, value)
    if indicator.type in ("teks", "url"):
        indicator.weight = Decimal(0)
    indicator.full_clean()
    indicator.save()
    if options is not None:
        indicator.options.all().delete()
        Option.objects.bulk_create(
            [
                Option(indicator=indicator, order=index, **option)
                for index, option in enumerate(options)
            ]
        )
    return indicator


def indicator_delete(*, indicator: Indicator) -> None:
    _ensure_editable(indicator.questionnaire)
    indicator.delete()


def indicator_move(*, indicator: Indicator, direction: str) -> None:
    _ensure_editable(indicator.questionnaire)
    _move(indicator.aspect.indicators.all(), indicator, direction)


# === the SAQ ==============================================================================
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
    if submission.is_submitted:
        raise ValidationError(
            _("The SAQ has been submitted and is locked. Ask the administrator to reopen it.")
        )
    moment = moment or timezone.now()
    if not period_saq_is_open(period=submission.period, unit=submission.unit, moment=moment):
        deadline = period_saq_deadline(period=submission.period, unit=submission.unit)
        if moment < submission.period.saq_open:
            raise ValidationError(
                _("The SAQ opens on %(date)s WITA.")
                % {
                    "date": timezone.localtime(submission.period.saq_open).strftime(
                        "%d-%m-%Y %H:%M"
                    )
                }
            )
        raise ValidationError(
            _("The SAQ deadline (%(date)s WITA) has passed; answers can no longer change.")
            % {"date": timezone.localtime(deadline).strftime("%d-%m-%Y %H:%M")}
        )


def submission_lock(*, submission_id: int, exclusive: bool = False) -> Submission:
    """Lock a submission's row until the current transaction ends and return it as it is now.

    Every write to a SAQ's answers and evidence takes the shared lock and checks the status it
    reads under it; submission takes the exclusive one. So a submission waits for the writes
    in flight, and a write that comes after it finds the SAQ submitted and is refused: no
    acknowledged answer lands after ``submitted_at``, and the stored SAQ score is computed
    from exactly the answers that were locked. (SQLite serialises writing transactions.)"""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("submission_lock needs a transaction")
    rows = Submission.objects.select_related("period", "unit", "questionnaire")
    if connection.vendor == "postgresql":
        if exclusive:
            return rows.select_for_update(of=("self",)).get(pk=submission_id)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM evaluasi_submission WHERE id = %s FOR SHARE", [submission_id]
            )
    return rows.get(pk=submission_id)


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
    value = answer_clean(indicator=indicator, raw=raw)
    with transaction.atomic():
        submission = submission_lock(submission_id=submission.pk)
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
        submission = submission_lock(submission_id=submission.pk)
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
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
        )
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
    return kind, content_type, name


def evidence_add_url(*, submission: Submission, indicator: Indicator, url: str, user) -> Evidence:
    from .tasks import evidence_link_check_task

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
        submission = submission_lock(submission_id=submission.pk)
        submission_check_editable(submission=submission)
        evidence = Evidence.objects.create(
            submission=submission,
            indicator=indicator,
            kind=Evidence.Kind.URL,
            url=url[:1000],
            uploaded_by=user,
        )
    # Without a queue the link simply stays "not checked yet"; the evidence is saved.
    task_enqueue(evidence_link_check_task, evidence.pk)
    return evidence


def evidence_delete(*, evidence: Evidence) -> None:
    with transaction.atomic():
        submission = submission_lock(submission_id=evidence.submission_id)
        submission_check_editable(submission=submission)
        name = evidence.file.name if evidence.file else ""
        storage = evidence.file.storage
        evidence.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def evidence_link_check(*, evidence_id: int, timeout: float = 5) -> str:
    """Mark a link as reachable or not, for the jury to see. Never raises on network errors,
    and never fetches an address outside the public internet (``award.net``): such a link is
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
        locked = submission_lock(submission_id=submission.pk, exclusive=True)
        if locked.is_submitted:
            raise ValidationError(_("This SAQ was already submitted."))
        submission_check_editable(submission=locked, moment=moment)
        # Read under the exclusive lock: exactly the answers and evidence that are locked in.
        missing = submission_missing(submission=locked)
        if missing:
            raise ValidationError(
                _("%(count)s required answers or evidence are still missing.")
                % {"count": len(missing)}
            )
        now = timezone.now()
        Submission.objects.filter(pk=locked.pk).update(
            status=Submission.Status.SUBMITTED,
            submitted_at=now,
            submitted_by=user,
            saq_score=submission_score(submission=locked),
            updated_at=now,
        )
        SubmissionEvent.objects.create(
            submission=locked, kind=SubmissionEvent.Kind.SUBMITTED, user=user
        )
    submission.refresh_from_db()
    return submission


def submission_reopen(*, submission: Submission, reason: str, user) -> Submission:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening."))
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


# --- offline filling: answers workbook ----------------------------------------------------
@dataclass
class AnswersPlan:
    problems: Problems
    submission: Submission | None = None
    changes: list[dict] = field(default_factory=list)  # code, question, old, new
    urls: list[tuple[Indicator, str]] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # indicator -> normalised value

    def summary(self) -> dict:
        return {
            "unit": self.submission.unit.name if self.submission else "",
            "changes": self.changes,
            "urls": [{"code": i.code, "url": url} for i, url in self.urls],
            **self.problems.as_lists(),
        }


def answers_import_check(*, data: bytes, submission: Submission | None = None) -> AnswersPlan:
    """Check an answers workbook; with ``submission`` it must be for that unit and period."""
    parsed = answers_parse(data)
    plan = AnswersPlan(problems=parsed.problems)
    problems = parsed.problems
    if problems.errors:
        return plan
    target = (
        Submission.objects.filter(unit__code=parsed.unit_code, period__year=parsed.year)
        .select_related("unit", "period")
        .first()
    )
    if submission is not None and (
        parsed.unit_code != submission.unit.code or parsed.year != submission.period.year
    ):
        problems.error(
            "pengaturan",
            "B2",
            _(
                "This workbook is for unit %(code)s, period %(year)s; you are filling "
                "%(unit)s, period %(period)s. Download this unit's own workbook."
            )
            % {
                "code": parsed.unit_code,
                "year": parsed.year,
                "unit": submission.unit.code,
                "period": submission.period.year,
            },
        )
        return plan
    if target is None:
        unit = Unit.objects.filter(code=parsed.unit_code).first()
        period = Period.objects.filter(year=parsed.year).first()
        if unit is None or period is None:
            problems.error(
                "pengaturan",
                "B2",
                _("Unit %(code)s or period %(year)s does not exist.")
                % {"code": parsed.unit_code, "year": parsed.year},
            )
            return plan
        try:
            target = submission_start(period=period, unit=unit)
        except ValidationError as error:
            problems.error("pengaturan", "B3", error.messages[0])
            return plan
    plan.submission = target
    try:
        submission_check_editable(submission=target)
    except ValidationError as error:
        problems.error("pengaturan", "B3", error.messages[0])
        return plan
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(questionnaire_id=target.questionnaire_id)
        .prefetch_related("options")
        .order_by("aspect__order", "order")
    }
    current = {a.indicator_id: a.value for a in target.answers.all()}
    existing_urls = set(target.evidence.filter(kind="url").values_list("indicator_id", "url"))
    url_validator = URLValidator(schemes=["http", "https"])
    for item in parsed.rows:
        row = item["row"]
        indicator = indicators.get(item["code"])
        if indicator is None:
            problems.error(
                row.sheet,
                row.ref("indikator"),
                _("Indicator '%(code)s' is not in this unit's questionnaire.")
                % {"code": item["code"]},
            )
            continue
        raw = item["value"] if indicator.type == "angka" else cell_text(item["value"])
        try:
            value = answer_normalise(indicator_spec(indicator=indicator), raw)
        except AnswerError as error:
            problems.error(row.sheet, row.ref("jawaban"), str(error))
            continue
        if item["url"]:
            try:
                url_validator(item["url"])
            except ValidationError:
                problems.error(
                    row.sheet,
                    row.ref("bukti_url"),
                    _("“%(url)s” is not a valid web address; start it with https://.")
                    % {"url": item["url"]},
                )
                continue
            if (indicator.pk, item["url"]) not in existing_urls:
                plan.urls.append((indicator, item["url"]))
        old = current.get(indicator.pk, "")
        if value != old:
            plan.values[indicator] = value
            plan.changes.append(
                {
                    "code": indicator.code,
                    "question": indicator.question[:120],
                    "old": old,
                    "new": value,
                }
            )
    return plan


def answers_import_apply(
    *, data: bytes, user, submission: Submission | None = None, submit: bool = False
) -> AnswersPlan:
    """Apply an answers workbook: all or nothing; optionally submit the SAQ afterwards."""
    plan = answers_import_check(data=data, submission=submission)
    if plan.problems.errors:
        raise QuestionnaireRejected(plan.problems)
    with transaction.atomic():
        for indicator, value in plan.values.items():
            answer_save(
                submission=plan.submission, indicator=indicator, raw=value, version=None, user=user
            )
        for indicator, url in plan.urls:
            evidence_add_url(submission=plan.submission, indicator=indicator, url=url, user=user)
        if submit:
            submission_submit(submission=plan.submission, user=user)
    return plan


def answers_import_start(*, data: bytes, file_name: str, submission: Submission, user) -> Job:
    from .tasks import answers_import_check_task

    job = job_create(
        kind=Job.Kind.ANSWERS_IMPORT,
        created_by=user,
        data=data,
        file_name=file_name,
        params={"submission": submission.pk},
    )
    if getattr(job, "created_now", False):
        job_enqueue(job=job, task=answers_import_check_task)
    return job


def answers_import_job_check(*, job_id: int) -> Job:
    def check(job, data, report):
        report(30, _("Reading the workbook"))
        submission = Submission.objects.get(pk=job.params["submission"])
        plan = answers_import_check(data=data, submission=submission)
        return plan.problems, plan.summary()

    return job_check_run(job_id=job_id, check=check)


def answers_import_confirm(*, job: Job) -> bool:
    from .tasks import answers_import_apply_task

    return job_confirm(job=job, task=answers_import_apply_task)


def answers_import_job_apply(*, job_id: int) -> Job:
    def apply(job, data, report):
        submission = Submission.objects.get(pk=job.params["submission"])
        try:
            plan = answers_import_apply(data=data, user=job.created_by, submission=submission)
        except ValidationError as error:
            problems = Problems()
            for message in error.messages:
                problems.error("", "", message)
            raise ImportRejected(problems) from error
        message = _("%(count)s answers saved from the workbook.") % {"count": len(plan.changes)}
        return message, job.result

    return job_apply_run(job_id=job_id, apply=apply)


# --- participation and reminders ----------------------------------------------------------
def reminders_send(*, period: Period, units, kind: str = "manual", days_before=None) -> int:
    """Email the operators of each unit that has not submitted; returns emails sent."""
    from django.core.mail import send_mass_mail

    submitted = set(
        Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED).values_list(
            "unit_id", flat=True
        )
    )
    messages_out = []
    for unit in units:
        if unit.pk in submitted:
            continue
        recipients = sorted(
            {m.user.email for m in unit.operator_memberships.select_related("user") if m.user.email}
            | ({unit.operator_email} if unit.operator_email else set())
        )
        if not recipients:
            continue
        deadline = timezone.localtime(period_saq_deadline(period=period, unit=unit))
        body = "\n".join(
            [
                _("Hello PPID operator of %(unit)s,") % {"unit": unit.name},
                "",
                _("Your self-assessment (SAQ) for %(period)s has not been submitted yet.")
                % {"period": period.name},
                _("The deadline is %(date)s WITA.") % {"date": deadline.strftime("%d-%m-%Y %H:%M")},
                "",
                _("Sign in at %(url)s to complete it.") % {"url": settings.SITE_URL + "/masuk/"},
            ]
        )
        messages_out.append(
            (_("Reminder: PPID Award SAQ %(year)s") % {"year": period.year}, body, None, recipients)
        )
        ReminderLog.objects.create(
            period=period,
            unit=unit,
            kind=kind,
            days_before=days_before,
            recipients=len(recipients),
        )
    if messages_out:
        send_mass_mail(messages_out, fail_silently=False)
    return len(messages_out)


def reminders_due(*, moment=None) -> int:
    """Celery beat, daily: remind units N days before their deadline (period.reminder_days),
    once per unit and N (a second run the same day, or a restarted beat, sends nothing)."""
    moment = moment or timezone.now()
    today = timezone.localtime(moment).date()
    sent = 0
    for period in Period.objects.all():
        days = period.reminder_day_list()
        if not days or period.stage_at(moment) not in ("saq",):
            continue
        deadlines = period_saq_deadlines(period=period)
        already = set(
            ReminderLog.objects.filter(period=period, kind="auto").values_list(
                "unit_id", "days_before"
            )
        )
        due: dict[int, list[Unit]] = {}
        for unit in Unit.objects.filter(active=True):
            deadline = timezone.localtime(deadlines.get(unit.pk, period.saq_close)).date()
            left = (deadline - today).days
            if left in days and (unit.pk, left) not in already:
                due.setdefault(left, []).append(unit)
        for left, units in due.items():
            sent += reminders_send(period=period, units=units, kind="auto", days_before=left)
    return sent


# --- juries (screens come with the jury issue; the scoring engine reads these) -------------
def assignment_add(*, period: Period, jury, unit: Unit) -> Assignment:
    assignment = Assignment(period=period, jury=jury, unit=unit)
    assignment.full_clean()
    assignment.save()
    return assignment


def verification_save(
    *, submission: Submission, indicator: Indicator, jury, decision: str, value="", reason=""
):
    """A jury's accept / adjust (with the new answer and a reason) / reject (with a reason)."""
    if not submission.is_submitted:
        raise ValidationError(_("Only a submitted SAQ can be verified."))
    verification = Verification.objects.filter(
        submission=submission, indicator=indicator, jury=jury
    ).first() or Verification(submission=submission, indicator=indicator, jury=jury)
    verification.decision = decision
    verification.value = "" if value is None else str(value)
    verification.reason = reason or ""
    verification.full_clean()
    verification.save()
    return verification


def presentation_score_save(*, criterion, unit: Unit, jury, score):
    item = PresentationScore.objects.filter(criterion=criterion, unit=unit, jury=jury).first()
    item = item or PresentationScore(criterion=criterion, unit=unit, jury=jury)
    item.score = score
    item.full_clean()
    item.save()
    return item


# === scoring runs (DESIGN.md §3; engine in evaluasi.scoring) ==============================
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
    from . import tasks

    service, task = {
        "plan": (lambda: scoring_run_plan(run_id=pk), tasks.scoring_plan_task),
        "chunk": (lambda: scoring_chunk_run(chunk_id=pk), tasks.scoring_chunk_task),
        "finish": (lambda: scoring_run_finish(run_id=pk), tasks.scoring_finish_task),
    }[stage]
    if _INLINE.get():
        service()
        return
    run_id = pk if stage != "chunk" else None
    task_id = None
    if stage == "plan":
        task_id = uuid.uuid4().hex
        ScoringRun.objects.filter(pk=pk).update(task_id=task_id)

    def queue_down():
        if run_id is not None:
            scoring_run_fail(run_id=run_id, message=queue_down_message())
        else:
            for chunk_run in ScoringChunk.objects.filter(pk=pk).values_list("run_id", flat=True):
                scoring_run_fail(run_id=chunk_run, message=queue_down_message())

    task_enqueue(task, pk, task_id=task_id, on_error=queue_down)


def _run_update(run_id: int, **fields) -> None:
    """Update a run's row in its own short transaction (progress is visible to every process)."""
    ScoringRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now(), **fields)


def scoring_runs_fail_stale(*, period: Period | None = None, moment=None) -> int:
    """Mark failed the runs (of ``period``, or of every period) that can no longer finish:
    their worker stopped reporting for SCORING_STALE_MINUTES (killed, lost), or the broker
    lost the message of a run still queued (``award.jobs.lost_reason``)."""
    moment = moment or timezone.now()
    limit = moment - timezone.timedelta(minutes=settings.SCORING_STALE_MINUTES)
    active = ScoringRun.objects.filter(status__in=ScoringRun.ACTIVE)
    if period is not None:
        active = active.filter(period=period)
    count = active.filter(heartbeat_at__lt=limit).update(
        status=ScoringRun.Status.FAILED,
        finished_at=moment,
        message=_("The run stopped without finishing (its worker was stopped or lost)."),
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
    One run per period at a time; after a finalisation a new run is a correction and needs a
    reason."""
    reason = (reason or "").strip()
    scoring_runs_fail_stale(period=period)
    if ScoringRun.objects.filter(period=period, finalised_at__isnull=False).exists() and not reason:
        raise ScoringRefused(
            _("The results of this period are finalised: state the reason for the correction."),
            field="reason",
        )
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


def _run_guard(run_id: int, work):
    """Run ``work`` for an active run; any error fails the run with a readable message."""
    run = ScoringRun.objects.select_related("period").filter(pk=run_id).first()
    if run is None or not run.is_active:
        return None
    try:
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
    from . import scoring

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
    from . import scoring

    chunk = ScoringChunk.objects.filter(pk=chunk_id).only("run_id", "spec", "done").first()
    if chunk is None or chunk.done:
        return

    def compute(run):
        began = time.perf_counter()
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
    from . import scoring

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
            )
            ScoringChunk.objects.filter(run_id=run.pk).update(result=None)

    _run_guard(run_id, finish)


@dataclass
class ScoringResult:
    units: object
    input_hash: str
    stats: dict


def scoring_compute(*, run: ScoringRun) -> ScoringResult:
    """Load a run's inputs (the chunks' results plus the small tables), compute every score."""
    import pandas as pd

    from . import scoring

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
    submissions = scoring.load_submissions(period.pk)
    aspects, indicators, options = scoring.load_rubric(
        sorted(int(q) for q in submissions["questionnaire"].unique())
    )
    presentation = scoring.load_presentation(period.pk)
    previous = scores_previous(period=period)
    settings_ = scoring.PeriodSettings.of(period)
    units = scoring.period_compute(
        settings_=settings_,
        submissions=submissions,
        totals=parts["units"],
        presentation=presentation,
        previous=previous,
    )
    from dataclasses import asdict

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
    return ScoringResult(units=units, input_hash=input_hash, stats=stats)


def scores_previous(*, period: Period):
    """The published final scores of the previous period, per unit (for year over year)."""
    import pandas as pd

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


SCORE_COLUMNS = [
    "run_id",
    "unit_id",
    "level_id",
    "submitted_at",
    "saq",
    "verified",
    "presentation",
    "presentation_pending",
    "final",
    "qualification",
    "rank",
    "finalist",
    "verified_count",
    "aspects",
    "previous_final",
    "change",
]


def scores_write(*, run: ScoringRun, units) -> int:
    """Write a run's Score rows in one go (COPY on PostgreSQL)."""
    import io

    import pandas as pd

    from .scoring import money

    count = len(units)
    out = pd.DataFrame(
        {
            "run_id": [run.pk] * count,
            "unit_id": units["unit"].astype("int64").to_numpy(),
            "level_id": units["level"].astype("int64").to_numpy(),
            "submitted_at": units["submitted_at"].reset_index(drop=True),
            "saq": money(units["saq"]),
            "verified": money(units["verified"]) if run.period.has_verification else [None] * count,
            "presentation": money(units["presentation"]),
            "presentation_pending": units["presentation_pending"].astype(bool).to_numpy(),
            "final": money(units["final"]),
            "qualification": units["qualification"].astype(str).to_numpy(),
            "rank": units["rank"].astype("int64").to_numpy(),
            "finalist": units["finalist"].astype(bool).to_numpy(),
            "verified_count": units["verified_count"].astype("int64").to_numpy(),
            "aspects": units["aspects"].to_numpy(),
            "previous_final": money(units["previous_final"]),
            "change": money(units["change"]),
        },
        columns=SCORE_COLUMNS,
    )
    table = Score._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            out.to_csv(buffer, index=False, header=False, na_rep="")
            with cursor.cursor.copy(
                f"COPY {table} ({', '.join(SCORE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
        else:
            out["submitted_at"] = [
                None if pd.isna(ts) else pd.Timestamp(ts).isoformat() for ts in out["submitted_at"]
            ]
            rows = list(out.astype(object).where(out.notna(), None).itertuples(index=False))
            marks = ", ".join(["%s"] * len(SCORE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(SCORE_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                rows,
            )
    return count


def scoring_run_finalise(*, run: ScoringRun, user) -> ScoringRun:
    """Penetapan: freeze and publish a successful current run; it supersedes the previously
    published run of the period. Finalised results never change."""
    with transaction.atomic():
        locked = ScoringRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_finalised:
            raise ScoringRefused(_("This run is already finalised."))
        if locked.status != ScoringRun.Status.SUCCEEDED or not locked.is_current:
            raise ScoringRefused(
                _("Only the latest successful run can be finalised; run the scoring again.")
            )
        now = timezone.now()
        ScoringRun.objects.filter(
            period_id=locked.period_id, finalised_at__isnull=False, superseded_by__isnull=True
        ).update(superseded_by=locked)
        locked.finalised_at = now
        locked.finalised_by = user
        locked.save(update_fields=["finalised_at", "finalised_by"])
    return locked
