"""The admin's questionnaire screens: import with preview, editor, versions, copy, commands."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from common.models import Job
from evaluasi import jobs as evaluasi_jobs
from evaluasi.models import Indicator, Questionnaire
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import default_spec, default_workbook_path
from evaluasi.questionnaires.selectors import questionnaire_active, questionnaire_spec
from evaluasi.questionnaires.workbook import questionnaire_parse
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def future_period(db):
    """A period whose SAQ has not opened yet, so published questionnaires stay editable."""
    start = timezone.now() + dt.timedelta(days=10)
    return PeriodFactory(year=2027, saq_open=start)


@pytest.fixture
def draft(future_period):
    return questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=future_period
    )


def test_import_through_the_screens_with_preview_then_confirm(
    admin_client, future_period, django_capture_on_commit_callbacks
):
    data = default_workbook_path("kecamatan").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("evaluasi:questionnaire_import", args=[2027]),
            {"file": SimpleUploadedFile("kuesioner-kecamatan.xlsx", data)},
        )
    job = Job.objects.get(kind=evaluasi_jobs.QUESTIONNAIRE_IMPORT)
    assert response["Location"] == reverse("evaluasi:questionnaire_import_job", args=[job.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert "Pratinjau: yang akan diimpor" in page
    assert "Sarana dan Prasarana" in page and "Pelayanan Informasi" in page
    assert not Questionnaire.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("evaluasi:questionnaire_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    questionnaire = Questionnaire.objects.get()
    assert job.result["questionnaire"] == questionnaire.pk
    assert questionnaire.status == "draft" and questionnaire.version == 1
    assert questionnaire_spec(questionnaire=questionnaire) == default_spec("kecamatan")


def test_a_broken_import_lists_problems_and_saves_nothing(
    admin_client, future_period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("evaluasi:questionnaire_import", args=[2027]),
            {"file": SimpleUploadedFile("rusak.xlsx", b"bukan workbook")},
        )
    page = admin_client.get(response["Location"]).content.decode()
    assert "Berkas bukan workbook Excel (.xlsx)" in page
    assert not Questionnaire.objects.exists()


def test_inline_weight_edit_updates_the_total(admin_client, draft):
    aspect = draft.aspects.get(code="A1")
    url = reverse("evaluasi:aspect_edit", args=[aspect.pk])
    data = {
        f"a{aspect.pk}-code": "A1",
        f"a{aspect.pk}-name": "Sarana dan Prasarana",
        f"a{aspect.pk}-weight": "15",
        f"a{aspect.pk}-description": "",
    }
    response = admin_client.post(url, data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="rubric-summary"' in body and 'hx-swap-oob="true"' in body
    assert "105 / 100" in body
    assert "Jumlah bobot aspek harus 100; saat ini 105." in body
    aspect.refresh_from_db()
    assert aspect.weight == 15

    # Publishing is refused while the weights do not sum to 100, with the reason.
    response = admin_client.post(
        reverse("evaluasi:questionnaire_publish", args=[draft.pk]), follow=True
    )
    assert "Jumlah bobot aspek harus 100; saat ini 105." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_inline_edit_with_bad_input_keeps_it_and_explains(admin_client, draft):
    aspect = draft.aspects.get(code="A1")
    url = reverse("evaluasi:aspect_edit", args=[aspect.pk])
    data = {
        f"a{aspect.pk}-code": "A2",
        f"a{aspect.pk}-name": "Nama baru",
        f"a{aspect.pk}-weight": "abc",
    }
    body = admin_client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert "Kode ini sudah dipakai aspek lain." in body
    assert "Masukkan sebuah bilangan." in body
    assert 'value="Nama baru"' in body
    aspect.refresh_from_db()
    assert aspect.name == "Sarana dan Prasarana"


def test_indicator_edit_with_options_and_validation(admin_client, draft):
    indicator = draft.indicators.get(code="2.1.2")
    url = reverse("evaluasi:indicator_edit", args=[indicator.pk])
    page = admin_client.get(url).content.decode()
    assert 'value="Lengkap dan mutakhir"' in page
    data = {
        "aspect": indicator.aspect_id,
        "group": "DIP",
        "code": "2.1.2",
        "question": "Bagaimana DIP?",
        "type": "pilihan",
        "weight": "7",
        "evidence": "wajib",
        "required": "on",
        "min_value": "",
        "max_value": "",
        "guidance": "",
        "opsi-TOTAL_FORMS": "3",
        "opsi-INITIAL_FORMS": "0",
        "opsi-0-code": "a",
        "opsi-0-label": "Ada",
        "opsi-0-value": "100",
        "opsi-1-code": "a",
        "opsi-1-label": "Dobel",
        "opsi-1-value": "50",
        "opsi-2-code": "",
        "opsi-2-label": "",
        "opsi-2-value": "",
    }
    response = admin_client.post(url, data)
    assert "Kode opsi ini dipakai dua kali." in response.content.decode()
    data.update({"opsi-1-code": "b", "opsi-1-label": "Tidak ada", "opsi-1-value": "0"})
    assert admin_client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.weight == 7 and indicator.group == "DIP"
    assert [(o.code, o.value) for o in indicator.options.all()] == [("a", 100), ("b", 0)]

    # A scored number without min/max is explained on the field.
    number = draft.indicators.get(code="1.2.3")
    data = {
        "aspect": number.aspect_id,
        "code": "1.2.3",
        "question": "Berapa?",
        "type": "angka",
        "weight": "2",
        "evidence": "opsional",
        "min_value": "5",
        "max_value": "5",
        "opsi-TOTAL_FORMS": "0",
        "opsi-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("evaluasi:indicator_edit", args=[number.pk]), data)
    assert "Maksimum harus lebih besar dari minimum." in response.content.decode()


def test_add_move_and_delete(admin_client, draft):
    aspect = draft.aspects.get(code="A6")
    response = admin_client.post(
        reverse("evaluasi:indicator_create", args=[aspect.pk]),
        {
            "aspect": aspect.pk,
            "code": "6.9",
            "question": "Baru?",
            "type": "teks",
            "weight": "5",
            "evidence": "tidak",
            "opsi-TOTAL_FORMS": "0",
            "opsi-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    created = Indicator.objects.get(questionnaire=draft, code="6.9")
    assert created.weight == 0, "text is never scored"
    codes = lambda: list(aspect.indicators.values_list("code", flat=True))  # noqa: E731
    assert codes()[-1] == "6.9"
    admin_client.post(reverse("evaluasi:indicator_move", args=[created.pk, "naik"]))
    assert codes()[-2] == "6.9"
    admin_client.post(reverse("evaluasi:indicator_delete", args=[created.pk]))
    assert "6.9" not in codes()
    first = draft.aspects.get(code="A1")
    admin_client.post(reverse("evaluasi:aspect_move", args=[first.pk, "turun"]))
    assert list(draft.aspects.values_list("code", flat=True))[:2] == ["A2", "A1"]


def test_publish_freeze_new_version(admin_client, draft, future_period):
    admin_client.post(reverse("evaluasi:questionnaire_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published"
    assert questionnaire_active(period=future_period, level=draft.level) == draft
    assert draft.is_editable, "the SAQ has not opened yet"

    future_period.saq_open = timezone.now() - dt.timedelta(minutes=1)
    future_period.save()
    draft.refresh_from_db()
    assert draft.is_frozen
    aspect = draft.aspects.first()
    response = admin_client.post(
        reverse("evaluasi:aspect_move", args=[aspect.pk, "turun"]), follow=True
    )
    assert "sehingga tidak dapat diubah. Buat versi baru." in response.content.decode()
    with pytest.raises(Exception, match="tidak dapat diubah"):
        questionnaire_services.aspect_save(questionnaire=draft, aspect=aspect, weight=1)

    response = admin_client.post(reverse("evaluasi:questionnaire_new_version", args=[draft.pk]))
    copy = Questionnaire.objects.get(version=2)
    assert response["Location"] == reverse("evaluasi:questionnaire_detail", args=[copy.pk])
    assert copy.status == "draft" and copy.is_editable
    assert questionnaire_spec(questionnaire=copy) == questionnaire_spec(questionnaire=draft)


def test_copy_from_last_years_period(admin_client, draft, future_period):
    later = PeriodFactory(year=2028, saq_open=future_period.saq_open + dt.timedelta(days=365))
    response = admin_client.post(reverse("evaluasi:questionnaire_copy", args=[2028]), follow=True)
    assert "1 kuesioner disalin sebagai draf." in response.content.decode()
    copy = Questionnaire.objects.get(period=later)
    assert questionnaire_spec(questionnaire=copy) == questionnaire_spec(questionnaire=draft)
    first = PeriodFactory(year=2020)
    response = admin_client.post(
        reverse("evaluasi:questionnaire_copy", args=[first.year]), follow=True
    )
    assert "Tidak ada periode sebelumnya untuk disalin." in response.content.decode()


def test_export_download_reimports_identically(admin_client, draft):
    response = admin_client.get(reverse("evaluasi:questionnaire_export", args=[draft.pk]))
    assert response["Content-Disposition"].endswith('kuesioner-desa-2027-v1.xlsx"')
    data = b"".join(response.streaming_content)
    parsed = questionnaire_parse(data, level_codes={"desa", "kecamatan", "opd"})
    assert parsed.problems.errors == []
    assert parsed.spec == questionnaire_spec(questionnaire=draft)


def test_blank_template_has_the_sheets_and_a_guide(admin_client):
    response = admin_client.get(reverse("evaluasi:questionnaire_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["pengaturan", "aspek", "indikator", "opsi", "petunjuk"]
    assert [c.value for c in workbook["indikator"][1]][:6] == [
        "aspek",
        "kode",
        "pertanyaan",
        "tipe",
        "bobot",
        "bukti",
    ]


def test_preview_shows_steps_as_operators_see_them(admin_client, draft):
    body = admin_client.get(reverse("evaluasi:questionnaire_preview", args=[draft.pk])).content
    body = body.decode()
    assert "Langkah 1: Sarana dan Prasarana" in body
    assert "Langkah 6: Pelayanan Informasi" in body
    assert "Unggah SK penetapan PPID yang masih berlaku." in body  # guidance beside the question
    assert "Bukti wajib" in body
    assert body.count("disabled") >= 39


def test_delete_only_drafts(admin_client, draft):
    questionnaire_services.questionnaire_publish(questionnaire=draft)
    response = admin_client.post(
        reverse("evaluasi:questionnaire_delete", args=[draft.pk]), follow=True
    )
    assert "Hanya draf yang dapat dihapus." in response.content.decode()
    assert Questionnaire.objects.filter(pk=draft.pk).exists()


# --- commands ----------------------------------------------------------------------------
def test_import_and_export_commands(future_period, tmp_path, capsys):
    call_command(
        "import_questionnaire", str(default_workbook_path("opd")), "--period", "2027", "--publish"
    )
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.status == "published"
    assert "diimpor sebagai draf versi 1" in capsys.readouterr().out
    out = tmp_path / "opd.xlsx"
    call_command("export_questionnaire", "--period", "2027", "--level", "opd", "--out", str(out))
    parsed = questionnaire_parse(out.read_bytes(), level_codes={"desa", "kecamatan", "opd"})
    assert parsed.spec == default_spec("opd")


def test_import_command_lists_problems(future_period, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"bukan")
    with pytest.raises(CommandError, match="1 masalah"):
        call_command("import_questionnaire", str(path), "--period", "2027")
    assert "berkas: Berkas bukan workbook Excel" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Tidak ada periode tahun 1999"):
        call_command("import_questionnaire", str(default_workbook_path("opd")), "--period", "1999")
    with pytest.raises(CommandError, match="Tidak ada kuesioner"):
        call_command("export_questionnaire", "--period", "2027", "--level", "desa", "--out", "x")
