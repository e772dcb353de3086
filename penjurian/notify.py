"""Emails of jury work (``common.mail``; texts in ``penjurian/email/``), sent after the
transaction that caused them commits: to a jury when units are assigned or an objection
arrives; to a unit's operators when its verification is done, when its objection is answered
and when its presentation is scheduled. A mail server that is down is logged and never undoes
the work."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from award.selectors import unit_operator_emails
from common.formats import moment_text
from common.mail import Mail, mail_send


def _send(mails: list[Mail]) -> None:
    mail_send(mails, after_commit=True, errors="log")


def _operator_emails(unit_id: int) -> list[str]:
    return sorted(unit_operator_emails(unit_id=unit_id))


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def juries_assigned_notify(*, period, counts: dict[int, int]) -> None:
    """``counts``: jury id → units newly assigned to it."""
    users = get_user_model().objects.filter(pk__in=list(counts)).only("email", "first_name")
    link = _link("penjurian:inbox")
    _send(
        [
            Mail(
                "penjurian/email/juries_assigned",
                {"count": counts[user.pk], "period": period.name, "link": link},
                [user.email],
            )
            for user in users
            if user.email
        ]
    )


def objection_filed_notify(*, objection) -> None:
    unit = objection.submission.unit
    context = {
        "unit": unit.name,
        "code": objection.verification.indicator.code,
        "link": _link("penjurian:objections_jury", objection.submission_id),
    }
    _send([Mail("penjurian/email/objection_filed", context, [objection.verification.jury.email])])


def objection_answered_notify(*, objection) -> None:
    context = {
        "code": objection.verification.indicator.code,
        "status": objection.get_status_display().lower(),
        "answer": objection.answer,
        "link": _link("penjurian:objections", objection.submission_id),
    }
    to = _operator_emails(objection.submission.unit_id)
    _send([Mail("penjurian/email/objection_answered", context, to)])


def verification_done_notify(*, submission) -> None:
    context = {
        "unit": submission.unit.name,
        "link": _link("penjurian:objections", submission.pk),
    }
    to = _operator_emails(submission.unit_id)
    _send([Mail("penjurian/email/verification_done", context, to)])


def presentation_scheduled_notify(*, slot) -> None:
    context = {
        "unit": slot.unit.name,
        "period": slot.period.name,
        "when": moment_text(slot.starts_at, with_day=True),
        "place": slot.place or "–",
        "link": slot.link or "–",
    }
    to = _operator_emails(slot.unit_id)
    _send([Mail("penjurian/email/presentation_scheduled", context, to)])


def juries_remind_notify(*, period, rows: list[dict]) -> None:
    close = moment_text(period.verification_close)
    link = _link("penjurian:inbox")
    _send(
        [
            Mail(
                "penjurian/email/juries_remind",
                {
                    "done": row["done"],
                    "due": row["due"],
                    "period": period.name,
                    "close": close,
                    "link": link,
                },
                [row["user"].email],
            )
            for row in rows
            if row["user"].email
        ]
    )
