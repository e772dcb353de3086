"""The ranking workbook (DESIGN.md §4 "Ranking export"), streamed with openpyxl write-only.

Sheets: one per level named by its code with the exact header of DESIGN.md §4, then
``aspek-<level>`` (per-aspect SAQ and verified scores), ``indikator`` (per-indicator detail),
``juri`` (jury recap) and ``partisipasi``. Every sheet keeps its header in row 1, frozen, with
an autofilter, two-decimal number formats and column widths, so it reads back as a table.

Rows are streamed from the database and written as they come (memory stays flat); a styled
cell object is reused per column instead of created per value, which keeps the writer within
a few percent of a bare write-only loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from award.models import Period
from common.xlsx import FORMULA_STARTS, csv_safe, text_cell_defuse
from penilaian import data, formulas
from penilaian.data import T
from penilaian.models import Score, ScoringRun

from . import selectors

TWO_DECIMALS = "0.00"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B3D5C")
MAX_ROWS = 1_048_575  # Excel's limit below the header

Progress = Callable[[int, str], None]


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
    """One write-only sheet: header in row 1, frozen, autofilter, widths, number formats."""

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
        self.numeric = set(numeric)
        self._cells = tuple(
            (index, _formatted_cell(self.sheet, TWO_DECIMALS)) for index in sorted(self.numeric)
        )
        self._append = self.sheet.append

    def append(self, values: Iterable) -> None:
        row = values if isinstance(values, list) else list(values)
        for index, value in enumerate(row):
            if value.__class__ is str and value.startswith(FORMULA_STARTS):
                row[index] = self._text(value)
        for index, cell in self._cells:
            value = row[index]
            if value is not None:
                cell._value = value  # numbers only (floats, ints, Decimals): no type check
                cell.data_type = "n"
                row[index] = cell
        self._append(row)
        self.rows += 1

    def _text(self, value: str) -> WriteOnlyCell:
        """User text that looks like a formula, as a plain text cell (award.exports)."""
        cell = WriteOnlyCell(self.sheet, value=value)
        text_cell_defuse(cell)
        return cell

    def close(self) -> None:
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.width)}{max(self.rows, 1)}"


def level_rows(*, run: ScoringRun, level):
    """A level's ranking rows in rank order: rank, code, name, parent name, SAQ, verified,
    presentation and final scores (floats), qualification, finalist."""
    return _rows(
        "SELECT sc.rank, u.code, u.name, COALESCE(p.name, ''),"
        f" {_float('sc.saq')}, {_float('sc.verified')}, {_float('sc.presentation')},"
        f" {_float('sc.final')}, sc.qualification, sc.finalist"
        f" FROM {T.score} sc JOIN {T.unit} u ON u.id = sc.unit_id"
        f" LEFT JOIN {T.unit} p ON p.id = u.parent_id"
        " WHERE sc.run_id = %s AND sc.level_id = %s ORDER BY sc.rank, u.code",
        [run.pk, level.pk],
    )


def _float(column: str) -> str:
    return f"CAST({column} AS DOUBLE PRECISION)"


def _rows(sql: str, params: list, size: int = 5000):
    """Stream a query's rows (plain tuples of floats and text: no Decimal, no ORM) through a
    server-side cursor, so memory stays flat whatever the number of units."""
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


def ranking_workbook(*, run: ScoringRun, path, progress: Progress | None = None) -> dict:
    """Write the ranking workbook of ``run`` to ``path``; returns counts per sheet."""
    progress = progress or (lambda percent, message: None)
    period = run.period
    workbook = Workbook(write_only=True)
    levels = selectors.run_levels(run=run)
    counts: dict[str, int] = {}
    total = max(1, Score.objects.filter(run=run).count())
    written = 0

    for level in levels:
        sheet = SheetWriter(
            workbook,
            level.code,
            selectors.HEADER,
            [11, 16, 40, 30, 12, 16, 16, 12, 20, 9],
            numeric=(4, 5, 6, 7),
        )
        for (
            rank,
            code,
            name,
            parent,
            saq,
            verified,
            presentation,
            final,
            qual,
            finalist,
        ) in level_rows(run=run, level=level):
            sheet.append(
                (
                    rank,
                    code,
                    name,
                    parent,
                    saq,
                    verified,
                    presentation,
                    final,
                    qual,
                    "Ya" if finalist else "Tidak",
                )
            )
            written += 1
            if written % 5000 == 0:
                progress(5 + int(45 * written / total), f"{level.code}: {sheet.rows - 1}")
        sheet.close()
        counts[level.code] = sheet.rows - 1

    for level in levels:
        aspect_codes = _aspect_codes(run=run, level=level)
        header = ["Peringkat", "Kode", "Nama Unit"]
        for code in aspect_codes:
            header += [f"{code} SAQ", f"{code} Verifikasi"]
        sheet = SheetWriter(
            workbook,
            f"aspek-{level.code}",
            header,
            [11, 16, 40] + [12] * (2 * len(aspect_codes)),
            numeric=range(3, 3 + 2 * len(aspect_codes)),
        )
        # The aspect scores are taken out of the JSON by the database (in C), not in Python.
        columns, params = [], []
        for aspect in aspect_codes:
            for position in (0, 1) if period.has_verification else (0,):
                if connection.vendor == "postgresql":
                    columns.append("CAST(sc.aspects -> %s ->> %s AS DOUBLE PRECISION)")
                    params += [aspect, position]
                else:
                    columns.append("json_extract(sc.aspects, %s)")
                    params.append(f'$."{aspect}"[{position}]')
            if not period.has_verification:
                columns.append("NULL")
        select = ", ".join(["sc.rank", "u.code", "u.name", *columns])
        for row in _rows(
            f"SELECT {select} FROM {T.score} sc JOIN {T.unit} u ON u.id = sc.unit_id"
            " WHERE sc.run_id = %s AND sc.level_id = %s ORDER BY sc.rank, u.code",
            [*params, run.pk, level.pk],
        ):
            sheet.append(list(row))
        sheet.close()
        counts[f"aspek-{level.code}"] = sheet.rows - 1
    progress(70, "indikator")

    counts["indikator"] = _indicator_sheet(workbook, run=run)
    progress(85, "juri")
    counts["juri"] = _jury_sheet(workbook, run=run)
    counts["partisipasi"] = _participation_sheet(workbook, period=period)
    progress(95, "menyimpan")
    workbook.save(path)
    return counts


def _aspect_codes(*, run: ScoringRun, level) -> list[str]:
    """Aspect codes in questionnaire order for the level (from the submissions' versions)."""
    from evaluasi.models import Aspect

    codes: list[str] = []
    for code in (
        Aspect.objects.filter(
            questionnaire__submissions__period=run.period,
            questionnaire__submissions__unit__level=level,
            questionnaire__submissions__status="submitted",
        )
        .order_by("questionnaire__version", "order", "id")
        .values_list("code", flat=True)
        .distinct()
    ):
        if code not in codes:
            codes.append(code)
    return codes


INDICATOR_HEADER = [
    "Kode Unit",
    "Nama Unit",
    "Tingkat",
    "Aspek",
    "Indikator",
    "Bobot",
    "Jawaban",
    "Nilai Mandiri",
    "Nilai Verifikasi",
    "Jumlah Juri",
]


def _answer_cell(sheet: SheetWriter, value: str, kind: str):
    """An answer as the sheet holds it: a number answer as a number with two decimals (not
    the text "7.5"), anything else as its text; empty as an empty cell."""
    if not value:
        return None
    if kind == "angka":
        try:
            number = float(value)
        except ValueError:
            return value
        cell = WriteOnlyCell(sheet.sheet, value=number)
        cell.number_format = TWO_DECIMALS
        return cell
    return value


def _indicator_sheet(workbook: Workbook, *, run: ScoringRun) -> int:
    """Per unit and indicator: the answer, the self-assessed and the verified indicator score,
    all as the run read them (``data.stored_indicator_sql``, ``data.stored_verdicts``, the
    run's settings): the sheet of
    a finalised run never changes, whatever happens to the inputs afterwards.

    Every scored unit when the rows fit in one sheet; otherwise (national scale) the verified
    units only, since for the others the two scores are equal (README says so)."""
    verdicts = data.stored_verdicts(run.pk).rename(columns={"unit": "submission"})
    method = (run.settings or {}).get("aggregation") or run.period.aggregation
    verified = formulas.verified_values(verdicts, method)
    verified_pairs = {
        (int(row.submission), int(row.indicator)): (row.verified_score, int(row.juries))
        for row in verified.itertuples()
    }
    verified_units = {unit for unit, _indicator in verified_pairs}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {T.indicator} i JOIN {T.submission} s"
            f" ON s.questionnaire_id = i.questionnaire_id JOIN {T.score} sc"
            " ON sc.unit_id = s.unit_id AND sc.run_id = %s AND s.period_id = %s",
            [run.pk, run.period_id],
        )
        rows_total = cursor.fetchone()[0]
    only_verified = rows_total > MAX_ROWS
    sheet = SheetWriter(
        workbook,
        "indikator",
        INDICATOR_HEADER,
        [16, 36, 12, 8, 12, 8, 24, 14, 16, 12],
        numeric=(5, 7, 8),
    )
    sql = data.stored_indicator_sql() + ' ORDER BY l."order", u.code, asp."order", i."order", i.id'
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk])
        while rows := cursor.fetchmany(5000):
            for unit, code, name, level, aspect, ind_id, ind_code, weight, value, own, kind in rows:
                if only_verified and unit not in verified_units:
                    continue
                checked, juries = verified_pairs.get((unit, ind_id), (None, 0))
                if checked is None or checked != checked:  # NaN: not a scored indicator
                    checked = own
                sheet.append(
                    (
                        code,
                        name,
                        level,
                        aspect,
                        ind_code,
                        weight,
                        _answer_cell(sheet, value, kind),
                        own,
                        checked,
                        juries,
                    )
                )
                if sheet.rows > MAX_ROWS:
                    break
    sheet.close()
    return sheet.rows - 1


def _jury_sheet(workbook: Workbook, *, run: ScoringRun) -> int:
    """Per jury of the period: assigned units, and the verifications and presentation scores
    the run read (``data.stored_verdicts``, ScorePresentation), not today's."""
    from django.db.models import Count

    from penilaian.models import ScorePresentation
    from penjurian.models import Assignment

    period = run.period
    sheet = SheetWriter(
        workbook,
        "juri",
        [
            "Juri",
            "Email",
            "Unit Ditugaskan",
            "Indikator Diverifikasi",
            "Diterima",
            "Disesuaikan",
            "Ditolak",
            "Unit Dinilai Presentasi",
            "Butir Bersama Verifikasi",
            "Selisih Rata-rata Verifikasi",
            "Butir Bersama Presentasi",
            "Selisih Rata-rata Presentasi",
            "Jauh dari Juri Lain",
        ],
        [30, 30, 14, 18, 10, 12, 10, 20, 16, 18, 16, 18, 14],
        numeric=(9, 11),
    )
    read = data.stored_verdicts(run.pk)
    figures = _agreement_read(run=run, read=read)
    deviation = {
        kind: {row["jury"]: row for row in figures[f"{kind}_juries"]}
        for kind in ("verification", "presentation")
    }
    verdicts = {
        int(jury): {
            "total": len(rows),
            **{
                name: int((rows["decision"] == name).sum())
                for name in ("accept", "adjust", "reject")
            },
        }
        for jury, rows in read.groupby("jury")
    }
    presented = dict(
        ScorePresentation.objects.filter(run=run)
        .values("jury_id")
        .annotate(units=Count("unit_id", distinct=True))
        .values_list("jury_id", "units")
    )
    assigned = dict(
        Assignment.objects.filter(period=period)
        .values("jury_id")
        .annotate(units=Count("id"))
        .values_list("jury_id", "units")
    )
    empty = {"total": 0, "accept": 0, "adjust": 0, "reject": 0}
    for membership in period.juries.select_related("user").order_by("user__first_name"):
        user = membership.user
        counts = verdicts.get(user.pk, empty)
        sheet.append(
            (
                user.get_full_name() or user.get_username(),
                user.email,
                assigned.get(user.pk, 0),
                counts["total"],
                counts["accept"],
                counts["adjust"],
                counts["reject"],
                presented.get(user.pk, 0),
                *_deviation_cells(deviation["verification"].get(user.pk)),
                *_deviation_cells(deviation["presentation"].get(user.pk)),
                "Ya"
                if any(
                    deviation[kind].get(user.pk, {}).get("flagged")
                    for kind in ("verification", "presentation")
                )
                else "Tidak",
            )
        )
    sheet.close()
    _agreement_sheet(workbook, figures=figures)
    return sheet.rows - 1


def _deviation_cells(row) -> tuple:
    return (row["items"], round(row["mean_difference"], 2)) if row else (0, None)


def _agreement_read(*, run: ScoringRun, read) -> dict:
    """The agreement figures (``penjurian.oversight``) of what the run read: its verdicts'
    scores and its per-jury presentation scores."""
    from evaluasi.models import Indicator
    from penilaian.models import ScorePresentation
    from penjurian.oversight import agreement_of

    scored = read[read["jury_score"].notna()]
    codes = dict(
        Indicator.objects.filter(pk__in=scored["indicator"].unique().tolist()).values_list(
            "pk", "code"
        )
    )
    verified = [
        ((int(row.unit), codes[int(row.indicator)]), int(row.jury), float(row.jury_score))
        for row in scored.itertuples(index=False)
    ]
    presented = [
        (unit, jury, raw)
        for unit, jury, raw in ScorePresentation.objects.filter(
            run=run, jury__isnull=False
        ).values_list("unit_id", "jury_id", "raw")
    ]
    return agreement_of(verified=verified, presented=presented)


def _agreement_sheet(workbook: Workbook, *, figures: dict) -> None:
    """Sheet ``kesepakatan``: Krippendorff's alpha and the disagreement rate per indicator."""
    sheet = SheetWriter(
        workbook,
        "kesepakatan",
        ["Ukuran", "Indikator", "Unit dengan 2+ Juri", "Juri Berbeda", "Nilai"],
        [34, 14, 18, 14, 12],
        numeric=(4,),
    )
    for label, key in (
        ("Alpha Krippendorff verifikasi", "verification_alpha"),
        ("Alpha Krippendorff presentasi", "presentation_alpha"),
    ):
        value = figures[key]
        sheet.append((label, "", None, None, None if value is None else round(value, 4)))
    for row in figures["indicators"]:
        sheet.append(
            (
                "Tingkat ketidaksepakatan",
                row["code"],
                row["pairs"],
                row["differ"],
                round(row["rate"], 4),
            )
        )
    sheet.close()


def _participation_sheet(workbook: Workbook, *, period: Period) -> int:
    sheet = SheetWriter(
        workbook,
        "partisipasi",
        ["Kode", "Nama Unit", "Tingkat", "Induk", "Status", "Waktu Kirim (WITA)"],
        [16, 40, 12, 30, 14, 20],
    )
    labels = {"submitted": "Terkirim", "draft": "Sedang diisi", None: "Belum mulai"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.code, u.name, l.name, p.name, s.status, s.submitted_at"
            f" FROM {T.unit} u JOIN {T.level} l ON l.id = u.level_id"
            f" LEFT JOIN {T.unit} p ON p.id = u.parent_id"
            f" LEFT JOIN {T.submission} s ON s.unit_id = u.id AND s.period_id = %s"
            ' WHERE u.active ORDER BY l."order", u.code',
            [period.pk],
        )

        while rows := cursor.fetchmany(5000):
            for code, name, level, parent, status, submitted_at in rows:
                when = _local_text(submitted_at)
                sheet.append((code, name, level, parent or "", labels.get(status, status), when))
    sheet.close()
    return sheet.rows - 1


def _local_text(moment) -> str:
    """A stored moment as WITA text (SQLite's raw rows give naive UTC or text)."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    if not moment:
        return ""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def ranking_csv_rows(*, run: ScoringRun, level):
    """The level sheet's rows for CSV (numbers with a dot, two decimals)."""
    yield selectors.HEADER
    for row in level_rows(run=run, level=level):
        rank, code, name, parent, saq, verified, presentation, final, qual, finalist = row
        yield [
            rank,
            csv_safe(code),
            csv_safe(name),
            csv_safe(parent or ""),
            *("" if v is None else f"{v:.2f}" for v in (saq, verified, presentation, final)),
            qual,
            "Ya" if finalist else "Tidak",
        ]
