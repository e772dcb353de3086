"""The one convention for every workbook and CSV the system hands out, after pretix's
``BaseExporter`` / ``ListExporter``.

An exporter is a class in its app's ``exports.py``, registered by name with
``exporter_register``: an ``identifier``, a ``verbose_name``, the ``filename`` it is handed out
as, and its content as ``sheets()`` — each ``Sheet`` a title, a header, column widths, the
columns that are numbers and its rows from one source (a generator over a selector or one
query, so the workbook, the CSV and any other output of the same table read the same rows).

- ``xlsx_write`` writes every sheet, streamed with openpyxl write-only (header in row 1,
  frozen, autofilter, two-decimal number formats; text that looks like a formula is written as
  text), or — for a workbook that is a form to fill (``streaming = False``: data validation,
  wrapped text, a guide sheet) — as a normal workbook finished by ``xlsx_finish``;
- ``csv_rows`` gives one sheet as CSV rows (numbers with a dot and two decimals, formula-like
  text defused);
- ``export_response`` hands a small export out at once; ``export_job_start`` runs a large one
  as a job with progress (kind ``export``, page ``common:export_job``), the choice made by
  ``export_or_job`` from the exporter's ``size()``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from django.core.management.base import CommandError
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from .registry import JobRefused
from .xlsx import (
    FORMULA_STARTS,
    HEADER_FILL,
    HEADER_FONT,
    csv_safe,
    header_row,
    text_cell_defuse,
    workbook_defuse,
)

TWO_DECIMALS = "0.00"
EXPORT_JOB = "export"
# Exports up to this many rows are answered at once; larger ones run as a job with progress.
INLINE_ROWS = 20_000

Progress = Callable[[int, str], None]


@dataclass
class Sheet:
    """One table of an export: ``rows`` is consumed once, as it is written."""

    title: str
    header: list[str]
    widths: list[int]
    rows: Iterable
    numeric: tuple[int, ...] = ()  # column indexes written as numbers with two decimals
    formats: dict = field(default_factory=dict)  # form workbooks: column letter -> extras


class BaseExporter:
    """Subclasses set ``identifier`` and ``verbose_name`` and define ``filename`` and
    ``sheets``; an exporter that may run as a job defines ``params`` / ``from_params`` (JSON
    ids) and ``permission`` / ``permission_object`` (who may fetch its file)."""

    identifier: ClassVar[str] = ""
    verbose_name: ClassVar = ""
    streaming: ClassVar[bool] = True
    permission: ClassVar[str] = "award.manage"

    def filename(self, sheet: str | None = None) -> str:
        """The file's name without its extension (of one sheet's CSV with ``sheet``)."""
        return f"{self.identifier}-{sheet}" if sheet else self.identifier

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def size(self) -> int:
        """About how many rows the export has (chooses between at once and a job)."""
        return 0

    # --- as a job ---------------------------------------------------------------------------
    def params(self) -> dict:
        raise NotImplementedError(f"{self.identifier} cannot run as a job")

    @classmethod
    def from_params(cls, params: dict) -> BaseExporter:
        raise NotImplementedError(f"{cls.identifier} cannot run as a job")

    def permission_object(self):
        return None

    # --- rendering --------------------------------------------------------------------------
    def xlsx_write(self, target, *, progress: Progress | None = None) -> dict[str, int]:
        """Write the workbook to ``target`` (a path or a binary file); rows per sheet."""
        report = progress or (lambda percent, message: None)
        total = max(1, self.size())
        counts: dict[str, int] = {}
        written = 0
        workbook = Workbook(write_only=self.streaming)
        if not self.streaming:
            workbook.remove(workbook.active)
        for sheet in self.sheets():
            if self.streaming:
                writer = SheetWriter(
                    workbook, sheet.title, sheet.header, sheet.widths, numeric=sheet.numeric
                )
                append = writer.append
            else:
                writer = workbook.create_sheet(title=sheet.title[:31])
                header_row(writer, sheet.header, sheet.widths)
                append = writer.append
            rows = 0
            for row in sheet.rows:
                append(row if self.streaming else list(row))
                rows += 1
                if (written + rows) % 5000 == 0:
                    report(min(95, 5 + int(90 * (written + rows) / total)), sheet.title)
            written += rows
            counts[sheet.title] = rows
            if self.streaming:
                writer.close()
            else:
                self.sheet_finish(writer, sheet)
        if not self.streaming:
            self.xlsx_finish(workbook)
            workbook_defuse(workbook)
        report(97, _("Saving the file."))
        workbook.save(target)
        return counts

    def sheet_finish(self, worksheet, sheet: Sheet) -> None:
        """A form workbook's sheet after its rows: wrapped columns (``sheet.formats``)."""
        for letter in sheet.formats.get("wrap", ()):
            for cell in worksheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    def xlsx_finish(self, workbook: Workbook) -> None:
        """A form workbook's extras after its sheets (data validation, a guide sheet)."""

    def xlsx_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.xlsx_write(buffer)
        return buffer.getvalue()

    def csv_rows(self, title: str | None = None) -> Iterator[list]:
        """The sheet ``title`` (default: the first) as CSV rows, header first."""
        for sheet in self.sheets():
            if title is None or sheet.title == title:
                yield sheet.header
                numeric = set(sheet.numeric)
                for row in sheet.rows:
                    yield [
                        ("" if value is None else f"{value:.2f}")
                        if index in numeric and not isinstance(value, str)
                        else csv_safe("" if value is None else value)
                        for index, value in enumerate(row)
                    ]
                return
        raise KeyError(title)


class ListExporter(BaseExporter):
    """An export of one table: ``header``, ``widths`` and ``rows()``."""

    sheet_title: ClassVar[str] = ""
    header: ClassVar[list[str]] = []
    widths: ClassVar[list[int]] = []
    numeric: ClassVar[tuple[int, ...]] = ()

    def rows(self) -> Iterable:
        raise NotImplementedError

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(
            self.sheet_title or self.identifier,
            list(self.header),
            list(self.widths),
            self.rows(),
            numeric=self.numeric,
        )


# --- the registry ---------------------------------------------------------------------------
_EXPORTERS: dict[str, type[BaseExporter]] = {}


def exporter_register(cls: type[BaseExporter]) -> type[BaseExporter]:
    """Make an exporter known by its ``identifier`` (a class decorator)."""
    if not cls.identifier or cls.identifier in _EXPORTERS:
        raise ValueError(f"exporter {cls.__name__}: no identifier, or taken")
    _EXPORTERS[cls.identifier] = cls
    return cls


def exporter_class(identifier: str) -> type[BaseExporter] | None:
    return _EXPORTERS.get(identifier)


# --- handing it out -------------------------------------------------------------------------
def xlsx_out(path: str) -> Path:
    """A command's ``--out``: an .xlsx file in a folder that exists, or CommandError."""
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise CommandError(_("The output file must end in .xlsx."))
    if not out.parent.exists():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": out.parent})
    return out


class _Echo:
    def write(self, value):
        return value


def export_response(exporter: BaseExporter, *, fmt: str = "xlsx", sheet: str | None = None):
    """The export as a download, built now (XLSX in memory; CSV streamed as it is read)."""
    name = exporter.filename(sheet)
    if fmt == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in exporter.csv_rows(sheet)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    buffer = io.BytesIO(exporter.xlsx_bytes())
    return FileResponse(buffer, as_attachment=True, filename=f"{name}.xlsx")


def export_job_start(exporter: BaseExporter, *, user):
    """Run the export as a job (the same export of the same inputs is never queued twice)."""
    from .jobs import job_start  # common.jobs imports this module's job work

    return job_start(
        kind=EXPORT_JOB,
        created_by=user,
        params={"exporter": exporter.identifier, "args": exporter.params()},
    )


def export_or_job(request, exporter: BaseExporter):
    """A small export at once; a large one as a job, whose page shows its progress."""
    from django.shortcuts import redirect  # a view helper: kept out of the job worker's path

    if exporter.size() <= INLINE_ROWS:
        return export_response(exporter)
    job = export_job_start(exporter, user=request.user)
    return redirect("common:export_job", pk=job.pk)


def export_job_run(job, report) -> dict:
    """The ``export`` job's work: the exporter named in the job, written to the job's file."""
    from django.core.files.base import ContentFile  # only the worker writes job files

    cls = exporter_class(job.params.get("exporter", ""))
    if cls is None:
        raise JobRefused(_("This export no longer exists."))
    exporter = cls.from_params(job.params.get("args") or {})
    report(2, _("Writing the workbook."))
    buffer = io.BytesIO()
    counts = exporter.xlsx_write(buffer, progress=report)
    name = f"{exporter.filename()}.xlsx"
    job.file.save(f"ekspor/{name}", ContentFile(buffer.getvalue()), save=False)
    job.file_name = name
    job.save(update_fields=["file", "file_name"])
    return {"sheets": counts}


# --- the streamed sheet ---------------------------------------------------------------------
class _FormattedCell(Cell):
    """A reusable write-only cell whose style id is computed once: openpyxl otherwise hashes
    the cell's style for every value written (a third of the time of a national workbook)."""

    __slots__ = ("_style_id",)

    @property
    def style_id(self):
        return self._style_id


def _formatted_cell(sheet, number_format: str) -> Cell:
    cell = _FormattedCell(sheet, row=1, column=1)
    cell.number_format = number_format
    cell._style_id = Cell.style_id.fget(cell)
    return cell


class SheetWriter:
    """One write-only sheet: header in row 1, frozen, autofilter, widths, number formats.
    A numeric column takes numbers (two decimals) and passes text through as text."""

    def __init__(self, workbook: Workbook, title: str, header: list[str], widths, numeric=()):
        self.sheet = workbook.create_sheet(title=title[:31])
        self.width = len(header)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(self.sheet, value=name)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cells.append(cell)
        self.sheet.append(cells)
        self.rows = 1
        self._cells = tuple(
            (index, _formatted_cell(self.sheet, TWO_DECIMALS)) for index in sorted(set(numeric))
        )
        self._append = self.sheet.append

    def append(self, values: Iterable) -> None:
        row = values if isinstance(values, list) else list(values)
        for index, cell in self._cells:
            value = row[index]
            if value is not None and value.__class__ is not str:
                cell._value = value  # numbers only (floats, ints, Decimals): no type check
                cell.data_type = "n"
                row[index] = cell
        for index, value in enumerate(row):
            if value.__class__ is str and value.startswith(FORMULA_STARTS):
                row[index] = self._text(value)
        self._append(row)
        self.rows += 1

    def _text(self, value: str) -> WriteOnlyCell:
        """User text that looks like a formula, as a plain text cell."""
        cell = WriteOnlyCell(self.sheet, value=value)
        text_cell_defuse(cell)
        return cell

    def close(self) -> None:
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.width)}{max(self.rows, 1)}"
