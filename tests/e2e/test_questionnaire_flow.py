"""The Questionnaires issue's "done when", in a real browser."""

import datetime as dt

import pytest
from django.utils import timezone

from award.models import ADMIN_GROUP
from evaluasi.models import Aspect, Indicator, Questionnaire
from evaluasi.questionnaires.defaults import default_workbook_path
from evaluasi.questionnaires.selectors import questionnaire_spec
from tests.e2e.conftest import login
from tests.factories import PASSWORD, PeriodFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_levels"),
]


def upload(page, live_server, path):
    page.goto(live_server.url + "/periode/2027/kuesioner/impor/")
    page.get_by_label("Workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()


def test_import_edit_export_reimport_and_a_broken_workbook(page, live_server, tmp_path):
    PeriodFactory(year=2027, saq_open=timezone.now() + dt.timedelta(days=10))
    UserFactory(username="admin.kuesioner", groups=[ADMIN_GROUP])
    login(page, live_server, "admin.kuesioner", PASSWORD)

    # Import the shipped desa workbook: preview, then confirm.
    upload(page, live_server, default_workbook_path("desa"))
    page.get_by_text("Pratinjau: yang akan diimpor").wait_for()
    assert page.get_by_role("cell", name="Sarana dan Prasarana").is_visible()
    page.get_by_role("button", name="Konfirmasi impor").click()
    page.get_by_role("link", name="Buka kuesioner").click()
    assert page.get_by_text("100 / 100").is_visible()

    # Edit a weight inline (htmx): the total updates and warns.
    first = Aspect.objects.get(code="A1")
    weight = page.locator(f"#id_a{first.pk}-weight")
    weight.fill("15")
    page.locator(f"#aspect-{first.pk}-form").get_by_role("button", name="Simpan").click()
    page.get_by_text("105 / 100").wait_for()
    # The total follows the typing at once; the server's warning comes with the save.
    page.get_by_text("Jumlah bobot aspek harus 100; saat ini 105.").wait_for()
    assert page.get_by_text("Jumlah bobot aspek harus 100; saat ini 105.").is_visible()
    second = Aspect.objects.get(code="A2")
    page.locator(f"#id_a{second.pk}-weight").fill("5")
    # The total follows the typing before the save: wait for the server's answer itself.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator(f"#aspect-{second.pk}-form").get_by_role("button", name="Simpan").click()
    page.get_by_text("100 / 100").wait_for()
    original = Questionnaire.objects.get()
    assert [str(a.weight) for a in original.aspects.all()][:2] == ["15.00", "5.00"]

    # Export it and re-import the export: the same questionnaire, as version 2.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ekspor .xlsx").click()
    exported = tmp_path / "ekspor.xlsx"
    download.value.save_as(exported)
    upload(page, live_server, exported)
    page.get_by_role("button", name="Konfirmasi impor").click()
    page.get_by_role("link", name="Buka kuesioner").click()
    copy = Questionnaire.objects.get(version=2)
    assert questionnaire_spec(questionnaire=copy) == questionnaire_spec(questionnaire=original)

    # A broken workbook lists every problem and leaves the database untouched.
    before = (Questionnaire.objects.count(), Aspect.objects.count(), Indicator.objects.count())
    broken = tmp_path / "rusak.xlsx"
    from tests.workbooks import xlsx

    broken.write_bytes(
        xlsx(
            {
                "pengaturan": [["kunci", "nilai"], ["judul", "X"], ["tingkat", "kelurahan"]],
                "aspek": [["kode", "nama", "bobot"], ["A1", "Satu", "10%"]],
                "indikator": [
                    ["aspek", "kode", "pertanyaan", "tipe", "bobot", "bukti"],
                    ["A9", "1", "Q", "esai", 1, "wajib"],
                ],
            }
        )
    )
    upload(page, live_server, broken)
    page.get_by_text("masalah; tidak ada data yang disimpan").first.wait_for()
    problems = page.locator(".problem-list li").all_inner_texts()
    levels = "desa, kecamatan, opd"
    assert f"pengaturan!B3: Tingkat 'kelurahan' tidak dikenal; gunakan salah satu: {levels}." in (
        problems
    )
    assert "aspek!C2: '10%' bukan angka (tulis angka tanpa %)." in problems
    assert any(p.startswith("indikator!A2: Aspek 'A9'") for p in problems)
    assert any(p.startswith("indikator!D2: Tipe 'esai'") for p in problems)
    after = (Questionnaire.objects.count(), Aspect.objects.count(), Indicator.objects.count())
    assert after == before
    assert not page.console_errors, page.console_errors
