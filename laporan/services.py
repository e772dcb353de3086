"""Writes of reports: certificate issuing, report settings, and the report jobs (ranking
workbook, certificate batch, recap PDF) run by Celery with progress, kept as files."""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import Period
from award.qualifications import qualification
from common.jobs import JobRefused, job_start
from common.models import Job
from laporan import jobs as laporan_jobs
from penilaian.models import ScoringRun
from penilaian.selectors import ranking_tables, scoring_run_published

from . import documents, selectors, signing, verification
from .exports import RankingExporter
from .models import Certificate, ReportSettings, certificate_code
from .recap import recap_html

logger = logging.getLogger(__name__)

ROMAN = {1: "I", 2: "II", 3: "III"}
IMAGE_TYPES = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"<svg": ".svg", b"<?xm": ".svg"}


class ReportRefused(Exception):
    """A report cannot be made; the message says why, in Indonesian."""


# --- settings ------------------------------------------------------------------------------
def report_settings_save(*, report: ReportSettings, data: dict, files: dict) -> ReportSettings:
    """Save the signatory and the images; images are checked by their content."""
    for name in ("logo", "signature"):
        upload = files.get(name)
        if not upload:
            continue
        head = upload.read(8)
        upload.seek(0)
        kind = next((ext for magic, ext in IMAGE_TYPES.items() if head.startswith(magic)), None)
        if kind is None or upload.size > 2 * 1024 * 1024:
            raise ValidationError(
                {name: _("Upload a PNG, JPG or SVG image of at most 2 MB.")}, code="image"
            )
        getattr(report, name).save(f"{name}{kind}", upload, save=False)
    for field, value in data.items():
        setattr(report, field, value)
    report.save()
    return report


# --- certificates --------------------------------------------------------------------------
def certificates_issue(*, run: ScoringRun) -> list[Certificate]:
    """The certificates of a finalised run (idempotent): Terbaik I/II/III per level (shared
    ranks give shared titles), the most improved unit per level, a qualification certificate
    for Informatif / Menuju / Cukup Informatif, and *partisipan* for every unit that submitted
    its SAQ. Codes are random; a certificate keeps its code for ever."""
    if not run.is_finalised:
        raise ReportRefused(_("Certificates are issued only from finalised results."))
    existing = {(c.unit_id, c.kind) for c in Certificate.objects.filter(run=run)}
    year = run.period.year
    new: list[Certificate] = []

    def add(score, kind, title):
        if (score.unit_id, kind) in existing:
            return
        existing.add((score.unit_id, kind))
        new.append(
            Certificate(
                run=run,
                unit_id=score.unit_id,
                level_id=score.level_id,
                kind=kind,
                title=title,
                qualification=score.qualification,
                final=score.final,
                rank=score.rank,
                code=certificate_code(),
            )
        )

    for table in ranking_tables(run=run):
        level = documents.level_word(table["level"])
        for score in table["scores"]:
            if score.rank in ROMAN:
                add(
                    score,
                    f"terbaik_{score.rank}",
                    f"Terbaik {ROMAN[score.rank]} PPID Award {year} Tingkat {level}",
                )
        if table["improved"]:
            add(
                table["improved"][0],
                Certificate.Kind.IMPROVED,
                f"Peningkatan Terbaik PPID Award {year} Tingkat {level}",
            )
        for score in table["scores"]:
            if qualification(score.qualification).certificate:
                add(
                    score,
                    Certificate.Kind.QUALIFICATION,
                    f"Badan Publik {score.qualification} {year}",
                )
            add(score, Certificate.Kind.PARTICIPANT, f"Partisipan PPID Award {year}")
    Certificate.objects.bulk_create(new, batch_size=2000)
    return list(
        Certificate.objects.filter(run=run)
        .select_related("unit", "unit__parent", "level")
        .order_by("level__order", "unit__code", "kind")
    )


KIND_ORDER = {
    kind: index
    for index, kind in enumerate(
        ["terbaik_1", "terbaik_2", "terbaik_3", "peningkatan", "kualifikasi", "partisipan"]
    )
}


def certificates_render(*, run: ScoringRun, certificates: list[Certificate]) -> tuple[bytes, bytes]:
    """(one combined PDF for printing, a ZIP of one PDF per unit)."""
    ordered = sorted(
        certificates,
        key=lambda c: (c.level.order, c.level.code, c.unit.code, KIND_ORDER.get(c.kind, 9)),
    )
    report = selectors.report_settings(period=run.period)
    signer = signing.signer_certificate_current()
    sign = _signer_for(
        signer=signer, report=report, what=_("Certificate of %(period)s"), period=run.period
    )
    background, pages = documents.certificates_html(
        certificates=ordered, report=report, period=run.period, signed=sign is not None
    )
    pdf = documents.certificates_compose(
        documents.render_pdf(background),
        documents.render_pdf_parallel(pages),
        documents.verification_urls([c.code for c in ordered]),
    )
    archive = documents.certificates_split(pdf, ordered, sign=sign)
    if sign is None:
        return pdf, archive
    signed = sign(pdf)
    _signature_confirm(data=signed, ordered=ordered, signer=signer)
    return signed, archive


def _signature_confirm(*, data: bytes, ordered: list[Certificate], signer) -> None:
    """Check the signed printing PDF against the signer's own certificates before it is
    stored, and record on each certificate who signed it (the verification page says so)."""
    check = verification.pdf_signature_check(data=data, roots_pem=[signer.chain_pem])
    if not (check.intact and check.trusted and check.unchanged):
        raise ReportRefused(
            _("The signed certificates did not pass their own check: %(problems)s")
            % {"problems": " ".join(check.problems)}
        )
    Certificate.objects.filter(pk__in=[c.pk for c in ordered]).update(
        signed_by=check.signer or signing.signer_common_name(signer=signer),
        signed_at=timezone.now(),
    )


def _signer_for(*, signer, report, what: str, period: Period):
    """The function that signs as ``signer`` (the organiser's signer certificate), or None
    without one (the documents stay unsigned, as before issue #23)."""
    if signer is None:
        return None
    return signing.pdf_signer(
        signer=signer, reason=what % {"period": period.name}, location=report.city
    )


# --- jobs (kinds registered in laporan.apps) ------------------------------------------------
def report_job_start(*, kind: str, period: Period, user) -> Job:
    """Queue a report job for the period's report run (certificates: the published run). The
    same report of the same run is never queued twice at once (common.jobs.job_create)."""
    if kind == laporan_jobs.CERTIFICATES:
        run = scoring_run_published(period=period)
        if run is None:
            raise ReportRefused(
                _("Finalise and publish the results first; certificates come from them.")
            )
    else:
        run = selectors.report_run(period=period)
        if run is None:
            raise ReportRefused(_("There are no results yet: start a scoring run."))
    return job_start(kind=kind, created_by=user, params={"period": period.pk, "run": run.pk})


def _report(work):
    """A report job's work: ``work(job, run, report)`` for the run named in the job."""

    def run_job(job, report):
        run = ScoringRun.objects.select_related("period").get(pk=job.params["run"])
        try:
            return work(job, run, report)
        except ReportRefused as refusal:
            raise JobRefused(str(refusal)) from refusal

    return run_job


def _file_name(run: ScoringRun, stem: str, ext: str) -> str:
    state = "" if run.is_published else "-sementara"
    return f"{stem}-{run.period.year}-proses{run.number}{state}.{ext}"


def _ranking_export_run_work(job, run, report):
    report(2, _("Writing the workbook."))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "peringkat.xlsx"
        exporter = RankingExporter(run=run)
        counts = exporter.xlsx_write(path, progress=report)
        name = f"{exporter.filename()}.xlsx"
        job.file.save(f"laporan/{name}", ContentFile(path.read_bytes()), save=False)
    job.file_name = name
    job.save(update_fields=["file", "file_name"])
    return {"sheets": counts, "run": run.pk, "provisional": not run.is_published}


def _certificates_run_work(job, run, report):
    report(5, _("Issuing the certificates."))
    certificates = certificates_issue(run=run)
    report(20, _("Rendering %(count)s certificates.") % {"count": len(certificates)})
    pdf, archive = certificates_render(run=run, certificates=certificates)
    report(90, _("Saving the files."))
    name = _file_name(run, "sertifikat-ppid-award", "pdf")
    job.file.save(f"laporan/{name}", ContentFile(pdf), save=False)
    job.file_name = name
    job.save(update_fields=["file", "file_name"])
    storage = job.file.storage
    zip_name = storage.save(
        f"laporan/{_file_name(run, 'sertifikat-per-unit', 'zip')}", ContentFile(archive)
    )
    kinds = Counter(c.kind for c in certificates)
    return {"count": len(certificates), "kinds": dict(kinds), "zip": zip_name}


def _recap_run_work(job, run, report):
    sign = _signer_for(
        signer=signing.signer_certificate_current(),
        report=selectors.report_settings(period=run.period),
        what=_("Recap report of %(period)s"),
        period=run.period,
    )
    report(10, _("Collecting the figures."))
    html = recap_html(run=run, signed=sign is not None)
    report(50, _("Rendering the PDF."))
    pdf = documents.render_pdf(html)
    if sign is not None:
        report(80, _("Signing the PDF."))
        pdf = sign(pdf)
    name = _file_name(run, "laporan-hasil-penilaian", "pdf")
    job.file.save(f"laporan/{name}", ContentFile(pdf), save=False)
    job.file_name = name
    job.save(update_fields=["file", "file_name"])
    return {"run": run.pk, "bytes": len(pdf)}


ranking_export_run = _report(_ranking_export_run_work)
certificates_run = _report(_certificates_run_work)
recap_run = _report(_recap_run_work)
