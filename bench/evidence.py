"""The jury assistant's speed (issue #21), each figure against a bare baseline in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/evidence.py \
        [--text 150] [--scans 12] [--index 1000000]

- text PDFs: our analysis of a content (``content_analyse``: text layer, dates, MinHash, bands
  written to PostgreSQL) per second, against ``pdftotext`` over the same files;
- scans: OCR pages per second through our analysis, against ``pdftoppm`` (144 dpi) piped to
  ``tesseract -l ind`` over the same files;
- the Kutai Timur period (~8,000 files, a fifth scans) estimated from both rates, ours over bare
  (target ≤ 1.5× on 2 cores: a worker per core, as in production);
- the near-copy lookup: ``--index`` contents with text bands in PostgreSQL (COPY), then the
  lookup of one content's near copies (``_near_contents``), p95 over 300 lookups (target < 50 ms).
"""

import argparse
import hashlib
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from _django import scratch_database


def make_files(folder: Path, texts: int, scans: int) -> tuple[list[Path], list[Path]]:
    from demo import evidence_files as files

    names = [f"Desa Uji {n:04d}" for n in range(texts)]
    text_paths, scan_paths = [], []
    for n, name in enumerate(names):
        path = folder / f"teks-{n}.pdf"
        path.write_bytes(files.text_pdf(files.decree(name, year=2020 + n % 7, day=1 + n % 27)))
        text_paths.append(path)
    for n in range(scans):
        path = folder / f"pindai-{n}.pdf"
        path.write_bytes(files.scan_pdf(files.decree(f"Desa Pindai {n}", day=1 + n % 27)))
        scan_paths.append(path)
    return text_paths, scan_paths


def ours(paths: list[Path]) -> float:
    from evaluasi.checks.services import content_analyse

    begin = time.perf_counter()
    for path in paths:
        content_analyse(data=path.read_bytes(), name=path.name, force=True)
    return time.perf_counter() - begin


def bare_text(paths: list[Path]) -> float:
    begin = time.perf_counter()
    for path in paths:
        subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)  # noqa: S603, S607
    return time.perf_counter() - begin


def bare_ocr(paths: list[Path], folder: Path) -> float:
    begin = time.perf_counter()
    for path in paths:
        stem = folder / path.stem
        subprocess.run(["pdftoppm", "-r", "144", "-png", str(path), str(stem)], check=True)  # noqa: S603, S607
        for image in sorted(folder.glob(f"{path.stem}*.png")):
            subprocess.run(  # noqa: S603, S607
                ["tesseract", str(image), "stdout", "-l", "ind"], check=True, capture_output=True
            )
            image.unlink()
    return time.perf_counter() - begin


def index_contents(total: int) -> list[int]:
    """``total`` contents with random text signatures and their bands, by COPY."""
    from django.db import connection

    from evaluasi.checks import text as reading
    from evaluasi.checks.models import ContentBand, EvidenceContent

    rng = np.random.default_rng(5)
    contents = EvidenceContent._meta.db_table
    bands = ContentBand._meta.db_table
    step = 50_000
    with connection.cursor() as cursor:
        for start in range(0, total, step):
            count = min(step, total - start)
            signatures = rng.integers(0, 2**63, size=(count, reading.PERMUTATIONS), dtype=np.uint64)
            with cursor.cursor.copy(
                f"COPY {contents} (id, sha256, kind, status, problem, text, text_layer, ocr_pages,"
                " blank_pages, dates, phash, signature, version, seconds, analysed_at)"
                " FROM STDIN"
            ) as copy:
                for offset in range(count):
                    pk = start + offset + 1
                    sha = hashlib.sha256(str(pk).encode()).hexdigest()
                    copy.write_row(
                        (pk, sha, "pdf", "done", "", "", True, 0, 0, "[]", "",
                         signatures[offset].tobytes(), 1, 0, "2026-01-01T00:00:00Z")
                    )  # fmt: skip
            with cursor.cursor.copy(f"COPY {bands} (content_id, value) FROM STDIN") as copy:
                for offset in range(count):
                    for value in reading.text_bands(signatures[offset]):
                        copy.write_row((start + offset + 1, value))
            print(f"  indexed {start + count:,}", flush=True)
        cursor.execute(f"ANALYZE {bands}")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{contents}', 'id'), {total})")
    return list(range(1, total + 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", type=int, default=150)
    parser.add_argument("--scans", type=int, default=12)
    parser.add_argument("--index", type=int, default=1_000_000)
    args = parser.parse_args()
    with scratch_database() as name, tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        print(f"scratch database {name}; making {args.text} text PDFs and {args.scans} scans")
        texts, scans = make_files(folder, args.text, args.scans)
        ours(texts[:5])  # warm-up: imports, the stemmer's dictionary, Tesseract's data
        bare_text(texts[:5])
        ours_text, bare_t = ours(texts), bare_text(texts)
        ours_scan, bare_s = ours(scans), bare_ocr(scans, folder)
        text_rate, bare_text_rate = len(texts) / ours_text, len(texts) / bare_t
        ocr_rate, bare_ocr_rate = len(scans) / ours_scan, len(scans) / bare_s
        period_ours = 6400 / text_rate + 1600 / ocr_rate
        period_bare = 6400 / bare_text_rate + 1600 / bare_ocr_rate
        print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python "
              f"{platform.python_version()}")  # fmt: skip
        print(f"text PDFs: ours {text_rate:.1f}/s, pdftotext {bare_text_rate:.1f}/s "
              f"(ratio {bare_text_rate / text_rate:.2f})")  # fmt: skip
        print(f"OCR pages: ours {ocr_rate:.2f}/s, pdftoppm+tesseract {bare_ocr_rate:.2f}/s "
              f"(ratio {bare_ocr_rate / ocr_rate:.2f})")  # fmt: skip
        print(f"Kutai Timur period (6,400 text + 1,600 scans), one process: ours "
              f"{period_ours / 60:.1f} min, bare {period_bare / 60:.1f} min; ratio "
              f"{period_ours / period_bare:.2f} (target <= 1.5); on 2 workers about "
              f"{period_ours / 120:.1f} min")  # fmt: skip

        from evaluasi.checks.models import ContentBand, EvidenceContent
        from evaluasi.checks.selectors import _near_contents

        ContentBand.objects.all().delete()
        EvidenceContent.objects.all().delete()
        began = time.perf_counter()
        ids = index_contents(args.index)
        print(f"indexed {len(ids):,} contents in {time.perf_counter() - began:.0f} s")
        rng = np.random.default_rng(9)
        timings = []
        for content in rng.choice(ids, size=300, replace=False):
            begin = time.perf_counter()
            _near_contents({int(content)})
            timings.append((time.perf_counter() - begin) * 1000)
        timings.sort()
        p50, p95 = statistics.median(timings), timings[int(0.95 * len(timings))]
        print(f"near-copy lookup with {len(ids):,} contents: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
              " (target < 50 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
