"""Reminder emails to operators whose SAQ is not submitted (manual, and daily by beat)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from award.models import Period, Unit
from award.selectors import period_saq_deadline, period_saq_deadlines, unit_operator_emails
from common.formats import moment_text
from common.mail import Mail, mail_send
from evaluasi.models import (
    ReminderLog,
    Submission,
)

logger = logging.getLogger(__name__)


# --- participation and reminders ----------------------------------------------------------
def reminders_send(*, period: Period, units, kind: str = "manual", days_before=None) -> int:
    """Email the operators of each unit that has not submitted; returns emails sent."""
    submitted = set(
        Submission.objects.filter(period=period, status=Submission.Status.SUBMITTED).values_list(
            "unit_id", flat=True
        )
    )
    mails = []
    for unit in units:
        if unit.pk in submitted:
            continue
        recipients = sorted(
            unit_operator_emails(unit_id=unit.pk)
            | ({unit.operator_email} if unit.operator_email else set())
        )
        if not recipients:
            continue
        deadline = timezone.localtime(period_saq_deadline(period=period, unit=unit))
        mails.append(
            Mail(
                "evaluasi/email/saq_reminder",
                {
                    "unit": unit.name,
                    "period": period.name,
                    "year": period.year,
                    "date": moment_text(deadline),
                    "url": settings.SITE_URL + "/masuk/",
                },
                recipients,
            )
        )
        ReminderLog.objects.create(
            period=period,
            unit=unit,
            kind=kind,
            days_before=days_before,
            recipients=len(recipients),
        )
    return mail_send(mails)


def reminders_due(*, moment=None) -> int:
    """Celery beat, daily: remind units N days before their deadline (period.reminder_days),
    once per unit and N (a second run the same day, or a restarted beat, sends nothing)."""
    moment = moment or timezone.now()
    today = timezone.localtime(moment).date()
    sent = 0
    for period in Period.objects.all():
        days = period.reminder_day_list()
        if not days or period.stage_at(moment) not in ("saq",):
            continue
        deadlines = period_saq_deadlines(period=period)
        already = set(
            ReminderLog.objects.filter(period=period, kind="auto").values_list(
                "unit_id", "days_before"
            )
        )
        due: dict[int, list[Unit]] = {}
        for unit in Unit.objects.filter(active=True):
            deadline = timezone.localtime(deadlines.get(unit.pk, period.saq_close)).date()
            left = (deadline - today).days
            if left in days and (unit.pk, left) not in already:
                due.setdefault(left, []).append(unit)
        for left, units in due.items():
            sent += reminders_send(period=period, units=units, kind="auto", days_before=left)
    return sent


def submission_receipt_send(*, submission_id: int) -> int:
    """The receipt after a SAQ is submitted, to every operator of the unit with an email:
    when, by whom, how many answers and evidence, and where to see it. Returns the count."""
    submission = Submission.objects.select_related("unit", "period", "submitted_by").get(
        pk=submission_id
    )
    emails = sorted(unit_operator_emails(unit_id=submission.unit_id))
    context = {
        "unit": submission.unit.name,
        "period": submission.period.name,
        "when": moment_text(submission.submitted_at),
        "who": submission.submitted_by.get_full_name() or submission.submitted_by.get_username()
        if submission.submitted_by
        else "–",
        "answers": submission.answers.exclude(value="").count(),
        "evidence": submission.evidence.count(),
        "link": settings.SITE_URL + reverse("evaluasi:saq_summary", args=[submission.pk]),
    }
    # One mail per operator; the submission stands when the mail server is down (logged).
    return mail_send(
        [Mail("evaluasi/email/saq_receipt", context, [email]) for email in emails], errors="log"
    )
