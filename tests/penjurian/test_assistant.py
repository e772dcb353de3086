"""The jury assistant where people see it: the jury's sheet (flags with reasons, the text a
scan was read as, a copy's other units — openable only where the jury is assigned), the
verdict that records what was suggested, the admin's *Integritas bukti* with what each flag is
worth, the operator's review step, the command line, and the analysis on a real worker."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from demo import evidence_files as files
from evaluasi.checks.models import EvidenceCheck
from evaluasi.checks.services import evidence_analyse
from evaluasi.models import Evidence, Submission
from evaluasi.saq import services as saq_services
from penjurian.models import Assignment, VerdictSuggestion
from penjurian.verification import verification_save
from tests.conftest import client_for
from tests.factories import DesaFactory


@pytest.fixture
def other(period, kecamatan, desa_questionnaire):
    unit = DesaFactory(code="64.08.04.2003", name="Desa Muara Bengkal Ilir", parent=kecamatan)
    return saq_services.submission_start(period=period, unit=unit)


def upload(submission, data, name, code="1.1.1"):
    evidence = saq_services.evidence_add_file(
        submission=submission,
        indicator=submission.questionnaire.indicators.get(code=code),
        upload=SimpleUploadedFile(name, data),
        user=None,
    )
    evidence_analyse(evidence_id=evidence.pk)
    return evidence


def submitted(*submissions):
    Submission.objects.filter(pk__in=[s.pk for s in submissions]).update(status="submitted")
    for item in submissions:
        item.refresh_from_db()


@pytest.mark.django_db
def test_the_jury_sees_the_copy_the_scan_and_the_blank_file(
    client, period, submission, other, jury_user
):
    decree = files.text_pdf(files.decree())
    original = upload(submission, decree, "sk.pdf")
    copy = upload(other, decree, "sk-ppid.pdf")
    scan = upload(other, files.scan_pdf(files.decree("Muara Bengkal Ilir")), "pindai.pdf", "1.1.2")
    upload(other, files.blank_pdf(2), "kosong.pdf", "1.2.1")
    submitted(submission, other)
    Assignment.objects.create(period=period, unit=other.unit, jury=jury_user)
    jury = client_for(client, jury_user)
    page = jury.get(reverse("penjurian:verify", args=[other.pk])).content.decode()
    assert 'data-flag="duplikat"' in page and "Desa Swarga Bara (64.08.04.2002) · 1.1.1" in page
    own_file = f'/kutim/juri/bukti/{original.pk}/"'
    assert own_file not in page, "not assigned to Swarga Bara: its file is not offered"
    assert jury.get(f"/kutim/juri/bukti/{original.pk}/").status_code == 403
    assert 'data-flag="tanpa_teks"' in page and 'data-flag="kosong"' in page
    assert 'data-flag="tanpa_nama_unit"' in page, "the copy names Swarga Bara, not this desa"
    assert '<mark class="m-unit">' in page and '<mark class="m-date">' in page
    assert "Teks yang terbaca dari berkas" in page and 'data-suggestion="check"' in page

    Assignment.objects.create(period=period, unit=submission.unit, jury=jury_user)
    page = jury.get(reverse("penjurian:verify", args=[other.pk])).content.decode()
    assert own_file in page, "assigned to both: the other file opens"
    assert jury.get(f"/kutim/juri/bukti/{original.pk}/").status_code == 200
    assert (
        EvidenceCheck.objects.get(evidence=copy).sha256
        == EvidenceCheck.objects.get(evidence=original).sha256
    )
    assert scan.pk


@pytest.mark.django_db
def test_a_verdict_records_the_suggestion_and_the_admin_sees_what_flags_are_worth(
    admin_client, period, submission, other, jury_user
):
    decree = files.text_pdf(files.decree())
    upload(submission, decree, "sk.pdf")
    upload(other, decree, "sk-ppid.pdf")
    submitted(submission, other)
    Assignment.objects.create(period=period, unit=other.unit, jury=jury_user)
    indicator = other.questionnaire.indicators.get(code="1.1.1")
    verdict = verification_save(
        submission=other,
        indicator=indicator,
        jury=jury_user,
        decision="reject",
        reason="SK desa lain",
    )
    record = VerdictSuggestion.objects.get(verification=verdict)
    assert record.suggested == "check" and record.followed is True
    assert record.flags == ["duplikat", "tanpa_nama_unit"]
    good = other.questionnaire.indicators.get(code="1.1.2")
    accepted = verification_save(
        submission=other, indicator=good, jury=jury_user, decision="accept"
    )
    assert VerdictSuggestion.objects.get(verification=accepted).suggested == "accept"

    page = admin_client.get(reverse("penjurian:integrity", args=[period.year]))
    text = page.content.decode()
    assert page.status_code == 200
    worth = text.split("Bobot setiap tanda")[1].split("</section>")[0]
    cells = '<td class="text-end">1</td><td class="text-end">0</td><td class="text-end">1</td>'
    assert "<code>duplikat</code> Berkas sama dengan unit lain</td>" + cells in worth
    assert '<td class="text-end fw-semibold">100%</td>' in worth
    assert "“Terima disarankan” 1 kali, diterima 1; “Periksa” 1 kali" in text


@pytest.mark.django_db
def test_the_operator_sees_what_to_fix_before_submitting(client, submission, operator_a, other):
    upload(other, files.text_pdf(files.decree("Muara Bengkal Ilir")), "sk-tetangga.pdf")
    upload(submission, files.text_pdf(files.decree("Muara Bengkal Ilir")), "sk-desa.pdf")
    upload(submission, files.blank_pdf(1), "kosong.pdf", "1.1.2")
    page = client_for(client, operator_a).get(
        reverse("evaluasi:saq_step", args=[submission.pk, "tinjau"])
    )
    text = page.content.decode()
    assert "Periksa bukti Anda" in text
    assert "Berkas yang sama juga diunggah unit lain." in text
    assert "Muara Bengkal" not in text.split("Periksa bukti Anda")[1].split("</section>")[0], (
        "the other unit is never named to the operator"
    )
    assert "Semua halaman kosong." in text
    assert "Teks tidak pernah menyebut Desa Swarga Bara." in text


@pytest.mark.django_db
def test_the_command_line_checks_and_exports(period, submission, other, tmp_path, capsys):
    decree = files.text_pdf(files.decree())
    for target in (submission, other):
        evidence = Evidence(
            submission=target,
            indicator=target.questionnaire.indicators.get(code="1.1.1"),
            kind=Evidence.Kind.FILE,
            original_name="sk.pdf",
            content_type="application/pdf",
        )
        evidence.file.save("sk.pdf", SimpleUploadedFile("sk.pdf", decree))
    Evidence.objects.create(
        submission=other,
        indicator=other.questionnaire.indicators.get(code="1.1.2"),
        kind=Evidence.Kind.URL,
        url="https://bit.ly/x",
    )
    call_command("check_evidence", "--period", "2026", "--wait")
    assert "2 berkas diperiksa, 0 gagal." in capsys.readouterr().out
    out = tmp_path / "bukti.xlsx"
    call_command("export_evidence_checks", "--period", "2026", "--out", str(out))
    rows = list(load_workbook(io.BytesIO(out.read_bytes()))["bukti"].iter_rows(values_only=True))
    assert rows[0] == ("Kode Unit", "Indikator", "Berkas", "SHA-256", "Tanda", "Keterangan")
    sha = EvidenceCheck.objects.first().sha256
    assert rows[1][:5] == ("64.08.04.2002", "1.1.1", "sk.pdf", sha, "duplikat")
    assert rows[2][:5] == ("64.08.04.2003", "1.1.1", "sk.pdf", sha, "duplikat, tanpa_nama_unit")
    assert rows[3][:5] == ("64.08.04.2003", "1.1.2", "https://bit.ly/x", None, "tautan_luar")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_levels")
def test_an_upload_is_analysed_by_the_worker(celery_live, submission):
    evidence = saq_services.evidence_add_file(
        submission=submission,
        indicator=submission.questionnaire.indicators.get(code="1.1.1"),
        upload=SimpleUploadedFile("kosong.pdf", files.blank_pdf(1)),
        user=None,
    )
    deadline = time.monotonic() + 60
    while not EvidenceCheck.objects.filter(evidence=evidence).exists():
        assert time.monotonic() < deadline, "the worker never analysed the upload"
        time.sleep(0.2)
    assert EvidenceCheck.objects.get(evidence=evidence).flags[0]["code"] == "kosong"
