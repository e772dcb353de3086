"""Signed documents (issue #23): with a signer certificate uploaded, the certificates (the
printing PDF and every unit's PDF) and the recap are signed (PAdES) and say so on the page;
each signature validates against the throw-away CA made here; a changed PDF and a CA nobody
trusts are told apart; without a signer nothing is signed, as before."""

import io
import zipfile

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from laporan import jobs as laporan_jobs
from laporan import signing
from tests.laporan import pki
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
    return validate_pdf_signature(signature, trusting(ca))


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
