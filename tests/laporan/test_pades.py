"""The batch signing path (laporan.pades): each PDF gets a PAdES B-B signature that pyHanko's
validator accepts (intact, trusted, the whole file covered), with the ESS signing-certificate
attribute and no signing time inside the CMS, and poppler's pdfsig (a PDF reader's check)
calls it valid; a byte changed afterwards breaks it; keys the
template cannot serve (ECDSA) are signed by pyHanko per document, and validate too."""

import io
import subprocess

import pikepdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from weasyprint import HTML

from demo import pki
from laporan import pades, signing
from tests.laporan.test_signed_documents import signature_of


@pytest.fixture(scope="module")
def ca():
    return pki.authority()


def page(text: str) -> bytes:
    return HTML(string=f"<h1>Sertifikat</h1><p>{text}</p>").write_pdf()


def key_of(pkcs12: bytes):
    return signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[], passphrase=b"rahasia")


def test_a_batch_signs_each_pdf_with_a_valid_pades_signature(ca, tmp_path):
    sign = signing.outside_event_loop(
        lambda: pades.batch_signer(
            key=key_of(pki.signer_pkcs12(ca)), reason="Sertifikat 2030", location="Sangatta"
        )
    )
    assert isinstance(sign, pades.BatchSigner)
    first, second = sign(page("Kode ABCD-EFGH")), sign(page("Kode JKMN-PQRS"))
    for signed in (first, second):
        status = signature_of(signed, ca)
        assert (status.intact, status.valid, status.trusted) == (True, True, True)
        assert status.coverage.name == "ENTIRE_FILE"
        (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
        assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert embedded.sig_object["/Reason"] == "Sertifikat 2030"
        assert embedded.field_name == pades.FIELD_NAME
        attributes = {a["type"].native for a in embedded.signer_info["signed_attrs"]}
        assert "signing_certificate_v2" in attributes and "signing_time" not in attributes
    assert (
        signature_of(first, ca).signing_cert.subject
        == signature_of(second, ca).signing_cert.subject
    )
    # One byte of the page changed after signing: the digest no longer matches.
    at = first.index(b"/MediaBox") + 12
    tampered = first[:at] + (b"9" if first[at : at + 1] != b"9" else b"8") + first[at + 1 :]
    assert not signature_of(tampered, ca).intact

    # A PDF reader's own check (poppler, under Evince and Okular) agrees on both files.
    reader = poppler_signature(first, tmp_path)
    assert "Signer Certificate Common Name: Kepala Diskominfo Kutai Timur" in reader
    assert "Total document signed" in reader and "Signature is Valid." in reader
    assert "Digest Mismatch." in poppler_signature(tampered, tmp_path)


def poppler_signature(pdf: bytes, folder) -> str:
    path = folder / "diperiksa.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


@pytest.mark.django_db
def test_an_ecdsa_signer_is_signed_by_pyhanko_per_document(ca, admin_user):
    pkcs12 = pki.signer_pkcs12(ca, elliptic=True)
    assert (
        signing.outside_event_loop(
            lambda: pades.batch_signer(key=key_of(pkcs12), reason="r", location="l")
        )
        is None
    )
    signer = signing.signer_certificate_save(data=pkcs12, password="rahasia", user=admin_user)
    sign = signing.pdf_signer(signer=signer, reason="Sertifikat", location="Sangatta")
    assert not isinstance(sign, pades.BatchSigner)
    with pikepdf.open(io.BytesIO(page("Kode JKMN-PQRS"))) as document:
        made = sign.document(document)  # a unit's PDF, as certificates_split signs it
    for signed in (sign(page("Kode ABCD-EFGH")), made):
        status = signature_of(signed, ca)
        assert (status.intact, status.valid, status.trusted) == (True, True, True)
        assert status.coverage.name == "ENTIRE_FILE"
