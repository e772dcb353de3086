"""Signed documents (issue #23): with a signer certificate uploaded, the certificates (the
printing PDF and every unit's PDF) and the recap are signed (PAdES) and say so on the page;
each signature validates against the throw-away CA made here; a changed PDF and a CA nobody
trusts are told apart; without a signer nothing is signed, as before."""

import io
import zipfile

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from demo import pki
from evaluasi.models import Answer
from laporan import jobs as laporan_jobs
from laporan import selectors, signing, verification
from laporan.models import Certificate
from penilaian import services as scoring_services
from tests.laporan.test_reports import make, pdf_text, published, scored  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def ca():
    return pki.authority()


def trusting(ca) -> ValidationContext:
    certificate = ca[1].public_bytes(serialization.Encoding.DER)
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(certificate)])


def signature_of(data: bytes, ca):
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return signing.outside_event_loop(lambda: validate_pdf_signature(signature, trusting(ca)))


def test_certificates_and_recap_are_signed_by_the_uploaded_signer(
    published,  # noqa: F811
    admin_user,
    ca,
):
    period, _units, _run = published
    signing.signer_certificate_save(data=pki.signer_pkcs12(ca), password="rahasia", user=admin_user)
    job = make(laporan_jobs.CERTIFICATES, period, admin_user)
    pdf = job.file.read()
    status = signature_of(pdf, ca)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"
    assert "Kepala Diskominfo Kutai Timur" in status.signing_cert.subject.human_friendly
    assert "Ditandatangani secara elektronik" in pdf_text(pdf)
    archive = zipfile.ZipFile(io.BytesIO(job.file.storage.open(job.result["zip"]).read()))
    for name in archive.namelist():
        unit = signature_of(archive.read(name), ca)
        assert (unit.intact, unit.trusted, unit.coverage.name) == (True, True, "ENTIRE_FILE"), name

    recap = make(laporan_jobs.RECAP, period, admin_user).file.read()
    status = signature_of(recap, ca)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert "Ditandatangani secara elektronik" in pdf_text(recap)

    # A change after signing no longer covers the whole file; another CA is not trusted.
    changed = signature_of(pdf + b"\n%% ditambahkan kemudian\n", ca)
    assert changed.coverage.name != "ENTIRE_FILE"
    stranger = signature_of(pdf, pki.authority("CA Tak Dikenal"))
    assert stranger.intact and not stranger.trusted


def test_without_a_signer_nothing_is_signed(published, admin_user):  # noqa: F811
    period, _units, _run = published
    pdf = make(laporan_jobs.CERTIFICATES, period, admin_user).file.read()
    assert PdfFileReader(io.BytesIO(pdf)).embedded_signatures == []
    assert "Ditandatangani secara elektronik" not in pdf_text(pdf)


@pytest.fixture
def signed_batch(published, admin_user, ca):  # noqa: F811
    period, _units, run = published
    signing.signer_certificate_save(data=pki.signer_pkcs12(ca), password="rahasia", user=admin_user)
    job = make(laporan_jobs.CERTIFICATES, period, admin_user)
    archive = zipfile.ZipFile(io.BytesIO(job.file.storage.open(job.result["zip"]).read()))
    return period, run, job.file.read(), archive.read("sertifikat-G03.pdf")


def test_the_verification_page_says_who_signed_and_checks_the_stored_file(signed_batch, client):
    _period, run, _pdf, _unit = signed_batch
    certificate = Certificate.objects.filter(run=run, unit__code="G03").first()
    assert certificate.signed_by == "Kepala Diskominfo Kutai Timur"
    url = reverse("laporan:verify", args=[certificate.code])
    page = client.get(url).content.decode()
    assert "Ditandatangani secara elektronik oleh Kepala Diskominfo Kutai Timur" in page
    assert "tanda tangan berkas yang tersimpan sah" in page

    # The stored unit PDF altered behind the application's back: the page says so (once the
    # day's kept check has expired).
    batch = selectors.certificate_batch_latest(run=run)
    storage = batch.file.storage
    with storage.open(batch.result["zip"]) as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    altered = io.BytesIO()
    with zipfile.ZipFile(altered, "w") as target:
        for name in archive.namelist():
            data = archive.read(name)
            target.writestr(name, data + b"\n%% diubah\n" if "G03" in name else data)
    with storage.open(batch.result["zip"], "wb") as handle:
        handle.write(altered.getvalue())
    cache.clear()
    page = client.get(url).content.decode()
    assert "berkas yang tersimpan tidak lolos pemeriksaan" in page
    assert "diubah setelah ditandatangani" in page


def test_a_received_pdf_is_checked_by_the_command_and_the_upload_box(
    signed_batch, client, tmp_path, admin_user, ca, settings
):
    period, run, _pdf, unit_pdf = signed_batch
    received = tmp_path / "sertifikat-G03.pdf"
    received.write_bytes(unit_pdf)
    out = io.StringIO()
    call_command("verify_certificate", str(received), stdout=out)
    assert "Sertifikat asli dan berlaku." in out.getvalue()

    page = client.post(
        reverse("laporan:verify_file"),
        {"file": SimpleUploadedFile("s.pdf", unit_pdf, content_type="application/pdf")},
    ).content.decode()
    assert 'id="hasil-periksa"' in page and "Asli: ditandatangani secara elektronik" in page

    # Changed after signing: reported as changed.
    changed = tmp_path / "diubah.pdf"
    changed.write_bytes(unit_pdf + b"\n%% diubah\n")
    with pytest.raises(CommandError):
        call_command("verify_certificate", str(changed), stdout=(out := io.StringIO()))
    assert "diubah setelah ditandatangani" in out.getvalue()

    # Signed by a CA no organiser registered: not trusted.
    stranger = pki.authority("CA Tak Dikenal")
    signing.signer_certificate_save(
        data=pki.signer_pkcs12(stranger, name="Penipu"), password="rahasia", user=admin_user
    )
    forged = make(laporan_jobs.CERTIFICATES, period, admin_user).file.read()
    signing.signer_certificate_save(data=pki.signer_pkcs12(ca), password="rahasia", user=admin_user)
    forged_check = verification.certificate_pdf_check(data=forged)
    assert not forged_check.trusted and not forged_check.ok
    assert any("bukan penandatangan yang terdaftar" in p for p in forged_check.problems)

    # A code superseded by a correction: the PDF is intact but its certificate is not valid.
    scoring_services.period_correction_open(period=period, reason="Koreksi", user=admin_user)
    Answer.objects.filter(submission__unit__code="G02", indicator__code="i5").update(value="20")
    correction = scoring_services.scoring_run_start(period=period, inline=True)
    scoring_services.scoring_run_finalise(run=correction, user=admin_user)
    superseded = verification.certificate_pdf_check(data=unit_pdf)
    assert superseded.intact and superseded.unchanged and not superseded.ok
    assert all("digantikan" in code.message for code in superseded.codes)

    # Not a PDF, and the rate limit of the upload box.
    assert verification.certificate_pdf_check(data=b"bukan pdf").problems == [
        "Berkas bukan PDF yang dapat dibaca."
    ]
    statuses = [
        client.post(
            reverse("laporan:verify_file"), {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}
        ).status_code
        for _ in range(10)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:8]
