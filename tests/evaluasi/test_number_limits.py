"""Numbers (DESIGN.md §3): min/maks are the scoring range, so any number is an answer and is
scored with the clamp; batas_bawah/batas_atas are hard input limits, enforced in the SAQ, the
offline workbook and the questionnaire import with the cell named."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluasi.questionnaires import selectors as questionnaire_selectors
from evaluasi.questionnaires.rubric import indicator_score
from evaluasi.saq import offline
from evaluasi.saq import services as saq_services
from penilaian import data
from tests.evaluasi.test_offline_and_participation import (
    downloaded_workbook,
    save,
    set_answer,
)

pytestmark = pytest.mark.django_db


def test_forty_on_a_zero_to_twelve_indicator_is_accepted_and_scores_100(submission, operator_a):
    indicator = submission.questionnaire.indicators.get(code="1.2.3")
    type(indicator).objects.filter(pk=indicator.pk).update(
        min_value=Decimal(0), max_value=Decimal(12), input_max=None
    )
    indicator.refresh_from_db()
    result = saq_services.answer_save(
        submission=submission, indicator=indicator, raw="40", version=None, user=operator_a
    )
    assert result.answer.value == "40"
    spec = questionnaire_selectors.indicator_spec(indicator=indicator)
    assert indicator_score(spec, "40") == 100
    scored = data.answers_scored(submission.pk).set_index("indicator")
    assert scored.loc[indicator.pk, "self_score"] == 100


def test_a_percentage_over_100_is_refused_everywhere(client, submission, operator_a):
    percentage = submission.questionnaire.indicators.get(code="6.1.1")
    assert percentage.input_min == 0 and percentage.input_max == 100
    with pytest.raises(ValidationError, match="tidak boleh lebih dari 100"):
        saq_services.answer_save(
            submission=submission, indicator=percentage, raw="150", version=None, user=operator_a
        )
    client.force_login(operator_a)
    workbook = downloaded_workbook(client, submission)
    set_answer(workbook, "6.1.1", 150)
    row = next(cell.row for cell in workbook["jawaban"]["A"] if cell.value == "6.1.1")
    plan = offline.answers_import_check(data=save(workbook), submission=submission)
    errors = plan.problems.as_lists()["errors"]
    assert f"jawaban!B{row}: Angka tidak boleh lebih dari 100." in errors, errors
    assert not submission.answers.filter(indicator=percentage).exists()


def test_the_step_form_names_the_field(client, submission, operator_a):
    client.force_login(operator_a)
    percentage = submission.questionnaire.indicators.get(code="6.1.1")
    from evaluasi.saq import selectors as saq_selectors

    step = saq_selectors.step_name(percentage.aspect)
    response = client.post(
        reverse("evaluasi:saq_autosave", args=[submission.pk, percentage.pk]),
        {"prefix": f"{step}-", f"{step}-i{percentage.pk}": "150", f"{step}-v{percentage.pk}": "0"},
    )
    assert response.status_code == 422
    assert "Angka tidak boleh lebih dari 100." in response.content.decode()


def test_the_questionnaire_import_checks_the_limits(period):
    import io

    from openpyxl import load_workbook

    from evaluasi.questionnaires import services as questionnaire_services
    from evaluasi.questionnaires.defaults import default_workbook_path

    workbook = load_workbook(default_workbook_path("desa"))
    sheet = workbook["indikator"]
    header = [cell.value for cell in sheet[1]]
    low, high = header.index("batas_bawah") + 1, header.index("batas_atas") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "6.1.1":
            row[low - 1].value, row[high - 1].value = 100, 0
            number = row[0].row
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(questionnaire_services.QuestionnaireRejected) as rejected:
        questionnaire_services.questionnaire_import(data=buffer.getvalue(), period=period)
    errors = rejected.value.problems.as_lists()["errors"]
    column = "ABCDEFGHIJKLM"[high - 1]
    assert any(e.startswith(f"indikator!{column}{number}:") for e in errors), errors
