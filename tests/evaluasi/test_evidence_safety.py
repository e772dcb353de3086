"""Active content in evidence (issue #19, defect 14): PDF JavaScript, launch actions and
attached files — compressed object streams included — Office macros and zip bombs named
.xlsx are refused, as SAQ evidence and as objection evidence; plain files pass."""

import io
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluasi.models import Evidence
from evaluasi.saq import services as saq_services
from tests.evaluasi.conftest import PDF, docx_bytes

pytestmark = pytest.mark.django_db


def pdf_with(kind: str) -> bytes:
    """A real PDF written with object streams (so nothing shows in the raw bytes)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if kind == "javascript":
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(action)
    elif kind == "launch":
        action = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        pdf.pages[0].AA = pikepdf.Dictionary(O=action)
    elif kind == "attachment":
        pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


def office(name: str, extra: dict[str, bytes], main: str = "xl/workbook.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, "<workbook/>")
        for part, data in extra.items():
            archive.writestr(part, data)
    return buffer.getvalue()


def check(name: str, data: bytes):
    return saq_services.evidence_file_check(upload=SimpleUploadedFile(name, data))


@pytest.mark.parametrize("kind", ["javascript", "launch", "attachment"])
def test_a_pdf_with_active_content_is_refused_even_inside_object_streams(kind):
    data = pdf_with(kind)
    assert b"/JavaScript" not in data and b"/Launch" not in data
    with pytest.raises(ValidationError) as refused:
        check("sk.pdf", data)
    assert "“sk.pdf” berisi konten aktif" in refused.value.messages[0]


def test_a_broken_pdf_with_a_script_in_plain_sight_is_refused():
    data = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >> endobj\n%%EOF"
    with pytest.raises(ValidationError):
        check("rusak.pdf", data)


def test_plain_pdfs_and_office_files_pass():
    assert check("sk.pdf", pdf_with("plain"))[0] == "pdf"
    assert check("sk.pdf", PDF)[0] == "pdf"
    assert check("rekap.xlsx", office("rekap.xlsx", {}))[0] == "xlsx"
    assert check("laporan.docx", docx_bytes())[0] == "docx"


@pytest.mark.parametrize(
    "part", ["xl/vbaProject.bin", "xl/activeX/activeX1.xml", "xl/embeddings/oleObject1.bin"]
)
def test_office_files_with_macros_or_embedded_objects_are_refused(part):
    with pytest.raises(ValidationError) as refused:
        check("rekap.xlsx", office("rekap.xlsx", {part: b"\x00" * 64}))
    assert "makro" in refused.value.messages[0]


def test_a_zip_bomb_named_xlsx_is_refused():
    bomb = office("rekap.xlsx", {"xl/worksheets/sheet1.xml": b"\x00" * (200 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        check("rekap.xlsx", bomb)
    assert "jauh lebih besar" in refused.value.messages[0]


def test_the_operator_sees_why_in_the_card_and_nothing_is_stored(client, operator_a, submission):
    indicator = submission.questionnaire.indicators.get(code="1.1.1")
    client.force_login(operator_a)
    response = client.post(
        reverse("evaluasi:evidence_add", args=[submission.pk, indicator.pk]),
        {"file": SimpleUploadedFile("sk.pdf", pdf_with("javascript"))},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "berisi konten aktif" in response.content.decode()
    assert not Evidence.objects.exists()
