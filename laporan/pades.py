"""PAdES signatures for a batch of PDFs signed by one key (issue #23's signing rate).

pyHanko signs one PDF in about 50 ms, 40 of them spent parsing the same private key again
(``SimpleSigner.sign_raw``) and most of the rest rebuilding the same CMS structures; a batch of
1,000 certificates is rendered in 8 s, so signing it that way would take six times as long as
making it. Here, per batch:

- pyHanko builds one PAdES B-B CMS ``SignedData`` (``Signer.async_sign`` with
  ``use_pades=True``: content type, message digest, the ESS signing-certificate-v2 attribute,
  the certificate chain) for a random stand-in digest: the template;
- the private key is loaded once, with ``cryptography``.

and per PDF:

- pikepdf (qpdf) writes the document with an invisible signature field whose signature
  dictionary holds a ``/ByteRange`` and a ``/Contents`` placeholder, then the real byte range
  is written over the placeholder (same length); a unit's PDF that is being made with pikepdf
  anyway (``documents.certificates_split``) is signed as it is written (``document``);
- the SHA-256 of the covered bytes replaces the stand-in digest in the template's signed
  attributes, the attributes are signed (RSA PKCS#1 v1.5: the signature has the key's length,
  so every DER length in the template stays right) and both are put in the template's place;
- the CMS goes, hex-coded, into ``/Contents``.

The template is checked to hold the stand-in digest, the attributes and the signature exactly
once before use. Only RSA PKCS#1 v1.5 without a timestamp server takes this path
(``batch_signer`` returns None otherwise, and pyHanko signs each PDF itself): an ECDSA
signature's length varies, and a B-T timestamp token is made per signature by the server.
The certificate job checks what it signed with pyHanko's validator (``verification``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import os

import pikepdf
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

FIELD_NAME = "TandaTanganElektronik"
CONTENTS_BYTES = 16 * 1024  # room for the CMS (chain included); written as twice as many hex digits
_WIDE = 9_999_999_999  # a /ByteRange placeholder number as wide as any real offset
_SIGNED_ATTRS_SET = b"\x31"  # signed attributes are signed as a SET OF, not as [0] IMPLICIT


class BatchSigner:
    """Signs PDFs (bytes → bytes) with one key and one CMS template."""

    def __init__(
        self,
        *,
        private_key: RSAPrivateKey,
        template: bytes,
        stand_in: bytes,
        attributes: bytes,
        signature: bytes,
        reason: str,
        location: str,
    ):
        self.private_key = private_key
        self.template = template
        self.stand_in = stand_in
        self.attributes = attributes
        self.signature = signature
        self.reason = reason
        self.location = location

    def cms(self, digest: bytes) -> bytes:
        attributes = self.attributes.replace(self.stand_in, digest)
        signature = self.private_key.sign(
            _SIGNED_ATTRS_SET + attributes[1:], PKCS1v15(), hashes.SHA256()
        )
        if len(signature) != len(self.signature):  # pragma: no cover - RSA: fixed length
            raise ValueError("signature length changed")
        return self.template.replace(self.attributes, attributes).replace(self.signature, signature)

    def __call__(self, pdf: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            return self.document(document)

    def document(self, document: pikepdf.Pdf) -> bytes:
        """An open pikepdf document (a unit's PDF being made), written and signed."""
        _placeholder_add(document, reason=self.reason, location=self.location)
        out = io.BytesIO()
        document.save(
            out, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=True
        )
        data = bytearray(out.getvalue())
        start = data.rindex(b"/Contents <" + b"00" * 16) + len(b"/Contents ")
        end = data.index(b">", start) + 1
        ranges = data.rindex(b"/ByteRange [", 0, start)
        close = data.index(b"]", ranges)
        numbers = f"/ByteRange [ 0 {start} {end} {len(data) - end} ]"
        data[ranges : close + 1] = numbers.ljust(close + 1 - ranges).encode()
        digest = hashlib.sha256()
        digest.update(memoryview(data)[:start])
        digest.update(memoryview(data)[end:])
        content = self.cms(digest.digest()).hex().encode()
        if len(content) > end - start - 2:
            raise ValueError("the signature does not fit its placeholder")
        data[start + 1 : start + 1 + len(content)] = content
        return bytes(data)


def _placeholder_add(document: pikepdf.Pdf, *, reason: str, location: str) -> None:
    """An invisible signature field on the first page whose value is a signature dictionary
    with placeholders (written without object streams, so they can be found and filled)."""
    now = dt.datetime.now(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
    signature = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Sig,
            Filter=pikepdf.Name("/Adobe.PPKLite"),
            SubFilter=pikepdf.Name("/ETSI.CAdES.detached"),
            ByteRange=pikepdf.Array([0, _WIDE, _WIDE, _WIDE]),
            Contents=pikepdf.String(b"\0" * CONTENTS_BYTES),
            M=pikepdf.String(now),
            Reason=pikepdf.String(reason),
            Location=pikepdf.String(location),
        )
    )
    page = document.pages[0]
    widget = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Sig,
            T=pikepdf.String(FIELD_NAME),
            V=signature,
            F=132,  # print + locked
            Rect=pikepdf.Array([0, 0, 0, 0]),
            P=page.obj,
        )
    )
    annotations = page.obj.get("/Annots", pikepdf.Array())
    annotations.append(widget)
    page.obj.Annots = annotations
    form = document.Root.get("/AcroForm", pikepdf.Dictionary())
    fields = form.get("/Fields", pikepdf.Array())
    fields.append(widget)
    form.Fields = fields
    form.SigFlags = 3  # signatures exist; append only
    document.Root.AcroForm = form


def batch_signer(*, key, reason: str, location: str) -> BatchSigner | None:
    """A batch signer for pyHanko's ``SimpleSigner`` ``key``, or None when its signatures
    cannot take the template path (not RSA PKCS#1 v1.5). Runs pyHanko's event loop: call it
    outside a running one (``signing.outside_event_loop``)."""
    from pyhanko.sign.signers.pdf_cms import SimpleSigner  # heavy: the signing jobs only

    if not isinstance(key, SimpleSigner):
        return None
    mechanism = key.get_signature_mechanism_for_digest("sha256")
    if mechanism.signature_algo != "rsassa_pkcs1v15":
        return None
    private_key = serialization.load_der_private_key(key.signing_key.dump(), password=None)
    if not isinstance(private_key, RSAPrivateKey):
        return None
    stand_in = os.urandom(32)

    async def template():
        return await key.async_sign(stand_in, "sha256", use_pades=True)

    content_info = asyncio.run(template())
    signer_info = content_info["content"]["signer_infos"][0]
    der = content_info.dump()
    attributes = signer_info["signed_attrs"].dump()
    signature = signer_info["signature"].native
    for part in (stand_in, attributes, signature):
        if der.count(part) != 1 or (part is stand_in and attributes.count(part) != 1):
            return None  # a template we cannot fill in safely: pyHanko signs each PDF
    return BatchSigner(
        private_key=private_key,
        template=der,
        stand_in=stand_in,
        attributes=attributes,
        signature=signature,
        reason=reason,
        location=location,
    )
