import io

from django.core.files.uploadedfile import SimpleUploadedFile

from evaluasi.saq import services as saq_services

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="bukti.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fill_everything(submission, user):
    """Answer every required indicator and attach every required evidence."""
    for indicator in submission.questionnaire.indicators.prefetch_related("options"):
        if indicator.type == "ya_tidak":
            value = "ya"
        elif indicator.type == "pilihan":
            value = indicator.options.first().code
        elif indicator.type == "angka":
            value = str(indicator.max_value)
        elif indicator.type == "url":
            value = "https://ppid.desa.id"
        else:
            value = "Inovasi layanan informasi keliling"
        saq_services.answer_save(
            submission=submission, indicator=indicator, raw=value, version=None, user=user
        )
        if indicator.evidence == "wajib":
            saq_services.evidence_add_file(
                submission=submission, indicator=indicator, upload=pdf(), user=user
            )


def docx_bytes():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
