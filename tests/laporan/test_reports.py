"""Reports from the golden period: workbook and CSV read back and compared with the scores,
certificates and recap checked through their text, QR codes decoded and followed, and the
public pages before and after finalisation."""

import csv
import io
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from common.models import Job
from evaluasi.models import Answer
from laporan import jobs as laporan_jobs
from laporan import services
from laporan.models import Certificate
from laporan.selectors import HEADER
from penilaian import services as scoring_services
from penilaian.models import Score
from tests.penilaian import golden

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scored(default_levels):
    period, units, juries = golden.main_period()
    run = scoring_services.scoring_run_start(period=period, inline=True)
    assert run.status == "succeeded", run.message
    return period, units, run


@pytest.fixture
def published(scored, admin_user):
    period, units, run = scored
    scoring_services.scoring_run_finalise(run=run, user=admin_user)
    run.refresh_from_db()
    return period, units, run


def make(kind, period, user):
    job = services.report_job_start(kind=kind, period=period, user=user)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    return job


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def as_number(value):
    return None if value is None else f"{value:.2f}"


def test_ranking_workbook_reads_back_equal_to_the_scores(published, admin_user):
    period, units, run = published
    job = make(laporan_jobs.RANKING_EXPORT, period, admin_user)
    workbook = load_workbook(io.BytesIO(job.file.read()))
    assert workbook.sheetnames == [
        "opd",
        "aspek-opd",
        "indikator",
        "juri",
        "kesepakatan",
        "partisipasi",
    ]
    sheet = workbook["opd"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J6"
    assert sheet["H2"].number_format == "0.00"
    expected = [
        [
            s.rank,
            s.unit.code,
            s.unit.name,
            "",
            as_number(s.saq),
            as_number(s.verified),
            as_number(s.presentation),
            as_number(s.final),
            s.qualification,
            "Ya" if s.finalist else "Tidak",
        ]
        for s in Score.objects.filter(run=run).select_related("unit").order_by("rank")
    ]
    got = [
        [r[0], r[1], r[2], r[3] or "", *(as_number(v) for v in r[4:8]), r[8], r[9]]
        for r in rows[1:]
    ]
    assert got == expected
    assert got[0][:2] == [1, "G03"] and got[0][6] == "90.00"
    aspects = {r[1]: r for r in workbook["aspek-opd"].iter_rows(min_row=2, values_only=True)}
    assert aspects["G01"][3:] == (93.75, 65.63, 95.0, 63.13)
    detail = {(r[0], r[4]): r for r in workbook["indikator"].iter_rows(min_row=2, values_only=True)}
    assert detail[("G01", "i5")][6:] == (25, 100, 57.5, 4), "own 25 clamps to 100; 4 juries"
    assert detail[("G02", "i3")][6:8] == (None, 0), "unanswered scores 0"
    assert detail[("G02", "t1")][7] is None, "text is never scored"
    juries = list(workbook["juri"].iter_rows(min_row=2, values_only=True))
    assert len(juries) == 4
    assert sum(r[3] for r in juries) == 11  # every verification of the golden period
    assert sum(r[7] for r in juries) == 5  # j1 scored G03, G04, G06; j2 G03, G04
    # Agreement, worked by hand from the golden verdicts (tests/penilaian/golden.py):
    # j1 against the others on G01: i1 100 − 0, i3 50 − 75, i5 100 − (50 + 0 + 80)/3
    #   → mean (100 − 25 + 56.67)/3 = 43.89 over 3 items: flagged;
    # presentations: G04 84 − 66 = 18, G03 94 − 86 = 8 → 13 over 2 items (too few to flag).
    j1 = next(r for r in juries if r[1].startswith("juri1."))
    assert j1[8:13] == (3, 43.89, 2, 13.0, "Ya")
    figures = {
        (r[0], r[1]): r for r in workbook["kesepakatan"].iter_rows(min_row=2, values_only=True)
    }
    # α (interval) = 1 − D_o/D_e. Verification: values 100,0 | 50,75 | 100,50,0,80:
    # D_o = (20000 + 1250 + 45400/3)/8, D_e = 2·(8·37025 − 455²)/(8·7).
    alpha_v = 1 - Fraction(109150, 24) / Fraction(178350, 56)
    assert figures[("Alpha Krippendorff verifikasi", None)][4] == round(float(alpha_v), 4)
    # Presentation: 84,66 | 94,86 (G06 has one jury): D_o = 776/4, D_e = 3352/12.
    alpha_p = 1 - Fraction(776, 4) / Fraction(3352, 12)
    assert figures[("Alpha Krippendorff presentasi", None)][4] == round(float(alpha_p), 4)
    assert figures[("Tingkat ketidaksepakatan", "i5")][2:] == (1, 1, 1.0)
    status = {r[0]: r[4] for r in workbook["partisipasi"].iter_rows(min_row=2, values_only=True)}
    assert status["G05"] == "Sedang diisi" and status["G01"] == "Terkirim"


def test_csv_per_level(published, admin_client):
    period, units, run = published
    response = admin_client.get(reverse("laporan:ranking_csv", args=[period.year, "opd"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == HEADER
    assert rows[1] == ["1", "G03", "Dinas G03", "", "98.00", "90.50", "90.00", "90.40",
                       "Informatif", "Ya"]  # fmt: skip
    assert len(rows) == 6


def decode_qr_codes(pdf: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = subprocess.run(  # noqa: S603 - poppler's pdftoppm on our own PDF
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))]


def test_certificates_batch_with_qr_verification(published, admin_user, client, settings):
    settings.SITE_URL = "http://ppid.example.go.id"
    period, units, run = published
    job = make(laporan_jobs.CERTIFICATES, period, admin_user)
    pdf = job.file.read()
    certificates = list(Certificate.objects.filter(run=run).select_related("unit"))
    kinds = sorted((c.unit.code, c.kind) for c in certificates)
    # Ranks 1-3: G03, G04, G06; most improved: none (no previous year); qualification for
    # Informatif/Menuju/Cukup (G03, G04, G06, G01); partisipan for the five that submitted.
    assert kinds == sorted(
        [("G03", "terbaik_1"), ("G04", "terbaik_2"), ("G06", "terbaik_3")]
        + [(c, "kualifikasi") for c in ("G01", "G03", "G04", "G06")]
        + [(c, "partisipan") for c in ("G01", "G02", "G03", "G04", "G06")]
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(certificates) == 12
    text = pdf_text(pdf)
    assert "Terbaik I PPID Award 2030 Tingkat Perangkat Daerah" in text
    assert "Dinas G03" in text and "90,40" in text and "Informatif" in text
    for certificate in certificates:
        assert certificate.code in text
    archive = zipfile.ZipFile(io.BytesIO(job.file.storage.open(job.result["zip"]).read()))
    assert sorted(archive.namelist()) == [f"sertifikat-G0{n}.pdf" for n in (1, 2, 3, 4, 6)]
    g03 = PdfReader(io.BytesIO(archive.read("sertifikat-G03.pdf")))
    assert len(g03.pages) == 3 and "Terbaik I" in g03.pages[0].extract_text()
    codes = decode_qr_codes(archive.read("sertifikat-G03.pdf"))
    assert len(codes) == 1 and codes[0].startswith("http://ppid.example.go.id/verifikasi/")
    page = client.get(urlparse(codes[0]).path)
    assert page.status_code == 200
    assert "Dinas G03" in page.text and "asli dan berlaku" in page.text
    assert "Terbaik I PPID Award 2030" in page.text
    # The code as a person would type it from the paper: small letters, no hyphens.
    typed = urlparse(codes[0]).path.rstrip("/").rsplit("/", 1)[-1].lower().replace("-", "")
    page = client.get(reverse("laporan:verify", args=[typed]))
    assert page.status_code == 200 and "Dinas G03" in page.text


def test_a_superseded_certificate_says_so(published, admin_user, client):
    period, units, run = published
    first = services.certificates_issue(run=run)
    scoring_services.period_correction_open(period=period, reason="Koreksi G02", user=admin_user)
    Answer.objects.filter(submission__unit__code="G02", indicator__code="i5").update(value="20")
    correction = scoring_services.scoring_run_start(period=period, inline=True)
    scoring_services.scoring_run_finalise(run=correction, user=admin_user)
    old = next(c for c in first if c.unit.code == "G03" and c.kind == "partisipan")
    page = client.get(reverse("laporan:verify", args=[old.code]))
    assert page.status_code == 200 and "digantikan" in page.text
    assert "belum diterbitkan" in page.text, "no replacement issued yet"
    correction.refresh_from_db()
    second = services.certificates_issue(run=correction)
    new = next(c for c in second if c.unit.code == "G03" and c.kind == "partisipan")
    page = client.get(reverse("laporan:verify", args=[old.code]))
    assert reverse("laporan:verify", args=[new.code]) in page.text, "it leads to its replacement"
    assert client.get(reverse("laporan:verify", args=["bukan-kode"])).status_code == 404


def test_recap_pdf(published, admin_user):
    period, units, run = published
    report = services.selectors.report_settings(period=period)
    report.signatory_name = "Ir. Ahmad Rifani, M.Si."
    report.save()
    job = make(laporan_jobs.RECAP, period, admin_user)
    text = pdf_text(job.file.read())
    for expected in ("LAPORAN HASIL PENILAIAN", "Partisipasi per tingkat", "Tingkat OPD",
                     "Dinas G03", "90,40", "Ir. Ahmad Rifani, M.Si.", "Tim juri"):  # fmt: skip
        assert expected in text, expected
    assert "SEMENTARA" not in text


def test_certificates_need_finalised_results(scored, admin_user, admin_client):
    period, units, run = scored
    with pytest.raises(services.ReportRefused, match="Tetapkan"):
        services.report_job_start(kind=laporan_jobs.CERTIFICATES, period=period, user=admin_user)
    job = make(laporan_jobs.RANKING_EXPORT, period, admin_user)
    assert "sementara" in job.file_name
    page = admin_client.get(reverse("laporan:report", args=[period.year]))
    assert page.status_code == 200 and "sementara" in page.text


def test_public_pages_show_nothing_before_finalisation(scored, client):
    period, units, run = scored
    home = client.get(reverse("laporan:public_home"))
    assert home.status_code == 200 and period.name not in home.text
    for url in (
        reverse("laporan:public_ranking", args=[period.year]),
        reverse("laporan:public_unit", args=["G03"]),
        reverse("laporan:badge", args=["G03", period.year]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Dinas G03" not in client.get(reverse("laporan:public_home"), {"q": "G03"}).text


def test_public_pages_after_finalisation(published, client):
    period, units, run = published
    home = client.get(reverse("laporan:public_home"))
    assert period.name in home.text
    ranking = client.get(reverse("laporan:public_ranking", args=[period.year]))
    assert ranking.status_code == 200
    body = ranking.text
    assert body.index("Dinas G03") < body.index("Dinas G04") < body.index("Dinas G02")
    assert "q-informatif" in body and "Tidak Informatif" in body
    assert "Dinas G05" not in body, "a unit that did not submit is not ranked"
    # The qualification distribution as a server-rendered chart (golden: 1 Informatif,
    # 2 Menuju, 1 Cukup, 0 Kurang, 1 Tidak Informatif of 5).
    assert 'class="w-100 qualification-chart"' in body
    assert (
        'aria-label="Informatif 1, Menuju Informatif 2, Cukup Informatif 1, '
        'Kurang Informatif 0, Tidak Informatif 1"'
    ) in body
    assert ">2 (40%)<" in body and ">0 (0%)<" in body
    found = client.get(reverse("laporan:public_home"), {"q": "G03"})
    assert "Dinas G03" in found.text
    unit = client.get(reverse("laporan:public_unit", args=["G03"]))
    assert unit.status_code == 200 and "&lt;img src=" in unit.text and "2030" in unit.text
    badge = client.get(reverse("laporan:badge", args=["G03", period.year]))
    assert badge["Content-Type"].startswith("image/svg+xml")
    assert "max-age=86400" in badge["Cache-Control"] and badge["ETag"]
    root = ET.fromstring(badge.content)
    assert root.tag.endswith("svg") and "Informatif 2030" in badge.content.decode()
    again = client.get(
        reverse("laporan:badge", args=["G03", period.year]),
        headers={"If-None-Match": badge["ETag"]},
    )
    assert again.status_code == 304


def test_report_settings_refuse_a_non_image(published, admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    period, units, run = published
    response = admin_client.post(
        reverse("laporan:report", args=[period.year]),
        {
            "organiser": "Pemerintah Kabupaten Kutai Timur",
            "office": "Diskominfo",
            "city": "Sangatta",
            "signatory_name": "Ahmad",
            "logo": SimpleUploadedFile("logo.png", b"MZ not an image"),
        },
    )
    assert response.status_code == 422 and "PNG, JPG atau SVG" in response.text
    assert "Ahmad" in response.text, "what the user typed is kept"
    png = SimpleUploadedFile("ttd.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    response = admin_client.post(
        reverse("laporan:report", args=[period.year]),
        {"organiser": "Pemkab", "office": "Diskominfo", "city": "Sangatta", "signature": png},
    )
    assert response.status_code == 302


def test_export_ranking_command(published, tmp_path, capsys):
    from django.core.management import call_command

    period, units, run = published
    out = tmp_path / "peringkat.xlsx"
    call_command("export_ranking", "--period", str(period.year), "--out", str(out))
    assert "5 unit diperingkat" in capsys.readouterr().out
    assert load_workbook(out)["opd"]["B2"].value == "G03"
    with pytest.raises(Exception, match="berakhiran .xlsx"):
        call_command(
            "export_ranking", "--period", str(period.year), "--out", str(tmp_path / "x.csv")
        )


def test_verification_codes_people_can_type(client, default_levels):
    """Crockford base32 in 4-4-4 groups; typed in any case, with O for 0 and I/L for 1, or
    without hyphens, the code still opens the certificate; the box on /verifikasi/ too."""
    import re

    from laporan.models import CROCKFORD, certificate_code, code_normalise

    codes = {certificate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(
        re.fullmatch(rf"[{CROCKFORD}]{{4}}-[{CROCKFORD}]{{4}}-[{CROCKFORD}]{{4}}", c) for c in codes
    )
    assert code_normalise("7kq2 m9xd 4tbw") == "7KQ2-M9XD-4TBW"
    assert code_normalise("o1l2-AAAA-BBBB") == "0112-AAAA-BBBB"
    lookup = client.get(reverse("laporan:verify_lookup"), {"kode": "7kq2m9xd4tbw"})
    assert lookup.status_code == 302
    assert lookup["Location"] == reverse("laporan:verify", args=["7KQ2-M9XD-4TBW"])
    assert "XXXX-XXXX-XXXX" in client.get(reverse("laporan:verify_lookup")).content.decode()


NUMBER_AS_TEXT = re.compile(r"^[+-]?\d+(?:[.,]\d+)?%?$")


def test_ranking_workbook_numbers_are_numbers_with_two_decimals(published, admin_user):
    """Issue #13: no number is stored as text (Excel could not sum or sort it); every
    fractional number carries the two-decimal format, shown with the reader's comma."""
    period, _units, _run = published
    job = make(laporan_jobs.RANKING_EXPORT, period, admin_user)
    workbook = load_workbook(io.BytesIO(job.file.read()))
    as_text, unformatted, numbers = [], [], 0
    for sheet in workbook:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and NUMBER_AS_TEXT.match(cell.value.strip()):
                    as_text.append(f"{sheet.title}!{cell.coordinate}={cell.value!r}")
                if isinstance(cell.value, float):
                    numbers += 1
                    if cell.number_format != "0.00":
                        unformatted.append(f"{sheet.title}!{cell.coordinate}")
    assert numbers > 20
    assert not as_text, as_text[:10]
    assert not unformatted, unformatted[:10]
