"""PDF documents (certificates, recap) with WeasyPrint, QR codes with segno, SVG charts.

Certificates are rendered as **one** document with one page per certificate and then split
into per-unit files with pikepdf: WeasyPrint pays ~0.1 s per written PDF whatever its size
(DESIGN.md §6), so one render for the batch is what makes 100+ certificates per second
possible. Fonts come from Debian's fonts-dejavu-core (installed by scripts/system-deps); no
font or image is ever fetched from the network (the URL fetcher allows data: URIs only).
"""

from __future__ import annotations

import base64
import io
import mimetypes
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import OrderedDict
from pathlib import Path

import pikepdf
import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from award.qualifications import qualification as qualification_of
from award.scoping import organiser_url

LEVEL_WORDS = {"desa": "Desa", "kecamatan": "Kecamatan", "opd": "Perangkat Daerah"}


def _url_fetcher():
    """WeasyPrint fetcher for data: URIs only (the system runs on a closed network)."""
    from weasyprint.urls import URLFetcher  # heavy (Pango, fonts): loaded only to make a PDF

    return URLFetcher(allowed_protocols={"data"})


def data_uri(content: bytes, name: str) -> str:
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def file_uri(field) -> str | None:
    """A data: URI of an uploaded file (logo, signature), None when there is none."""
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return data_uri(handle.read(), field.name)
    except OSError:
        return None


def report_logo_uri(report) -> str:
    """The period's logo, else its organiser's, else the application's."""
    return file_uri(report.logo) or file_uri(report.period.organiser.logo) or default_logo_uri()


def default_logo_uri() -> str:
    """The application logo as PNG (rendered once from logo.svg): a raster image is drawn
    once per document, an SVG once per page."""
    path = finders.find("img/logo.png")
    return data_uri(Path(path).read_bytes(), "logo.png")


MM = 72 / 25.4  # PDF points per millimetre
# Where the QR code sits on a certificate (A4 landscape, from the bottom-left corner, in mm);
# certificates.html leaves this square empty.
QR_BOX = (25.0, 34.0, 24.0)


def qr_pdf_operators(url: str, box=QR_BOX) -> bytes:
    """PDF drawing operators for a QR code as vector squares (runs of dark modules merged),
    placed in ``box`` (x, y, size in mm from the bottom-left corner). Drawn straight into the
    page's content: sharp in print, and no per-page image resource to carry around."""
    matrix = segno.make(url, error="m", mask=0).matrix
    count = len(matrix)
    x, y, size = box
    module = size * MM / (count + 4)
    ops = [
        "q 0.043 0.239 0.361 rg",
        f"{module:.5f} 0 0 {module:.5f} {x * MM:.3f} {y * MM:.3f} cm",
    ]
    for row_index, row in enumerate(matrix):
        top = count + 1 - row_index
        start = None
        for column, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                ops.append(f"{start + 2} {top} {column - start} 1 re")
                start = None
    ops.append("f Q")
    return "\n".join(ops).encode()


def verification_url(code: str) -> str:
    # Global: codes are unique across organisers, and a printed QR code outlives any URL scheme.
    return settings.SITE_URL + organiser_url(None, "laporan:verify", code)


def verification_urls(codes) -> list[str]:
    """Verification URLs of many codes (one ``reverse``: it costs ~2 ms each)."""
    marker = "KODE-VERIFIKASI"
    template = verification_url(marker)
    return [template.replace(marker, code) for code in codes]


def level_word(level) -> str:
    return LEVEL_WORDS.get(level.code, level.name)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only to make a PDF

    return HTML(
        string=html, url_fetcher=_url_fetcher(), base_url=str(settings.BASE_DIR)
    ).write_pdf()


def render_pdf_parallel(parts: list[str]) -> bytes:
    """Render several HTML documents in parallel subprocesses and join the PDFs in order."""
    if len(parts) == 1:
        return render_pdf(parts[0])
    with tempfile.TemporaryDirectory() as folder:
        jobs = []
        for index, html in enumerate(parts):
            source = Path(folder) / f"{index}.html"
            source.write_text(html, encoding="utf-8")
            target = Path(folder) / f"{index}.pdf"
            process = subprocess.Popen(  # noqa: S603 - our own module, our own files
                [sys.executable, "-m", "laporan.render_worker", str(source), str(target)],
                cwd=settings.BASE_DIR,
                env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
            )
            jobs.append((process, target))
        for process, _target in jobs:
            if process.wait() != 0:
                raise RuntimeError("a PDF rendering process failed")
        merged = pikepdf.new()
        for _process, target in jobs:
            with pikepdf.open(target) as part:
                merged.pages.extend(part.pages)
        out = io.BytesIO()
        merged.save(out)
        return out.getvalue()


def render_workers(pages: int) -> int:
    """How many processes a document of ``pages`` pages is rendered with."""
    if pages < 150:
        return 1
    return max(1, min(os.cpu_count() or 1, 4, pages // 100))


# --- certificates --------------------------------------------------------------------------
def _certificate_context(*, report, period, signed: bool = False) -> dict:
    signed_on = report.signed_on or (
        timezone.localtime(period.finalisation_date).date()
        if period.finalisation_date
        else timezone.localdate()
    )
    return {
        "report": report,
        "period": period,
        "logo": report_logo_uri(report),
        "signature": file_uri(report.signature),
        "signed_on": signed_on,
        "signed_electronically": signed,
    }


def certificates_html(
    *, certificates, report, period, signed: bool = False
) -> tuple[str, list[str]]:
    """(the background page shared by every certificate, the pages that differ, split into
    as many documents as processes will render them); ``signed``: the visible block that
    says the document is signed electronically."""
    context = _certificate_context(report=report, period=period, signed=signed)
    urls = verification_urls([certificate.code for certificate in certificates])
    pages = [
        {"certificate": certificate, "level_word": level_word(certificate.level), "url": url}
        for certificate, url in zip(certificates, urls, strict=True)
    ]
    background = render_to_string("laporan/pdf/certificate_background.html", context)
    workers = render_workers(len(pages))
    size = -(-len(pages) // workers) if pages else 1
    documents = [
        render_to_string(
            "laporan/pdf/certificates.html", {**context, "pages": pages[start : start + size]}
        )
        for start in range(0, max(len(pages), 1), size)
    ]
    return background, documents


def certificates_compose(background: bytes, pages: bytes, urls: list[str]) -> bytes:
    """Lay the background page under every certificate page and draw each page's QR code.
    The background is one Form XObject shared by all pages: rendered once, stored once,
    still vector for printing."""
    with pikepdf.open(io.BytesIO(background)) as back, pikepdf.open(io.BytesIO(pages)) as pdf:
        form = pdf.copy_foreign(back.pages[0].as_form_xobject())
        for page, url in zip(pdf.pages, urls, strict=True):
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + qr_pdf_operators(url)))
            page.add_underlay(form)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True)
    return out.getvalue()


def unit_pdf_name(code: str) -> str:
    """The name of a unit's certificate PDF in a batch's ZIP."""
    return f"sertifikat-{code}.pdf"


def certificates_split(pdf: bytes, certificates, sign=None) -> bytes:
    """A ZIP of one PDF per unit (its certificates' pages, one page each, in order);
    ``sign`` (``signing.pdf_signer``) writes and signs each one."""
    by_unit: OrderedDict[str, list[int]] = OrderedDict()
    for index, certificate in enumerate(certificates):
        by_unit.setdefault(certificate.unit.code, []).append(index)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as source, zipfile.ZipFile(out, "w") as archive:
        for code, pages in by_unit.items():
            target = pikepdf.new()
            target.pages.extend(source.pages[i] for i in pages)
            if sign is not None:
                data = sign.document(target)
            else:
                buffer = io.BytesIO()
                target.save(buffer)
                data = buffer.getvalue()
            archive.writestr(unit_pdf_name(code), data)
    return out.getvalue()


# --- recap ---------------------------------------------------------------------------------
def bar_chart_svg(rows: list[tuple[str, list[tuple[str, int, str]]]], width=520) -> str:
    """Horizontal stacked bars: rows of (label, [(part label, count, colour)]), as SVG."""
    height = 28 * len(rows) + 56
    label_width = 110
    inner = width - label_width - 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="10">'
    ]
    legend: OrderedDict[str, str] = OrderedDict()
    for row_index, (label, segments) in enumerate(rows):
        y = 10 + 28 * row_index
        total = sum(count for _name, count, _colour in segments) or 1
        parts.append(f'<text x="0" y="{y + 14}">{escape(label)}</text>')
        x = float(label_width)
        for name, count, colour in segments:
            legend.setdefault(name, colour)
            if not count:
                continue
            w = inner * count / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" fill="{colour}"/>')
            if w > 16:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 13}" fill="#fff" '
                    f'text-anchor="middle">{count}</text>'
                )
            x += w
    y = 10 + 28 * len(rows) + 6
    x = 0.0
    for name, colour in legend.items():
        step = 14 + 6.0 * len(name) + 14
        if x and x + step > width:  # wrap the legend rather than cut it
            x, y = 0.0, y + 14
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y + 9}">{escape(name)}</text>')
        x += step
    parts.append("</svg>")
    return "".join(parts)


def badge_svg(*, qualification: str, year: int, unit_name: str) -> str:
    """An embeddable badge: "Informatif 2026" coloured by qualification."""
    colour = qualification_of(qualification).colour
    left = "PPID Award"
    right = f"{qualification} {year}"
    left_w = 8 + int(6.4 * len(left))
    right_w = 10 + int(6.6 * len(right))
    total = left_w + right_w
    title = escape(f"{unit_name}: {qualification} {year}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<rect width="{left_w}" height="20" fill="#0b3d5c"/>'
        f'<rect x="{left_w}" width="{right_w}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="DejaVu Sans,Verdana,sans-serif" font-size="11">'
        f'<text x="{left_w / 2:.0f}" y="14" text-anchor="middle">{escape(left)}</text>'
        f'<text x="{left_w + right_w / 2:.0f}" y="14" text-anchor="middle">'
        f"{escape(right)}</text></g></svg>"
    )
