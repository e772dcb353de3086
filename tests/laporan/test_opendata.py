"""Open data (issue #23): a published run's rankings as CSV and JSON with a Frictionless data
package that validates, a DCAT catalogue, versions that never move (a correction adds one),
conditional GETs and CORS; the workbook's level sheet and the open data hold the same rows."""

import csv
import io
import json

import pytest
from django.urls import reverse
from frictionless import validate
from openpyxl import load_workbook

from common.exporters import export_response
from laporan.exports import RankingExporter
from laporan.models import OpenDataFile
from laporan.opendata import utc_stamp
from tests.laporan.conftest import correction_publish, run_period
from tests.penilaian import golden

pytestmark = pytest.mark.django_db


def fetch(client, name, **kwargs):
    response = client.get(reverse(f"laporan:{name}", kwargs=kwargs))
    assert response.status_code == 200, (name, kwargs, response.status_code)
    return response


def test_the_published_ranking_is_open_data_with_a_valid_package(client, published, tmp_path):
    period, run, _units, _juries = published
    # Written when the run was published (the task queued by penetapan), not on request.
    assert OpenDataFile.objects.filter(run=run).count() == 2  # opd: csv and json

    response = fetch(client, "opendata_csv", year=period.year, level="opd")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] and response["Last-Modified"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # DESIGN.md §3 worked values of the golden period (tests/penilaian/golden.py).
    g03, g04, g06, g01, g02 = rows
    assert g03 == {
        "kode_wilayah": "",
        "kode_unit": "G03",
        "nama_unit": "Dinas G03",
        "tingkat": "opd",
        "induk": "",
        "nilai_saq": "98.00",
        "nilai_verifikasi": "90.50",
        "nilai_presentasi": "90.00",
        "nilai_akhir": "90.40",
        "kualifikasi": "Informatif",
        "peringkat": "1",
        "finalis": "true",
        "proses": "1",
        "diumumkan": g03["diumumkan"],
    }
    assert g03["diumumkan"].endswith("Z") and g03["diumumkan"][:4] == str(run.finalised_at.year)
    assert [r["kode_unit"] for r in rows] == ["G03", "G04", "G06", "G01", "G02"]
    assert (g06["nilai_presentasi"], g06["finalis"], g01["nilai_akhir"]) == ("", "false", "64.63")
    assert (g04["nilai_akhir"], g02["kualifikasi"]) == ("88.60", "Tidak Informatif")

    records = json.loads(fetch(client, "opendata_json", year=period.year, level="opd").content)
    assert records[0]["nilai_akhir"] == 90.4 and records[0]["finalis"] is True
    assert records[2]["nilai_presentasi"] is None and records[0]["peringkat"] == 1

    # The package at the plain URL names the current version's files; it validates, as a
    # portal would check it, against the files as served.
    package = fetch(client, "opendata_package", year=period.year).json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["resources"][0]["schema"]["primaryKey"] == ["kode_unit"]
    assert {r["path"] for r in package["resources"]} == {"v1/opd.csv", "v1/opd.json"}
    (tmp_path / "v1").mkdir()
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    for fmt in ("csv", "json"):
        body = fetch(client, f"opendata_{fmt}_version", year=period.year, version=1, level="opd")
        (tmp_path / "v1" / f"opd.{fmt}").write_bytes(body.content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_correction_adds_a_version_and_the_old_one_never_moves(
    client, published, admin_user, django_capture_on_commit_callbacks
):
    period, first, units, (j1, *_rest) = published
    old = fetch(client, "opendata_csv_version", year=period.year, version=1, level="opd")
    etag = old["ETag"]
    assert client.get(old.wsgi_request.path, headers={"If-None-Match": etag}).status_code == 304

    second = correction_publish(
        published=published, user=admin_user, capture=django_capture_on_commit_callbacks
    )

    again = fetch(client, "opendata_csv_version", year=period.year, version=1, level="opd")
    assert again.content == old.content and again["ETag"] == etag
    current = fetch(client, "opendata_csv", year=period.year, level="opd")
    assert (
        current.content
        == fetch(client, "opendata_csv_version", year=period.year, version=2, level="opd").content
    )
    assert current.content != old.content and ",2," in current.content.decode()
    assert (
        fetch(client, "opendata_package", year=period.year)
        .json()["resources"][0]["path"]
        .startswith("v2/")
    )
    assert (
        client.get(
            reverse("laporan:opendata_csv_version", args=[period.year, 3, "opd"])
        ).status_code
        == 404
    )

    catalogue = fetch(client, "opendata_catalogue").json()
    (dataset,) = catalogue["dcat:dataset"]
    assert dataset["dct:identifier"] == f"kutim-{period.year}-opd"
    first.refresh_from_db()
    second.refresh_from_db()
    assert dataset["dct:issued"] == utc_stamp(first.finalised_at)
    assert dataset["dct:modified"] == utc_stamp(second.finalised_at)
    urls = [d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]]
    assert urls[0].endswith(f"/kutim/data/{period.year}/opd.csv")
    assert catalogue["dct:publisher"]["foaf:name"] == "Diskominfo Staper Kabupaten Kutai Timur"


def test_nothing_is_open_before_publication(client, default_levels):
    period, _units, _juries = golden.main_period()
    run_period(period)
    for name, kwargs in [
        ("opendata_csv", {"level": "opd"}),
        ("opendata_package", {}),
        ("opendata_json_version", {"level": "opd", "version": 1}),
    ]:
        url = reverse(f"laporan:{name}", kwargs={"year": period.year, **kwargs})
        assert client.get(url).status_code == 404, name
    assert fetch(client, "opendata_catalogue").json()["dcat:dataset"] == []


def test_the_workbook_sheet_and_the_open_data_hold_the_same_rows(client, published):
    """One row source (``laporan.exports.level_rows``): the ranking workbook's level sheet
    and the open data CSV agree cell by cell."""
    period, run, _units, _juries = published
    response = export_response(RankingExporter(run=run))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["opd"]
    workbook_rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    data = list(
        csv.DictReader(
            io.StringIO(fetch(client, "opendata_csv", year=period.year, level="opd").text)
        )
    )
    assert len(workbook_rows) == len(data) == 5
    for cells, record in zip(workbook_rows, data, strict=True):
        rank, code, name, _parent, saq, verified, presentation, final, qualification, finalist = (
            cells
        )
        assert (str(rank), code, name) == (
            record["peringkat"],
            record["kode_unit"],
            record["nama_unit"],
        )
        for value, column in [
            (saq, "nilai_saq"),
            (verified, "nilai_verifikasi"),
            (presentation, "nilai_presentasi"),
            (final, "nilai_akhir"),
        ]:
            assert ("" if value is None else f"{value:.2f}") == record[column], column
        assert qualification == record["kualifikasi"]
        assert (finalist == "Ya") == (record["finalis"] == "true")
