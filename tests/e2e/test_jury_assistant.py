"""Issue #21 in a real browser: the operator, on a phone, sees *Periksa bukti Anda* on the
review step before submitting (the copy never names the other unit); the jury sees that a
desa's decree is the same file as another desa's, reads a scan's OCR text, sees a blank PDF
flagged and the suggestion; the admin opens *Integritas bukti* and downloads it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from award.models import ADMIN_GROUP, JURY_GROUP, OPERATOR_GROUP, OperatorMembership
from demo import evidence_files as files
from evaluasi.checks.services import evidence_analyse
from evaluasi.models import Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq import services as saq_services
from penjurian.models import Assignment
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DesaFactory, KecamatanFactory, PeriodFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def _upload(submission, code, name, data):
    evidence = saq_services.evidence_add_file(
        submission=submission,
        indicator=submission.questionnaire.indicators.get(code=code),
        upload=SimpleUploadedFile(name, data),
        user=None,
    )
    evidence_analyse(evidence_id=evidence.pk)


def test_operator_jury_and_admin_see_the_assistant(page, browser, live_server):
    period = PeriodFactory(year=2026)
    questionnaire_services.questionnaire_publish(
        questionnaire=questionnaire_services.questionnaire_import(
            data=default_workbook_path("desa").read_bytes(), period=period
        )
    )
    kecamatan = KecamatanFactory(code="64.08.09", name="Kecamatan Bengalon")
    sepaso = DesaFactory(code="64.08.09.2001", name="Desa Sepaso", parent=kecamatan)
    tepian = DesaFactory(code="64.08.09.2002", name="Desa Tepian Langsat", parent=kecamatan)
    sepaso_saq = saq_services.submission_start(period=period, unit=sepaso)
    tepian_saq = saq_services.submission_start(period=period, unit=tepian)
    decree = files.text_pdf(files.decree("Tepian Langsat"))
    _upload(tepian_saq, "1.1.1", "sk-ppid.pdf", decree)
    _upload(sepaso_saq, "1.1.1", "sk-ppid.pdf", decree)
    _upload(sepaso_saq, "1.1.2", "struktur.pdf", files.blank_pdf(1))
    _upload(sepaso_saq, "1.2.1", "pindai.pdf", files.scan_pdf(files.decree("Sepaso")))
    operator = UserFactory(username="op.sepaso", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=operator, unit=sepaso)
    base = live_server.url

    # 1. The operator, on a phone, opens the review step: what to fix, without naming Tepian.
    phone = browser.new_page(viewport={"width": 360, "height": 800})
    login(phone, live_server, "op.sepaso", PASSWORD)
    phone.goto(f"{base}/saq/{sepaso_saq.pk}/tinjau/")
    box = phone.locator("#periksa-bukti")
    box.wait_for()
    text = box.inner_text()
    assert "Periksa bukti Anda" in text
    assert "Berkas yang sama juga diunggah unit lain." in text and "Tepian" not in text
    assert "Semua halaman kosong." in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()

    # 2. The jury verifies Sepaso: the copy, the scan's text and the blank file.
    Submission.objects.filter(pk__in=[sepaso_saq.pk, tepian_saq.pk]).update(status="submitted")
    jury = UserFactory(username="juri.a", groups=[JURY_GROUP])
    period.juries.create(user=jury)
    Assignment.objects.create(period=period, unit=sepaso, jury=jury)
    login(page, live_server, "juri.a", PASSWORD)
    page.goto(f"{base}/juri/unit/{sepaso_saq.pk}/")
    copy = page.locator('[data-flag="duplikat"]').first
    copy.wait_for()
    assert "Desa Tepian Langsat (64.08.09.2002) · 1.1.1" in copy.inner_text()
    assert copy.locator("a").count() == 0, "not assigned to Tepian Langsat: no link to its file"
    assert page.locator('[data-flag="kosong"]').count() == 1
    assert page.locator('[data-flag="tanpa_teks"]').count() == 1
    summary = page.locator("summary", has_text="Teks yang terbaca dari berkas").last
    summary.click()
    scan_text = page.locator(".evidence-text").last
    assert "SEPASO" in scan_text.inner_text().upper()
    assert scan_text.locator("mark.m-unit").count() >= 1
    assert page.locator('[data-suggestion="check"]').count() >= 3

    # 3. The admin opens Integritas bukti and downloads it.
    UserFactory(username="admin.kutim", groups=[ADMIN_GROUP])
    context = browser.new_context(accept_downloads=True)
    try:  # the shared browser's first context stays the other tests' (browser.contexts[0])
        admin = context.new_page()
        login(admin, live_server, "admin.kutim", PASSWORD)
        admin.goto(f"{base}/periode/2026/integritas-bukti/")
        assert "Berkas identik antarunit" in admin.content()
        with admin.expect_download() as download:
            admin.get_by_role("link", name="Unduh (.xlsx)").click()
        assert download.value.suggested_filename == "integritas-bukti-2026.xlsx"
    finally:
        context.close()
