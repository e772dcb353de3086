"""The read-only JSON API of published results (issue #23), with django-ninja: ``/api/v1/``.

Organisers, their published periods, a period's levels, a level's ranking (paginated) and a
unit's history. Everything it answers is published: the rankings are the stored open data
files of the published runs (``laporan.opendata``), read and kept parsed per file, so the API,
the CSV, the JSON download and the workbook never disagree, and a version (``versi``) answers
the same rows forever. The OpenAPI description is ``/api/v1/openapi.json``; the documentation
page is ``/api/`` (``api_views``). Requests are limited per client address (``API_RATE``).

The OpenAPI texts are written in Indonesian, like the open data's Table Schema: they describe
a published Indonesian dataset to its users, whatever the language of the page."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from threading import Lock

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja.errors import HttpError
from ninja.throttling import SimpleRateThrottle
from pydantic import create_model

from award.models import Level, Organiser, Period, Unit
from award.scoping import organiser_scope, organiser_url
from common.net import client_ip
from penilaian.models import ScoringRun

from . import opendata, selectors
from .models import OpenDataFile

PAGE_SIZE = 100
TAG = "Hasil yang ditetapkan"
PAGE_SIZE_MAX = 1000


class ClientThrottle(SimpleRateThrottle):
    """Requests per client address, signed in or not (behind ``TRUSTED_PROXIES`` the address
    the nearest trusted proxy saw, as the login lockout counts)."""

    scope = "api"

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


THROTTLE = ClientThrottle(settings.API_RATE)
api = NinjaAPI(
    title="PPID Award — API data terbuka",
    version="1",
    description=(
        "Hasil penilaian PPID yang sudah ditetapkan, hanya-baca: penyelenggara, periode, "
        "tingkat, peringkat (berhalaman) dan riwayat sebuah unit. Lisensi data CC-BY-4.0. "
        "Batas permintaan per alamat klien; lebih dari itu dijawab 429."
    ),
    urls_namespace="api",
    throttle=[THROTTLE],
    docs_url="/docs",
    # Swagger UI's validator badge would ask validator.swagger.io: not on a closed network.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)


# --- schemas ---------------------------------------------------------------------------------
_TYPES = {"string": str | None, "number": float | None, "integer": int | None, "boolean": bool}
# One ranking row: the open data's Table Schema (opendata.COLUMNS), so the two cannot differ.
Row = create_model(
    "BarisPeringkat",
    __base__=Schema,
    **{
        name: (_TYPES.get(kind, str), Field(..., title=title, description=description))
        for name, kind, title, description in opendata.COLUMNS
    },
)


class OrganiserOut(Schema):
    kode: str = Field(..., description="Nama pendek penyelenggara (bagian pertama URL).")
    nama: str
    jenis: str = Field(..., description="Jenis penyelenggara.")
    kode_wilayah: str = Field(..., description="Kode wilayah Kemendagri penyelenggara.")
    periode: str = Field(..., description="URL daftar periode yang sudah ditetapkan.")


class VersionOut(Schema):
    versi: int = Field(..., description="Nomor proses penilaian yang ditetapkan.")
    diumumkan: str = Field(..., description="Waktu penetapan (UTC).")
    berlaku: bool = Field(..., description="Versi ini yang berlaku (belum dikoreksi).")


class LevelOut(Schema):
    kode: str
    nama: str
    jumlah_unit: int
    peringkat: str = Field(..., description="URL peringkat tingkat ini (versi berlaku).")
    csv: str = Field(..., description="URL berkas CSV versi berlaku.")


class PeriodOut(Schema):
    tahun: int
    nama: str
    versi: int = Field(..., description="Versi (proses penilaian) yang berlaku.")
    diumumkan: str
    versi_semua: list[VersionOut]
    tingkat: list[LevelOut]
    paket_data: str = Field(..., description="URL Frictionless Data Package versi berlaku.")


class RankingPage(Schema):
    jumlah: int = Field(..., description="Jumlah baris seluruhnya.")
    halaman: int
    jumlah_halaman: int
    berikutnya: str | None = Field(None, description="URL halaman berikutnya.")
    sebelumnya: str | None = Field(None, description="URL halaman sebelumnya.")
    versi: int
    hasil: list[Row]


class HistoryOut(Schema):
    tahun: int
    periode: str
    hasil: Row


class UnitHistoryOut(Schema):
    kode_unit: str
    nama_unit: str
    kode_wilayah: str
    tingkat: str
    riwayat: list[HistoryOut]


class Problem(Schema):
    detail: str


# --- stored rows, parsed once per file ---------------------------------------------------------
_PARSED: OrderedDict[int, tuple[list[dict], dict[str, dict]]] = OrderedDict()
_PARSED_MAX = 32
_LOCK = Lock()


def _rows(stored: OpenDataFile) -> tuple[list[dict], dict[str, dict]]:
    """A stored JSON file's rows and their index by unit code (files never change: the
    parsed copy stays valid; the least recently used are dropped)."""
    with _LOCK:
        found = _PARSED.get(stored.pk)
        if found is not None:
            _PARSED.move_to_end(stored.pk)
            return found
    rows = json.loads(bytes(stored.content))
    parsed = (rows, {row["kode_unit"]: row for row in rows})
    with _LOCK:
        _PARSED[stored.pk] = parsed
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return parsed


# --- lookups -----------------------------------------------------------------------------------
def _organiser(slug: str) -> Organiser:
    organiser = Organiser.objects.filter(slug=slug).first()
    if organiser is None:
        raise HttpError(404, "Penyelenggara tidak ditemukan.")
    return organiser


def _run(year: int, version: int | None) -> ScoringRun:
    """The published run of the year's period: the one in force, or version ``version``."""
    period = Period.objects.filter(year=year).first()
    run = opendata.opendata_run(period=period, version=version) if period else None
    if run is None and version is None:
        raise HttpError(404, "Periode ini tidak ada atau hasilnya belum ditetapkan.")
    if run is None:
        raise HttpError(404, "Versi ini tidak ada.")
    return run


def _level(run: ScoringRun, code: str) -> Level:
    for level in selectors.run_levels(run=run):
        if level.code == code:
            return level
    raise HttpError(404, "Tingkat ini tidak ada dalam hasil periode ini.")


def _url(request: HttpRequest, name: str, organiser: Organiser | None = None, **kwargs) -> str:
    """An absolute URL: of the API itself (global), or of ``organiser``'s page ``name``."""
    return request.build_absolute_uri(organiser_url(organiser, name, **kwargs))


# --- endpoints ---------------------------------------------------------------------------------
@api.get(
    "/penyelenggara",
    tags=[TAG],
    response=list[OrganiserOut],
    url_name="organisers",
    summary="Daftar penyelenggara",
)
def organisers(request):
    return [
        {
            "kode": organiser.slug,
            "nama": organiser.name,
            "jenis": organiser.get_kind_display(),
            "kode_wilayah": organiser.region_code,
            "periode": _url(request, "api:periods", penyelenggara=organiser.slug),
        }
        for organiser in Organiser.objects.order_by("name")
    ]


@api.get(
    "/penyelenggara/{penyelenggara}/periode",
    tags=[TAG],
    response={200: list[PeriodOut], 404: Problem},
    url_name="periods",
    summary="Periode yang hasilnya sudah ditetapkan",
)
def periods(request, penyelenggara: str):
    organiser = _organiser(penyelenggara)
    with organiser_scope(organiser):
        return [
            _period_out(request, organiser, item["period"], item["run"])
            for item in selectors.published_periods()
        ]


def _period_out(request, organiser: Organiser, period: Period, run: ScoringRun) -> dict:
    year = period.year
    return {
        "tahun": year,
        "nama": period.name,
        "versi": run.number,
        "diumumkan": opendata.utc_stamp(run.finalised_at),
        "versi_semua": [
            {
                "versi": version.number,
                "diumumkan": opendata.utc_stamp(version.finalised_at),
                "berlaku": version.pk == run.pk,
            }
            for version in opendata.opendata_versions(period=period)
        ],
        "tingkat": [
            {
                "kode": level.code,
                "nama": level.name,
                "jumlah_unit": count,
                "peringkat": _url(
                    request,
                    "api:ranking",
                    penyelenggara=organiser.slug,
                    tahun=year,
                    tingkat=level.code,
                ),
                "csv": _url(
                    request, "laporan:opendata_csv", organiser, year=year, level=level.code
                ),
            }
            for level, count in selectors.run_level_counts(run=run)
        ],
        "paket_data": _url(request, "laporan:opendata_package", organiser, year=year),
    }


@api.get(
    "/penyelenggara/{penyelenggara}/periode/{tahun}/tingkat/{tingkat}/peringkat",
    tags=[TAG],
    response={200: RankingPage, 404: Problem},
    url_name="ranking",
    summary="Peringkat sebuah tingkat (berhalaman)",
    description=(
        "Baris-baris yang sama dengan berkas CSV/JSON data terbuka versi itu. Tanpa `versi`: "
        "versi yang berlaku; dengan `versi`: tepat versi itu, selamanya. `induk` menyaring "
        "unit dengan kode induk tertentu (misalnya desa-desa sebuah kecamatan)."
    ),
)
def ranking(
    request,
    penyelenggara: str,
    tahun: int,
    tingkat: str,
    halaman: int = Query(1, ge=1),
    per_halaman: int = Query(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX),
    versi: int | None = None,
    induk: str | None = None,
):
    organiser = _organiser(penyelenggara)
    with organiser_scope(organiser):
        run = _run(tahun, versi)
        stored = opendata.opendata_file(run=run, level=_level(run, tingkat), fmt="json")
    rows, _index = _rows(stored)
    if induk:
        rows = [row for row in rows if row["induk"] == induk]
    pages = max(1, math.ceil(len(rows) / per_halaman))
    if halaman > pages:
        raise HttpError(404, "Halaman ini melewati halaman terakhir.")
    start = (halaman - 1) * per_halaman

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["halaman"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "jumlah": len(rows),
        "halaman": halaman,
        "jumlah_halaman": pages,
        "berikutnya": page_url(halaman + 1) if halaman < pages else None,
        "sebelumnya": page_url(halaman - 1) if halaman > 1 else None,
        "versi": run.number,
        "hasil": rows[start : start + per_halaman],
    }


@api.get(
    "/penyelenggara/{penyelenggara}/unit/{kode_unit}/riwayat",
    tags=[TAG],
    response={200: UnitHistoryOut, 404: Problem},
    url_name="unit_history",
    summary="Riwayat hasil sebuah unit",
    description="Hasil unit pada setiap periode yang ditetapkan (versi berlaku), terbaru dulu.",
)
def unit_history(request, penyelenggara: str, kode_unit: str):
    organiser = _organiser(penyelenggara)
    with organiser_scope(organiser):
        unit = Unit.objects.select_related("level").filter(code=kode_unit).first()
        history = list(selectors.public_unit_history(unit=unit)) if unit else []
        if not history:
            raise HttpError(404, "Unit ini tidak ada atau belum punya hasil yang ditetapkan.")
        files = [
            (score.run.period, opendata.opendata_file(run=score.run, level=score.level, fmt="json"))
            for score in history
        ]
    found = [
        (period, _rows(stored)[1].get(unit.code)) for period, stored in files if stored is not None
    ]
    return {
        "kode_unit": unit.code,
        "nama_unit": unit.name,
        "kode_wilayah": unit.kode_wilayah,
        "tingkat": unit.level.code,
        "riwayat": [
            {"tahun": period.year, "periode": period.name, "hasil": row}
            for period, row in found
            if row is not None
        ],
    }
