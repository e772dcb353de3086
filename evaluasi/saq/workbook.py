"""The answers workbook for offline filling: its format, and the parser of an uploaded one
(``evaluasi.exports.AnswersExporter`` writes it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from common.workbooks import Problems, sheet_read, workbook_open, workbook_scan
from evaluasi.questionnaires.rubric import (
    parse_number,
)

SETTINGS_SHEET, ASPECT_SHEET, INDICATOR_SHEET, OPTION_SHEET = (
    "pengaturan",
    "aspek",
    "indikator",
    "opsi",
)

# --- answers workbook (offline filling) ---------------------------------------------------
ANSWERS_SHEET = "jawaban"
ANSWER_INFO_COLUMNS = ["aspek", "pertanyaan", "tipe", "pilihan", "wajib", "petunjuk"]


@dataclass
class ParsedAnswers:
    problems: Problems
    unit_code: str = ""
    year: int | None = None
    rows: list[dict] = field(default_factory=list)  # code, value, url, files, row


def answer_cell(indicator, value: str):
    """An answer as the workbook holds it: a number answer as a number (Excel shows it with
    the reader's decimal comma and can sum it), anything else as its text."""
    if not value:
        return None
    if indicator.type == "angka":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def answers_parse(data: bytes) -> ParsedAnswers:
    """Read an answers workbook; values are checked later against the questionnaire."""
    problems = Problems()
    parsed = ParsedAnswers(problems=problems)
    workbook = workbook_open(data, problems)
    if workbook is None:
        return parsed
    workbook_scan(data, [ANSWERS_SHEET, SETTINGS_SHEET], problems)
    settings_table = sheet_read(
        workbook, SETTINGS_SHEET, required=["kunci", "nilai"], optional=[], problems=problems
    )
    table = sheet_read(
        workbook,
        ANSWERS_SHEET,
        required=["indikator", "jawaban"],
        optional=["bukti_url", "bukti_berkas", *ANSWER_INFO_COLUMNS],
        problems=problems,
    )
    if settings_table is not None:
        values = {row.text("kunci").lower(): row for row in settings_table.rows}
        if "unit" not in values or not values["unit"].text("nilai"):
            problems.error(SETTINGS_SHEET, "A1", _("Key 'unit' needs a value."))
        else:
            parsed.unit_code = values["unit"].text("nilai")
        if "periode" not in values:
            problems.error(SETTINGS_SHEET, "A1", _("Key 'periode' needs a value."))
        else:
            try:
                parsed.year = int(parse_number(values["periode"].raw("nilai")))
            except (ValueError, TypeError):
                problems.error(
                    SETTINGS_SHEET,
                    values["periode"].ref("nilai"),
                    _("The period must be a year, e.g. 2026."),
                )
    if table is not None:
        seen: dict[str, int] = {}
        for row in table.rows:
            code = row.text("indikator")
            if not code:
                problems.error(row.sheet, row.ref("indikator"), _("The value is empty."))
                continue
            if code in seen:
                problems.error(
                    row.sheet,
                    row.ref("indikator"),
                    _("Indicator code '%(code)s' is duplicated; it already appears in row %(row)s.")
                    % {"code": code, "row": seen[code]},
                )
                continue
            seen[code] = row.number
            parsed.rows.append(
                {
                    "code": code,
                    "value": row.raw("jawaban"),
                    "url": row.text("bukti_url"),
                    "files": [n.strip() for n in row.text("bukti_berkas").split(";") if n.strip()],
                    "row": row,
                }
            )
    return parsed
