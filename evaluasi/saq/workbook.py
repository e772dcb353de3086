"""The answers workbook for offline filling: write it for a unit, parse an uploaded one."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from common.workbooks import Problems, sheet_read, workbook_open, workbook_scan
from common.xlsx import header_row, workbook_defuse
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


def answers_workbook(*, submission, questionnaire, answers) -> Workbook:
    """The unit's questionnaire as a workbook to fill offline (DESIGN.md §4 "Answers")."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ANSWERS_SHEET
    header_row(
        sheet,
        [
            "indikator",
            "jawaban",
            "bukti_url",
            "aspek",
            "pertanyaan",
            "tipe",
            "pilihan",
            "wajib",
            "petunjuk",
        ],
        [12, 24, 36, 22, 70, 10, 36, 8, 50],
    )
    evidence_urls = {
        e.indicator_id: e.url for e in submission.evidence.filter(kind="url").order_by("-id")
    }
    for aspect in questionnaire.aspects.all():
        for indicator in aspect.indicators.all():
            answer = answers.get(indicator.pk)
            if indicator.type == "ya_tidak":
                choices = ", ".join(o.code for o in indicator.options.all()) or "ya, tidak"
            elif indicator.type == "pilihan":
                choices = "; ".join(f"{o.code} = {o.label}" for o in indicator.options.all())
            elif indicator.type == "angka":
                choices = _("number, e.g. 12 or 12,5")
            else:
                choices = ""
            sheet.append(
                [
                    indicator.code,
                    _answer_cell(indicator, answer.value if answer else ""),
                    evidence_urls.get(indicator.pk),
                    aspect.name,
                    indicator.question,
                    indicator.type,
                    choices,
                    "ya" if indicator.required else "tidak",
                    indicator.guidance or None,
                ]
            )
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    settings_sheet = workbook.create_sheet(SETTINGS_SHEET)
    header_row(settings_sheet, ["kunci", "nilai"], [12, 40])
    settings_sheet.append(["unit", submission.unit.code])
    settings_sheet.append(["periode", submission.period.year])
    guide = workbook.create_sheet("petunjuk")
    guide.column_dimensions["A"].width = 100
    for line in (
        _("Fill the column jawaban: ya or tidak, the option code, a number, or text."),
        _("Optionally put a link to the evidence in bukti_url. Upload files in the web form."),
        _("Do not change the sheet pengaturan: it names the unit and the period."),
        _("Upload the file on the SAQ page; you will see what changes before it is applied."),
    ):
        guide.append([line])
    return workbook_defuse(workbook)


@dataclass
class ParsedAnswers:
    problems: Problems
    unit_code: str = ""
    year: int | None = None
    rows: list[dict] = field(default_factory=list)  # indikator, jawaban, bukti_url, row


def _answer_cell(indicator, value: str):
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
        optional=["bukti_url", *ANSWER_INFO_COLUMNS],
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
                    "row": row,
                }
            )
    return parsed
