"""Evidence offline: the answers import takes a ZIP with the answers workbook and the evidence
files named in ``bukti_berkas`` (DESIGN.md §4 "Answers bundle"), all or nothing."""

import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.models import Job
from common.uploads import RequestSizeMiddleware
from demo import evidence_files as files
from evaluasi import jobs as evaluasi_jobs
from evaluasi.models import Answer, Evidence
from evaluasi.saq import offline
from tests.evaluasi.conftest import PDF
from tests.evaluasi.test_offline_and_participation import downloaded_workbook, save, set_answer

pytestmark = pytest.mark.django_db

JS_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"  # noqa: E501


def with_files(workbook, names: dict[str, str]) -> bytes:
    """The workbook with ``bukti_berkas`` filled for the given indicator codes."""
    sheet = workbook["jawaban"]
    column = [c.value for c in sheet[1]].index("bukti_berkas") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in names:
            sheet.cell(row=row[0].row, column=column).value = names[row[0].value]
    return save(workbook)


def bundle(entries: dict) -> bytes:
    """A ZIP of ``name → bytes`` (or a ready ``ZipInfo`` → bytes pair under any key)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            if isinstance(content, tuple):
                archive.writestr(*content)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def stored_files(settings) -> set[Path]:
    root = Path(settings.PRIVATE_ROOT)
    return {p for p in root.rglob("*") if p.is_file() and "jobs" not in p.parts}


@pytest.fixture
def workbook(client, operator_a, submission):
    client.force_login(operator_a)
    return downloaded_workbook(client, submission)


def test_a_bundle_attaches_the_named_files_after_the_preview(
    client, operator_a, submission, workbook, django_capture_on_commit_callbacks
):
    set_answer(workbook, "1.1.1", "ya")
    decree = files.text_pdf(files.decree())
    data = bundle(
        {
            "jawaban-64.08.04.2001.xlsx": with_files(
                workbook, {"1.1.1": "SK PPID.pdf; foto/kegiatan.jpg", "2.1.2": "sk ppid.PDF"}
            ),
            "SK PPID.pdf": decree,
            "foto/kegiatan.jpg": files.jpeg(files.photo()),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluasi:answers_import", args=[submission.pk]),
            {"file": SimpleUploadedFile("bukti.zip", data)},
        )
    job = Job.objects.get(kind=evaluasi_jobs.ANSWERS_IMPORT)
    page = client.get(response["Location"]).content.decode()
    assert "Berkas bukti yang akan dilampirkan" in page
    assert [(f["code"], f["name"]) for f in job.result["files"]] == [
        ("1.1.1", "SK_PPID.pdf"),
        ("1.1.1", "kegiatan.jpg"),
        ("2.1.2", "SK_PPID.pdf"),  # a name matches whatever its case, in any folder
    ]
    assert not Evidence.objects.exists(), "nothing is attached before the operator confirms"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluasi:answers_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "succeeded", job.result
    assert job.message == "1 jawaban disimpan dari workbook. 3 berkas bukti dilampirkan."
    attached = {
        (e.indicator.code, e.original_name, e.content_type, e.file.read() == decree)
        for e in Evidence.objects.filter(submission=submission)
    }
    assert attached == {
        ("1.1.1", "SK_PPID.pdf", "application/pdf", True),
        ("1.1.1", "kegiatan.jpg", "image/jpeg", False),
        ("2.1.2", "SK_PPID.pdf", "application/pdf", True),
    }
    for evidence in Evidence.objects.all():  # each attached file is analysed once committed
        assert evidence.analysis.sha256 == hashlib.sha256(evidence.file.open().read()).hexdigest()

    # The same bundle again adds nothing twice: each file is already that indicator's evidence.
    plan = offline.answers_import_check(data=data, submission=submission)
    assert not plan.files and not plan.problems.errors
    assert plan.problems.as_lists()["warnings"][0] == (
        "jawaban!D2: “SK_PPID.pdf” sudah menjadi bukti 1.1.1; tidak ditambahkan lagi."
    )


def test_every_problem_is_listed_and_nothing_is_saved(operator_a, submission, workbook, settings):
    set_answer(workbook, "1.1.1", "ya")
    before = stored_files(settings)
    data = bundle(
        {
            "jawaban.xlsx": with_files(
                workbook,
                {
                    "1.1.1": "SK.pdf;hilang.pdf",
                    "1.1.2": "palsu.pdf",
                    "2.1.2": "skrip.pdf",
                    "2.1.3": "dua.pdf",
                },
            ),
            "SK.pdf": PDF,
            "palsu.pdf": b"MZ\x90\x00 this is a program",
            "skrip.pdf": JS_PDF,
            "a/dua.pdf": PDF,
            "b/dua.pdf": PDF,
            "catatan.txt": b"tidak dipakai",
        }
    )
    plan = offline.answers_import_check(data=data, submission=submission)
    rows = {e.split(":")[0]: e for e in plan.problems.as_lists()["errors"]}
    row = {r[0].value: r[0].row for r in workbook["jawaban"].iter_rows(min_row=2)}
    assert rows[f"jawaban!D{row['1.1.1']}"].endswith("“hilang.pdf” tidak ada di ZIP.")
    assert "Isi berkas “palsu.pdf” bukan berkas PDF" in rows[f"jawaban!D{row['1.1.2']}"]
    assert "konten aktif" in rows[f"jawaban!D{row['2.1.2']}"]
    assert rows[f"jawaban!D{row['2.1.3']}"].endswith(
        "“dua.pdf” cocok dengan beberapa berkas di ZIP (a/dua.pdf, b/dua.pdf); tulis juga "
        "foldernya."
    )
    assert len(plan.problems.errors) == 4
    with pytest.raises(offline.ImportRejected):
        offline.answers_import_apply(data=data, user=operator_a, submission=submission)
    assert not Answer.objects.exists() and not Evidence.objects.exists()
    assert stored_files(settings) == before


def symlink() -> tuple:
    info = zipfile.ZipInfo("tautan.pdf")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return (info, "/etc/passwd")


def locked(data: bytes, name: str) -> bytes:
    """``data`` with entry ``name`` marked encrypted in the central directory (zipfile cannot
    write an encrypted entry; the flag is what a reader goes by)."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name.encode():
            data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_a_hostile_archive_is_refused_naming_each_entry(submission, workbook):
    data = bundle(
        {
            "jawaban.xlsx": save(workbook),
            "../../etc/cron.d/x.pdf": PDF,
            "/abs/bukti.pdf": PDF,
            "C:\\bukti.pdf": PDF,
            "link": symlink(),
            "rahasia.pdf": PDF,
            "nol.pdf": b"\0" * (20 * 1024 * 1024),
        }
    )
    data = locked(data, "rahasia.pdf")
    errors = offline.answers_import_check(data=data, submission=submission).problems
    assert errors.as_lists()["errors"] == [
        "ZIP: “../../etc/cron.d/x.pdf” menunjuk ke luar ZIP (jalur dengan .. atau jalur absolut).",
        "ZIP: “/abs/bukti.pdf” menunjuk ke luar ZIP (jalur dengan .. atau jalur absolut).",
        "ZIP: “C:\\bukti.pdf” menunjuk ke luar ZIP (jalur dengan .. atau jalur absolut).",
        "ZIP: “tautan.pdf” adalah tautan simbolik; masukkan berkasnya sendiri ke ZIP.",
        "ZIP: “rahasia.pdf” dilindungi kata sandi; buat ZIP tanpa kata sandi.",
        "ZIP: “nol.pdf” terkompresi secara mencurigakan; tidak dibaca.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 broken", "Berkas ZIP rusak dan tidak dapat dibaca."),
        (bundle({"SK.pdf": PDF}), "ZIP tidak berisi workbook jawaban"),
    ],
)
def test_a_broken_bundle_or_one_without_its_workbook(submission, data, message):
    plan = offline.answers_import_check(data=data, submission=submission, file_name="bukti.zip")
    errors = plan.problems
    assert message in errors.as_lists()["errors"][0]


def test_two_answers_workbooks_are_one_too_many(submission, workbook):
    data = bundle({"a.xlsx": save(workbook), "b.xlsx": save(workbook)})
    errors = offline.answers_import_check(data=data, submission=submission).problems
    assert errors.as_lists()["errors"] == [
        "ZIP: ZIP berisi beberapa workbook jawaban (a.xlsx, b.xlsx); sisakan satu saja."
    ]


def test_an_evidence_file_over_the_limit_is_refused_by_its_declared_size(
    submission, workbook, settings
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = files.text_pdf(files.decree()) + b"%" + os.urandom(2 * 1024 * 1024)
    data = bundle({"jawaban.xlsx": with_files(workbook, {"1.1.1": "besar.pdf"}), "besar.pdf": big})
    errors = offline.answers_import_check(data=data, submission=submission).problems
    assert errors.as_lists()["errors"][0].endswith("Ukuran “besar.pdf” 2,0 MB; batasnya 1 MB.")


def test_a_damaged_entry_is_named(submission, workbook):
    data = bytearray(
        bundle({"jawaban.xlsx": with_files(workbook, {"1.1.1": "SK.pdf"}), "SK.pdf": PDF * 50})
    )
    start = data.find(b"SK.pdf") + len("SK.pdf")  # the entry's compressed bytes, garbled
    data[start + 5 : start + 15] = b"\xff" * 10
    errors = offline.answers_import_check(data=bytes(data), submission=submission).problems
    assert errors.as_lists()["errors"] == [
        "jawaban!D2: “SK.pdf” di dalam ZIP rusak dan tidak dapat dibaca."
    ]


def test_a_workbook_alone_naming_files_asks_for_the_zip(submission, workbook):
    data = with_files(workbook, {"1.1.1": "SK.pdf"})
    errors = offline.answers_import_check(data=data, submission=submission).problems
    assert errors.as_lists()["errors"] == [
        "jawaban!D2: bukti_berkas menyebut “SK.pdf”, tetapi yang diunggah hanya workbook. "
        "Unggah ZIP yang berisi workbook ini dan berkas-berkas buktinya."
    ]


def test_files_written_are_removed_when_the_import_fails_at_the_end(
    operator_a, submission, workbook, settings, tmp_path, capsys
):
    """``--submit`` on an incomplete SAQ fails after the files were stored: they go again."""
    before = stored_files(settings)
    path = tmp_path / "bukti.zip"
    path.write_bytes(
        bundle({"jawaban.xlsx": with_files(workbook, {"1.1.1": "SK.pdf"}), "SK.pdf": PDF})
    )
    with pytest.raises(CommandError):
        call_command("import_answers", str(path), "--submit")
    assert not Evidence.objects.exists() and stored_files(settings) == before
    call_command("import_answers", str(path))
    assert "1 berkas bukti dilampirkan" in capsys.readouterr().out
    assert Evidence.objects.get().original_name == "SK.pdf"
    assert stored_files(settings) - before


def test_only_the_answers_import_takes_a_bundle_sized_body(rf, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.REQUEST_MAX_BYTES = 2 * 1024 * 1024
    settings.UPLOAD_MAX_BYTES_BY_ROUTE = {"evaluasi:answers_import": 50 * 1024 * 1024}
    middleware = RequestSizeMiddleware(lambda r: "passed on")
    size = str(30 * 1024 * 1024)
    assert middleware(rf.post("/saq/1/impor/", CONTENT_LENGTH=size)) == "passed on"
    refused = middleware(rf.post("/saq/1/bukti/2/", CONTENT_LENGTH=size))
    assert refused.status_code == 413 and "lebih besar dari 1 MB" in refused.content.decode()
    too_big = middleware(rf.post("/saq/1/impor/", CONTENT_LENGTH=str(60 * 1024 * 1024)))
    assert too_big.status_code == 413 and "lebih besar dari 50 MB" in too_big.content.decode()
