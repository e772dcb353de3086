"""Emails of jury work: a jury learns of new units; the operators learn when every assigned
jury has a verdict on every indicator (once, not on later edits)."""

import pytest
from django.core import mail

from evaluasi.models import Submission
from penjurian.assignment import assignments_fill
from penjurian.models import Assignment
from penjurian.verification import verification_save


@pytest.mark.django_db
def test_assignment_and_verification_done_mails(
    period, unit_a, submission, jury_user, operator_a, django_capture_on_commit_callbacks
):
    jury_user.email, operator_a.email = "juri@example.org", "op@example.org"
    jury_user.save()
    operator_a.save()
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    submission.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report = assignments_fill(period=period, per_unit=1)
    assert report.created == 1 and Assignment.objects.get().jury == jury_user
    assert [m.to for m in mail.outbox] == [["juri@example.org"]]
    assert "1 unit" in mail.outbox[0].body
    mail.outbox.clear()
    indicators = list(submission.questionnaire.indicators.all())
    with django_capture_on_commit_callbacks(execute=True):
        for indicator in indicators[:-1]:
            verification_save(
                submission=submission, indicator=indicator, jury=jury_user, decision="accept"
            )
    assert mail.outbox == []  # not done yet
    with django_capture_on_commit_callbacks(execute=True):
        verification_save(
            submission=submission, indicator=indicators[-1], jury=jury_user, decision="accept"
        )
        verification_save(
            submission=submission,
            indicator=indicators[0],
            jury=jury_user,
            decision="reject",
            reason="diubah",
        )
    assert [m.to for m in mail.outbox] == [["op@example.org"]]
    assert "sanggah" in mail.outbox[0].body
