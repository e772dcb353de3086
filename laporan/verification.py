"""Checking a signed PDF someone received (issue #23): is it signed, by whom, is the signature
intact and trusted, is the document unchanged since signing, and does each certificate code in
it name a published, not superseded certificate. Used by ``verify_certificate FILE.pdf``, the
upload box of the verification page, and the certificate job (which checks what it signed)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from pypdf import PdfReader

from . import documents, selectors
from .models import SignerCertificate
from .signing import outside_event_loop

CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
PDF_MAX_BYTES = 5 * 1024 * 1024
STORED_CHECK_SECONDS = 24 * 3600


@dataclass
class CodeCheck:
    code: str
    ok: bool
    message: str


@dataclass
class PdfCheck:
    signed: bool = False
    intact: bool = False
    trusted: bool = False
    unchanged: bool = False
    signer: str = ""
    signed_at: object = None
    codes: list[CodeCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.signed
            and self.intact
            and self.trusted
            and self.unchanged
            and bool(self.codes)
            and all(code.ok for code in self.codes)
            and not self.problems
        )


def trust_roots_pem() -> list[str]:
    """The public certificates of every organiser's signer: what a received PDF may be
    signed with. Read across organisers on purpose (the verification page is global)."""
    with scopes_disabled():
        return list(SignerCertificate.objects.values_list("chain_pem", flat=True))


def _certificates(pem_texts: list[str]):
    from asn1crypto import pem as asn1_pem  # pyHanko's companions: checking jobs only
    from asn1crypto import x509 as asn1_x509  # pyHanko's companions: checking jobs only

    found = []
    for text in pem_texts:
        for _kind, _headers, der in asn1_pem.unarmor(text.encode(), multiple=True):
            found.append(asn1_x509.Certificate.load(der))
    return found


def pdf_signature_check(*, data: bytes, roots_pem: list[str] | None = None) -> PdfCheck:
    """The signature part of the check (no codes)."""
    from pyhanko.pdf_utils.reader import PdfFileReader  # heavy: loaded by checks only
    from pyhanko.sign.validation import validate_pdf_signature  # heavy: checks only
    from pyhanko_certvalidator import ValidationContext  # heavy: loaded by checks only

    check = PdfCheck()
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure of hostile input is "not a PDF"
        check.problems.append(_("The file is not a PDF that can be read."))
        return check
    if not signatures:
        check.problems.append(_("The PDF has no electronic signature."))
        return check
    roots = _certificates(trust_roots_pem() if roots_pem is None else roots_pem)
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = outside_event_loop(lambda: validate_pdf_signature(signatures[-1], context))
    except Exception:  # noqa: BLE001 - a malformed signature is reported, not raised
        check.signed = True
        check.problems.append(_("The signature cannot be read."))
        return check
    check.signed = True
    check.intact = bool(status.intact and status.valid)
    check.trusted = bool(status.trusted)
    check.unchanged = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    check.signer = status.signing_cert.subject.native.get("common_name", "")
    check.signed_at = status.signer_reported_dt
    if not check.intact:
        check.problems.append(_("The signature does not match the document: it was altered."))
    elif not check.unchanged:
        check.problems.append(_("The document was changed after it was signed."))
    if not check.trusted:
        check.problems.append(
            _("The signer's certificate is not one of the signers registered here.")
        )
    return check


def certificate_pdf_check(*, data: bytes) -> PdfCheck:
    """The whole check of a certificate PDF someone received."""
    if len(data) > PDF_MAX_BYTES:
        check = PdfCheck()
        check.problems.append(_("The file is too large (at most 5 MB)."))
        return check
    check = pdf_signature_check(data=data)
    if check.problems and not check.signed:
        return check
    try:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - hostile input: report, do not raise
        text = ""
    for code in dict.fromkeys(CODE.findall(text)):
        check.codes.append(_code_check(code))
    if not check.codes:
        check.problems.append(_("No certificate code was found in the PDF."))
    return check


def _code_check(code: str) -> CodeCheck:
    with scopes_disabled():
        certificate = selectors.certificate_by_code(code=code)
        if certificate is None:  # none, or not from published results
            return CodeCheck(code, False, _("No published certificate has this code."))
        if certificate.run.superseded_by_id:
            return CodeCheck(
                code, False, _("This certificate was superseded by a correction of the results.")
            )
        return CodeCheck(
            code,
            True,
            _("%(title)s for %(unit)s, published.")
            % {"title": certificate.title, "unit": certificate.unit.name},
        )


def certificate_stored_check(*, certificate) -> PdfCheck | None:
    """The signature check of ``certificate``'s stored PDF (its unit's PDF in the latest
    certificate batch of its run), for the verification page; None when no batch stored
    one. Kept a day per batch and unit: stored files are never rewritten, and a public page
    must not validate a PDF on every view."""
    batch = selectors.certificate_batch_latest(run=certificate.run)
    if batch is None or not (batch.result or {}).get("zip"):
        return None
    key = f"certificate-stored-check:{batch.pk}:{certificate.unit.code}"
    found = cache.get(key)
    if found is None:
        try:
            with (
                batch.file.storage.open(batch.result["zip"]) as handle,
                zipfile.ZipFile(handle) as archive,
            ):
                data = archive.read(documents.unit_pdf_name(certificate.unit.code))
        except (OSError, KeyError, zipfile.BadZipFile):
            found = PdfCheck(problems=[_("The stored file of this certificate is missing.")])
        else:
            found = pdf_signature_check(data=data)
        cache.set(key, found, STORED_CHECK_SECONDS)
    return found
