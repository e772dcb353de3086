"""Open data of published results (issue #23, Satu Data Indonesia): per published run and
level a CSV and a JSON file, a Frictionless Tabular Data Package describing them, and a DCAT
catalogue of every dataset for portal harvesting.

Each published run is a version. Its files are written once (``opendata_freeze``, queued when
the run is published) from the rows the workbook and its CSV read (``exports.level_rows``) and
then served byte for byte: a versioned URL never changes, and a correction adds a version. The
plain URLs serve the current published version."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from award.models import Level, Period
from penilaian.models import ScoringRun
from penilaian.selectors import scoring_run_published

from . import selectors
from .exports import level_rows
from .models import OpenDataFile

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

# name, Table Schema type, Indonesian title, Indonesian description
COLUMNS = [
    ("kode_wilayah", "string", "Kode wilayah", "Kode wilayah Kemendagri unit (bila ada)."),
    ("kode_unit", "string", "Kode unit", "Kode unit pada penyelenggara."),
    ("nama_unit", "string", "Nama unit", "Nama badan publik (PPID)."),
    ("tingkat", "string", "Tingkat", "Kode tingkat penilaian (desa, kecamatan, opd, ...)."),
    ("induk", "string", "Induk", "Kode unit induk (kecamatan sebuah desa), bila ada."),
    ("nilai_saq", "number", "Nilai SAQ", "Nilai penilaian mandiri (0-100)."),
    ("nilai_verifikasi", "number", "Nilai terverifikasi", "Nilai setelah verifikasi juri."),
    ("nilai_presentasi", "number", "Nilai presentasi", "Nilai presentasi atau visitasi."),
    ("nilai_akhir", "number", "Nilai akhir", "Nilai akhir menurut bobot periode."),
    ("kualifikasi", "string", "Kualifikasi", "Kualifikasi keterbukaan informasi."),
    ("peringkat", "integer", "Peringkat", "Peringkat dalam tingkatnya."),
    ("finalis", "boolean", "Finalis", "Apakah unit menjadi finalis."),
    ("proses", "integer", "Proses penilaian", "Nomor proses penilaian yang diumumkan."),
    ("diumumkan", "datetime", "Diumumkan", "Waktu penetapan hasil (UTC)."),
]
NAMES = [name for name, *_rest in COLUMNS]


# --- reads -----------------------------------------------------------------------------------
def opendata_versions(*, period: Period) -> list[ScoringRun]:
    """Every published run of the period, oldest first: its versions (the last is current)."""
    return list(
        ScoringRun.objects.filter(period=period, finalised_at__isnull=False).order_by("number")
    )


def opendata_run(*, period: Period, version: int | None) -> ScoringRun | None:
    """The published run a URL names: version ``version`` (its run number) or, without one,
    the version in force."""
    if version is None:
        return scoring_run_published(period=period)
    return ScoringRun.objects.filter(
        period=period, finalised_at__isnull=False, number=version
    ).first()


def opendata_file(*, run: ScoringRun, level: Level, fmt: str) -> OpenDataFile | None:
    """The stored file, written now if the run's freeze has not run yet."""
    found = OpenDataFile.objects.filter(run=run, level=level, format=fmt).first()
    if found is None:
        opendata_freeze(run=run)
        found = OpenDataFile.objects.filter(run=run, level=level, format=fmt).first()
    return found


def utc_stamp(moment) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _records(*, run: ScoringRun, level: Level) -> list[dict]:
    published = utc_stamp(run.finalised_at)
    return [
        dict(
            zip(
                NAMES,
                (
                    region,
                    code,
                    name,
                    level.code,
                    parent,
                    _number(saq),
                    _number(verified),
                    _number(presentation),
                    _number(final),
                    qualification,
                    rank,
                    bool(finalist),
                    run.number,
                    published,
                ),
                strict=True,
            )
        )
        for (
            rank,
            code,
            name,
            _parent_name,
            saq,
            verified,
            presentation,
            final,
            qualification,
            finalist,
            region,
            parent,
        ) in level_rows(run=run, level=level)
    ]


def _number(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _csv_bytes(records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(NAMES)
    for record in records:
        writer.writerow(
            [
                ("true" if v else "false")
                if isinstance(v, bool)
                else ("" if v is None else (f"{v:.2f}" if isinstance(v, float) else v))
                for v in record.values()
            ]
        )
    return buffer.getvalue().encode()


def _json_bytes(records: list[dict]) -> bytes:
    return json.dumps(records, ensure_ascii=False, indent=1).encode()


# --- writes ----------------------------------------------------------------------------------
def opendata_freeze(*, run: ScoringRun) -> int:
    """Write the open data files of a published run that are missing (idempotent: a file,
    once written, is never rewritten); returns how many were written."""
    if run.finalised_at is None:
        return 0
    written = 0
    for level in selectors.run_levels(run=run):
        records = None
        for fmt, render in (("csv", _csv_bytes), ("json", _json_bytes)):
            if OpenDataFile.objects.filter(run=run, level=level, format=fmt).exists():
                continue
            records = records if records is not None else _records(run=run, level=level)
            content = render(records)
            try:
                with transaction.atomic():
                    OpenDataFile.objects.create(
                        run=run,
                        level=level,
                        format=fmt,
                        content=content,
                        sha256=hashlib.sha256(content).hexdigest(),
                        rows=len(records),
                    )
            except IntegrityError:
                continue  # written at the same moment by another request or the task
            written += 1
    return written


# --- descriptions ----------------------------------------------------------------------------
def datapackage(*, run: ScoringRun, publisher: str, base: str = "") -> dict:
    """The Frictionless Tabular Data Package of a run's files; ``base`` prefixes the
    resources' relative paths (``v<run>/`` for the plain URL's package)."""
    period = run.period
    resources = []
    for level in selectors.run_levels(run=run):
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            stored = opendata_file(run=run, level=level, fmt=fmt)
            resource = {
                "name": f"peringkat-{level.code}-{fmt}",
                "path": f"{base}{level.code}.{fmt}",
                "title": _("Ranking of %(level)s, %(period)s")
                % {
                    "level": level.name,
                    "period": period.name,
                },
                "format": fmt,
                "mediatype": media,
                "encoding": "utf-8",
                "schema": table_schema(),
                "profile": "tabular-data-resource",  # a JSON array of objects is a table too
            }
            if fmt == "csv":  # a validator checks these while it streams a CSV, not a JSON
                resource |= {"bytes": len(stored.content), "hash": f"sha256:{stored.sha256}"}
            resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": f"ppid-award-{period.year}-v{run.number}",
        "title": period.name,
        "description": _(
            "Results of %(period)s (PPID Award): scores, qualification and rank of every unit "
            "per level, as published on %(date)s (scoring run %(run)s)."
        )
        % {"period": period.name, "date": utc_stamp(run.finalised_at), "run": run.number},
        "version": f"{run.number}.0.0",
        "created": utc_stamp(run.finalised_at),
        "licenses": [LICENSE],
        "contributors": [{"title": publisher, "role": "publisher"}],
        "keywords": ["PPID", "keterbukaan informasi publik", "monev", str(period.year)],
        "resources": resources,
    }


def table_schema() -> dict:
    return {
        "fields": [
            {"name": name, "type": kind, "title": title, "description": description}
            for name, kind, title, description in COLUMNS
        ],
        "primaryKey": ["kode_unit"],
        "missingValues": [""],
    }


def catalogue(*, organiser, datasets: list[dict]) -> dict:
    """A DCAT catalogue (JSON-LD) of the organiser's published datasets; ``datasets``: one per
    published period and level with its URLs (``opendata_views``)."""
    publisher = {"@type": "foaf:Organization", "foaf:name": organiser.name}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "dct:title": _("Open data of PPID Award, %(organiser)s") % {"organiser": organiser.name},
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENSE["path"]},
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "@id": item["page"],
                "dct:identifier": item["identifier"],
                "dct:title": item["title"],
                "dct:description": item["description"],
                "dct:issued": item["issued"],
                "dct:modified": item["modified"],
                "dct:publisher": publisher,
                "dct:license": {"@id": LICENSE["path"]},
                "dct:spatial": organiser.region_code or None,
                "dcat:keyword": ["PPID", "keterbukaan informasi publik", item["level"]],
                "dcat:landingPage": {"@id": item["page"]},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": title,
                        "dcat:downloadURL": {"@id": url},
                        "dcat:mediaType": media,
                        "dct:format": title,
                        "dct:license": {"@id": LICENSE["path"]},
                    }
                    for title, url, media in item["distributions"]
                ],
            }
            for item in datasets
        ],
    }
