"""Reading workbooks uploaded by users: every problem is collected as ``sheet!cell: message``.

Reading uses python-calamine (fast, tolerant); nothing here writes to the database. A reader
never raises on bad content: it records problems so that an import can list all of them at
once and reject the whole file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ROWS = 200_000
# What a workbook may declare before anything reads it (see ``workbook_guard``): a reader
# allocates rows × columns cells for a sheet, and a zip may unpack to far more than it weighs.
MAX_COLUMNS = 64
MAX_CELLS = 5_000_000
MAX_PARTS = 500
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class Problem:
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return f"{self.cell}: {self.message}" if self.cell else self.message
        return f"{self.sheet}!{self.cell}: {self.message}"


@dataclass
class Problems:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, sheet: str, cell: str, message: str) -> None:
        self.errors.append(Problem(sheet, cell, message))

    def warn(self, sheet: str, cell: str, message: str) -> None:
        self.warnings.append(Problem(sheet, cell, message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def as_lists(self) -> dict[str, list[str]]:
        """Problems as text, in reading order: sheet by sheet, row by row, left to right."""
        return {
            "errors": [str(p) for p in sorted(self.errors, key=_reading_order)],
            "warnings": [str(p) for p in sorted(self.warnings, key=_reading_order)],
        }


def _reading_order(problem: Problem) -> tuple:
    match = re.fullmatch(r"([A-Z]+)(\d+)", problem.cell)
    if not match:
        return (problem.sheet, 0, 0, problem.cell)
    return (problem.sheet, int(match.group(2)), column_index_from_string(match.group(1)), "")


def cell_ref(row: int, col: int) -> str:
    """``row`` and ``col`` are 1-based: (1, 1) is A1."""
    return f"{get_column_letter(col)}{row}"


def cell_text(value) -> str:
    """A cell's value as the text a person sees (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Row:
    number: int  # 1-based row number in the sheet
    values: dict[str, object]
    columns: dict[str, int]
    sheet: str

    def text(self, name: str) -> str:
        return cell_text(self.values.get(name))

    def raw(self, name: str):
        return self.values.get(name)

    def text_problem(self, name: str) -> str | None:
        """Why a cell that must hold text (a code, a name) holds something else: a date, a
        yes/no value, or a fraction that Excel would show rounded (64.10 stored as 64.1)."""
        value = self.values.get(name)
        if isinstance(value, bool):
            return _("The cell holds a TRUE/FALSE value, not text; type the text itself.")
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return _(
                "The cell holds a date, not text; format the column as Text and type it again."
            )
        if isinstance(value, float) and not value.is_integer():
            return _(
                "The cell holds a number, not text (trailing zeros would be lost); format the "
                "column as Text and type it again."
            )
        return None

    def ref(self, name: str) -> str:
        col = self.columns.get(name)
        return cell_ref(self.number, col) if col else f"{self.number}:{self.number}"


@dataclass
class Table:
    sheet: str
    columns: dict[str, int]
    rows: list[Row]


def _normalise_header(value) -> str:
    return cell_text(value).lower().replace(" ", "_")


_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_POSITION_RE = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]*)(\d+)"')
_SCAN_BLOCK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _sheet_names_by_part(archive: zipfile.ZipFile) -> dict[str, str]:
    """``xl/worksheets/sheet1.xml`` → the sheet's name as the user sees it."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels_text = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    rels = dict(_REL_RE.findall(rels_text))
    rels.update({rid: target for target, rid in _REL_RE_2.findall(rels_text)})
    names = {}
    for name, rid in _SHEET_RE.findall(book):
        target = rels.get(rid, "").lstrip("/")
        if target:
            names[target if target.startswith("xl/") else f"xl/{target}"] = name.strip()
    return names


def workbook_sheet_names(data: bytes) -> list[str]:
    """The sheet names of an .xlsx file, read from its workbook part alone (no reader opens
    it); empty when it is not a workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return list(_sheet_names_by_part(archive).values())
    except (zipfile.BadZipFile, ValueError):
        return []


def _sheet_extent(handle) -> tuple[int, int]:
    """The largest row and column a worksheet's XML declares (its dimension and every cell
    and row position), read as a stream: never more than one block in memory."""
    max_row = max_col = 0
    tail = b""
    while True:
        block = handle.read(_SCAN_BLOCK)
        if not block:
            break
        text = tail + block
        for pattern in (_DIMENSION_RE, _POSITION_RE):
            for match in pattern.finditer(text):
                groups = [g for g in match.groups() if g is not None]
                for item in groups:
                    if item.isdigit():
                        max_row = max(max_row, int(item))
                    elif len(item) <= 4:
                        max_col = max(max_col, _column_number(item))
                    else:
                        max_col = max(max_col, 1 << 20)
        tail = text[-256:]
    return max_row, max_col


def zip_too_large(archive: zipfile.ZipFile) -> bool:
    """Whether an Office file (a zip) holds more parts or unpacks to more than is read."""
    parts = archive.infolist()
    return len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES


def zip_bomb_part(archive: zipfile.ZipFile) -> str | None:
    """The first large part compressed suspiciously well (a zip bomb), or None."""
    for part in archive.infolist():
        ratio = part.file_size / part.compress_size if part.compress_size else 0
        if ratio > MAX_RATIO and part.file_size > 10 * 1024 * 1024:
            return part.filename
    return None


def workbook_guard(data: bytes, problems: Problems) -> bool:
    """Refuse, before any reader touches it, a workbook whose parts unpack to more than we
    read or whose sheets declare more rows, columns or cells than an import can hold (one
    cell at XFD1048576 makes a reader allocate hundreds of GiB). Names the sheet at fault."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        names = _sheet_names_by_part(archive)
        if zip_too_large(archive):
            unpacked = sum(part.file_size for part in parts)
            problems.error(
                "",
                _("file"),
                _(
                    "The workbook unpacks to %(size)s MB; at most %(limit)s MB can be read. "
                    "Remove unused sheets, pictures and empty formatted rows."
                )
                % {
                    "size": round(unpacked / 1048576),
                    "limit": MAX_UNPACKED_BYTES // (1024 * 1024),
                },
            )
            return False
        bomb = zip_bomb_part(archive)
        if bomb is not None:
            problems.error(
                names.get(bomb, ""),
                _("file"),
                _("Part %(part)s is compressed suspiciously well; it is not read.")
                % {"part": bomb},
            )
            return False
        for part in parts:
            if part.filename not in names and not part.filename.startswith("xl/worksheets/"):
                continue
            sheet = names.get(part.filename, part.filename)
            with archive.open(part) as handle:
                rows, columns = _sheet_extent(handle)
            if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
                problems.error(
                    sheet,
                    cell_ref(min(rows, 1048576), min(max(columns, 1), 16384)),
                    _(
                        "Sheet '%(sheet)s' reaches row %(rows)s and column %(columns)s; at most "
                        "%(max_rows)s rows and %(max_columns)s columns can be read. Delete the "
                        "empty rows and columns after the data and save it again."
                    )
                    % {
                        "sheet": sheet,
                        "rows": f"{rows:,}".replace(",", "."),
                        "columns": columns,
                        "max_rows": f"{MAX_ROWS:,}".replace(",", "."),
                        "max_columns": MAX_COLUMNS,
                    },
                )
                return False
    return True


def workbook_open(data: bytes, problems: Problems) -> CalamineWorkbook | None:
    """Open an .xlsx given as bytes; on failure record why and return None."""
    if not data:
        problems.error("", _("file"), _("The file is empty."))
        return None
    if data.startswith(OLE_MAGIC):
        problems.error(
            "",
            _("file"),
            _(
                "The file is password-protected or in the old .xls format. Save it as an "
                "Excel workbook (.xlsx) without a password and upload it again."
            ),
        )
        return None
    if not data.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        problems.error(
            "",
            _("file"),
            _("The file is not an Excel workbook (.xlsx). Use the template provided."),
        )
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise ValueError("no workbook part")
        if not workbook_guard(data, problems):
            return None
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any parser failure is the user's broken file
        problems.error(
            "",
            _("file"),
            _("The workbook is damaged and cannot be read. Save it again as .xlsx."),
        )
        return None


def sheet_read(
    workbook: CalamineWorkbook,
    sheet: str,
    *,
    required: list[str],
    optional: list[str],
    problems: Problems,
) -> Table | None:
    """Read one sheet whose first row is a header. Missing sheet or columns are errors;
    unknown columns are warnings; fully empty rows are skipped."""
    names = {name.strip().lower(): name for name in workbook.sheet_names}
    if sheet not in names:
        problems.error(
            sheet,
            "A1",
            _("Sheet '%(sheet)s' was not found (the workbook has: %(names)s).")
            % {"sheet": sheet, "names": ", ".join(workbook.sheet_names) or "-"},
        )
        return None
    try:
        data = workbook.get_sheet_by_name(names[sheet]).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001
        problems.error(sheet, "A1", _("The sheet cannot be read."))
        return None
    # Drop trailing empty rows.
    while data and all(cell_text(v) == "" for v in data[-1]):
        data.pop()
    if not data:
        problems.error(sheet, "A1", _("The sheet is empty; the first row must hold the headers."))
        return None
    if len(data) > MAX_ROWS:
        problems.error(
            sheet,
            cell_ref(MAX_ROWS + 1, 1),
            _("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS},
        )
        return None
    columns: dict[str, int] = {}
    for index, value in enumerate(data[0], start=1):
        name = _normalise_header(value)
        if not name:
            continue
        if name in columns:
            problems.error(
                sheet,
                cell_ref(1, index),
                _("Column '%(name)s' appears twice.") % {"name": name},
            )
            continue
        columns[name] = index
        if name not in required and name not in optional:
            problems.warn(
                sheet,
                cell_ref(1, index),
                _("Unknown column '%(name)s' is ignored.") % {"name": name},
            )
    for name in required:
        if name not in columns:
            problems.error(
                sheet,
                cell_ref(1, len(data[0]) + 1),
                _("Required column '%(name)s' is missing from the header row.") % {"name": name},
            )
    if any(name not in columns for name in required):
        return None
    wanted = {name: col for name, col in columns.items() if name in required or name in optional}
    rows = []
    for number, raw in enumerate(data[1:], start=2):
        if all(cell_text(v) == "" for v in raw):
            continue
        values = {
            name: (raw[col - 1] if col - 1 < len(raw) else None) for name, col in wanted.items()
        }
        rows.append(Row(number=number, values=values, columns=wanted, sheet=sheet))
    return Table(sheet=sheet, columns=wanted, rows=rows)


_SHEET_RE = re.compile(r'<sheet\b[^>]*\bname="([^"]+)"[^>]*\br:id="([^"]+)"', re.S)
_REL_RE = re.compile(r'<Relationship\b[^>]*\bId="([^"]+)"[^>]*\bTarget="([^"]+)"', re.S)
_REL_RE_2 = re.compile(r'<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="([^"]+)"', re.S)
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF_RE = re.compile(r'\br="([A-Z]+\d+)"')
_VALUE_RE = re.compile(r"<v>[^<]+</v>")
_MERGE_RE = re.compile(r'<mergeCell\b[^>]*\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def workbook_scan(data: bytes, sheets: list[str], problems: Problems) -> None:
    """Report what a value reader cannot see: formulas with no saved value (errors) and
    merged cells (warnings), for the named sheets. Reads the workbook's XML directly."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels_text = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rels = dict(_REL_RE.findall(rels_text))
            rels.update({rid: target for target, rid in _REL_RE_2.findall(rels_text)})
            wanted = {name.lower() for name in sheets}
            for name, rid in _SHEET_RE.findall(book):
                if name.strip().lower() not in wanted or rid not in rels:
                    continue
                target = rels[rid].lstrip("/")
                path = target if target.startswith("xl/") else f"xl/{target}"
                xml = archive.read(path).decode("utf-8", "replace")
                label = name.strip().lower()
                for attributes, inner in _CELL_RE.findall(xml):
                    ref = _REF_RE.search(attributes)
                    if ref and "<f" in inner and not _VALUE_RE.search(inner):
                        ref = ref.group(1)
                        problems.error(
                            label,
                            ref,
                            _(
                                "The cell holds a formula without a saved value; type the "
                                "value itself (or open and save the file in Excel)."
                            ),
                        )
                for ref in _MERGE_RE.findall(xml):
                    problems.warn(
                        label,
                        ref.split(":")[0],
                        _("Merged cells %(ref)s: only the top-left cell is read.") % {"ref": ref},
                    )
    except (KeyError, zipfile.BadZipFile, OSError):
        return


def problems_summary(problems: Problems) -> str:
    """The one line that says a workbook was rejected as a whole."""
    return _("The workbook has %(count)s problems; nothing was saved.") % {
        "count": len(problems.errors)
    }


def problems_command_error(*, problems: Problems, stderr):
    """For management commands: write every problem (in reading order) to ``stderr`` and
    return the CommandError to raise."""
    for problem in problems.as_lists()["errors"]:
        stderr.write(problem)
    return CommandError(problems_summary(problems))


# --- the row checks of the imports that name people and units --------------------------------
@dataclass(frozen=True)
class Column:
    """One column of an import sheet and how its value is checked: the one mapping the units
    and juries workbooks (and any later import of named rows) read.

    ``check``: ``key`` (required, at most ``max_length`` characters without spaces, unique in
    the sheet, case-insensitively with ``ignore_case``), ``name`` (required, at most
    ``max_length``), ``email`` (a valid address; unique in the sheet with ``unique``), ``url``
    (http or https), ``text``; ``validator`` checks a non-empty value besides. ``lower`` gives
    the value in lower case; ``strict``: the cell must hold plain text (``Row.text_problem``),
    and nothing else of the row is checked when one does not. Messages are the column's own,
    formatted with ``placeholder`` (the value) and ``row`` (the first row of a duplicate)."""

    name: str
    check: str = "text"
    max_length: int | None = None
    required: bool = False
    unique: bool = False
    lower: bool = False
    ignore_case: bool = False
    strict: bool = False
    placeholder: str = "value"
    empty: str = ""
    invalid: str = ""
    duplicate: str = ""
    # A Django validator a non-empty value must pass (its failure is reported as ``invalid``).
    validator: Callable | None = None


def row_check(row: Row, columns: list[Column], problems: Problems, seen: dict) -> dict | None:
    """The row's values by column (``lower`` columns in lower case), every problem reported at
    its cell; None when a ``strict`` cell is not plain text (nothing else is checked then).
    ``seen`` carries what earlier rows used (for duplicates) between calls; the values carry
    ``"ok": False`` when a check failed and the columns that failed in ``"failed"``."""
    text_problems = [
        (column.name, problem)
        for column in columns
        if column.strict and (problem := row.text_problem(column.name))
    ]
    for name, problem in text_problems:
        problems.error(row.sheet, row.ref(name), problem)
    if text_problems:
        return None
    values: dict = {"ok": True, "failed": set()}
    for column in columns:
        value = row.text(column.name)
        if column.lower:
            value = value.lower()
        values[column.name] = value
        message = _column_problem(column, value, seen.setdefault(column.name, {}), row.number)
        if message:
            problems.error(row.sheet, row.ref(column.name), message)
            values["ok"] = False
            values["failed"].add(column.name)
    return values


def _column_problem(column: Column, value: str, seen: dict, number: int) -> str | None:
    fill = {column.placeholder: value}
    if column.check in ("key", "name") and not value:
        return str(column.empty)
    if column.check == "key" and (
        (column.max_length and len(value) > column.max_length) or any(ch.isspace() for ch in value)
    ):
        return str(column.invalid) % fill
    if column.check == "name" and column.max_length and len(value) > column.max_length:
        return str(column.invalid) % fill
    if column.check in ("email", "url") and (value or column.required):
        validator = (
            EmailValidator() if column.check == "email" else URLValidator(schemes=["http", "https"])
        )
        try:
            validator(value)
        except ValidationError:
            return str(column.invalid) % fill
    if column.validator is not None and value:
        try:
            column.validator(value)
        except ValidationError:
            return str(column.invalid) % fill
    if (column.check == "key" or column.unique) and value:
        key = value.lower() if column.ignore_case else value
        if key in seen:
            return str(column.duplicate) % {**fill, "row": seen[key]}
        seen[key] = number
    return None
