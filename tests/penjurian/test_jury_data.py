"""Jury data the scoring engine reads: assignments, verifications, presentation scores."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluasi.saq import services as saq_services
from penjurian.assignment import assignment_add
from penjurian.models import PresentationCriterion, Verification
from penjurian.presentations import presentation_scores_save
from penjurian.verification import verification_save
from tests.evaluasi.conftest import fill_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(submission, operator_a):
    fill_everything(submission, operator_a)
    return saq_services.submission_submit(submission=submission, user=operator_a)


def test_a_jury_is_assigned_only_within_its_period_and_never_to_its_own_unit(
    period, jury_user, unit_a, unit_b, admin_user
):
    with pytest.raises(ValidationError, match="bukan juri periode"):
        assignment_add(period=period, jury=admin_user, unit=unit_a)
    membership = period.juries.get(user=jury_user)
    membership.home_unit = unit_b
    membership.save()
    with pytest.raises(ValidationError, match="tidak boleh menilai unit ini"):
        assignment_add(period=period, jury=jury_user, unit=unit_b)
    assert assignment_add(period=period, jury=jury_user, unit=unit_a).pk


def test_verification_rules(submitted, jury_user, period, unit_a):
    number = submitted.questionnaire.indicators.get(code="1.2.3")
    with pytest.raises(ValidationError, match="tidak ditugaskan"):
        verification_save(submission=submitted, indicator=number, jury=jury_user, decision="accept")
    assignment_add(period=period, jury=jury_user, unit=unit_a)
    accepted = verification_save(
        submission=submitted, indicator=number, jury=jury_user, decision="accept", value="9"
    )
    assert accepted.value == "", "accepting keeps the operator's answer"
    with pytest.raises(ValidationError) as error:
        verification_save(
            submission=submitted, indicator=number, jury=jury_user, decision="adjust", value="dua"
        )
    assert set(error.value.message_dict) == {"reason", "value"}
    adjusted = verification_save(
        submission=submitted,
        indicator=number,
        jury=jury_user,
        decision="adjust",
        value="1,5",
        reason="Hanya 1 petugas tetap dan 1 paruh waktu",
    )
    assert (adjusted.decision, adjusted.value) == ("adjust", "1.5")
    assert Verification.objects.count() == 1
    with pytest.raises(ValidationError, match="alasan"):
        verification_save(submission=submitted, indicator=number, jury=jury_user, decision="reject")


def test_only_submitted_saqs_are_verified(submission, jury_user, period, unit_a):
    assignment_add(period=period, jury=jury_user, unit=unit_a)
    indicator = submission.questionnaire.indicators.first()
    with pytest.raises(ValidationError, match="Hanya SAQ yang sudah dikirim"):
        verification_save(
            submission=submission, indicator=indicator, jury=jury_user, decision="accept"
        )


def test_presentation_scores_need_an_assignment_and_stay_in_range(period, jury_user, unit_a):
    criterion = PresentationCriterion.objects.create(
        period=period, code="K1", name="Penguasaan materi", weight=40
    )
    with pytest.raises(ValidationError, match="tidak ditugaskan"):
        presentation_scores_save(
            period=period, unit=unit_a, jury=jury_user, scores={criterion.pk: 80}
        )
    assignment_add(period=period, jury=jury_user, unit=unit_a)
    with pytest.raises(ValidationError):
        presentation_scores_save(
            period=period, unit=unit_a, jury=jury_user, scores={criterion.pk: 101}
        )
    (saved,) = presentation_scores_save(
        period=period, unit=unit_a, jury=jury_user, scores={criterion.pk: Decimal("85.5")}
    )
    assert saved.score == Decimal("85.5")
