"""The jury assistant's flags, each on files the tests make, with exact expectations: a good
decree (no flag), a copy uploaded by another desa (duplikat), the same decree re-typed for
another desa (hampir_sama, and it does not name the first desa), a scan (tanpa_teks, its OCR
text read), blank pages (kosong), old dates (kedaluwarsa), an off-topic text (tidak_terkait),
locked and broken PDFs (tidak_terbaca), a re-saved photo (hampir_sama) and links
(tautan_mati, tautan_luar); and the suggested verdict that follows."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from award.models import Unit
from demo import evidence_files as files
from evaluasi.checks import text as reading
from evaluasi.checks.models import EvidenceContent
from evaluasi.checks.selectors import evidence_flags, indicator_suggestions
from evaluasi.checks.services import evidence_analyse, period_check
from evaluasi.models import Evidence
from evaluasi.saq import services as saq_services
from tests.factories import DesaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_desa(kecamatan):
    return DesaFactory(code="64.08.04.2003", name="Desa Muara Bengkal Ilir", parent=kecamatan)


@pytest.fixture
def other_submission(period, other_desa, desa_questionnaire):
    return saq_services.submission_start(period=period, unit=other_desa)


def upload(submission, data: bytes, name: str, code: str = "1.1.1") -> Evidence:
    indicator = submission.questionnaire.indicators.get(code=code)
    evidence = saq_services.evidence_add_file(
        submission=submission,
        indicator=indicator,
        upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        user=None,
    )
    evidence_analyse(evidence_id=evidence.pk)
    return evidence


def codes(evidence: Evidence) -> list[str]:
    evidence = Evidence.objects.select_related("submission__unit", "submission__period").get(
        pk=evidence.pk
    )
    return [item["code"] for item in evidence_flags(evidence=[evidence])[evidence.pk]]


def test_dates_in_indonesian_forms():
    text = "Ditetapkan 2 Januari 2026; surat 02/01/2025, 17-08-2024; Nomor 3 Tahun 2023; 31/02/2026"
    assert reading.dates_found(text) == [
        dt.date(2023, 12, 31),
        dt.date(2024, 8, 17),
        dt.date(2025, 1, 2),
        dt.date(2026, 1, 2),
    ], "31/02/2026 is no date"


def test_the_unit_is_named_in_its_usual_variations():
    forms = reading.unit_name_forms("Desa Swarga Bara", "64.08.04.2002")
    for text in ("Desa Swarga Bara", "DESA SWARGA BARA", "desa swargabara", "kode 64.08.04.2002",
                 "Pemerintah Desa Swarga-Bara"):  # fmt: skip
        assert reading.names_unit(text, forms), text
    assert not reading.names_unit("Desa Muara Bengkal Ilir", forms)


def test_a_good_decree_has_no_flag_and_acceptance_is_suggested(submission):
    evidence = upload(submission, files.text_pdf(files.decree()), "sk-ppid.pdf")
    assert codes(evidence) == []
    content = EvidenceContent.objects.get()
    assert content.pages == 1 and content.text_layer and "Swarga Bara" in content.text
    assert content.dates[-1] == "2026-12-31" and "2026-01-02" in content.dates
    indicator = evidence.indicator
    saq_services.answer_save(
        submission=submission, indicator=indicator, raw="ya", version=None, user=None
    )
    assert indicator_suggestions(submission=submission)[indicator.pk] == {
        "verdict": "accept",
        "reasons": [],
    }


def test_the_same_file_from_two_desa_is_a_duplicate_analysed_once(submission, other_submission):
    data = files.text_pdf(files.decree())
    first = upload(submission, data, "sk.pdf")
    second = upload(other_submission, data, "sk-ppid-desa.pdf", code="1.1.1")
    assert EvidenceContent.objects.count() == 1, "the same bytes are analysed once"
    assert "duplikat" in codes(first) and "duplikat" in codes(second)
    flags = evidence_flags(evidence=[Evidence.objects.get(pk=second.pk)])[second.pk]
    copy = next(item for item in flags if item["code"] == "duplikat")
    assert copy["details"]["others"] == [
        {
            "evidence": first.pk,
            "unit_id": submission.unit_id,
            "unit_name": "Desa Swarga Bara",
            "unit_code": "64.08.04.2002",
            "indicator": "1.1.1",
        }
    ]
    assert "tanpa_nama_unit" in codes(second), "Swarga Bara's decree never names Muara Bengkal"


def test_a_decree_retyped_for_another_desa_is_nearly_the_same(submission, other_submission):
    first = upload(submission, files.text_pdf(files.decree()), "sk.pdf")
    second = upload(other_submission, files.text_pdf(files.decree("Muara Bengkal Ilir")), "s.pdf")
    assert "hampir_sama" in codes(first) and "hampir_sama" in codes(second)
    assert "duplikat" not in codes(second) and "tanpa_nama_unit" not in codes(second)


def test_a_scan_is_read_by_ocr_and_flagged_without_text(submission):
    evidence = upload(submission, files.scan_pdf(files.decree()), "scan.pdf")
    assert codes(evidence) == ["tanpa_teks"]
    content = EvidenceContent.objects.get()
    assert not content.text_layer and content.ocr_pages == 1
    assert "SWARGA BARA" in content.text.upper() and "2026-01-02" in content.dates


def test_blank_pages_are_empty(submission):
    evidence = upload(submission, files.blank_pdf(3), "kosong.pdf")
    assert codes(evidence) == ["kosong"]
    assert EvidenceContent.objects.get().blank_pages == 3


def test_old_dates_are_stale_by_the_periods_window(submission, period):
    evidence = upload(submission, files.text_pdf(files.decree(year=2019)), "sk-lama.pdf")
    assert codes(evidence) == ["kedaluwarsa"]
    period.evidence_years = 8
    period.save()
    evidence_analyse(evidence_id=evidence.pk)
    assert codes(evidence) == []


def test_an_off_topic_text_is_unrelated(submission):
    text = "Desa Swarga Bara, 2 Januari 2026.\n" + files.RECIPE
    evidence = upload(submission, files.text_pdf(text), "resep.pdf")
    assert codes(evidence) == ["tidak_terkait"]


def stored(submission, data: bytes, name: str) -> Evidence:
    """A file stored without the upload's checks (kept from before them, or an objection's)."""
    evidence = Evidence.objects.create(
        submission=submission,
        indicator=submission.questionnaire.indicators.get(code="1.1.1"),
        kind=Evidence.Kind.FILE,
        original_name=name,
        content_type="application/pdf",
    )
    evidence.file.save(name, SimpleUploadedFile(name, data))
    return evidence


def test_locked_and_broken_files_are_unreadable_and_never_stop_the_period(submission, period):
    locked = stored(submission, files.locked_pdf(files.decree()), "terkunci.pdf")
    broken = stored(submission, b"%PDF-1.4 rusak", "rusak.pdf")
    assert period_check(period=period) == {"analysed": 2, "failed": 0, "files": 2}
    assert codes(locked) == ["tidak_terbaca"]
    assert "sandi" in Evidence.objects.get(pk=locked.pk).analysis.content.problem
    assert codes(broken) == ["tidak_terbaca"]
    assert period_check(period=period)["files"] == 0, "a second run analyses nothing new"


def test_a_resaved_and_resized_photo_is_nearly_the_same(submission, other_submission):
    picture = files.photo(3)
    first = upload(submission, files.jpeg(picture, quality=92), "foto.jpg", code="1.1.1")
    second = upload(
        other_submission, files.jpeg(picture, quality=55, scale=0.5), "foto.jpg", code="1.1.1"
    )
    other = upload(other_submission, files.jpeg(files.photo(9)), "lain.jpg", code="1.1.1")
    assert "hampir_sama" in codes(first) and "hampir_sama" in codes(second)
    assert "hampir_sama" not in codes(other)


def test_links_dead_or_outside_the_units_domains(submission, unit_a):
    Unit.objects.filter(pk=unit_a.pk).update(website="https://swargabara.desa.id")
    indicator = submission.questionnaire.indicators.get(code="1.1.1")
    items = {}
    for url in ("https://swargabara.desa.id/ppid", "https://jdih.kutaitimurkab.go.id/sk",
                "https://bit.ly/sk-ppid", "https://www.swargabara.desa.id/x"):  # fmt: skip
        items[url] = Evidence.objects.create(
            submission=submission, indicator=indicator, kind=Evidence.Kind.URL, url=url
        )
    Evidence.objects.filter(url="https://jdih.kutaitimurkab.go.id/sk").update(link_status="broken")
    found = {
        url: [f["code"] for f in flags]
        for url, flags in (
            (e.url, evidence_flags(evidence=[Evidence.objects.get(pk=e.pk)])[e.pk])
            for e in items.values()
        )
    }
    assert found == {
        "https://swargabara.desa.id/ppid": [],
        "https://jdih.kutaitimurkab.go.id/sk": ["tautan_mati"],
        "https://bit.ly/sk-ppid": ["tautan_luar"],
        "https://www.swargabara.desa.id/x": [],
    }


def test_missing_required_evidence_asks_for_a_look(submission):
    indicator = submission.questionnaire.indicators.get(code="1.1.1")
    saq_services.answer_save(
        submission=submission, indicator=indicator, raw="ya", version=None, user=None
    )
    suggestion = indicator_suggestions(submission=submission)[indicator.pk]
    assert suggestion["verdict"] == "check"
    assert [r["code"] for r in suggestion["reasons"]] == ["bukti_kurang"]


def test_a_thousand_pages_and_an_image_bomb_end_within_limits(submission):
    import io
    import time

    from PIL import Image
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(1000):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    began = time.perf_counter()
    long = stored(submission, out.getvalue(), "seribu.pdf")
    evidence_analyse(evidence_id=long.pk)
    assert time.perf_counter() - began < 30
    content = Evidence.objects.get(pk=long.pk).analysis.content
    assert content.pages == 1000 and content.blank_pages == 60, "only the first 60 pages are read"
    assert codes(long) == ["kosong"]

    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, format="PNG")  # 144 MP in a few kB
    assert len(bomb.getvalue()) < 100_000
    evidence = stored(submission, bomb.getvalue(), "bom.png")
    evidence_analyse(evidence_id=evidence.pk)
    assert codes(evidence) == ["tidak_terbaca"]
    assert "terlalu besar" in Evidence.objects.get(pk=evidence.pk).analysis.content.problem
