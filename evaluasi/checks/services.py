"""The jury assistant's writes: analysing one evidence file (its content once per SHA-256, then
the flags that depend on its unit, period and indicator) and a whole period as a job.

The flags of one evidence (codes stable, reasons in Indonesian, evidence in ``details``):
``kosong`` (blank pages or almost no text even after OCR), ``tanpa_teks`` (a PDF without a
text layer: the OCR text is shown instead), ``tanpa_nama_unit`` (the text never names the
unit), ``kedaluwarsa`` (the newest date is older than the period's window), ``tidak_terkait``
(little to do with the indicator), ``tidak_terbaca`` (encrypted, damaged, too large). Flags
between units and of links are read live by the selectors."""

from __future__ import annotations

import hashlib
import logging
import time

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from award.models import Period
from common.jobs import JobRefused, job_start
from evaluasi import jobs as evaluasi_jobs
from evaluasi.models import Evidence, Indicator
from evaluasi.saq.services import EVIDENCE_TYPES

from . import extract as extraction
from . import text as reading
from .models import ANALYSER_VERSION, ContentBand, EvidenceCheck, EvidenceContent

logger = logging.getLogger(__name__)


def flag(code: str, reason: str, **details) -> dict:
    return {"code": code, "reason": reason, **({"details": details} if details else {})}


def evidence_analyse(*, evidence_id: int, force: bool = False) -> EvidenceCheck | None:
    """Analyse one evidence file: its content (reused when the same bytes were analysed
    before), then its own flags. Returns None for a link or a deleted evidence."""
    evidence = (
        Evidence.objects.select_related(
            "submission__unit", "submission__period", "indicator__aspect"
        )
        .filter(pk=evidence_id, kind=Evidence.Kind.FILE)
        .first()
    )
    if evidence is None:
        return None
    with evidence.file.open("rb") as handle:
        data = handle.read()
    content = content_analyse(data=data, name=evidence.original_name, force=force)
    flags = evidence_flags_own(evidence=evidence, content=content)
    check, _created = EvidenceCheck.objects.update_or_create(
        evidence=evidence,
        defaults={
            "sha256": content.sha256,
            "content": content,
            "flags": flags,
            "version": ANALYSER_VERSION,
        },
    )
    return check


def content_analyse(*, data: bytes, name: str, force: bool = False) -> EvidenceContent:
    """The analysed content of ``data`` (by SHA-256): read again only when it is new, was
    analysed by an older analyser, failed before, or ``force``."""
    sha = hashlib.sha256(data).hexdigest()
    known = EvidenceContent.objects.filter(sha256=sha).first()
    if (
        known is not None
        and not force
        and known.version == ANALYSER_VERSION
        and known.status != EvidenceContent.Status.FAILED
    ):
        return known
    kind = _kind_of(name, data)
    began = time.perf_counter()
    try:
        found = extraction.extract(data, kind=kind)
        status = EvidenceContent.Status.UNREADABLE if found.problem else EvidenceContent.Status.DONE
    except MemoryError:
        found = extraction.Extracted(kind, problem=_("The file needs more memory than allowed."))
        status = EvidenceContent.Status.UNREADABLE
    except Exception as error:  # noqa: BLE001 - the failure is stored and shown; retry later
        logger.exception("evidence analysis failed for %s", sha)
        found = extraction.Extracted(
            kind, problem=_("The analysis failed: %(error)s") % {"error": type(error).__name__}
        )
        status = EvidenceContent.Status.FAILED
    signature = reading.text_signature(found.text) if found.text else None
    values = {
        "kind": found.kind,
        "status": status,
        "problem": found.problem[:300],
        "pages": found.pages,
        "text": found.text,
        "text_layer": found.text_layer,
        "ocr_pages": found.ocr_pages,
        "blank_pages": found.blank_pages,
        "dates": [day.isoformat() for day in reading.dates_found(found.text)],
        "phash": found.phash,
        "signature": signature.tobytes() if signature is not None else None,
        "version": ANALYSER_VERSION,
        "seconds": round(time.perf_counter() - began, 3),
    }
    bands = (reading.text_bands(signature) if signature is not None else []) + (
        reading.image_bands(found.phash) if found.phash else []
    )
    try:
        with transaction.atomic():
            content, _created = EvidenceContent.objects.update_or_create(
                sha256=sha, defaults=values
            )
            ContentBand.objects.filter(content=content).delete()
            ContentBand.objects.bulk_create(
                ContentBand(content=content, value=value) for value in set(bands)
            )
    except IntegrityError:  # the same bytes analysed by another worker a moment ago
        content = EvidenceContent.objects.get(sha256=sha)
    return content


def _kind_of(name: str, data: bytes) -> str:
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in EVIDENCE_TYPES:
        return EVIDENCE_TYPES[extension][0]
    return "pdf" if data.startswith(b"%PDF-") else "other"


def evidence_flags_own(*, evidence: Evidence, content: EvidenceContent) -> list[dict]:
    """The flags of one evidence that need no other unit's evidence."""
    if content.status != EvidenceContent.Status.DONE:
        return [flag("tidak_terbaca", content.problem or _("The file cannot be read."))]
    flags = []
    text = content.text or ""
    characters = len("".join(text.split()))
    if content.pages and content.blank_pages >= content.pages:
        flags.append(flag("kosong", _("Every page is blank.")))
    elif characters < reading.MIN_TEXT and content.kind != "image":
        flags.append(
            flag("kosong", _("Almost no text, even after reading the scan: %(n)s characters.")
                 % {"n": characters})
        )  # fmt: skip
    elif content.blank_pages:
        flags.append(
            flag("kosong", _("%(blank)s of %(pages)s pages are blank.")
                 % {"blank": content.blank_pages, "pages": content.pages})
        )  # fmt: skip
    if content.kind == "pdf" and not content.text_layer and characters:
        flags.append(
            flag("tanpa_teks", _("A scan without a text layer; the text below was read by OCR."))
        )
    if characters >= reading.MIN_TEXT:
        unit = evidence.submission.unit
        if not reading.names_unit(text, reading.unit_name_forms(unit.name, unit.code)):
            flags.append(
                flag("tanpa_nama_unit", _("The text never names %(unit)s.") % {"unit": unit.name})
            )
        period = evidence.submission.period
        oldest = period.year - period.evidence_years
        dates = content.dates
        if dates and int(dates[-1][:4]) < oldest:
            flags.append(
                flag(
                    "kedaluwarsa",
                    _("The newest date in the text is %(date)s; evidence should be dated "
                      "%(oldest)s or later.") % {"date": dates[-1], "oldest": oldest},
                    newest=dates[-1],
                )
            )  # fmt: skip
        score = indicator_relevance(indicator=evidence.indicator, text=text)
        if score < reading.RELEVANCE_MIN:
            flags.append(
                flag(
                    "tidak_terkait",
                    _("The text has little to do with indicator %(code)s (similarity %(score)s).")
                    % {"code": evidence.indicator.code, "score": f"{score:.2f}"},
                )
            )
    return flags


def indicator_relevance(*, indicator: Indicator, text: str) -> float:
    corpus = list(
        Indicator.objects.filter(questionnaire_id=indicator.questionnaire_id).values_list(
            "question", flat=True
        )
    )
    topic = " ".join(
        [indicator.question, indicator.guidance or "", indicator.group or "",
         indicator.aspect.name]
    )  # fmt: skip
    return reading.relevance(text, topic, corpus)


# --- a whole period -------------------------------------------------------------------------
def evidence_stale(*, period: Period):
    """The period's evidence files without a current analysis."""
    return (
        Evidence.objects.filter(submission__period=period, kind=Evidence.Kind.FILE)
        .exclude(analysis__version=ANALYSER_VERSION, analysis__content__status__in=["done",
                 "unreadable"])
        .order_by("pk")
    )  # fmt: skip


def period_check_start(*, period: Period, user) -> object:
    """Analyse what is missing or stale in the period, as a job with progress."""
    return job_start(
        kind=evaluasi_jobs.EVIDENCE_CHECK, created_by=user, params={"period": period.pk}
    )


def period_check_run(job, report) -> dict:
    period = Period.objects.filter(pk=job.params.get("period")).first()
    if period is None:
        raise JobRefused(_("The period no longer exists."))
    return period_check(period=period, report=report)


def period_check(*, period: Period, report=lambda percent, message: None) -> dict:
    ids = list(evidence_stale(period=period).values_list("pk", flat=True))
    done = failed = 0
    for number, evidence_id in enumerate(ids, start=1):
        try:
            evidence_analyse(evidence_id=evidence_id)
            done += 1
        except Exception:  # noqa: BLE001 - one bad file never stops the period's check
            logger.exception("evidence %s could not be analysed", evidence_id)
            failed += 1
        if number % 10 == 0 or number == len(ids):
            report(int(100 * number / len(ids)), _("%(n)s of %(total)s files") % {
                "n": number, "total": len(ids)})  # fmt: skip
    return {"analysed": done, "failed": failed, "files": len(ids)}


def evidence_analysis_too_long(*, evidence_id: int) -> None:
    """A file whose analysis ran past the time limit is unreadable (retried by a forced run)."""
    evidence = Evidence.objects.filter(pk=evidence_id, kind=Evidence.Kind.FILE).first()
    if evidence is None:
        return
    with evidence.file.open("rb") as handle:
        sha = hashlib.sha256(handle.read()).hexdigest()
    problem = _("The analysis took longer than allowed.")
    content, _created = EvidenceContent.objects.update_or_create(
        sha256=sha,
        defaults={"kind": "other", "status": EvidenceContent.Status.FAILED, "problem": problem},
    )
    EvidenceCheck.objects.update_or_create(
        evidence=evidence,
        defaults={"sha256": sha, "content": content, "flags": [flag("tidak_terbaca", problem)]},
    )
