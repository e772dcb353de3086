"""The open data API (issue #23, laporan.api): published results only, paginated, the same
rows as the open data files of the same version, an OpenAPI description, rate-limited per
client address; each organiser's data under its own short name."""

import csv
import io

import pytest
from django.urls import reverse

from award.organisers import organiser_create
from laporan import api as api_module
from tests.factories import OpdFactory, level
from tests.laporan.conftest import correction_publish, run_period
from tests.laporan.test_opendata import fetch
from tests.penilaian import golden

pytestmark = pytest.mark.django_db
API = "/api/v1"


def get(client, path, status=200, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status, (path, response.status_code, response.content[:300])
    return response.json()


def test_periods_levels_and_a_paginated_ranking_match_the_open_data(client, published):
    period, run, _units, _juries = published
    organisers = get(client, "/penyelenggara")
    assert [o["kode"] for o in organisers] == ["kutim"]
    assert organisers[0]["periode"] == f"http://testserver{API}/penyelenggara/kutim/periode"

    (item,) = get(client, "/penyelenggara/kutim/periode")
    assert (item["tahun"], item["versi"]) == (period.year, run.number)
    assert item["versi_semua"] == [{"versi": 1, "diumumkan": item["diumumkan"], "berlaku": True}]
    assert [(t["kode"], t["jumlah_unit"]) for t in item["tingkat"]] == [("opd", 5)]
    level = item["tingkat"][0]
    assert level["peringkat"] == (
        f"http://testserver{API}/penyelenggara/kutim/periode/{period.year}/tingkat/opd/peringkat"
    )
    assert level["csv"] == f"http://testserver/kutim/data/{period.year}/opd.csv"
    assert item["paket_data"] == f"http://testserver/kutim/data/{period.year}/datapackage.json"

    # Two rows per page: three pages, followed by their links; the rows are the CSV's rows.
    path = f"/penyelenggara/kutim/periode/{period.year}/tingkat/opd/peringkat"
    page = get(client, path, per_halaman=2)
    assert (page["jumlah"], page["jumlah_halaman"], page["sebelumnya"]) == (5, 3, None)
    rows = list(page["hasil"])
    while page["berikutnya"]:
        response = client.get(page["berikutnya"])
        assert response.status_code == 200
        page = response.json()
        rows += page["hasil"]
    assert page["halaman"] == 3 and page["sebelumnya"].endswith("halaman=2")
    assert [r["kode_unit"] for r in rows] == ["G03", "G04", "G06", "G01", "G02"]
    # DESIGN.md §3 worked values of the golden period (tests/penilaian/golden.py).
    assert (rows[0]["nilai_akhir"], rows[0]["kualifikasi"], rows[0]["finalis"]) == (
        90.4,
        "Informatif",
        True,
    )
    assert rows[2]["nilai_presentasi"] is None and rows[3]["nilai_akhir"] == 64.63
    data = csv.DictReader(
        io.StringIO(fetch(client, "opendata_csv", year=period.year, level="opd").text)
    )
    for row, record in zip(rows, data, strict=True):
        assert record["kode_unit"] == row["kode_unit"]
        assert record["nilai_akhir"] == (
            "" if row["nilai_akhir"] is None else f"{row['nilai_akhir']:.2f}"
        )
        assert record["peringkat"] == str(row["peringkat"])

    assert get(client, path, 404, halaman=4)["detail"] == "Halaman ini melewati halaman terakhir."
    assert client.get(f"{API}{path}", {"per_halaman": 5000}).status_code == 422
    assert get(client, path.replace("/opd/", "/desa/"), 404)["detail"].startswith("Tingkat")
    assert get(client, "/penyelenggara/tidak-ada/periode", 404)["detail"].startswith("Penyel")


def test_a_unit_history_and_versions_that_never_move(
    client, published, admin_user, django_capture_on_commit_callbacks
):
    period, first, units, (j1, *_rest) = published
    path = f"/penyelenggara/kutim/periode/{period.year}/tingkat/opd/peringkat"
    before = get(client, path)
    history = get(client, "/penyelenggara/kutim/unit/G04/riwayat")
    assert history["kode_unit"] == "G04" and history["tingkat"] == "opd"
    (year,) = history["riwayat"]
    assert (year["tahun"], year["hasil"]["nilai_akhir"], year["hasil"]["proses"]) == (
        period.year,
        88.6,
        1,
    )

    # A correction (G04's evidence rejected) publishes version 2; version 1 answers as before.
    correction_publish(
        published=published, user=admin_user, capture=django_capture_on_commit_callbacks
    )

    assert get(client, path, versi=1)["hasil"] == before["hasil"]
    current = get(client, path)
    assert current["versi"] == 2 and current["hasil"] != before["hasil"]
    g04 = next(r for r in current["hasil"] if r["kode_unit"] == "G04")
    assert g04["nilai_akhir"] < 88.6 and g04["proses"] == 2
    assert get(client, "/penyelenggara/kutim/unit/G04/riwayat")["riwayat"][0]["hasil"] == g04
    (item,) = get(client, "/penyelenggara/kutim/periode")
    assert [(v["versi"], v["berlaku"]) for v in item["versi_semua"]] == [(1, False), (2, True)]
    assert get(client, path, 404, versi=3)["detail"] == "Versi ini tidak ada."


def test_nothing_unpublished_and_no_other_organiser_leaks(client, default_levels):
    period, _units, _juries = golden.main_period()
    run_period(period)  # scored, not published
    assert get(client, "/penyelenggara/kutim/periode") == []
    path = f"/penyelenggara/kutim/periode/{period.year}/tingkat/opd/peringkat"
    assert get(client, path, 404)["detail"].startswith("Periode ini")
    assert get(client, "/penyelenggara/kutim/unit/G01/riwayat", 404)
    # Another organiser with a unit of the same code sees nothing of Kutai Timur's.
    other = organiser_create(name="Diskominfo Kota Bontang", slug="bontang")
    OpdFactory(code="G01", level=level("opd", other))
    assert get(client, "/penyelenggara/bontang/periode") == []
    assert get(client, "/penyelenggara/bontang/unit/G01/riwayat", 404)


def test_the_openapi_description_and_the_documentation_page(client, published):
    schema = get(client, "/openapi.json")
    assert schema["info"]["title"].startswith("PPID Award")
    paths = set(schema["paths"])
    assert (
        "/api/v1/penyelenggara/{penyelenggara}/periode/{tahun}/tingkat/{tingkat}/peringkat" in paths
    )
    assert "/api/v1/penyelenggara/{penyelenggara}/unit/{kode_unit}/riwayat" in paths
    row = schema["components"]["schemas"]["BarisPeringkat"]["properties"]
    assert row["nilai_akhir"]["description"] == "Nilai akhir menurut bobot periode."
    page = client.get(reverse("laporan:api_docs"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "/api/v1/openapi.json" in text and "API data terbuka" in text
    period, *_rest = published
    assert f"/penyelenggara/kutim/periode/{period.year}/tingkat/opd/peringkat" in text
    # Swagger UI is served from our own static files (a closed network has no CDN).
    docs = client.get(f"{API}/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle" in docs


def test_requests_are_limited_per_client_address(client, monkeypatch):
    monkeypatch.setattr(api_module.THROTTLE, "num_requests", 3)
    codes = [client.get(f"{API}/penyelenggara").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get(f"{API}/penyelenggara", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200  # another address has its own count


def test_the_api_has_one_address_without_an_organiser_prefix(client):
    response = client.get("/kutim/api/v1/penyelenggara?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/penyelenggara?x=1"
    assert client.get("/api/v1/").headers["Location"] == "/api/"  # the documentation page
