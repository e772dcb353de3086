"""Jury data the scoring engine reads: assignments, verifications, presentation scores."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluasi.saq import services as saq_services
from penjurian import services as jury_services
from penjurian.models import PresentationCriterion, Verification
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
        jury_services.assignment_add(period=period, jury=admin_user, unit=unit_a)
    membership = period.juries.get(user=jury_user)
    membership.home_unit = unit_b
    membership.save()
    with pytest.raises(ValidationError, match="tidak boleh menilai unit ini"):
        jury_services.assignment_add(period=period, jury=jury_user, unit=unit_b)
    assert jury_services.assignment_add(period=period, jury=jury_user, unit=unit_a).pk


def test_verification_rules(submitted, jury_user, period, unit_a):
    number = submitted.questionnaire.indicators.get(code="1.2.3")
    with pytest.raises(ValidationError, match="tidak ditugaskan"):
        jury_services.verification_save(
            submission=submitted, indicator=number, jury=jury_user, decision="accept"
        )
    jury_services.assignment_add(period=period, jury=jury_user, unit=unit_a)
    accepted = jury_services.verification_save(
        submission=submitted, indicator=number, jury=jury_user, decision="accept", value="9"
    )
    assert accepted.value == "", "accepting keeps the operator's answer"
    with pytest.raises(ValidationError) as error:
        jury_services.verification_save(
            submission=submitted, indicator=number, jury=jury_user, decision="adjust", value="dua"
        )
    assert set(error.value.message_dict) == {"reason", "value"}
    adjusted = jury_services.verification_save(
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
        jury_services.verification_save(
            submission=submitted, indicator=number, jury=jury_user, decision="reject"
        )


def test_only_submitted_saqs_are_verified(submission, jury_user, period, unit_a):
    jury_services.assignment_add(period=period, jury=jury_user, unit=unit_a)
    indicator = submission.questionnaire.indicators.first()
    with pytest.raises(ValidationError, match="Hanya SAQ yang sudah dikirim"):
        jury_services.verification_save(
            submission=submission, indicator=indicator, jury=jury_user, decision="accept"
        )


def test_presentation_scores_need_an_assignment_and_stay_in_range(period, jury_user, unit_a):
    criterion = PresentationCriterion.objects.create(
        period=period, code="K1", name="Penguasaan materi", weight=40
    )
    with pytest.raises(ValidationError, match="tidak ditugaskan"):
        jury_services.presentation_score_save(
            criterion=criterion, unit=unit_a, jury=jury_user, score=80
        )
    jury_services.assignment_add(period=period, jury=jury_user, unit=unit_a)
    with pytest.raises(ValidationError):
        jury_services.presentation_score_save(
            criterion=criterion, unit=unit_a, jury=jury_user, score=101
        )
    saved = jury_services.presentation_score_save(
        criterion=criterion, unit=unit_a, jury=jury_user, score=Decimal("85.5")
    )
    assert saved.score == Decimal("85.5")
