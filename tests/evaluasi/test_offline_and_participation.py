"""Offline filling by workbook, the participation board and reminders."""

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
from evaluasi.models import Answer, ReminderLog, Submission
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.saq import offline, reminders
from evaluasi.saq import selectors as saq_selectors
from evaluasi.saq import services as saq_services
from tests.evaluasi.conftest import fill_everything
from tests.factories import DesaFactory

pytestmark = pytest.mark.django_db


def downloaded_workbook(client, submission):
    response = client.get(reverse("evaluasi:answers_workbook", args=[submission.pk]))
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_answer(workbook, code, value, url=None):
    sheet = workbook["jawaban"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == code:
            row[1].value = value
            if url is not None:
                row[2].value = url
            return
    raise AssertionError(code)


def test_offline_workbook_round_trip_with_preview(
    client, operator_a, submission, django_capture_on_commit_callbacks
):
    client.force_login(operator_a)
    workbook = downloaded_workbook(client, submission)
    assert workbook.sheetnames == ["jawaban", "pengaturan", "petunjuk"]
    assert [c.value for c in workbook["pengaturan"]["B"]][1:] == [submission.unit.code, 2026]
    set_answer(workbook, "1.1.1", "Ya")
    set_answer(workbook, "1.2.3", "2,5")
    set_answer(workbook, "2.1.2", "b", url="https://ppid.desa.id/dip")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluasi:answers_import", args=[submission.pk]),
            {"file": SimpleUploadedFile("jawaban.xlsx", save(workbook))},
        )
    job = Job.objects.get(kind=evaluasi_jobs.ANSWERS_IMPORT)
    page = client.get(response["Location"]).content.decode()
    assert "Pratinjau: yang akan berubah" in page
    assert "2,5" in page and "https://ppid.desa.id/dip" in page
    assert not Answer.objects.exists(), "nothing changes before the operator confirms"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluasi:answers_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "succeeded", job.result
    values = dict(Answer.objects.values_list("indicator__code", "value"))
    assert values == {"1.1.1": "ya", "1.2.3": "2.5", "2.1.2": "b"}
    assert submission.evidence.get().url == "https://ppid.desa.id/dip"


def test_offline_workbook_problems_are_listed_and_nothing_saved(client, operator_a, submission):
    client.force_login(operator_a)
    workbook = downloaded_workbook(client, submission)
    set_answer(workbook, "1.1.1", "mungkin")
    set_answer(workbook, "1.2.3", "dua")
    set_answer(workbook, "2.1.2", "z")
    workbook["jawaban"].append(["9.9.9", "ya"])
    plan = offline.answers_import_check(data=save(workbook), submission=submission)
    errors = plan.problems.as_lists()["errors"]
    assert any(e.startswith("jawaban!B2: Pilih ya atau tidak.") for e in errors), errors
    assert any("'dua' bukan angka" in e for e in errors)
    assert any("'z' bukan salah satu opsi (a, b, c, d)." in e for e in errors)
    assert any("Indikator '9.9.9' tidak ada di kuesioner unit ini." in e for e in errors)
    with pytest.raises(questionnaire_services.QuestionnaireRejected):
        offline.answers_import_apply(data=save(workbook), user=operator_a, submission=submission)
    assert not Answer.objects.exists()


def test_a_workbook_for_another_unit_is_refused(client, operator_a, submission, kecamatan, period):
    other_unit = DesaFactory(code="64.08.04.2003", parent=kecamatan)
    other = saq_services.submission_start(period=period, unit=other_unit)
    client.force_login(operator_a)
    workbook = downloaded_workbook(client, submission)
    plan = offline.answers_import_check(data=save(workbook), submission=other)
    assert plan.problems.as_lists()["errors"] == [
        f"pengaturan!B2: Workbook ini untuk unit {submission.unit.code}, periode 2026; Anda sedang "
        f"mengisi {other_unit.code}, periode 2026. Unduh workbook milik unit ini."
    ]


def test_closed_stage_refuses_the_workbook(client, operator_a, submission, period):
    client.force_login(operator_a)
    data = save(downloaded_workbook(client, submission))
    period.saq_close = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    errors = offline.answers_import_check(data=data).problems.as_lists()["errors"]
    assert len(errors) == 1 and "telah lewat" in errors[0]


def test_import_answers_command_with_submit(client, operator_a, submission, tmp_path, capsys):
    fill_everything(submission, operator_a)
    Answer.objects.filter(indicator__code="1.1.1").update(value="")
    client.force_login(operator_a)
    workbook = downloaded_workbook(client, submission)
    set_answer(workbook, "1.1.1", "tidak")
    path = tmp_path / "jawaban.xlsx"
    path.write_bytes(save(workbook))
    call_command("import_answers", str(path), "--submit")
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert Answer.objects.get(indicator__code="1.1.1").value == "tidak"
    assert "SAQ Anda sudah dikirim" in capsys.readouterr().out
    capsys.readouterr()
    with pytest.raises(CommandError, match="1 masalah"):
        call_command("import_answers", str(path))
    assert "SAQ sudah dikirim dan dikunci" in capsys.readouterr().err


def test_participation_board_and_manual_reminders(
    admin_client,
    operator_a,
    submission,
    unit_b,
    kecamatan,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    unit_b.operator_email = "ppid@kominfo.go.id"
    unit_b.save()
    saq_services.answer_save(
        submission=submission,
        indicator=submission.questionnaire.indicators.first(),
        raw="ya",
        version=None,
        user=operator_a,
    )
    data = saq_selectors.participation(period=submission.period)
    by_code = {row["unit"].code: row["state"] for row in data["rows"]}
    assert by_code == {
        kecamatan.code: "not_started",
        submission.unit.code: "in_progress",
        unit_b.code: "not_started",
    }
    desa = next(level for level in data["levels"] if level["level"].code == "desa")
    assert (desa["in_progress"], desa["in_progress_percent"], desa["total"]) == (1, 100, 1)

    page = admin_client.get(
        reverse("evaluasi:participation", args=[2026]), {"status": "in_progress"}
    ).content.decode()
    assert submission.unit.name in page and unit_b.name not in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("evaluasi:reminder_send", args=[2026]))
    recipients = sorted(r for mail in mailoutbox for r in mail.to)
    assert recipients == [operator_a.email, "ppid@kominfo.go.id"]
    assert mailoutbox[0].subject == "Pengingat: SAQ PPID Award 2026"
    assert ReminderLog.objects.filter(kind="manual").count() == 2

    # Submitted units are not reminded and count as partisipan.
    fill_everything(submission, operator_a)
    saq_services.submission_submit(submission=submission, user=operator_a)
    mailoutbox.clear()
    reminders.reminders_send(period=submission.period, units=[submission.unit])
    assert mailoutbox == []
    rows = saq_selectors.participation(period=submission.period)["rows"]
    assert {r["unit"].code: r["state"] for r in rows}[submission.unit.code] == "submitted"


def test_automatic_reminders_n_days_before_once_a_day(operator_a, submission, period, mailoutbox):
    period.reminder_days = "7,3,1"
    period.save()
    deadline = timezone.localtime(period.saq_close)
    three_days_before = deadline - dt.timedelta(days=3)
    assert reminders.reminders_due(moment=three_days_before) == 1
    assert reminders.reminders_due(moment=three_days_before + dt.timedelta(hours=1)) == 0
    assert reminders.reminders_due(moment=deadline - dt.timedelta(days=5)) == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [operator_a.email]
    assert ReminderLog.objects.get().days_before == 3
    assert Submission.objects.count() == 1


def test_participation_board_pages_searches_and_says_who_gets_no_reminder(
    admin_client, period, operator_a, submission, kecamatan, django_capture_on_commit_callbacks
):
    from award.models import Unit
    from tests.factories import DesaFactory

    for n in range(60):
        DesaFactory(code=f"64.08.04.3{n:03d}", name=f"Desa Uji {n:02d}", parent=kecamatan)
    url = reverse("evaluasi:participation", args=[2026])
    page = admin_client.get(url).content.decode()
    assert "Halaman 1 dari 2" in page and "Belum mulai" in page and "Not started" not in page
    assert 'data-progress="' in page
    found = admin_client.get(url, {"q": "uji 07"}).content.decode()
    assert "Desa Uji 07" in found and "Desa Uji 08" not in found
    found = admin_client.get(url, {"q": "64.08.04.3059"}).content.decode()
    assert "Desa Uji 59" in found
    without = admin_client.get(url, {"operator": "tanpa"}).content.decode()
    assert "Desa Uji 00" in without and submission.unit.name not in without
    # All not submitted: 62 units, one with an operator; the message says so.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("evaluasi:reminder_send", args=[2026]), follow=True)
    body = response.content.decode()
    count = Unit.objects.filter(active=True).count()
    assert f"untuk 1 dari {count} unit" in body
    assert f"{count - 1} unit belum punya operator" in body


def test_number_answers_travel_as_numbers_and_round_trip(
    client, operator_a, submission, django_capture_on_commit_callbacks
):
    """A number answer is a number cell (Excel shows 2,5 to an Indonesian reader and can sum
    it), not the text "2.5"; the workbook as downloaded imports back to the same answers."""
    number = submission.questionnaire.indicators.get(code="1.2.3")
    saq_services.answer_save(
        submission=submission, indicator=number, raw="2,5", version=None, user=operator_a
    )
    whole = submission.questionnaire.indicators.filter(type="angka").exclude(pk=number.pk).first()
    if whole is not None:
        saq_services.answer_save(
            submission=submission, indicator=whole, raw="3", version=None, user=operator_a
        )
    client.force_login(operator_a)
    workbook = downloaded_workbook(client, submission)
    cells = {row[0].value: row[1] for row in workbook["jawaban"].iter_rows(min_row=2)}
    assert cells["1.2.3"].value == 2.5 and cells["1.2.3"].data_type == "n"
    if whole is not None:
        assert cells[whole.code].value == 3 and cells[whole.code].data_type == "n"
    before = dict(Answer.objects.values_list("indicator__code", "value"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("evaluasi:answers_import", args=[submission.pk]),
            {"file": SimpleUploadedFile("jawaban.xlsx", save(workbook))},
        )
    job = Job.objects.get(kind=evaluasi_jobs.ANSWERS_IMPORT)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluasi:answers_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "succeeded", job.result
    assert dict(Answer.objects.values_list("indicator__code", "value")) == before
