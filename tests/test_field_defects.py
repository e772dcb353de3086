"""Field defects of issue #19 that the server answers (the browser ones are in
tests/e2e/test_guarded_forms.py): each fails on the code as the field walk found it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from award.models import JURY_GROUP, Level, Stage, Unit
from award.selectors import unit_search
from common import charts
from common.uploads import RequestSizeMiddleware
from evaluasi.models import Submission
from evaluasi.saq import services as saq_services
from penjurian.models import Assignment, Objection, PresentationCriterion, Verification
from tests.evaluasi.test_workbook import ASPECTS, INDICATORS, errors, workbook
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- 2. an evidence file over the limit ---------------------------------------------------
def test_an_oversized_htmx_upload_is_answered_in_its_card(rf, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.REQUEST_MAX_BYTES = 2 * 1024 * 1024
    request = rf.post(
        "/saq/1/bukti/2/",
        CONTENT_LENGTH=str(5 * 1024 * 1024),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="bukti-2",
    )
    response = RequestSizeMiddleware(lambda r: pytest.fail("the body must not be read"))(request)
    assert response.status_code == 413
    assert response["HX-Retarget"] == "#bukti-2 [data-upload-error]"
    assert response["HX-Reswap"] == "innerHTML"
    assert "lebih besar dari 1 MB" in response.content.decode()


def test_the_development_server_gets_no_hop_by_hop_header(rf, settings):
    """wsgiref (runserver, the demo) answers 500 to a response with a Connection header."""
    settings.REQUEST_MAX_BYTES = 10
    middleware = RequestSizeMiddleware(lambda r: None)
    under_runserver = rf.post("/x/", CONTENT_LENGTH="100", SERVER_SOFTWARE="WSGIServer/0.2")
    assert "Connection" not in middleware(under_runserver)
    under_gunicorn = rf.post("/x/", CONTENT_LENGTH="100", SERVER_SOFTWARE="gunicorn/23")
    assert middleware(under_gunicorn)["Connection"] == "close"
    sneaky = rf.post("/x/", CONTENT_LENGTH="100", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="a b]")
    assert "HX-Retarget" not in middleware(sneaky), "a target that is not an id is not echoed"


def test_the_size_message_has_a_decimal_comma(submission, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("sk.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024 // 2))
    with pytest.raises(ValidationError) as refused:
        saq_services.evidence_file_check(upload=upload)
    assert "“sk.pdf” 1,5 MB; batasnya 1 MB" in refused.value.messages[0]


# --- 3. a stage set by hand ----------------------------------------------------------------
def test_a_stage_set_by_hand_says_the_saq_stage_is_closed(submission):
    period = submission.period
    period.saq_close = timezone.now() + dt.timedelta(days=21)
    period.stage_override = Stage.OBJECTION
    period.save()
    with pytest.raises(ValidationError) as refused:
        saq_services.submission_check_editable(submission=submission)
    message = refused.value.messages[0]
    assert "Tahap SAQ sudah ditutup" in message
    assert "Sanggah" in message or "sanggah" in message
    assert "telah lewat" not in message


# --- 4. presentation errors ----------------------------------------------------------------
def test_presentation_errors_are_sentences_not_python_lists(client, period, unit_a):
    from penjurian.models import PresentationSlot

    jury = UserFactory(username="juri.presentasi", groups=[JURY_GROUP])
    period.juries.create(user=jury)
    Assignment.objects.create(period=period, jury=jury, unit=unit_a)
    criterion = PresentationCriterion.objects.create(
        period=period, code="K1", name="Penguasaan", weight=1
    )
    slot = PresentationSlot.objects.create(period=period, unit=unit_a, starts_at=timezone.now())
    client.force_login(jury)
    response = client.post(
        reverse("penjurian:presentation_score", args=[slot.pk]), {f"c-{criterion.pk}": "abc"}
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "bukan angka" in text
    assert "[&#x27;" not in text and "['" not in text


# --- 6. an objection rejected without a reason --------------------------------------------
def objected(submission, operator, username="juri.sanggah"):
    """A jury assigned to the unit, its rejected verdict, and the unit's open objection."""
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    jury = UserFactory(username=username, groups=[JURY_GROUP])
    submission.period.juries.create(user=jury)
    Assignment.objects.create(period=submission.period, jury=jury, unit=submission.unit)
    verdict = Verification.objects.create(
        submission=submission,
        indicator=submission.questionnaire.indicators.first(),
        jury=jury,
        decision="reject",
        reason="Tidak ada SK",
    )
    objection = Objection.objects.create(
        verification=verdict, submission=submission, text="SK ada", filed_by=operator
    )
    return jury, objection


def test_rejecting_an_objection_without_a_reason_keeps_the_choice_and_says_it_once(
    client, submission, operator_a
):
    jury, objection = objected(submission, operator_a)
    client.force_login(jury)
    response = client.post(
        reverse("penjurian:objections_jury", args=[submission.pk]),
        {"objection": objection.pk, "outcome": "reject", "answer": ""},
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert text.count("Tuliskan alasan menolak sanggahan.") == 1
    assert f'value="reject" id="or-{objection.pk}" checked' in text


# --- 7. every workbook problem at once ----------------------------------------------------
def test_aspect_weights_are_reported_beside_the_other_errors():
    aspects = [ASPECTS[0], ["A1", "Sarana", 75], ["A2", "Digital", 60]]
    indicators = [*INDICATORS, ["A1", "1.1.1.3", "Rusak?", "bukan_tipe", 1, "tidak"]]
    found = errors(workbook(aspects=aspects, indicators=indicators))
    assert "aspek!C1: Jumlah bobot aspek harus 100; saat ini 135." in found
    assert any(e.startswith("indikator!D6") for e in found), found


# --- 8. the app's own error pages ---------------------------------------------------------
@pytest.mark.parametrize("debug", [True, False])
def test_unknown_urls_and_crashes_get_the_indonesian_pages(settings, debug, monkeypatch):
    settings.DEBUG = debug
    settings.TECHNICAL_ERROR_PAGES = False
    client = Client(raise_request_exception=False)
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Halaman tidak ditemukan" in text
    assert "URLconf" not in text and "Page not found" not in text

    from common import selectors

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "system_health", broken)
    response = client.get("/sehat/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Kesalahan server" in text
    assert "Traceback" not in text and "RuntimeError" not in text


# --- 9. small ones ------------------------------------------------------------------------
def test_the_unit_search_ignores_spaces(unit_a):
    Unit.objects.filter(pk=unit_a.pk).update(name="Desa Swargabara")
    found = unit_search(units=Unit.objects.all(), text="Swarga Bara")
    assert list(found) == [unit_a]
    Unit.objects.filter(pk=unit_a.pk).update(name="Desa Swarga Bara")
    assert list(unit_search(units=Unit.objects.all(), text="swargabara")) == [unit_a]


def test_a_level_keeps_its_colour_when_a_level_is_added(default_levels):
    desa = Level.objects.get(code="desa")
    before = charts.level_colour(desa)
    Level.objects.create(code="kelurahan", name="Kelurahan", order=0)
    assert charts.level_colour(Level.objects.get(code="desa")) == before


def test_the_finalists_field_has_a_sensible_bound(admin_client, period):
    response = admin_client.get(reverse("award:period_update", args=[period.year]))
    text = response.content.decode()
    assert "9223372036854775807" not in text and "32767" not in text
    period.finalist_count = 101
    with pytest.raises(ValidationError):
        period.full_clean()


def test_weights_that_do_not_sum_to_one_are_shown_with_a_comma(period):
    period.weight_verification = Decimal("0.9")
    period.weight_presentation = Decimal("0.9")
    with pytest.raises(ValidationError) as refused:
        period.full_clean()
    assert "(saat ini 1,8)" in " ".join(refused.value.messages)


def test_an_answer_stored_with_a_dot_is_shown_with_a_comma(client, operator_a, submission):
    indicator = submission.questionnaire.indicators.filter(type="angka").first()
    saq_services.answer_save(
        submission=submission, indicator=indicator, raw="85.5", version=None, user=operator_a
    )
    from evaluasi.saq.selectors import step_name

    client.force_login(operator_a)
    response = client.get(
        reverse("evaluasi:saq_step", args=[submission.pk, step_name(indicator.aspect)])
    )
    assert 'value="85,5"' in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).answers.get(indicator=indicator).value == (
        "85.5"
    )


# --- without a job queue, the run's page says the run ran in the web process -------------
def test_a_run_computed_in_the_web_process_says_so(admin_client, settings, submission):
    from penilaian import services as scoring_services

    run = scoring_services.scoring_run_start(period=submission.period, inline=True)
    url = reverse("penilaian:scoring_run", args=[run.pk])
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert "tidak memiliki antrean tugas" not in admin_client.get(url).content.decode()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert "tidak memiliki antrean tugas" in admin_client.get(url).content.decode()


# --- paper cut: a jury sees where to answer objections --------------------------------------
def test_the_jury_dashboard_and_inbox_lead_to_each_open_objection(client, submission, operator_a):
    jury, objection = objected(submission, operator_a)
    other = UserFactory(username="juri.lain", groups=[JURY_GROUP])
    submission.period.juries.create(user=other)
    answer_page = reverse("penjurian:objections_jury", args=[submission.pk])

    client.force_login(jury)
    text = client.get(reverse("award:dashboard")).content.decode()
    assert "1 sanggahan perlu dijawab" in text
    assert f'href="{answer_page}#o-{objection.pk}"' in text
    assert f'href="{answer_page}"' in client.get(reverse("penjurian:inbox")).content.decode()

    client.force_login(other)
    assert "perlu dijawab" not in client.get(reverse("award:dashboard")).content.decode()
    objection.status = Objection.Status.REJECTED
    objection.save()
    client.force_login(jury)
    assert "perlu dijawab" not in client.get(reverse("award:dashboard")).content.decode()


# --- paper cut: a level without a questionnaire is shown as not ready ---------------------
def test_a_level_without_a_questionnaire_is_not_ready_and_listed_last(
    admin_client, period, unit_a, unit_b, desa_questionnaire
):
    from evaluasi.saq.selectors import participation_levels

    rows = participation_levels(period=period)
    assert [(row["level"].code, row["ready"]) for row in rows] == [
        ("desa", True),
        ("kecamatan", False),
        ("opd", False),
    ]
    board = admin_client.get(reverse("evaluasi:participation", args=[period.year]))
    text = board.content.decode()
    assert "belum siap" in text.lower()
    assert reverse("evaluasi:questionnaire_list", args=[period.year]) in text
    dashboard = admin_client.get(reverse("award:dashboard")).content.decode()
    assert "Tingkat OPD belum memiliki kuesioner terbit" in dashboard
    assert "Tingkat Desa belum memiliki" not in dashboard
