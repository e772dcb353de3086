"""What an evidence file holds, read locally and within limits (no Django, no database): its
page count, its text (the PDF text layer; DOCX and XLSX text; images and PDF pages without text
through Tesseract OCR with the Indonesian data), the pages that are blank and, for an image,
its perceptual hash.

Limits, so that a hostile file ends as ``problem`` instead of taking a worker down: text from at
most ``TEXT_PAGES`` pages, OCR of at most ``OCR_PAGES`` pages (each within ``OCR_SECONDS``),
images up to ``MAX_PIXELS`` (larger is a decompression bomb), and text kept up to
``MAX_TEXT`` characters. The Celery task around it adds a time limit; the worker's memory limit
(``config.celery``) turns a runaway allocation into a ``MemoryError`` the task reports.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import imagehash
import pypdfium2
import pytesseract
from django.utils.translation import gettext as _
from docx import Document
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError
from python_calamine import CalamineWorkbook

from common.workbooks import Problems, workbook_guard

TEXT_PAGES = 60
OCR_PAGES = 6
OCR_SECONDS = 40
OCR_SCALE = 2.0  # PDF pages rendered at 144 dpi for OCR: enough for typed Indonesian text
MAX_PIXELS = 40_000_000
MAX_TEXT = 200_000
BLANK_INK = 0.002  # a page with less than 0.2 % dark pixels is blank
PAGE_TEXT_MIN = 25  # fewer characters on a PDF page: no text layer there

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass
class Extracted:
    kind: str  # pdf, image, docx, xlsx, other
    pages: int | None = None
    text: str = ""
    text_layer: bool = False  # the PDF has text of its own on some page
    ocr_pages: int = 0
    blank_pages: int = 0
    phash: str = ""
    problem: str = ""  # why the file could not be read ("" when it could)


def extract(data: bytes, *, kind: str) -> Extracted:
    """Read ``data`` as a file of ``kind`` (pdf, jpeg, png, docx, xlsx)."""
    try:
        if kind == "pdf":
            return _pdf(data)
        if kind in ("jpeg", "png", "image"):
            return _image(data)
        if kind == "docx":
            return _docx(data)
        if kind == "xlsx":
            return _xlsx(data)
    except Image.DecompressionBombError:
        return Extracted(kind, problem=_("The image is too large to open safely."))
    except (
        PdfReadError,
        UnidentifiedImageError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
    ):
        return Extracted(kind, problem=_("The file is damaged or not what its type says."))
    return Extracted("other", problem=_("This kind of file cannot be read."))


def _clip(text: str) -> str:
    return text[:MAX_TEXT]


def _ink(image: Image.Image) -> float:
    """The share of dark pixels (a blank page has almost none)."""
    gray = ImageOps.grayscale(image)
    gray.thumbnail((600, 600))
    histogram = gray.histogram()
    dark = sum(histogram[:160])
    return dark / max(1, gray.width * gray.height)


def _ocr(image: Image.Image) -> str:
    try:
        return pytesseract.image_to_string(image, lang="ind", timeout=OCR_SECONDS)
    except RuntimeError:  # pytesseract's timeout
        return ""


def _pdf(data: bytes) -> Extracted:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
            reader.pages[0]  # noqa: B018 - an empty user password still leaves it locked?
        except (FileNotDecryptedError, PdfReadError, NotImplementedError):
            return Extracted("pdf", problem=_("The PDF is password-protected."))
    pages = len(reader.pages)
    found = Extracted("pdf", pages=pages)
    texts: list[str] = []
    without_text: list[int] = []
    for number, page in enumerate(reader.pages[:TEXT_PAGES]):
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - one broken page is read as a page without text
            text = ""
        if len(text.strip()) >= PAGE_TEXT_MIN:
            found.text_layer = True
            texts.append(text)
        else:
            without_text.append(number)
    if without_text:
        document = pypdfium2.PdfDocument(data)
        try:
            for number in without_text:
                image = document[number].render(scale=OCR_SCALE).to_pil()
                if _ink(image) < BLANK_INK:
                    found.blank_pages += 1
                    continue
                if found.ocr_pages < OCR_PAGES:
                    found.ocr_pages += 1
                    texts.append(_ocr(image))
        finally:
            document.close()
    found.text = _clip("\n".join(texts))
    return found


def _image(data: bytes) -> Extracted:
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_PIXELS:  # declared size, before any pixel is read
            raise Image.DecompressionBombError(f"{image.width}x{image.height}")
        image.load()
        picture = ImageOps.exif_transpose(image).convert("RGB")
    found = Extracted("image", pages=1, phash=str(imagehash.phash(picture)))
    if _ink(picture) < BLANK_INK:
        found.blank_pages = 1
        return found
    found.ocr_pages = 1
    found.text = _clip(_ocr(picture))
    return found


def _docx(data: bytes) -> Extracted:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return Extracted("docx", text=_clip("\n".join(parts)), text_layer=True)


def _xlsx(data: bytes) -> Extracted:
    if not workbook_guard(data, Problems()):  # declared sizes, zip bombs
        return Extracted("xlsx", problem=_("The workbook is too large to open safely."))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    parts: list[str] = []
    size = 0
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).iter_rows():
            line = " ".join(str(value) for value in row if value not in (None, ""))
            if line:
                parts.append(line)
                size += len(line)
            if size > MAX_TEXT:
                break
    return Extracted(
        "xlsx", pages=len(workbook.sheet_names), text=_clip("\n".join(parts)), text_layer=True
    )
