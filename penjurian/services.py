"""Writes of jury work: assignments, verifications, presentation scores."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from award.models import Period, Unit
from evaluasi.models import (
    Indicator,
    Submission,
)
from penjurian.models import Assignment, PresentationScore, Verification

logger = logging.getLogger(__name__)


# --- juries (screens come with the jury issue; the scoring engine reads these) ------------
def assignment_add(*, period: Period, jury, unit: Unit) -> Assignment:
    period.check_inputs_editable()
    assignment = Assignment(period=period, jury=jury, unit=unit)
    assignment.full_clean()
    assignment.save()
    return assignment


def verification_save(
    *, submission: Submission, indicator: Indicator, jury, decision: str, value="", reason=""
):
    """A jury's accept / adjust (with the new answer and a reason) / reject (with a reason)."""
    if not submission.is_submitted:
        raise ValidationError(_("Only a submitted SAQ can be verified."))
    Period.objects.get(pk=submission.period_id).check_inputs_editable()
    verification = Verification.objects.filter(
        submission=submission, indicator=indicator, jury=jury
    ).first() or Verification(submission=submission, indicator=indicator, jury=jury)
    verification.decision = decision
    verification.value = "" if value is None else str(value)
    verification.reason = reason or ""
    verification.full_clean()
    verification.save()
    return verification


def presentation_score_save(*, criterion, unit: Unit, jury, score):
    Period.objects.get(pk=criterion.period_id).check_inputs_editable()
    item = PresentationScore.objects.filter(criterion=criterion, unit=unit, jury=jury).first()
    item = item or PresentationScore(criterion=criterion, unit=unit, jury=jury)
    item.score = score
    item.full_clean()
    item.save()
    return item
