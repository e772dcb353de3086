"""Reports at national scale (Laporan issue): ranking workbook and certificate batch.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/laporan.py \
        [--units 83000] [--certificates 1000]

Builds in a scratch PostgreSQL database, with COPY, the units (desa under ~7,100 kecamatan) and
a finalised scoring run with one Score row per unit (all columns, six aspect scores each),
like the Scoring issue's national period. Then:

- ranking workbook: ``laporan.exports.RankingExporter`` (rows streamed from the database),
  against the baseline of a bare openpyxl write-only loop writing the same cells (read back
  from our workbook beforehand, so the baseline does no database work at all); target ≤ 1.3×;
  the growth of the process's peak memory during our write is printed too;
- certificates: ``--certificates`` certificates rendered as one document and split into one
  PDF per unit (``laporan.services.certificates_render``); target ≥ 100 per second;
- the same batch signed (issue #23: a throw-away CA's RSA signer uploaded, the printing PDF and
  every unit's PDF signed through ``laporan.pades``' CMS template), in the same run; target
  ≥ 0.8× the unsigned rate.
"""

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from _django import scratch_database
from scoring import build_units, copy_rows


def build(total: int):
    import pandas as pd
    from django.db import connection
    from django.utils import timezone

    from award.models import Level
    from award.services import period_create, period_default_dates
    from penilaian.formulas import qualify, round_half_up
    from penilaian.models import ScoringRun

    rng = np.random.default_rng(11)
    now = timezone.now()
    desa = Level.objects.get(code="desa")
    unit_ids = build_units(total, rng)
    period = period_create(year=2026, **period_default_dates(saq_open=now - dt.timedelta(days=120)))
    run = ScoringRun.objects.create(
        period=period,
        number=1,
        status="succeeded",
        is_current=True,
        finalised_at=now,
        stats={"units": total},
    )
    saq = round_half_up(rng.uniform(20, 100, total))
    verified = round_half_up(np.clip(saq - rng.uniform(0, 15, total), 0, 100))
    order = np.lexsort((unit_ids, -verified))
    rank = np.empty(total, dtype=int)
    rank[order] = np.arange(1, total + 1)
    finalist = rank <= 5
    presentation = np.where(finalist, round_half_up(rng.uniform(70, 95, total)), np.nan)
    final = np.where(finalist, round_half_up(0.8 * verified + 0.2 * presentation), verified)
    own = rng.uniform(0, 100, (total, 6)).round(2)
    checked = rng.uniform(0, 100, (total, 6)).round(2)
    aspects = [
        "{"
        + ",".join(
            f'"A{k}":[{s:.2f},{v:.2f}]' for k, (s, v) in enumerate(zip(a, b, strict=True), 1)
        )
        + "}"
        for a, b in zip(own, checked, strict=True)
    ]
    scores = pd.DataFrame(
        {
            "run_id": run.pk,
            "unit_id": unit_ids,
            "level_id": desa.pk,
            "submitted_at": now,
            "saq": saq,
            "verified": verified,
            "presentation": presentation,
            "presentation_pending": False,
            "final": final,
            "qualification": qualify(final, (90, 80, 60, 40)),
            "rank": rank,
            "finalist": finalist,
            "verified_count": 0,
            "aspects": aspects,
        }
    )
    with connection.cursor() as cursor:
        copy_rows(cursor, "evaluasi_score", list(scores.columns), scores)
        cursor.execute("ANALYZE")
    return run


def bare_write(sheets: list[tuple[str, list[list]]], path: Path) -> float:
    """The baseline: a bare openpyxl write-only loop writing the same cells."""
    from openpyxl import Workbook

    begin = time.perf_counter()
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return time.perf_counter() - begin


def read_back(path: Path) -> list[tuple[str, list[list]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    sheets = [
        (sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
        for sheet in workbook.worksheets
    ]
    workbook.close()
    return sheets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=83_000)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with scratch_database() as name:
        import logging

        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        from laporan import services
        from laporan.exports import RankingExporter
        from laporan.models import Certificate

        print(f"scratch database {name}; building {args.units:,} units and their scores ...")
        begin = time.perf_counter()
        run = build(args.units)
        print(f"built in {time.perf_counter() - begin:.1f} s", flush=True)
        folder = Path(tempfile.mkdtemp())
        ours, bare = [], []
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for attempt in range(args.repeat):
            path = folder / f"ours-{attempt}.xlsx"
            began = time.perf_counter()
            counts = RankingExporter(run=run).xlsx_write(path)
            ours.append(time.perf_counter() - began)
            if attempt == 0:
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                sheets = read_back(path)
                cells = sum(len(rows) * len(rows[0]) for _t, rows in sheets if rows)
            bare.append(bare_write(sheets, folder / f"bare-{attempt}.xlsx"))
            print(f"  workbook: ours {ours[-1]:.2f} s, bare loop {bare[-1]:.2f} s", flush=True)
        ratio = min(ours) / min(bare)

        certificates = services.certificates_issue(run=run)[: args.certificates]
        certificates = list(
            Certificate.objects.filter(pk__in=[c.pk for c in certificates]).select_related(
                "unit", "unit__parent", "level"
            )
        )

        def certificate_rates(label: str) -> list[float]:
            """Two renders of the batch, as the job makes it, in certificates per second."""
            rates = []
            for _attempt in range(2):
                began = time.perf_counter()
                pdf, archive = services.certificates_render(run=run, certificates=certificates)
                seconds = time.perf_counter() - began
                rates.append(len(certificates) / seconds)
                print(
                    f"  {label}: {len(certificates)} in {seconds:.2f} s ({rates[-1]:.0f}/s; "
                    f"PDF {len(pdf) / 1e6:.1f} MB, ZIP {len(archive) / 1e6:.1f} MB)",
                    flush=True,
                )
            return rates

        rates = certificate_rates("certificates")
        from demo import pki
        from laporan import signing

        signing.signer_certificate_save(
            data=pki.signer_pkcs12(pki.authority()), password="rahasia", user=None
        )
        signed_rates = certificate_rates("signed certificates")
        print()
        print(
            f"machine: {os.cpu_count()} cores, {platform.machine()}, "
            f"Python {platform.python_version()}"
        )
        print(f"sheets: {counts}; {cells:,} cells")
        print(
            f"ranking workbook ({args.units:,} units): ours {min(ours):.2f} s, bare openpyxl "
            f"write-only loop {min(bare):.2f} s -> {ratio:.2f}x (target <= 1.3x); "
            f"peak memory growth while writing {(rss_after - rss_before) / 1024:.0f} MiB"
        )
        print(f"certificates: best {max(rates):.0f} per second (target >= 100)")
        print(
            f"signed certificates: best {max(signed_rates):.0f} per second, "
            f"{max(signed_rates) / max(rates):.2f}x the unsigned rate (target >= 0.8x)"
        )


if __name__ == "__main__":
    main()
