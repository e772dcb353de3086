"""The recap report (laporan hasil penilaian): figures collected and laid out as HTML for PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from award.qualifications import QUALIFICATIONS
from evaluasi.saq.selectors import participation
from penilaian.models import ScoringRun
from penilaian.selectors import ranking_tables

from . import documents, selectors


def recap_html(*, run: ScoringRun, top: int = 5, signed: bool = False) -> str:
    period = run.period
    report = selectors.report_settings(period=period)
    board = participation(period=period)
    tables = ranking_tables(run=run)
    participation_rows = [
        (
            level["level"].name,
            [
                ("Terkirim", level["submitted"], "#0f7b3d"),
                ("Sedang diisi", level["in_progress"], "#f2b705"),
                ("Belum mulai", level["not_started"], "#adb5bd"),
            ],
        )
        for level in board["levels"]
    ]
    qualification_rows = []
    for table in tables:
        counts = dict(table["counts"])
        qualification_rows.append(
            (
                table["level"].name,
                [(item.label, counts.get(item.label, 0), item.colour) for item in QUALIFICATIONS],
            )
        )
    juries = period.juries.select_related("user", "home_unit").order_by("user__first_name")
    return render_to_string(
        "laporan/pdf/recap.html",
        {
            "run": run,
            "period": period,
            "report": report,
            "logo": documents.report_logo_uri(report),
            "signature": documents.file_uri(report.signature),
            "signed_electronically": signed,
            "levels": board["levels"],
            "participation_chart": documents.bar_chart_svg(participation_rows),
            "qualification_chart": documents.bar_chart_svg(qualification_rows),
            "tables": [
                {
                    "level": table["level"],
                    "top": table["scores"][:top],
                    "count": len(table["scores"]),
                }
                for table in tables
            ],
            "juries": juries,
            "generated": timezone.localtime(),
            "signed_on": report.signed_on or timezone.localdate(),
        },
    )
