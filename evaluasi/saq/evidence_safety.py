"""Active content in evidence files: what is refused before a file is stored.

Juries open PDFs inline (Chromium's viewer cannot be sandboxed) and download Office files, so a
file that can run something must never be stored as evidence:

- PDF: JavaScript (``/JS``, actions of type ``/JavaScript``), launch and import actions,
  embedded or attached files, and XFA forms — in any object, compressed object streams
  included (pypdf resolves every object; names written with ``#xx`` escapes are decoded). A
  PDF that pypdf cannot parse is scanned as bytes for the same names; one that is locked with
  a password cannot be inspected and is refused.
- DOCX/XLSX: macros (``vbaProject.bin``), ActiveX controls, embedded objects and external
  links; and the same unpacking limits as imported workbooks (``common.workbooks``), so a zip
  bomb named ``.xlsx`` never reaches a reader.

Each problem is a sentence in Indonesian that tells the operator what to do."""

from __future__ import annotations

import io
import logging
import re
import zipfile

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from common.workbooks import zip_bomb_part, zip_too_large

logger = logging.getLogger(__name__)

# Action types that run or fetch something; /URI (a plain link) is allowed.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/Rendition", "/GoToE"}
ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
RAW_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|XFA|RichMedia)\b")
# Parts of an Office file that hold code or reach outside it.
OFFICE_ACTIVE = re.compile(
    r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml|activeX/|embeddings/|externalLinks/)", re.I
)


def evidence_active_content(*, kind: str, data: bytes, name: str) -> str | None:
    """Why ``data`` (an evidence file of ``kind``) is refused, or None when it is safe."""
    if kind == "pdf":
        return _pdf_problem(data, name)
    if kind in ("docx", "xlsx"):
        return _office_problem(data, name)
    return None


def _pdf_problem(data: bytes, name: str) -> str | None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _(
                "“%(name)s” is locked with a password, so it cannot be checked or read by the "
                "juries. Save it without a password and upload it again."
            ) % {"name": name}
        found = _pdf_active_found(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        # Unparseable here (a viewer might still repair it): look at the bytes themselves.
        logger.debug("evidence %s: pypdf could not parse it; raw scan", name)
        found = bool(RAW_ACTIVE.search(data))
    if found:
        return _(
            "“%(name)s” contains active content (scripts, actions that open programs, or "
            "attached files) and is refused for the juries' safety. Print it to a new PDF "
            "(“Save as PDF”) or scan it, and upload that."
        ) % {"name": name}
    return None


def _pdf_active_found(reader) -> bool:
    def active(value, depth=0) -> bool:
        if depth > 40:
            return False
        if isinstance(value, IndirectObject):
            return False  # every indirect object is inspected on its own below
        if isinstance(value, DictionaryObject):
            if ACTIVE_KEYS & set(value.keys()):
                return True
            if value.get("/S") in ACTIVE_ACTIONS:
                return True
            return any(active(item, depth + 1) for item in value.values())
        if isinstance(value, ArrayObject):
            return any(active(item, depth + 1) for item in value)
        return False

    if active(reader.trailer):
        return True
    for generation, numbers in reader.xref.items():  # {generation: {number: offset}}
        for number in numbers:
            if active(reader.get_object(IndirectObject(number, generation, reader))):
                return True
    for number in reader.xref_objStm:
        if active(reader.get_object(IndirectObject(number, 0, reader))):
            return True
    return False


def _office_problem(data: bytes, name: str) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # The unpacking limits of imported workbooks (common.workbooks), for DOCX too.
            if zip_too_large(archive) or zip_bomb_part(archive) is not None:
                unpacked = sum(part.file_size for part in archive.infolist())
                return _(
                    "“%(name)s” unpacks to far more than its size (%(size)s MB); it is refused. "
                    "Save it again from the office program, or as a PDF."
                ) % {"name": name, "size": round(unpacked / 1048576)}
            parts = archive.infolist()
            if any(OFFICE_ACTIVE.search(part.filename) for part in parts):
                return _(
                    "“%(name)s” contains macros, controls or embedded objects and is refused "
                    "for the juries' safety. Save it as a plain .docx/.xlsx or as a PDF."
                ) % {"name": name}
    except zipfile.BadZipFile:
        return _("“%(name)s” is damaged and cannot be opened.") % {"name": name}
    return None
