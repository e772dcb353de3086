"""Submission under concurrent writes, against PostgreSQL with real concurrent connections:
a submitted SAQ holds exactly the answers its stored score was computed from, and no write
that was acknowledged lands after ``submitted_at``."""

import contextvars
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import get_script_prefix, reverse, set_script_prefix

from evaluasi.models import Answer, Submission
from evaluasi.saq import selectors as saq_selectors
from evaluasi.saq import services as saq_services
from tests.evaluasi.conftest import fill_everything

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_levels")]


def in_thread(target, *args):
    box = {}
    prefix = get_script_prefix()  # thread-local in Django: handed over by hand

    def run():
        set_script_prefix(prefix)
        try:
            box["result"] = target(*args)
        except Exception as error:  # noqa: BLE001 - handed to the test
            box["error"] = error
        finally:
            connection.close()

    # The thread works in the test's context (its organiser and scope), as a request would.
    thread = threading.Thread(target=contextvars.copy_context().run, args=(run,))
    thread.start()
    return thread, box


def scored_indicator(submission):
    return submission.questionnaire.indicators.filter(type="ya_tidak", weight__gt=0).first()


def test_submission_waits_for_an_answer_write_in_flight_and_scores_it(
    operator_a, submission, desa_questionnaire
):
    fill_everything(submission, operator_a)
    indicator = scored_indicator(submission)
    written, release = threading.Event(), threading.Event()

    def slow_write():
        # An autosave whose transaction has written but not yet committed.
        with transaction.atomic():
            saq_services.answer_save(
                submission=submission, indicator=indicator, raw="tidak", version=None, user=None
            )
            written.set()
            release.wait(10)

    writer, writer_box = in_thread(slow_write)
    assert written.wait(10)
    submitter, submit_box = in_thread(
        lambda: saq_services.submission_submit(submission=submission, user=operator_a)
    )
    time.sleep(0.5)
    assert submitter.is_alive(), "the submission waits for the write in flight"
    release.set()
    writer.join(10)
    submitter.join(10)
    assert "error" not in writer_box and "error" not in submit_box, (writer_box, submit_box)

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    answer = Answer.objects.get(submission=submission, indicator=indicator)
    assert answer.value == "tidak"
    assert answer.updated_at <= submission.submitted_at
    assert submission.saq_score == saq_selectors.submission_score(submission=submission)
    assert submission.saq_score < Decimal("100")


def test_a_write_after_the_submission_is_refused_and_changes_nothing(operator_a, submission):
    fill_everything(submission, operator_a)
    saq_services.submission_submit(submission=submission, user=operator_a)
    indicator = scored_indicator(submission)
    stale = Submission.objects.get(pk=submission.pk)
    stale.status = Submission.Status.DRAFT  # a request that read the SAQ before it was locked
    with pytest.raises(ValidationError, match="dikirim"):
        saq_services.answer_save(
            submission=stale, indicator=indicator, raw="tidak", version=None, user=operator_a
        )
    assert Answer.objects.get(submission=submission, indicator=indicator).value == "ya"


def test_autosaves_racing_the_submit_button_over_http(operator_a, submission):
    """Operators' autosaves and the submit button at the same moment, through the web views:
    every autosave acknowledged with 200 is in the database, written before submitted_at, and
    the stored score is the score of the answers stored."""
    fill_everything(submission, operator_a)
    indicators = list(submission.questionnaire.indicators.filter(type="ya_tidak", weight__gt=0)[:6])
    step = saq_selectors.step_name(indicators[0].aspect)
    acknowledged = {}
    lock = threading.Lock()
    start = threading.Barrier(len(indicators) + 1)

    def autosave(indicator):
        client = Client()
        client.force_login(operator_a)
        url = reverse("evaluasi:saq_autosave", args=[submission.pk, indicator.pk])
        start.wait(10)
        for value in ["tidak", "ya", "tidak", "ya", "tidak"]:
            version = Answer.objects.get(submission=submission, indicator=indicator).version
            response = client.post(
                url,
                {
                    "prefix": f"{step}-",
                    f"{step}-i{indicator.pk}": value,
                    f"{step}-v{indicator.pk}": version,
                },
            )
            if response.status_code == 200:
                with lock:
                    acknowledged[indicator.pk] = value
        close_old_connections()

    def submit():
        client = Client()
        client.force_login(operator_a)
        review = reverse("evaluasi:saq_step", args=[submission.pk, "tinjau"])
        client.get(review)
        start.wait(10)
        time.sleep(0.02)
        return client.post(review, {f"saq_{submission.pk}-current_step": "tinjau"})

    threads = [in_thread(autosave, indicator) for indicator in indicators]
    submitter, box = in_thread(submit)
    for thread, result in [*threads, (submitter, box)]:
        thread.join(30)
        assert "error" not in result, result

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    stored = {
        a.indicator_id: a
        for a in Answer.objects.filter(submission=submission, indicator__in=indicators)
    }
    for pk, value in acknowledged.items():
        assert stored[pk].value == value, "an acknowledged save is what the database holds"
    for answer in stored.values():
        assert answer.updated_at <= submission.submitted_at
    assert submission.saq_score == saq_selectors.submission_score(submission=submission)
    assert not saq_selectors.submission_missing(submission=submission)
