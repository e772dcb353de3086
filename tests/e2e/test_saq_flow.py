"""The SAQ issue's "done when", in a real browser: an operator fills with uploads, closes the
tab mid-way and comes back with nothing lost, submits and sees the score; another unit fills
by workbook; the admin sees both on the participation board."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from award.models import ADMIN_GROUP, OPERATOR_GROUP, OperatorMembership
from evaluasi.models import Answer, Evidence, Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from tests.e2e.conftest import login
from tests.evaluasi.conftest import PDF, fill_everything
from tests.factories import PASSWORD, DesaFactory, KecamatanFactory, PeriodFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def test_operator_fills_resumes_submits_and_another_fills_by_workbook(
    browser, page, live_server, tmp_path
):
    period = PeriodFactory(year=2026)
    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    questionnaire_services.questionnaire_publish(questionnaire=questionnaire)
    kecamatan = KecamatanFactory(code="64.08.04", name="Kecamatan Sangatta Utara")
    swarga = DesaFactory(code="64.08.04.2002", name="Desa Swarga Bara", parent=kecamatan)
    singa = DesaFactory(code="64.08.04.2003", name="Desa Singa Gembara", parent=kecamatan)
    op_a = UserFactory(username="op.swarga", first_name="Sari", groups=[OPERATOR_GROUP])
    op_b = UserFactory(username="op.singa", first_name="Budi", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=op_a, unit=swarga)
    OperatorMembership.objects.create(user=op_b, unit=singa)
    UserFactory(username="admin.saq", groups=[ADMIN_GROUP])

    # --- operator A fills step 1 in the browser, with an upload ----------------------------
    login(page, live_server, "op.swarga", PASSWORD)
    page.get_by_role("link", name="Mulai mengisi SAQ").click()
    page.get_by_role("heading", name=re.compile("Langkah 1 dari 7")).wait_for()
    first = questionnaire.indicators.get(code="1.1.1")
    block = page.locator(f"#indikator-{first.pk}")
    block.get_by_label("Ya").check()
    block.get_by_text("Tersimpan pukul").wait_for()
    number = questionnaire.indicators.get(code="1.2.3")
    page.locator(f"#indikator-{number.pk} input[type=text]").fill("2,5")
    page.locator(f"#indikator-{number.pk}").get_by_text("Tersimpan pukul").wait_for()
    evidence_file = tmp_path / "SK PPID Swarga Bara.pdf"
    evidence_file.write_bytes(PDF)
    block.get_by_text("Tambah bukti").click()
    block.locator("input[type=file]").set_input_files(str(evidence_file))
    block.get_by_role("button", name="Unggah").click()
    block.get_by_role("link", name="SK_PPID_Swarga_Bara.pdf").wait_for()
    bad = tmp_path / "virus.pdf"
    bad.write_bytes(b"MZ\x90\x00 not a pdf")
    block.locator("input[type=file]").set_input_files(str(bad))
    block.get_by_role("button", name="Unggah").click()
    block.get_by_text("bukan berkas PDF").wait_for()
    assert Evidence.objects.count() == 1

    # --- the tab is closed mid-way; a new one resumes with nothing lost --------------------
    page.close()
    page = browser.contexts[0].new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/dasbor/")
    page.get_by_role("link", name="Lanjutkan SAQ").click()
    submission = Submission.objects.get(unit=swarga)
    resumed = page.locator(f"#indikator-{first.pk}")
    resumed.wait_for()
    assert resumed.get_by_label("Ya").is_checked()
    assert page.locator(f"#indikator-{number.pk} input[type=text]").input_value() == "2,5"
    assert resumed.get_by_role("link", name="SK_PPID_Swarga_Bara.pdf").is_visible()

    # The other 30-odd answers and 20-odd files are filled the same way; done here directly.
    fill_everything(submission, op_a)
    page.goto(live_server.url + f"/saq/{submission.pk}/tinjau/")
    page.get_by_text("Semua jawaban dan bukti wajib sudah lengkap").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Kirim SAQ").click()
    page.get_by_text("SAQ Anda sudah dikirim").wait_for()
    submission.refresh_from_db()
    assert submission.status == "submitted"
    page.goto(live_server.url + "/dasbor/")
    score = f"{submission.saq_score:.2f}".replace(".", ",")
    assert page.get_by_text(score).is_visible()
    assert not [e for e in page.console_errors if "403" not in e], page.console_errors

    # --- operator B fills by workbook -------------------------------------------------------
    other = browser.new_context(locale="id-ID")
    page_b = other.new_page()
    login(page_b, live_server, "op.singa", PASSWORD)
    page_b.get_by_role("link", name="Mulai mengisi SAQ").click()
    with page_b.expect_download() as download:
        page_b.get_by_role("link", name="Unduh sebagai workbook (luring)").click()
    path = tmp_path / "jawaban.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["jawaban"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("tipe")].value == "ya_tidak":
            row[1].value = "ya"
    first = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=header.index("bukti_berkas") + 1).value = "bukti/SK PPID.pdf"
    buffer = io.BytesIO()
    workbook.save(buffer)
    bundle = tmp_path / "jawaban-dan-bukti.zip"
    with zipfile.ZipFile(bundle, "w") as archive:  # filled offline: the workbook and its evidence
        archive.writestr("jawaban.xlsx", buffer.getvalue())
        archive.writestr("bukti/SK PPID.pdf", PDF)
    page_b.get_by_role("link", name="Unggah workbook yang sudah diisi").click()
    page_b.get_by_label("Workbook jawaban (.xlsx) atau ZIP").set_input_files(str(bundle))
    page_b.get_by_role("button", name="Unggah dan periksa").click()
    page_b.get_by_text("Berkas bukti yang akan dilampirkan").wait_for()
    assert "SK_PPID.pdf" in page_b.locator("main").inner_text()
    page_b.get_by_role("button", name="Terapkan perubahan ini").click()
    page_b.get_by_text("jawaban disimpan dari workbook").wait_for()
    assert page_b.get_by_text("1 berkas bukti dilampirkan").is_visible()
    attached = Evidence.objects.get(submission__unit=singa, kind="file")
    assert (attached.indicator.code, attached.original_name) == (first, "SK_PPID.pdf")
    assert attached.file.read() == PDF
    singa_answers = Answer.objects.filter(submission__unit=singa, value="ya").count()
    assert singa_answers >= 20
    other.close()

    # --- the admin sees both on the participation board ------------------------------------
    admin = browser.new_context(locale="id-ID")
    page_c = admin.new_page()
    login(page_c, live_server, "admin.saq", PASSWORD)
    response = page_c.goto(live_server.url + "/periode/2026/partisipasi/")
    assert response.status == 200, page_c.content()[:3000]
    rows = page_c.locator("tbody tr")
    swarga_row = rows.filter(has_text="Desa Swarga Bara")
    singa_row = rows.filter(has_text="Desa Singa Gembara")
    assert "partisipan" in swarga_row.inner_text()
    assert "sedang mengisi" in singa_row.inner_text()
    kecamatan_row = rows.filter(has_text=re.compile(r"^\s*Kecamatan Sangatta Utara"))
    assert "belum mulai" in kecamatan_row.inner_text()
    admin.close()
