"""The ranking workbook (DESIGN.md §4 "Ranking export") and its CSV, as one exporter
(``common.exporters``): the CSV of a level and the workbook's sheet of that level read the same
rows (``level_rows``).

Sheets: one per level named by its code with the exact header of DESIGN.md §4, then
``aspek-<level>`` (per-aspect SAQ and verified scores), ``indikator`` (per-indicator detail),
``juri`` (jury recap), ``kesepakatan`` (agreement) and ``partisipasi``. Every sheet keeps its
header in row 1, frozen, with an autofilter, two-decimal number formats and column widths, so
it reads back as a table. Rows are streamed from the database and written as they come (memory
stays flat).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from award.models import Period
from common.exporters import BaseExporter, Sheet, exporter_register
from evaluasi.models import Aspect, Indicator
from penilaian import data
from penilaian.data import T
from penilaian.jury_scores import run_verified_indicators
from penilaian.models import Score, ScorePresentation, ScoringRun
from penjurian.models import Assignment
from penjurian.oversight import agreement_of

from . import selectors

MAX_ROWS = 1_048_575  # Excel's limit below the header


@exporter_register
class RankingExporter(BaseExporter):
    """Every table of a scoring run's results, as the run stored them."""

    identifier = "ranking"
    verbose_name = gettext_lazy("Ranking workbook")

    def __init__(self, *, run: ScoringRun):
        self.run = run

    def filename(self, sheet: str | None = None) -> str:
        state = "" if self.run.is_published else "-sementara"
        if sheet:  # a level's CSV
            return f"peringkat-{sheet}-{self.run.period.year}{state}"
        return f"peringkat-ppid-award-{self.run.period.year}-proses{self.run.number}{state}"

    def params(self) -> dict:
        return {"run": self.run.pk}

    @classmethod
    def from_params(cls, params: dict) -> RankingExporter:
        return cls(run=ScoringRun.objects.select_related("period").get(pk=params["run"]))

    def permission_object(self):
        return self.run.period

    def size(self) -> int:
        return Score.objects.filter(run=self.run).count()

    def sheets(self):
        run = self.run
        levels = selectors.run_levels(run=run)
        for level in levels:
            yield Sheet(
                level.code,
                selectors.HEADER,
                [11, 16, 40, 30, 12, 16, 16, 12, 20, 9],
                _level_sheet_rows(run=run, level=level),
                numeric=(4, 5, 6, 7),
            )
        for level in levels:
            yield _aspect_sheet(run=run, level=level)
        yield _indicator_sheet(run=run)
        yield from _jury_sheets(run=run)
        yield _participation_sheet(period=run.period)


def level_rows(*, run: ScoringRun, level):
    """A level's ranking rows in rank order: rank, code, name, parent name, SAQ, verified,
    presentation and final scores (floats), qualification, finalist; then the unit's region
    code and its parent's code (the open data's columns, ``laporan.opendata``). The one row
    source of the workbook's level sheet, its CSV and the open data."""
    return _rows(
        "SELECT sc.rank, u.code, u.name, COALESCE(p.name, ''),"
        f" {_float('sc.saq')}, {_float('sc.verified')}, {_float('sc.presentation')},"
        f" {_float('sc.final')}, sc.qualification, sc.finalist, u.kode_wilayah,"
        " COALESCE(p.code, '')"
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


def _level_sheet_rows(*, run: ScoringRun, level):
    for row in level_rows(run=run, level=level):
        yield (*row[:9], "Ya" if row[9] else "Tidak")


def _aspect_sheet(*, run: ScoringRun, level) -> Sheet:
    """``aspek-<level>``: per aspect the SAQ and the verified score, taken out of the stored
    JSON by the database (in C), not in Python."""
    period = run.period
    aspect_codes = _aspect_codes(run=run, level=level)
    header = ["Peringkat", "Kode", "Nama Unit"]
    for code in aspect_codes:
        header += [f"{code} SAQ", f"{code} Verifikasi"]
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
    return Sheet(
        f"aspek-{level.code}",
        header,
        [11, 16, 40] + [12] * (2 * len(aspect_codes)),
        _rows(
            f"SELECT {select} FROM {T.score} sc JOIN {T.unit} u ON u.id = sc.unit_id"
            " WHERE sc.run_id = %s AND sc.level_id = %s ORDER BY sc.rank, u.code",
            [*params, run.pk, level.pk],
        ),
        numeric=tuple(range(3, 3 + 2 * len(aspect_codes))),
    )


def _aspect_codes(*, run: ScoringRun, level) -> list[str]:
    """Aspect codes in questionnaire order for the level (from the submissions' versions)."""
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


def _answer_value(value: str, kind: str):
    """An answer as the sheet holds it: a number answer as a number with two decimals (not
    the text "7.5"), anything else as its text; empty as an empty cell."""
    if not value:
        return None
    if kind == "angka":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _indicator_sheet(*, run: ScoringRun) -> Sheet:
    """Per unit and indicator: the answer, the self-assessed and the verified indicator score,
    all as the run read them (``data.stored_indicator_sql``, ``data.stored_verdicts``, the
    run's settings): the sheet of
    a finalised run never changes, whatever happens to the inputs afterwards.

    Every scored unit when the rows fit in one sheet; otherwise (national scale) the verified
    units only, since for the others the two scores are equal (README says so)."""
    verified_pairs = run_verified_indicators(run=run)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {T.indicator} i JOIN {T.submission} s"
            f" ON s.questionnaire_id = i.questionnaire_id JOIN {T.score} sc"
            " ON sc.unit_id = s.unit_id AND sc.run_id = %s AND s.period_id = %s",
            [run.pk, run.period_id],
        )
        rows_total = cursor.fetchone()[0]
    only_verified = rows_total > MAX_ROWS
    return Sheet(
        "indikator",
        INDICATOR_HEADER,
        [16, 36, 12, 8, 12, 8, 24, 14, 16, 12],
        _indicator_rows(run=run, only_verified=only_verified, verified_pairs=verified_pairs),
        numeric=(5, 6, 7, 8),
    )


def _indicator_rows(*, run: ScoringRun, only_verified: bool, verified_pairs: dict):
    verified_units = {unit for unit, _indicator in verified_pairs}
    written = 0
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
                written += 1
                yield (
                    code,
                    name,
                    level,
                    aspect,
                    ind_code,
                    weight,
                    _answer_value(value, kind),
                    own,
                    checked,
                    juries,
                )
                if written >= MAX_ROWS:
                    return


JURY_HEADER = [
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
]


def _jury_sheets(*, run: ScoringRun):
    """Per jury of the period: assigned units, and the verifications and presentation scores
    the run read (``data.stored_verdicts``, ScorePresentation), not today's; then the sheet
    ``kesepakatan`` of the same figures."""
    period = run.period
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

    def rows():
        for membership in period.juries.select_related("user").order_by("user__first_name"):
            user = membership.user
            counts = verdicts.get(user.pk, empty)
            yield (
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

    yield Sheet(
        "juri",
        JURY_HEADER,
        [30, 30, 14, 18, 10, 12, 10, 20, 16, 18, 16, 18, 14],
        rows(),
        numeric=(9, 11),
    )
    yield _agreement_sheet(figures=figures)


def _deviation_cells(row) -> tuple:
    return (row["items"], round(row["mean_difference"], 2)) if row else (0, None)


def _agreement_read(*, run: ScoringRun, read) -> dict:
    """The agreement figures (``penjurian.oversight``) of what the run read: its verdicts'
    scores and its per-jury presentation scores."""
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


def _agreement_sheet(*, figures: dict) -> Sheet:
    """Sheet ``kesepakatan``: Krippendorff's alpha and the disagreement rate per indicator."""

    def rows():
        for label, key in (
            ("Alpha Krippendorff verifikasi", "verification_alpha"),
            ("Alpha Krippendorff presentasi", "presentation_alpha"),
        ):
            value = figures[key]
            yield (label, "", None, None, None if value is None else round(value, 4))
        for row in figures["indicators"]:
            yield (
                "Tingkat ketidaksepakatan",
                row["code"],
                row["pairs"],
                row["differ"],
                round(row["rate"], 4),
            )

    return Sheet(
        "kesepakatan",
        ["Ukuran", "Indikator", "Unit dengan 2+ Juri", "Juri Berbeda", "Nilai"],
        [34, 14, 18, 14, 12],
        rows(),
        numeric=(4,),
    )


def _participation_sheet(*, period: Period) -> Sheet:
    labels = {"submitted": "Terkirim", "draft": "Sedang diisi", None: "Belum mulai"}

    def rows():
        for code, name, level, parent, status, submitted_at in _rows(
            "SELECT u.code, u.name, l.name, p.name, s.status, s.submitted_at"
            f" FROM {T.unit} u JOIN {T.level} l ON l.id = u.level_id"
            f" LEFT JOIN {T.unit} p ON p.id = u.parent_id"
            f" LEFT JOIN {T.submission} s ON s.unit_id = u.id AND s.period_id = %s"
            ' WHERE u.active ORDER BY l."order", u.code',
            [period.pk],
        ):
            when = _local_text(submitted_at)
            yield (code, name, level, parent or "", labels.get(status, status), when)

    return Sheet(
        "partisipasi",
        ["Kode", "Nama Unit", "Tingkat", "Induk", "Status", "Waktu Kirim (WITA)"],
        [16, 40, 12, 30, 14, 20],
        rows(),
    )


def _local_text(moment) -> str:
    """A stored moment as WITA text (SQLite's raw rows give naive UTC or text)."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
