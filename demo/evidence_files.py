"""Evidence files for the demo and the tests: text PDFs (WeasyPrint), a scan made by
rasterising a text PDF's page, blank pages, photos re-saved and resized, locked PDFs."""

from __future__ import annotations

import io

import pypdfium2
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

DECREE = """KEPUTUSAN KEPALA DESA {desa}
NOMOR 12 TAHUN {year}
TENTANG PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI (PPID) DESA {desa_upper}

Menimbang bahwa untuk melaksanakan ketentuan Undang-Undang Nomor 14 Tahun 2008 tentang
Keterbukaan Informasi Publik perlu menetapkan Pejabat Pengelola Informasi dan Dokumentasi di
lingkungan Pemerintah Desa {desa}; bahwa pelayanan informasi publik harus cepat, tepat waktu,
biaya ringan dan cara sederhana; bahwa setiap badan publik wajib menyediakan, memberikan dan
menerbitkan informasi publik yang berada di bawah kewenangannya kepada pemohon informasi.

Memutuskan, menetapkan: Keputusan Kepala Desa tentang PPID Desa {desa}. Kesatu: menunjuk
Sekretaris Desa sebagai PPID yang bertugas menyimpan, mendokumentasikan, menyediakan dan
memberikan pelayanan informasi publik. Kedua: PPID menyusun daftar informasi publik dan
standar operasional prosedur pelayanan informasi. Ketiga: keputusan ini mulai berlaku pada
tanggal ditetapkan. Ditetapkan di {desa} pada tanggal {day} Januari {year}.
Kepala Desa {desa}
"""

RECIPE = """Resep nasi goreng kampung: siapkan dua piring nasi putih dingin, tiga siung bawang
putih, lima butir bawang merah, cabai rawit secukupnya, kecap manis, garam dan telur ayam.
Haluskan bumbu, tumis hingga harum, masukkan telur lalu orak-arik, tambahkan nasi dan aduk
rata bersama kecap. Sajikan hangat dengan kerupuk udang, acar mentimun dan irisan tomat segar.
Resep ini cukup untuk dua orang dan dapat ditambah ayam suwir atau udang goreng sesuai selera.
"""


def text_pdf(text: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return HTML(string=f"<html><body style='font-size:13pt'>{paragraphs}</body></html>").write_pdf()


def decree(desa: str = "Swarga Bara", year: int = 2026, day: int = 2) -> str:
    return DECREE.format(desa=desa, desa_upper=desa.upper(), year=year, day=day)


def blank_pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan_pdf(text: str) -> bytes:
    """The text PDF's first page rendered at 200 dpi and saved as an image-only PDF."""
    document = pypdfium2.PdfDocument(text_pdf(text))
    image = document[0].render(scale=200 / 72).to_pil().convert("L")
    document.close()
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200)
    return out.getvalue()


def locked_pdf(text: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(text))))
    writer.encrypt(user_password="rahasia", owner_password="rahasia")  # noqa: S106 - a demo lock
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def photo(seed: int = 1, size=(800, 600)) -> Image.Image:
    """A picture with shapes (a stand-in for a photo of an activity)."""
    image = Image.new("RGB", size, (200, 220, 235))
    draw = ImageDraw.Draw(image)
    for n in range(12):
        x = (seed * 97 + n * 61) % (size[0] - 120)
        y = (seed * 53 + n * 37) % (size[1] - 120)
        colour = ((seed * 40 + n * 20) % 255, (n * 35) % 255, (seed * 90 + n * 13) % 255)
        draw.rectangle([x, y, x + 60 + n * 5, y + 40 + n * 4], fill=colour)
        draw.ellipse([y % size[0], x % size[1], y % size[0] + 50, x % size[1] + 50], fill=colour)
    return image


def jpeg(image: Image.Image, *, quality: int = 90, scale: float = 1.0) -> bytes:
    if scale != 1.0:
        image = image.resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()
