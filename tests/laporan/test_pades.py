"""The batch signing path (laporan.pades): each PDF gets a PAdES B-B signature that pyHanko's
validator accepts (intact, trusted, the whole file covered), with the ESS signing-certificate
attribute and no signing time inside the CMS, and poppler's pdfsig (a PDF reader's check)
calls it valid; a byte changed afterwards breaks it; keys the
template cannot serve (ECDSA) are signed by pyHanko per document, and validate too; with a
timestamp server configured each signature carries its RFC 3161 token (PAdES B-T)."""

import datetime as dt
import io
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
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


def timestamp_authority(ca):
    """A TSA certificate issued by ``ca`` (extended key usage: time stamping)."""
    ca_key, ca_certificate = ca
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji")]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )


@pytest.fixture
def timestamp_server(ca):
    """An RFC 3161 server on the loopback answering with pyHanko's test TSA; yields its URL
    and the requests it answered."""
    stamper = timestamp_authority(ca)
    answered = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            answered.append(self.headers["Content-Type"])
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", answered
    server.shutdown()


@pytest.mark.django_db
def test_with_a_timestamp_server_each_signature_carries_its_timestamp(
    ca, admin_user, settings, timestamp_server
):
    url, answered = timestamp_server
    settings.SIGNING_TIMESTAMP_URL = url
    signer = signing.signer_certificate_save(
        data=pki.signer_pkcs12(ca), password="rahasia", user=admin_user
    )
    sign = signing.pdf_signer(signer=signer, reason="Sertifikat", location="Sangatta")
    assert not isinstance(sign, pades.BatchSigner)  # B-T: one token per signature
    status = signature_of(sign(page("Kode ABCD-EFGH")), ca)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert status.timestamp_validity.trusted  # the TSA chains to the same throw-away CA
    assert answered == ["application/timestamp-query"]
