"""The demo's evidence for the jury assistant: every flag appears on Kutai Timur's 2026 period
— two desa that uploaded the same decree, one that re-typed it with its own name, a scanned
letter, a blank PDF, an old decree, an off-topic file, a locked PDF, a link outside the unit's
domains and a dead one — and the operator's own desa has two files with notes to fix before it
submits. Then the whole period is analysed, as a worker would."""

from __future__ import annotations

from django.core.files.base import ContentFile

from award.models import Period, Unit
from evaluasi.checks.services import period_check
from evaluasi.models import Evidence, Submission
from evaluasi.saq import services as saq_services

from . import evidence_files as files

OPERATOR_UNIT = "64.08.09.2001"  # Desa Sepaso (op.bengalon): a draft with two files to fix


def _file(submission, code: str, name: str, data: bytes) -> Evidence:
    indicator = submission.questionnaire.indicators.get(code=code)
    Evidence.objects.filter(submission=submission, indicator=indicator).delete()
    evidence = Evidence(
        submission=submission,
        indicator=indicator,
        kind=Evidence.Kind.FILE,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
    )
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    return evidence


def demo_evidence_load(*, period: Period) -> dict:
    desa = list(
        Submission.objects.filter(
            period=period, status=Submission.Status.SUBMITTED, unit__level__code="desa"
        )
        .select_related("unit", "questionnaire")
        .order_by("unit__code")[:9]
    )
    if (
        len(desa) < 9
        or Evidence.objects.filter(submission__period=period, original_name="sk-ppid.pdf").exists()
    ):
        return {}
    first, copy, retyped, scan, blank, old, recipe, locked, links = desa
    name = first.unit.name.removeprefix("Desa ")
    decree = files.text_pdf(files.decree(name))
    _file(first, "1.1.1", "sk-ppid.pdf", decree)
    _file(copy, "1.1.1", "sk-ppid.pdf", decree)  # duplikat, and it names another desa
    retyped_name = retyped.unit.name.removeprefix("Desa ")
    _file(retyped, "1.1.1", "sk-ppid.pdf", files.text_pdf(files.decree(retyped_name)))
    _file(scan, "1.1.1", "sk-ppid-pindai.pdf",
          files.scan_pdf(files.decree(scan.unit.name.removeprefix("Desa "))))  # fmt: skip
    _file(blank, "1.1.1", "sk-ppid.pdf", files.blank_pdf(2))
    _file(old, "1.1.1", "sk-ppid-2019.pdf",
          files.text_pdf(files.decree(old.unit.name.removeprefix("Desa "), year=2019)))  # fmt: skip
    _file(recipe, "1.1.1", "sk-ppid.pdf",
          files.text_pdf(f"{recipe.unit.name}, 2 Januari 2026.\n" + files.RECIPE))  # fmt: skip
    _file(locked, "1.1.1", "sk-ppid-terkunci.pdf", files.locked_pdf(files.decree()))
    indicator = links.questionnaire.indicators.get(code="1.1.1")
    Evidence.objects.filter(submission=links, indicator=indicator).delete()
    Evidence.objects.create(
        submission=links, indicator=indicator, kind=Evidence.Kind.URL,
        url="https://bit.ly/sk-ppid-desa",
    )  # fmt: skip
    Evidence.objects.create(
        submission=links, indicator=indicator, kind=Evidence.Kind.URL,
        url="https://jdih.kutaitimurkab.go.id/sk-ppid-hilang", link_status="broken",
    )  # fmt: skip
    own = Unit.objects.filter(code=OPERATOR_UNIT).first()
    if own is not None:
        draft = saq_services.submission_start(period=period, unit=own)
        _file(draft, "1.1.1", "sk-ppid-desa-tetangga.pdf", decree)  # copy, not its own name
        _file(draft, "1.1.2", "struktur-ppid.pdf", files.blank_pdf(1))
    return period_check(period=period)
