"""Signed documents (issue #23): the organiser's signer certificate — a PKCS#12 file and its
password, checked on upload and kept encrypted (Fernet, with a key from the settings) — and
what the pages say about it. Signing the PDFs themselves (pyHanko, PAdES) reads
``signer_material``."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from award.models import organiser_current

from . import pades
from .models import SignerCertificate

PKCS12_MAX_BYTES = 256 * 1024  # a signer's file with its chain is a few kB


def _fernet() -> Fernet:
    secret = (settings.SIGNING_KEY or settings.SECRET_KEY).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ppid-signer").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


@dataclass(frozen=True)
class SignerMaterial:
    """A loaded signer: the PKCS#12 bytes and password, for the signing step only."""

    pkcs12: bytes
    password: bytes


def _name(name) -> str:
    return name.rfc4514_string()[:500]


def signer_certificate_save(*, data: bytes, password: str, user) -> SignerCertificate:
    """Check a PKCS#12 file and store it, encrypted, as the current organiser's signer
    (replacing the one before). Refused, in Indonesian, when it is too large, not a PKCS#12
    file, the password is wrong, it holds no key and certificate, or the certificate is not
    valid now."""
    if len(data) > PKCS12_MAX_BYTES:
        raise ValidationError(_("The file is too large for a signer certificate (at most 256 kB)."))
    secret = password.encode()
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("This is not a PKCS#12 file (.p12 or .pfx), or its password is wrong.")
        ) from error
    if key is None or certificate is None:
        raise ValidationError(_("The file holds no private key with its certificate."))
    now = timezone.now()
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise ValidationError(
            _("The certificate is valid from %(start)s to %(end)s, not today.")
            % {
                "start": certificate.not_valid_before_utc.date(),
                "end": certificate.not_valid_after_utc.date(),
            }
        )
    fernet = _fernet()
    organiser = organiser_current()
    signer, _created = SignerCertificate.objects.update_or_create(
        organiser=organiser,
        defaults={
            "pkcs12_encrypted": fernet.encrypt(data),
            "password_encrypted": fernet.encrypt(secret),
            "subject": _name(certificate.subject),
            "issuer": _name(certificate.issuer),
            "serial": format(certificate.serial_number, "x")[:100],
            "fingerprint": hashlib.sha256(
                certificate.public_bytes(serialization.Encoding.DER)
            ).hexdigest(),
            "not_before": certificate.not_valid_before_utc,
            "not_after": certificate.not_valid_after_utc,
            "chain_pem": "".join(
                c.public_bytes(serialization.Encoding.PEM).decode() for c in [certificate, *chain]
            ),
            "uploaded_by": user,
        },
    )
    return signer


def signer_certificate_current() -> SignerCertificate | None:
    """The current organiser's signer certificate, if one was uploaded."""
    return SignerCertificate.objects.filter(organiser=organiser_current()).first()


def signer_certificate_delete() -> None:
    SignerCertificate.objects.filter(organiser=organiser_current()).delete()


def signer_material(*, signer: SignerCertificate) -> SignerMaterial:
    """The decrypted PKCS#12 file and password (the signing step only; never a response)."""
    fernet = _fernet()
    return SignerMaterial(
        pkcs12=fernet.decrypt(bytes(signer.pkcs12_encrypted)),
        password=fernet.decrypt(bytes(signer.password_encrypted)),
    )


# --- signing PDFs (PAdES with pyHanko) -------------------------------------------------------
def pdf_signer(*, signer: SignerCertificate, reason: str, location: str):
    """A function that signs one PDF (bytes → bytes) as ``signer``: PAdES B-B, or B-T with
    a timestamp when ``SIGNING_TIMESTAMP_URL`` is set. The key is loaded once per batch; an
    RSA key without a timestamp server signs through ``pades.BatchSigner`` (a CMS template
    pyHanko builds once), any other through pyHanko per document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # heavy: jobs only
    from pyhanko.sign import signers, timestamps  # heavy: loaded by the signing jobs only
    from pyhanko.sign.fields import SigSeedSubFilter  # heavy: loaded by the signing jobs only

    material = signer_material(signer=signer)
    key = signers.SimpleSigner.load_pkcs12_data(
        material.pkcs12, other_certs=[], passphrase=material.password or None
    )
    timestamper = (
        timestamps.HTTPTimeStamper(settings.SIGNING_TIMESTAMP_URL)
        if settings.SIGNING_TIMESTAMP_URL
        else None
    )
    if timestamper is None:
        fast = outside_event_loop(
            lambda: pades.batch_signer(key=key, reason=reason, location=location)
        )
        if fast is not None:
            return fast
    meta = signers.PdfSignatureMetadata(
        field_name=pades.FIELD_NAME,
        reason=reason,
        location=location,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    # Reserving the signature's room up front spares pyHanko a dry run per document.
    reserved = 24 * 1024 if timestamper else 12 * 1024

    def sign(pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = outside_event_loop(
            lambda: signers.sign_pdf(
                writer, meta, signer=key, timestamper=timestamper, bytes_reserved=reserved
            )
        )
        return out.getvalue()

    return PdfSigner(sign)


class PdfSigner:
    """Signs PDF bytes (``signer(pdf)``) or an open pikepdf document (``document``), with
    pyHanko per document; ``pades.BatchSigner`` answers the same two calls."""

    def __init__(self, sign):
        self.sign = sign

    def __call__(self, pdf: bytes) -> bytes:
        return self.sign(pdf)

    def document(self, document) -> bytes:
        out = io.BytesIO()
        document.save(out)
        return self.sign(out.getvalue())


def outside_event_loop(work):
    """Run ``work()`` — pyHanko's synchronous calls start their own event loop — in a helper
    thread when this thread already runs one (an ASGI server, Playwright's sync API in the
    browser tests); directly otherwise (a Celery worker, a command)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def signer_common_name(*, signer: SignerCertificate) -> str:
    """The CN of the signer's subject (the subject itself when it has none)."""
    for part in signer.subject.split(","):
        if part.startswith("CN="):
            return part[3:]
    return signer.subject
