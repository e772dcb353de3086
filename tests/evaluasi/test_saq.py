"""SAQ filling: wizard, autosave, resume, evidence, deadlines, conflicts, submission."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from award.services import deadline_extension_set
from evaluasi.models import Answer, Evidence, Submission
from evaluasi.saq import selectors as saq_selectors
from evaluasi.saq import services as saq_services
from tests.evaluasi.conftest import docx_bytes, fill_everything, pdf

pytestmark = pytest.mark.django_db


def step_of(submission, code):
    indicator = submission.questionnaire.indicators.get(code=code)
    return saq_selectors.step_name(indicator.aspect), indicator


def test_start_redirects_to_the_first_incomplete_step_and_resumes(
    client, operator_a, unit_a, period, desa_questionnaire
):
    client.force_login(operator_a)
    response = client.get(reverse("evaluasi:saq_start", args=[period.year, unit_a.pk]))
    submission = Submission.objects.get()
    first_step, _ = step_of(submission, "1.1.1")
    assert response["Location"] == reverse("evaluasi:saq_step", args=[submission.pk, first_step])

    # Answer all of aspect A1 and attach its required evidence: the next visit resumes at A2.
    for indicator in submission.questionnaire.indicators.filter(aspect__code="A1"):
        value = "3" if indicator.type == "angka" else "ya"
        saq_services.answer_save(
            submission=submission, indicator=indicator, raw=value, version=None, user=operator_a
        )
        if indicator.evidence == "wajib":
            saq_services.evidence_add_file(
                submission=submission, indicator=indicator, upload=pdf(), user=operator_a
            )
    response = client.get(reverse("evaluasi:saq_start", args=[period.year, unit_a.pk]))
    second_step, _ = step_of(submission, "2.1.1")
    assert response["Location"] == reverse("evaluasi:saq_step", args=[submission.pk, second_step])


def test_wizard_step_saves_to_the_database_and_keeps_bad_input(client, operator_a, submission):
    client.force_login(operator_a)
    step, yes_no = step_of(submission, "1.1.1")
    number = submission.questionnaire.indicators.get(code="1.2.3")
    url = reverse("evaluasi:saq_step", args=[submission.pk, step])
    page = client.get(url)
    assert page.status_code == 200
    assert "Langkah 1 dari 7: Sarana dan Prasarana" in page.content.decode()
    data = {
        f"saq_{submission.pk}-current_step": step,
        f"{step}-i{yes_no.pk}": "ya",
        f"{step}-v{yes_no.pk}": "0",
        f"{step}-i{number.pk}": "dua",
        f"{step}-v{number.pk}": "0",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "'dua' bukan angka; tulis digit, mis. 12 atau 12,5." in html.unescape(body)
    assert 'value="dua"' in body, "what the user typed is kept"
    data[f"{step}-i{number.pk}"] = "2,5"
    response = client.post(url, data)
    assert response.status_code == 302
    values = dict(Answer.objects.values_list("indicator__code", "value"))
    assert values == {"1.1.1": "ya", "1.2.3": "2.5"}


def test_autosave_saves_explains_and_detects_conflicts(client, operator_a, submission, unit_a):
    from award.models import OPERATOR_GROUP, OperatorMembership
    from tests.factories import UserFactory

    step, number = step_of(submission, "1.2.3")
    url = reverse("evaluasi:saq_autosave", args=[submission.pk, number.pk])
    prefix = f"{step}-"
    client.force_login(operator_a)
    response = client.post(
        url, {"prefix": prefix, f"{prefix}i{number.pk}": "2", f"{prefix}v{number.pk}": "0"}
    )
    assert response.status_code == 200
    assert "Tersimpan pukul" in response.content.decode()
    assert f'id="id_{prefix}v{number.pk}" value="1" hx-swap-oob="true"' in response.content.decode()

    bad = client.post(
        url, {"prefix": prefix, f"{prefix}i{number.pk}": "-1", f"{prefix}v{number.pk}": "1"}
    )
    assert bad.status_code == 422
    assert "Angka tidak boleh kurang dari 0." in bad.content.decode()

    # A second operator of the same unit saves 3 meanwhile (from version 1).
    other = UserFactory(username="op.a2", first_name="Budi", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=other, unit=unit_a)
    saq_services.answer_save(
        submission=submission, indicator=number, raw="3", version=1, user=other
    )
    # The first operator, still at version 1, sends 1: refused, both values shown.
    stale = client.post(
        url, {"prefix": prefix, f"{prefix}i{number.pk}": "1", f"{prefix}v{number.pk}": "1"}
    )
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "Budi" in body and "<strong>1</strong>" in body and "<strong>3</strong>" in body
    assert Answer.objects.get(indicator=number).value == "3"
    # Choosing "keep mine" sends the current version: now it is written.
    kept = client.post(
        url, {"prefix": prefix, f"{prefix}i{number.pk}": "1", f"{prefix}v{number.pk}": "2"}
    )
    assert kept.status_code == 200
    assert Answer.objects.get(indicator=number).value == "1"


def test_wizard_step_conflict_shows_both_values_and_second_save_keeps_mine(
    client, operator_a, submission, admin_user
):
    step, indicator = step_of(submission, "1.1.1")
    saq_services.answer_save(
        submission=submission, indicator=indicator, raw="ya", version=None, user=operator_a
    )
    saq_services.answer_save(
        submission=submission, indicator=indicator, raw="tidak", version=1, user=admin_user
    )
    client.force_login(operator_a)
    url = reverse("evaluasi:saq_step", args=[submission.pk, step])
    data = {
        f"saq_{submission.pk}-current_step": step,
        f"{step}-i{indicator.pk}": "ya",
        f"{step}-v{indicator.pk}": "1",
    }
    body = client.post(url, data).content.decode()
    assert "mengubah jawaban ini menjadi “tidak”" in body
    assert f'id="id_{step}-v{indicator.pk}" value="2"' in body
    data[f"{step}-v{indicator.pk}"] = "2"
    assert client.post(url, data).status_code == 302
    assert Answer.objects.get(indicator=indicator).value == "ya"


def test_deadline_edges_around_midnight_wita(submission, operator_a, period, unit_a, admin_user):
    wita = dt.timezone(dt.timedelta(hours=8))
    period.saq_close = dt.datetime(2026, 12, 1, 0, 0, tzinfo=wita)  # midnight WITA
    period.saq_open = period.saq_close - dt.timedelta(days=30)
    period.save()
    indicator = submission.questionnaire.indicators.get(code="1.1.1")
    last_second = period.saq_close - dt.timedelta(seconds=1)
    saq_services.answer_save(
        submission=submission,
        indicator=indicator,
        raw="ya",
        version=None,
        user=operator_a,
        moment=last_second,
    )
    with pytest.raises(
        ValidationError, match=r"Batas waktu SAQ \(1 Desember 2026 pukul 00.00 WITA\) telah lewat"
    ):
        saq_services.answer_save(
            submission=submission,
            indicator=indicator,
            raw="tidak",
            version=None,
            user=operator_a,
            moment=period.saq_close,
        )
    deadline_extension_set(
        period=period,
        unit=unit_a,
        saq_close=period.saq_close + dt.timedelta(days=2),
        reason="Listrik padam",
        created_by=admin_user,
    )
    saq_services.answer_save(
        submission=submission,
        indicator=indicator,
        raw="tidak",
        version=None,
        user=operator_a,
        moment=period.saq_close + dt.timedelta(hours=1),
    )
    assert Answer.objects.get(indicator=indicator).value == "tidak"


def test_after_the_deadline_the_saq_is_read_only(client, operator_a, submission, period):
    period.saq_open = timezone.now() - dt.timedelta(days=40)
    period.saq_close = timezone.now() - dt.timedelta(seconds=1)
    period.save()
    client.force_login(operator_a)
    step, indicator = step_of(submission, "1.1.1")
    response = client.get(reverse("evaluasi:saq_step", args=[submission.pk, step]), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("evaluasi:saq_summary", args=[submission.pk])
    assert "telah lewat; jawaban tidak dapat diubah lagi." in body
    autosave = client.post(
        reverse("evaluasi:saq_autosave", args=[submission.pk, indicator.pk]),
        {"prefix": "", f"i{indicator.pk}": "ya"},
    )
    assert autosave.status_code == 422
    assert not Answer.objects.exists()


def test_evidence_upload_validation(client, operator_a, submission, settings):
    client.force_login(operator_a)
    step, indicator = step_of(submission, "1.1.1")
    url = reverse("evaluasi:evidence_add", args=[submission.pk, indicator.pk])
    htmx = {"HX-Request": "true"}

    def post(upload):
        return client.post(url, {"file": upload}, headers=htmx)

    exe = post(SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00" + b"\0" * 100))
    assert exe.status_code == 422
    assert "Isi berkas “laporan.pdf” bukan berkas PDF" in exe.content.decode()
    wrong = post(SimpleUploadedFile("skrip.exe", b"MZ"))
    assert "hanya berkas PDF, JPG, PNG, DOCX dan XLSX yang diterima" in wrong.content.decode()
    settings.UPLOAD_MAX_BYTES = 1024
    big = post(SimpleUploadedFile("besar.pdf", b"%PDF-1.4" + b"0" * 2048))
    assert "batasnya 0 MB" in big.content.decode() or "batasnya" in big.content.decode()
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    traversal = post(SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4 ok"))
    assert traversal.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.pdf"
    assert ".." not in evidence.file.name and evidence.file.name.startswith("bukti/")
    ok = post(SimpleUploadedFile("sk.docx", docx_bytes()))
    assert ok.status_code == 200
    assert Evidence.objects.count() == 2
    fake_docx = post(SimpleUploadedFile("sk2.docx", b"PK\x03\x04 not really"))
    assert fake_docx.status_code == 422


def test_evidence_links_and_delete(client, operator_a, submission):
    client.force_login(operator_a)
    _step, indicator = step_of(submission, "1.1.1")
    url = reverse("evaluasi:evidence_add", args=[submission.pk, indicator.pk])
    bad = client.post(url, {"url": "bukan alamat"}, headers={"HX-Request": "true"})
    assert "bukan alamat web yang valid" in bad.content.decode()
    internal = client.post(
        url, {"url": "http://127.0.0.1:9/tidak-ada"}, headers={"HX-Request": "true"}
    )
    assert "alamat halaman web publik" in internal.content.decode()
    assert not Evidence.objects.exists()
    client.post(url, {"url": "https://ppid.tidak-ada.invalid/"}, headers={"HX-Request": "true"})
    evidence = Evidence.objects.get(kind="url")
    assert saq_services.evidence_link_check(evidence_id=evidence.pk, timeout=2) == "broken"
    response = client.post(
        reverse("evaluasi:evidence_delete", args=[evidence.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_link_check_marks_a_reachable_link(submission, operator_a, monkeypatch):
    import http.server
    import threading

    import common.net

    # This machine has no internet: let the checker treat this loopback listener as public.
    monkeypatch.setattr(common.net, "url_problem", lambda url: None)
    monkeypatch.setattr(common.net, "address_is_public", lambda address: True)
    handler = http.server.SimpleHTTPRequestHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _step, indicator = step_of(submission, "1.1.1")
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    evidence = Evidence.objects.create(
        submission=submission, indicator=indicator, kind="url", url=url
    )
    try:
        assert saq_services.evidence_link_check(evidence_id=evidence.pk) == "ok"
    finally:
        server.shutdown()
    evidence.refresh_from_db()
    assert evidence.link_status == "ok" and evidence.link_checked_at


def test_submit_review_lists_missing_then_locks_and_shows_the_score(client, operator_a, submission):
    client.force_login(operator_a)
    review = reverse("evaluasi:saq_step", args=[submission.pk, "tinjau"])
    page = client.get(review).content.decode()
    assert "masih kurang" in page
    # Nothing answered: each missing answer once; no evidence is due before an answer claims it.
    assert "jawaban belum diisi" in page and "bukti belum diunggah" not in page
    _step, claimed = step_of(submission, "1.1.1")
    saq_services.answer_save(
        submission=submission, indicator=claimed, raw="ya", version=None, user=operator_a
    )
    page = client.get(review).content.decode()
    assert "bukti belum diunggah" in page
    response = client.post(review, {f"saq_{submission.pk}-current_step": "tinjau"}, follow=True)
    assert "jawaban atau bukti wajib yang belum lengkap" in response.content.decode()
    assert Submission.objects.get().status == "draft"

    fill_everything(submission, operator_a)
    expected = saq_selectors.submission_score(submission=submission)
    response = client.post(review, {f"saq_{submission.pk}-current_step": "tinjau"})
    assert response["Location"] == reverse("evaluasi:saq_summary", args=[submission.pk])
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.saq_score == expected
    # Every scored answer is at its best, so the score is exactly 100.
    assert expected == Decimal("100.00")
    # Double click: the second submit changes nothing and says so.
    with pytest.raises(ValidationError, match="sudah dikirim"):
        saq_services.submission_submit(submission=submission, user=operator_a)
    assert submission.events.count() == 1
    dashboard = client.get(reverse("award:dashboard")).content.decode()
    assert "partisipan" in dashboard and "100,00" in dashboard
    # Locked: editing redirects to the summary.
    step, _ = step_of(submission, "1.1.1")
    assert client.get(reverse("evaluasi:saq_step", args=[submission.pk, step]))["Location"] == (
        reverse("evaluasi:saq_summary", args=[submission.pk])
    )


def test_hidden_score_until_publication(client, operator_a, submission, period):
    period.hide_saq_score = True
    period.save()
    fill_everything(submission, operator_a)
    saq_services.submission_submit(submission=submission, user=operator_a)
    client.force_login(operator_a)
    body = client.get(reverse("evaluasi:saq_summary", args=[submission.pk])).content.decode()
    assert "Nilai ditampilkan setelah hasil diumumkan." in body
    assert 'id="nilai-saq"' not in body


def test_submission_one_second_after_the_deadline_is_refused(submission, operator_a, period):
    fill_everything(submission, operator_a)
    with pytest.raises(ValidationError, match="telah lewat"):
        saq_services.submission_submit(
            submission=submission,
            user=operator_a,
            moment=period.saq_close + dt.timedelta(seconds=1),
        )
    assert Submission.objects.get().status == "draft"


def test_admin_reopens_with_a_reason(client, admin_client, operator_a, submission):
    fill_everything(submission, operator_a)
    saq_services.submission_submit(submission=submission, user=operator_a)
    url = reverse("evaluasi:saq_reopen", args=[submission.pk])
    response = admin_client.post(url, {"reason": ""})
    assert "Bidang ini tidak boleh kosong." in response.content.decode()
    admin_client.post(url, {"reason": "Bukti SK salah unggah"})
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.saq_score is None
    assert submission.events.last().reason == "Bukti SK salah unggah"
    client.force_login(operator_a)
    body = client.get(reverse("evaluasi:saq_summary", args=[submission.pk])).content.decode()
    assert "Dibuka kembali" in body and "Bukti SK salah unggah" in body


def test_permissions_between_units_and_roles(client, operator_a, operator_b, jury_user, submission):
    _step, indicator = step_of(submission, "1.1.1")
    evidence = saq_services.evidence_add_file(
        submission=submission, indicator=indicator, upload=pdf(), user=operator_a
    )
    urls = {
        "summary": ("get", reverse("evaluasi:saq_summary", args=[submission.pk])),
        "step": ("get", reverse("evaluasi:saq_step", args=[submission.pk, "tinjau"])),
        "autosave": ("post", reverse("evaluasi:saq_autosave", args=[submission.pk, indicator.pk])),
        "evidence": ("post", reverse("evaluasi:evidence_add", args=[submission.pk, indicator.pk])),
        "download": ("get", reverse("evaluasi:evidence_download", args=[evidence.pk])),
        "delete": ("post", reverse("evaluasi:evidence_delete", args=[evidence.pk])),
        "workbook": ("get", reverse("evaluasi:answers_workbook", args=[submission.pk])),
        "import": ("get", reverse("evaluasi:answers_import", args=[submission.pk])),
    }
    for user in (operator_b, jury_user):
        client.force_login(user)
        for name, (method, url) in urls.items():
            assert getattr(client, method)(url).status_code == 403, (user, name)
    client.logout()
    for name, (method, url) in urls.items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"], name
    client.force_login(operator_a)
    download = client.get(urls["download"][1])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Cache-Control"] == "private, no-store"
    assert Evidence.objects.count() == 1


def test_a_submitted_saq_sends_a_receipt(
    operator_a, submission, django_capture_on_commit_callbacks
):
    from django.core import mail

    operator_a.email = "op.a@example.org"
    operator_a.save()
    fill_everything(submission, operator_a)
    with django_capture_on_commit_callbacks(execute=True):
        saq_services.submission_submit(submission=submission, user=operator_a)
    assert [m.to for m in mail.outbox] == [["op.a@example.org"]]
    body = mail.outbox[0].body
    assert submission.unit.name in body and "tanda terima" in body
    assert reverse("evaluasi:saq_summary", args=[submission.pk]) in body


def test_the_summary_shows_option_labels_and_comma_decimals(client, operator_a, submission):
    choice = submission.questionnaire.indicators.filter(type="pilihan").first()
    option = choice.options.order_by("value").last()
    number = submission.questionnaire.indicators.filter(type="angka").first()
    for indicator, raw in ((choice, option.code), (number, "2,5")):
        saq_services.answer_save(
            submission=submission, indicator=indicator, raw=raw, version=None, user=operator_a
        )
    client.force_login(operator_a)
    body = client.get(reverse("evaluasi:saq_summary", args=[submission.pk])).content.decode()
    assert re.search(rf"<td[^>]*>{re.escape(option.label)}</td>", body)
    assert re.search(r"<td[^>]*>2,5</td>", body)


def test_autosave_sends_the_sidebar_progress_along(client, operator_a, submission):
    indicator = submission.questionnaire.indicators.filter(required=True).first()
    client.force_login(operator_a)
    prefix = f"saq_{submission.pk}-"
    response = client.post(
        reverse("evaluasi:saq_autosave", args=[submission.pk, indicator.pk]),
        {
            "prefix": prefix,
            f"{prefix}i{indicator.pk}": "ya" if indicator.type == "ya_tidak" else "1",
        },
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="saq-progress" hx-swap-oob="true"' in body and "1 dari" in body
