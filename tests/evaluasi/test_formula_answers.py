"""An operator's hostile text answer stays text in the answers workbook, and the workbook
still round-trips exactly (formula injection, OWASP "CSV injection")."""

import pytest
from django.urls import reverse

from evaluasi.models import Answer
from evaluasi.saq import offline
from evaluasi.saq import services as saq_services
from tests.laporan.test_formula_injection import EVIL_ANSWER, formulas_in

pytestmark = pytest.mark.django_db


def test_a_hostile_answer_stays_text_and_the_workbook_round_trips(
    client, operator_a, submission, django_capture_on_commit_callbacks
):
    text = submission.questionnaire.indicators.filter(type="teks").first()
    saq_services.answer_save(
        submission=submission, indicator=text, raw=EVIL_ANSWER, version=None, user=operator_a
    )
    client.force_login(operator_a)
    response = client.get(reverse("evaluasi:answers_workbook", args=[submission.pk]))
    data = b"".join(response.streaming_content)
    assert formulas_in(data) == []
    plan = offline.answers_import_check(data=data, submission=submission)
    assert not plan.problems.errors, plan.problems.as_lists()
    offline.answers_import_apply(data=data, user=operator_a, submission=submission)
    assert Answer.objects.get(submission=submission, indicator=text).value == EVIL_ANSWER
