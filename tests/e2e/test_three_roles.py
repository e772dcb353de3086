"""Issue #14: one browser run through all three roles and the public, with a screenshot of each
step in tests/e2e/artifacts/three_roles/ (ignored by git) — the operator fills and submits the
SAQ with an upload on a phone; a jury verifies with an adjustment; the operator objects and the
jury answers; the admin runs scoring, finalises, downloads the ranking workbook and the
certificates; the public verifies a certificate through the QR code printed on it."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from award.models import (
    ADMIN_GROUP,
    JURY_GROUP,
    OPERATOR_GROUP,
    JuryMembership,
    OperatorMembership,
    Period,
)
from evaluasi.models import Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from penjurian.assignment import assignment_add
from penjurian.models import Objection, Verification
from penjurian.verification import verification_save
from tests.e2e.conftest import answer_yes_and_upload, login
from tests.evaluasi.conftest import fill_everything
from tests.factories import PASSWORD, DesaFactory, KecamatanFactory, PeriodFactory, UserFactory
from tests.laporan.test_reports import decode_qr_codes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]
ARTIFACTS = Path(__file__).parent / "artifacts" / "three_roles"


def _stage(period, stage):
    Period.objects.filter(pk=period.pk).update(stage_override=stage)


def test_operator_jury_admin_and_public(browser, live_server, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = []

    def shot(page, name):
        page.wait_for_load_state("networkidle")
        path = ARTIFACTS / f"{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    period = PeriodFactory(year=2026, has_presentation=False, finalist_minimum=0)
    questionnaire = questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_services.questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    kecamatan = KecamatanFactory(code="64.08.05", name="Kecamatan Sangkulirang")
    unit = DesaFactory(code="64.08.05.2011", name="Desa Tepian Terap", parent=kecamatan)
    operator = UserFactory(username="op.tiga", first_name="Rina", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=operator, unit=unit)
    jury = UserFactory(username="juri.tiga", first_name="Juri", groups=[JURY_GROUP])
    JuryMembership.objects.create(user=jury, period=period)
    assignment_add(period=period, jury=jury, unit=unit)
    UserFactory(username="admin.tiga", first_name="Admin", groups=[ADMIN_GROUP])
    base = live_server.url

    # 1. The operator, on a phone: answers, uploads, reviews and submits.
    phone = browser.new_context(
        locale="id-ID", timezone_id="Asia/Makassar", viewport={"width": 360, "height": 740}
    )
    mobile = phone.new_page()
    login(mobile, live_server, "op.tiga", PASSWORD)
    mobile.get_by_role("link", name="Mulai mengisi SAQ").click()
    answer_yes_and_upload(
        mobile, questionnaire.indicators.get(code="1.1.1"), tmp_path, "SK PPID.pdf"
    )
    shot(mobile, "operator-mengisi-saq")
    submission = Submission.objects.get(unit=unit)
    fill_everything(submission, operator)  # the other answers and files, as in step 1
    mobile.goto(f"{base}/saq/{submission.pk}/tinjau/")
    mobile.once("dialog", lambda dialog: dialog.accept())
    mobile.get_by_role("button", name="Kirim SAQ").click()
    mobile.get_by_text("SAQ Anda sudah dikirim").wait_for()
    shot(mobile, "operator-saq-terkirim")

    # 2. The jury verifies: accepts one, adjusts one with a reason.
    _stage(period, "verifikasi")
    desk = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    page = desk.new_page()
    login(page, live_server, "juri.tiga", PASSWORD)
    page.goto(f"{base}/juri/")
    page.get_by_role("link", name="Desa Tepian Terap").click()
    yes_no = list(
        questionnaire.indicators.filter(type="ya_tidak").order_by("aspect__order", "order")
    )
    adjusted = page.locator(f"#ind-{yes_no[1].pk}")
    adjusted.get_by_text("Sesuaikan", exact=True).click()
    adjusted.locator("select[name=value]").select_option("tidak")
    adjusted.locator("textarea[name=reason]").fill("Laporan layanan belum diunggah")
    adjusted.get_by_role("button", name="Simpan dan lanjut").click()
    page.wait_for_load_state()
    shot(page, "juri-verifikasi")
    verdict = Verification.objects.get(jury=jury, indicator=yes_no[1])
    assert verdict.decision == "adjust" and verdict.value == "tidak"
    submission.refresh_from_db()
    for indicator in questionnaire.indicators.exclude(pk=yes_no[1].pk):
        verification_save(submission=submission, indicator=indicator, jury=jury, decision="accept")
    page.context.clear_cookies()

    # 3. The operator objects to the adjustment (phone); the jury answers it.
    _stage(period, "sanggah")
    mobile.goto(f"{base}/dasbor/")
    mobile.get_by_role("link", name="Hasil verifikasi dan sanggah").click()
    card = mobile.locator(f"#v-{verdict.pk}")
    card.get_by_text("Sanggah putusan ini").click()
    card.locator("textarea[name=text]").fill("Laporan layanan ada di lampiran SK.")
    card.get_by_role("button", name="Kirim sanggahan").click()
    mobile.get_by_text("Sanggahan terkirim").wait_for()
    shot(mobile, "operator-sanggah")
    login(page, live_server, "juri.tiga", PASSWORD)
    page.goto(f"{base}/juri/")
    page.get_by_role("link", name="Desa Tepian Terap").click()
    page.get_by_role("link", name="1 sanggahan perlu dijawab").click()
    page.get_by_text("Tolak sanggahan").click()
    page.locator("textarea[name=answer]").fill("Lampiran SK tidak memuat laporan layanan.")
    page.get_by_role("button", name="Kirim jawaban").click()
    page.get_by_text("Jawaban disimpan").wait_for()
    shot(page, "juri-menjawab-sanggah")
    assert Objection.objects.get().status == "rejected"
    page.context.clear_cookies()

    # 4. The admin runs scoring, finalises, makes the workbook and the certificates.
    _stage(period, "penetapan")
    login(page, live_server, "admin.tiga", PASSWORD)
    page.goto(f"{base}/periode/2026/penilaian/")
    page.get_by_role("button", name="Mulai penilaian").click()
    page.wait_for_url("**/penilaian/*/")
    page.locator(".progress-bar.bg-success").wait_for()
    shot(page, "admin-penilaian")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tetapkan dan umumkan").click()
    page.get_by_text("ditetapkan dan diumumkan").first.wait_for()
    page.get_by_role("link", name="Laporan dan sertifikat").click()
    page.get_by_role("button", name="Workbook peringkat").click()
    page.get_by_role("link", name=re.compile("Unduh")).first.wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Unduh")).first.click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    desa = workbook[workbook.sheetnames[0]]
    assert any("Desa Tepian Terap" in str(c.value) for row in desa.iter_rows() for c in row)
    shot(page, "admin-workbook")
    page.goto(f"{base}/periode/2026/laporan/")
    page.get_by_role("button", name="Sertifikat").click()
    page.get_by_role("link", name="Satu PDF per unit (ZIP)").wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Unduh")).first.click()
    certificates = Path(download.value.path()).read_bytes()
    shot(page, "admin-sertifikat")
    desk.close()

    # 5. Anybody with the printed certificate scans its QR code and lands on the check.
    links = decode_qr_codes(certificates)
    assert links, "the certificate carries a QR code"
    path = re.sub(r"^https?://[^/]+", "", links[0])
    public = browser.new_context(
        locale="id-ID", timezone_id="Asia/Makassar", viewport={"width": 360, "height": 740}
    ).new_page()
    public.goto(base + path)
    assert public.get_by_text("Sertifikat ini asli dan berlaku").is_visible()
    assert public.get_by_text("Desa Tepian Terap").first.is_visible()
    shot(public, "publik-verifikasi-qr")
    phone.close()
    assert len(shots) == 9 and all(p.stat().st_size > 0 for p in shots)
