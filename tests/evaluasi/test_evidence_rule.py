"""Evidence follows the answer: `bukti = wajib` applies only when the answer claims
something (Ya, an option or a number scoring above 0; any text or link); a missing answer is
listed once, not again as missing evidence."""

from decimal import Decimal

import pytest

from evaluasi.models import Answer, Evidence
from evaluasi.questionnaires.rubric import IndicatorSpec, OptionSpec, evidence_needed
from evaluasi.saq import selectors

OPTIONS = [OptionSpec("a", "Tidak ada", Decimal(0)), OptionSpec("b", "Ada", Decimal(50))]


def spec(type_, **fields):
    fields = {"weight": Decimal(1), "evidence": "wajib", **fields}
    return IndicatorSpec(code="x", question="q", type=type_, **fields)


@pytest.mark.parametrize(
    ("indicator", "answer", "needed"),
    [
        (spec("ya_tidak"), "ya", True),
        (spec("ya_tidak"), "tidak", False),
        (spec("ya_tidak"), "", False),
        (spec("ya_tidak", weight=Decimal(0)), "ya", True),  # weight aside
        (
            spec("pilihan", options=OPTIONS),
            "a",
            False,
        ),
        (
            spec("pilihan", options=OPTIONS),
            "b",
            True,
        ),
        (spec("angka", min_value=Decimal(0), max_value=Decimal(12)), "0", False),
        (spec("angka", min_value=Decimal(0), max_value=Decimal(12)), "3,5", True),
        (spec("angka", min_value=Decimal(5), max_value=Decimal(12)), "4", False),  # scores 0
        (spec("teks"), "SK nomor 12", True),
        (spec("url"), "", False),
        (IndicatorSpec("x", "q", "ya_tidak", Decimal(1), evidence="opsional"), "ya", False),
    ],
)
def test_evidence_needed(indicator, answer, needed):
    assert evidence_needed(indicator, answer) is needed


@pytest.mark.django_db
def test_tidak_needs_no_upload_and_a_missing_answer_is_listed_once(submission):
    indicator = submission.questionnaire.indicators.filter(
        type="ya_tidak", evidence="wajib"
    ).first()
    missing = selectors.submission_missing(submission=submission)
    assert [(m.indicator.pk, m.what) for m in missing if m.indicator.pk == indicator.pk] == [
        (indicator.pk, "answer")
    ]
    Answer.objects.create(submission=submission, indicator=indicator, value="tidak")
    missing = selectors.submission_missing(submission=submission)
    assert not [m for m in missing if m.indicator.pk == indicator.pk]
    Answer.objects.filter(submission=submission, indicator=indicator).update(value="ya")
    missing = selectors.submission_missing(submission=submission)
    assert [(m.indicator.pk, m.what) for m in missing if m.indicator.pk == indicator.pk] == [
        (indicator.pk, "evidence")
    ]
    Evidence.objects.create(
        submission=submission, indicator=indicator, kind=Evidence.Kind.URL, url="https://x.go.id"
    )
    missing = selectors.submission_missing(submission=submission)
    assert not [m for m in missing if m.indicator.pk == indicator.pk]
