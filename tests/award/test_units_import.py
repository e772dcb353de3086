"""Units workbook import (DESIGN.md §4 "Units"): all or nothing, every error as sheet!cell."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from award import jobs as award_jobs
from award import services
from award.models import Unit
from common import jobs
from common.models import Job
from tests.factories import DesaFactory, KecamatanFactory
from tests.workbooks import UNIT_HEADER, units_xlsx, xlsx

pytestmark = pytest.mark.django_db

GOOD = [
    ["64.08.01", "Kecamatan Muara Ancalong", "kecamatan", "", "", ""],
    ["64.08.01.2001", "Desa Kelinjau Ilir", "desa", "64.08.01", "https://kelinjauilir.desa.id", ""],
    ["64.08.01.2002", "Desa Kelinjau Ulu", "DESA", "64.08.01", "", "Operator@Desa.ID"],
    ["OPD.DISKOMINFO", "Dinas Kominfo", "opd", "", "", ""],
]


def errors_of(data: bytes) -> list[str]:
    return [str(p) for p in services.units_import_check(data=data).problems.errors]


def test_a_good_workbook_creates_units_with_parents():
    plan = services.units_import_apply(data=units_xlsx(GOOD))
    assert (plan.created, plan.updated, plan.unchanged) == (4, 0, 0)
    desa = Unit.objects.get(code="64.08.01.2002")
    assert desa.parent.code == "64.08.01"
    assert desa.level.code == "desa"
    assert desa.operator_email == "operator@desa.id"
    assert Unit.objects.get(code="64.08.01.2001").website == "https://kelinjauilir.desa.id"
    assert plan.per_level == {"kecamatan": 1, "desa": 2, "opd": 1}


def test_reimport_updates_by_code_and_never_deletes():
    services.units_import_apply(data=units_xlsx(GOOD))
    # Its kecamatan named outright: a factory sequence could produce a code of the workbook.
    extra = DesaFactory(code="64.08.77.2001", parent=KecamatanFactory(code="64.08.77"))
    changed = [row[:] for row in GOOD[:2]]
    changed[1][1] = "Desa Kelinjau Ilir (baru)"
    plan = services.units_import_apply(data=units_xlsx(changed))
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 1)
    # The preview says which unit changes and how, old → new.
    assert plan.changes == [
        {
            "code": "64.08.01.2001",
            "new": False,
            "fields": [["nama", GOOD[1][1], "Desa Kelinjau Ilir (baru)"]],
        }
    ]
    assert Unit.objects.get(code="64.08.01.2001").name == "Desa Kelinjau Ilir (baru)"
    assert Unit.objects.filter(pk=extra.pk).exists()
    assert Unit.objects.filter(code="OPD.DISKOMINFO").exists()


def test_parent_may_already_be_in_the_system():
    KecamatanFactory(code="64.08.05")
    plan = services.units_import_apply(
        data=units_xlsx([["64.08.05.2001", "Desa Maloy", "desa", "64.08.05", "", ""]])
    )
    assert plan.created == 1
    assert Unit.objects.get(code="64.08.05.2001").parent.code == "64.08.05"


def test_every_problem_is_listed_with_its_cell_and_nothing_is_saved():
    rows = [
        ["64.08.01", "Kecamatan Muara Ancalong", "kecamatan", "", "", ""],
        ["64.08.01", "Duplikat", "kecamatan", "", "", ""],  # row 3: duplicate code
        ["64.08.01.2001", "", "desa", "64.08.01", "", ""],  # row 4: empty name
        ["64.08.01.2002", "Desa X", "kelurahan", "", "", ""],  # row 5: unknown level
        ["64.08.01.2003", "Desa Y", "desa", "64.08.99", "", ""],  # row 6: unknown parent
        ["64.08.01.2004", "Desa Z", "desa", "OPD.A", "", ""],  # row 7: parent not a kecamatan
        ["OPD.A", "Dinas A", "opd", "64.08.01", "", ""],  # row 8: opd with a parent
        ["64.08.01.2005", "Desa W", "desa", "", "kelinjau.id", "bukan-email"],  # row 9
        ["", "Tanpa kode", "opd", "", "", ""],  # row 10: empty code
    ]
    errors = errors_of(units_xlsx(rows))
    joined = "\n".join(errors)
    for expected in [
        "unit!A3: Kode '64.08.01' ganda; sudah ada di baris 2.",
        "unit!B4: Nama kosong.",
        "unit!C5: Tingkat 'kelurahan' tidak dikenal",
        "unit!D6: Unit induk '64.08.99' tidak ada di workbook ini maupun di sistem.",
        "unit!D7: Induk OPD.A bertingkat OPD; unit Desa harus berinduk Kecamatan.",
        "unit!D8: Unit tingkat OPD tidak memiliki unit induk; kosongkan induknya.",
        "unit!D9: Unit tingkat Desa wajib memiliki unit induk tingkat Kecamatan.",
        "unit!E9: 'kelinjau.id' bukan alamat web yang valid",
        "unit!F9: 'bukan-email' bukan alamat email yang valid.",
        "unit!A10: Kode kosong.",
    ]:
        assert expected in joined, f"missing: {expected}\n{joined}"
    with pytest.raises(jobs.ImportRejected):
        services.units_import_apply(data=units_xlsx(rows))
    assert Unit.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Berkas kosong."),
        (b"kode,nama,tingkat\n1,a,desa\n", "bukan workbook Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "dilindungi kata sandi"),
        (b"PK\x03\x04broken zip", "bukan workbook Excel"),
        (xlsx({"data": [["kode"]]}), "Lembar 'unit' tidak ditemukan (workbook berisi: data)."),
        (xlsx({"unit": []}), "unit!A1: Lembar kosong"),
        (xlsx({"unit": [["kode", "nama"]]}), "Kolom wajib 'tingkat' tidak ada di baris judul."),
        (units_xlsx([]), "unit!A2: Lembar ini tidak berisi baris unit."),
    ],
)
def test_broken_files_give_a_clear_message(data, message):
    errors = errors_of(data)
    assert errors, "a broken file must be rejected"
    assert any(message in e for e in errors), errors


def test_a_zip_that_is_not_a_workbook_is_rejected():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert any("rusak" in e for e in errors_of(buffer.getvalue()))


def test_extra_columns_are_a_warning_and_column_order_is_free():
    header = ["nama", "catatan", "kode", "induk", "tingkat"]
    plan = services.units_import_check(
        data=units_xlsx([["Dinas A", "x", "OPD.A", "", "opd"]], header=header)
    )
    assert not plan.problems.errors
    assert [str(w) for w in plan.problems.warnings] == [
        "unit!B1: Kolom 'catatan' tidak dikenal dan diabaikan."
    ]


def test_numeric_codes_are_read_as_text():
    plan = services.units_import_apply(data=units_xlsx([[6408, "Kabupaten", "opd", "", "", ""]]))
    assert plan.created == 1
    assert Unit.objects.filter(code="6408").exists()


def test_a_level_change_that_strands_children_is_refused():
    kec = KecamatanFactory(code="64.08.03")
    DesaFactory(code="64.08.03.2001", parent=kec)
    errors = errors_of(units_xlsx([["64.08.03", "Kec", "opd", "", "", ""]]))
    assert errors == [
        "unit!C2: Tingkat unit 64.08.03 tidak dapat diubah: unit 64.08.03.2001 berada di bawahnya."
    ]


# --- through the screens ----------------------------------------------------------------
def upload(client, data: bytes, name="unit.xlsx"):
    return client.post(
        reverse("award:unit_import"),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_upload_preview_confirm(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, units_xlsx(GOOD))
    job = Job.objects.get()
    assert response["Location"] == reverse("award:unit_import_job", args=[job.pk])
    assert job.status == Job.Status.READY
    assert Unit.objects.count() == 0, "nothing is saved before the admin confirms"
    page = admin_client.get(response["Location"]).content.decode()
    assert "Pratinjau: yang akan berubah" in page
    assert "Konfirmasi impor" in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("award:unit_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "4 unit dibuat, 0 diperbarui, 0 tidak berubah."
    assert Unit.objects.count() == 4

    # A second click on Confirm neither re-runs nor breaks anything.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse("award:unit_import_confirm", args=[job.pk]))
    assert callbacks == []
    assert response.status_code == 302
    assert Unit.objects.count() == 4


def test_upload_of_a_broken_workbook_lists_problems(
    admin_client, django_capture_on_commit_callbacks
):
    rows = [["64.08.01.2001", "Desa", "desa", "64.08.99", "", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, units_xlsx(rows))
    page = admin_client.get(response["Location"]).content.decode()
    assert "Ditemukan 1 masalah; tidak ada data yang disimpan." in page
    assert "unit!D2: Unit induk &#x27;64.08.99&#x27; tidak ada" in page
    assert "Konfirmasi impor" not in page
    assert Job.objects.get().status == Job.Status.FAILED


def test_upload_form_rejects_wrong_extension_and_keeps_the_page(admin_client):
    response = upload(admin_client, b"MZ\x90\x00", name="virus.exe")
    assert response.status_code == 200
    assert "“virus.exe” bukan workbook .xlsx." in response.content.decode()
    assert not Job.objects.exists()


def test_progress_partial_polls_until_finished(admin_client, admin_user):
    job = Job.objects.create(kind=award_jobs.UNITS_IMPORT, created_by=admin_user)
    jobs.job_progress_set(job_id=job.pk, percent=42, message="Memeriksa 10 baris")
    url = reverse("award:unit_import_job", args=[job.pk])
    partial = admin_client.get(url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert 'data-progress="42"' in body and "Memeriksa 10 baris" in body
    assert 'hx-trigger="every 1s"' in body
    assert "HX-Refresh" not in partial
    jobs.job_finish(job=job, status=Job.Status.SUCCEEDED, message="ok")
    finished = admin_client.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_template_download_is_a_valid_units_workbook(admin_client):
    response = admin_client.get(reverse("award:unit_import_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["unit", "petunjuk"]
    header = [c.value for c in workbook["unit"][1]]
    assert header == [
        "kode",
        "nama",
        "tingkat",
        "induk",
        "website",
        "email_operator",
        "kode_wilayah",
    ]
    # The template's own example rows import cleanly, and only as new obvious examples:
    # uploading it as downloaded never renames a real unit.
    DesaFactory(code="64.08.01.2001", name="Desa Kelinjau Ilir")
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = services.units_import_check(data=buffer.getvalue())
    assert not plan.problems.errors and plan.updated == 0 and plan.created == 3
    assert all(change["code"].startswith("CONTOH") for change in plan.changes)


# --- command line -----------------------------------------------------------------------
def test_import_units_command(tmp_path, capsys):
    path = tmp_path / "unit.xlsx"
    path.write_bytes(units_xlsx(GOOD))
    call_command("import_units", str(path))
    assert "4 unit dibuat, 0 diperbarui, 0 tidak berubah." in capsys.readouterr().out
    assert Unit.objects.count() == 4


def test_import_units_command_fails_with_every_problem(tmp_path, capsys):
    path = tmp_path / "unit.xlsx"
    path.write_bytes(units_xlsx([["X", "", "desa", "", "", ""]]))
    with pytest.raises(CommandError, match="2 masalah"):
        call_command("import_units", str(path))
    err = capsys.readouterr().err
    assert "unit!B2: Nama kosong." in err
    assert "unit!D2: Unit tingkat Desa wajib memiliki unit induk tingkat Kecamatan." in err
    assert Unit.objects.count() == 0


def test_workbook_without_header_values_for_required_columns(tmp_path):
    workbook = Workbook()
    workbook.active.title = "unit"
    workbook.active.append(["kode", "nama", "tingkat", "induk"])
    workbook.active.append(["A", "B", "opd", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = services.units_import_check(data=buffer.getvalue())
    assert not plan.problems.errors and plan.created == 1


def test_problems_are_listed_in_reading_order():
    rows = [
        ["64.08.01.2001", "", "desa", "64.08.99", "", ""],
        ["OPD.X", "Dinas X", "opd", "64.08.01", "", ""],
    ]
    errors = services.units_import_check(data=units_xlsx(rows)).problems.as_lists()["errors"]
    assert [e.split(":")[0] for e in errors] == ["unit!B2", "unit!D2", "unit!D3"]


def test_a_date_or_a_yes_no_value_is_not_a_code_or_a_name():
    import datetime as dt

    rows = [
        [dt.datetime(2026, 8, 1), "Desa Tanggal", "desa", "", "", ""],
        ["64.08.09", True, "kecamatan", "", "", ""],
        [64.1, "Kecamatan Angka", "kecamatan", "", "", ""],
        ["64.08.01", "Kecamatan Muara Ancalong", "kecamatan", "", "", ""],
    ]
    errors = errors_of(units_xlsx(rows))
    assert any(e.startswith("unit!A2: Sel berisi tanggal") for e in errors), errors
    assert any(e.startswith("unit!B3: Sel berisi nilai TRUE/FALSE") for e in errors), errors
    assert any(e.startswith("unit!A4: Sel berisi angka") for e in errors), errors
    assert len(errors) == 3
    with pytest.raises(jobs.ImportRejected):
        services.units_import_apply(data=units_xlsx(rows))
    assert not Unit.objects.exists()


def test_region_codes_are_imported_checked_and_kept_as_text():
    """Issue #23: the optional kode_wilayah column (Kemendagri's region code) is imported, a
    malformed one or one typed as a number is refused at its cell, and a workbook without the
    column still imports."""
    header = [*UNIT_HEADER, "kode_wilayah"]
    data = units_xlsx(
        [
            ["64.08.04", "Kecamatan Sangatta Utara", "kecamatan", "", "", "", "64.08.04"],
            ["64.08.04.2002", "Desa Swarga Bara", "desa", "64.08.04", "", "", "64.08.04.2002"],
            ["OPD.DISKOMINFO", "Dinas Kominfo", "opd", "", "", "", ""],
        ],
        header=header,
    )
    services.units_import_apply(data=data)
    assert dict(Unit.objects.values_list("code", "kode_wilayah")) == {
        "64.08.04": "64.08.04",
        "64.08.04.2002": "64.08.04.2002",
        "OPD.DISKOMINFO": "",
    }
    bad = xlsx(
        {
            "unit": [
                header,
                ["64.08.04", "Kecamatan Sangatta Utara", "kecamatan", "", "", "", "64.8.4"],
                ["OPD.DISKOMINFO", "Dinas Kominfo", "opd", "", "", "", 64.08],
            ]
        }
    )
    plan = services.units_import_check(data=bad)
    messages = [str(error) for error in plan.problems.errors]
    assert any("unit!G2" in m and "bukan kode wilayah Kemendagri" in m for m in messages), messages
    assert any("unit!G3" in m for m in messages), messages
    assert Unit.objects.get(code="64.08.04").kode_wilayah == "64.08.04"
