"""What the browser does with guarded forms (issue #19, defects 1, 2, 5 and 9): the one-click
guard must not drop the clicked button's name and value; an oversized file is refused in its
card before it is sent; the questionnaire editor's total follows what is typed; the jury's
counter follows each verdict saved with the A key."""

import re

import pytest
from playwright.sync_api import expect

from award.models import ADMIN_GROUP, JURY_GROUP
from evaluasi.models import Evidence, Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.saq.selectors import step_name
from penjurian.assignment import assignments_fill
from penjurian.models import Assignment, Verification
from tests.e2e.conftest import login
from tests.evaluasi.conftest import fill_everything
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def test_previous_on_the_review_step_goes_back_and_submits_nothing(
    page, live_server, operator_a, submission
):
    fill_everything(submission, operator_a)
    login(page, live_server, operator_a.username, PASSWORD)
    page.goto(f"{live_server.url}/saq/{submission.pk}/tinjau/")
    page.get_by_role("heading", name="Periksa dan kirim").wait_for()
    asked, accept = [], []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name=re.compile("Sebelumnya")).click()
    page.get_by_role("heading", name=re.compile(r"Langkah \d+ dari \d+")).wait_for()
    assert not asked, "going back asks no confirmation"
    submission.refresh_from_db()
    assert submission.status != Submission.Status.SUBMITTED
    # The real submit still asks, and still submits once confirmed.
    page.goto(f"{live_server.url}/saq/{submission.pk}/tinjau/")
    accept.append(True)
    page.get_by_role("button", name=re.compile("Kirim SAQ")).click()
    page.wait_for_url(re.compile(r"/ringkasan/"))
    assert len(asked) == 1, "the real submit asks once"
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert not page.console_errors


def test_a_green_cell_of_the_matrix_takes_the_assignment_away(
    page, live_server, period, unit_a, submission, operator_a
):
    fill_everything(submission, operator_a)
    submission.status = Submission.Status.SUBMITTED
    submission.save()
    UserFactory(username="admin.matriks", groups=[ADMIN_GROUP])
    jury = UserFactory(username="juri.matriks", groups=[JURY_GROUP])
    period.juries.create(user=jury)
    assignments_fill(period=period, per_unit=1)
    assert Assignment.objects.filter(jury=jury, unit=unit_a).exists()

    login(page, live_server, "admin.matriks", PASSWORD)
    page.goto(f"{live_server.url}/periode/{period.year}/penugasan/")
    page.get_by_role("button", name="Tarik").click()
    page.get_by_role("button", name="Tugaskan").wait_for()
    assert not Assignment.objects.filter(jury=jury, unit=unit_a).exists()
    assert "tidak ada" not in page.content()
    page.get_by_role("button", name="Tugaskan").click()
    page.get_by_role("button", name="Tarik").wait_for()
    assert Assignment.objects.filter(jury=jury, unit=unit_a).exists()


def test_an_oversized_evidence_file_is_refused_in_its_card_and_nothing_is_lost(
    page, live_server, settings, operator_a, submission, tmp_path
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    indicator = submission.questionnaire.indicators.get(code="1.1.1")
    login(page, live_server, operator_a.username, PASSWORD)
    step = step_name(indicator.aspect)
    page.goto(f"{live_server.url}/saq/{submission.pk}/{step}/")
    block = page.locator(f"#indikator-{indicator.pk}")
    block.get_by_label("Ya").check()
    block.get_by_text("Tersimpan pukul").wait_for()
    big = tmp_path / "SK besar.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024 // 2))
    block.get_by_text("Tambah bukti").click()
    block.locator("input[type=file]").set_input_files(str(big))
    block.get_by_role("button", name="Unggah").click()
    alert = block.locator("[data-upload-error]")
    alert.get_by_text(re.compile(r"“SK besar\.pdf” berukuran 1,5 MB; batasnya 1 MB")).wait_for()
    assert not Evidence.objects.exists()
    assert block.get_by_label("Ya").is_checked(), "the rest of the step stays"


def test_the_questionnaire_editor_total_follows_what_is_typed(page, live_server, period):
    UserFactory(username="admin.bobot", groups=[ADMIN_GROUP])
    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    aspect = questionnaire.aspects.order_by("order", "pk").first()
    login(page, live_server, "admin.bobot", PASSWORD)
    page.goto(f"{live_server.url}/kuesioner/{questionnaire.pk}/")
    total = page.locator("#weight-total")
    assert total.inner_text().strip() == "100 / 100"
    weight = page.locator(f"#aspect-{aspect.pk}-form input[name$='weight']")
    weight.fill(str(int(aspect.weight) + 35))
    expect(total).to_have_text("135 / 100")
    assert "text-danger" in (total.get_attribute("class") or "")


def test_the_jury_counter_follows_a_verdict_given_with_the_a_key(
    page, live_server, period, submission, operator_a
):
    fill_everything(submission, operator_a)
    submission.status = Submission.Status.SUBMITTED
    submission.save()
    jury = UserFactory(username="juri.tombol", groups=[JURY_GROUP])
    period.juries.create(user=jury)
    assignments_fill(period=period, per_unit=1)
    total = submission.questionnaire.indicators.count()
    login(page, live_server, "juri.tombol", PASSWORD)
    page.goto(f"{live_server.url}/juri/unit/{submission.pk}/")
    counter = page.locator("#verify-count")
    assert counter.inner_text().startswith(f"0 dari {total}")
    page.locator(".verify-item").first.focus()
    page.keyboard.press("a")
    expect(counter).to_have_text(re.compile(f"^1 dari {total}"))
    assert Verification.objects.filter(jury=jury).count() == 1
