"""Workbooks the core domain hands out (templates for imports), and the rule that keeps text
from users from turning into formulas in any workbook or CSV file we hand out.

Formula injection (OWASP "CSV injection"): a unit named ``=HYPERLINK("http://…?d="&A1)`` or an
answer ``=cmd|' /C calc'!A0`` must stay text wherever it is exported. In a workbook every such
cell is written as a text cell with Excel's quote prefix (shown as typed, never evaluated, and
read back exactly as typed: an operator's own answers workbook still round-trips); in CSV the
value gets a leading apostrophe, as OWASP recommends.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Level, Unit

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell_defuse(cell) -> None:
    """Make a cell holding formula-like text a plain text cell (value unchanged)."""
    if is_formula_like(cell.value) or cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_defuse(workbook) -> Workbook:
    """Every formula-like text in a (normal-mode) workbook becomes plain text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("s", "f") and is_formula_like(cell.value):
                    text_cell_defuse(cell)
    return workbook


def csv_safe(value):
    """A CSV field: formula-like text gets a leading apostrophe; numbers stay numbers."""
    return "'" + value if is_formula_like(value) else value


def header_row(sheet, headers: list[str], widths: list[int]) -> None:
    sheet.append(headers)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def units_template_workbook(*, with_units: bool = False) -> Workbook:
    """The units workbook of DESIGN.md §4 with an instructions sheet, empty or with all units."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "unit"
    header_row(
        sheet,
        ["kode", "nama", "tingkat", "induk", "website", "email_operator"],
        [16, 44, 12, 16, 36, 32],
    )
    levels = list(Level.objects.all())
    if with_units:
        for unit in Unit.objects.select_related("level", "parent").order_by("level__order", "code"):
            sheet.append(
                [
                    unit.code,
                    unit.name,
                    unit.level.code,
                    unit.parent.code if unit.parent else "",
                    unit.website,
                    unit.operator_email,
                ]
            )
    else:
        sheet.append(["64.08.01", "Kecamatan Sangatta Utara", "kecamatan", "", "", ""])
        sheet.append(
            ["64.08.01.2001", "Desa Swarga Bara", "desa", "64.08.01", "", "ppid@contoh.id"]
        )
        sheet.append(["OPD-KOMINFO", "Dinas Komunikasi dan Informatika", "opd", "", "", ""])
    if levels:
        validation = DataValidation(
            type="list", formula1='"' + ",".join(level.code for level in levels) + '"'
        )
        sheet.add_data_validation(validation)
        validation.add("C2:C100000")

    guide = workbook.create_sheet("petunjuk")
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 90
    guide.append([_("Column"), _("How to fill it")])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    rows = [
        ("kode", _("Unique code of the unit. Re-importing updates the unit with the same code.")),
        ("nama", _("Name of the unit, as it should appear on certificates.")),
        (
            "tingkat",
            _("Level code: %(levels)s.") % {"levels": ", ".join(lv.code for lv in levels)},
        ),
        ("induk", _("Code of the parent unit: a desa's kecamatan. Empty for other levels.")),
        ("website", _("Optional: the PPID website, starting with https://.")),
        ("email_operator", _("Optional: email address of the unit's operator.")),
    ]
    for row in rows:
        guide.append(list(row))
    guide.append([])
    guide.append(
        [
            _("Note"),
            _("The import is all or nothing: if any row has a problem, nothing is saved."),
        ]
    )
    return workbook_defuse(workbook)
