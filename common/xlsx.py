"""Writing workbooks and CSV files we hand out: the header row, and the rule that keeps text
from users from turning into formulas in any of them.

Formula injection (OWASP "CSV injection"): a unit named ``=HYPERLINK("http://…?d="&A1)`` or an
answer ``=cmd|' /C calc'!A0`` must stay text wherever it is exported. In a workbook every such
cell is written as a text cell with Excel's quote prefix (shown as typed, never evaluated, and
read back exactly as typed: an operator's own answers workbook still round-trips); in CSV the
value gets a leading apostrophe, as OWASP recommends.
"""

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

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
