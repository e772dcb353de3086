"""The SAQ pages every operator repeats on deadline day (issue #19, bench/deadline_rush.py):
what they read and write, so that a change that brings back a query or a session write fails
here before it shows in the bench."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluasi.models import Submission
from evaluasi.saq import selectors as saq_selectors
from tests.evaluasi.conftest import fill_everything

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    # pghistory puts its context (SELECT set_config(...);) in front of a write.
    return [
        q["sql"]
        for q in queries
        if any(word in q["sql"] for word in ('UPDATE "', 'INSERT INTO "', 'DELETE FROM "'))
    ]


def _steps(submission) -> list[str]:
    return [saq_selectors.step_name(a) for a in submission.questionnaire.aspects.all()]


def test_opening_steps_reads_six_times_and_writes_nothing(client, operator_a, submission):
    client.force_login(operator_a)
    steps = _steps(submission)
    client.get(reverse("evaluasi:saq_step", args=[submission.pk, steps[0]]))  # warm caches
    for step in [*steps[1:3], "tinjau", steps[0]]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("evaluasi:saq_step", args=[submission.pk, step]))
        assert page.status_code == 200
        # Session, user, the submission with its deadline, the user's facts, answers, evidence.
        assert len(queries) <= 6, [q["sql"][:80] for q in queries]
        assert _writes(queries) == [], "a page view wrote (the wizard's session?)"


def test_submitting_writes_the_saq_and_its_event_only(client, operator_a, submission):
    fill_everything(submission, operator_a)
    client.force_login(operator_a)
    url = reverse("evaluasi:saq_step", args=[submission.pk, "tinjau"])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {f"saq_{submission.pk}-current_step": "tinjau"})
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluasi:saq_summary", args=[submission.pk])
    writes = _writes(queries)
    assert len(writes) == 2, writes
    assert 'UPDATE "evaluasi_submission"' in writes[0]
    assert 'INSERT INTO "evaluasi_submissionevent"' in writes[1]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_a_step_the_wizard_does_not_have_is_refused_not_a_server_error(
    client, operator_a, submission
):
    client.force_login(operator_a)
    url = reverse("evaluasi:saq_step", args=[submission.pk, _steps(submission)[0]])
    for data in ({f"saq_{submission.pk}-current_step": "langkah-palsu"}, {}):
        response = client.post(url, data)
        assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_a_step_saved_from_a_fresh_session_goes_to_the_next_step(client, operator_a, submission):
    """Nothing of the wizard is kept between requests: the posted step alone decides."""
    steps = _steps(submission)
    client.force_login(operator_a)
    url = reverse("evaluasi:saq_step", args=[submission.pk, steps[2]])
    response = client.post(url, {f"saq_{submission.pk}-current_step": steps[2]})
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluasi:saq_step", args=[submission.pk, steps[3]])
