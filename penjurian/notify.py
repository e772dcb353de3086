"""Emails of jury work, sent after the transaction that caused them commits: to a jury when
units are assigned or an objection arrives; to a unit's operators when its verification is
done, when its objection is answered and when its presentation is scheduled."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from common.formats import moment_text

logger = logging.getLogger(__name__)


def _send(messages: list[tuple[str, str, list[str]]]) -> None:
    """Send after commit; a mail server that is down is logged, never undoes the work."""
    messages = [(subject, body, None, to) for subject, body, to in messages if to]
    if not messages:
        return

    def deliver():
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # noqa: BLE001 - the work is saved; the log says which mail failed
            logger.exception("jury mail not sent: %s", [m[0] for m in messages])

    transaction.on_commit(deliver)


def _operator_emails(unit_id: int) -> list[str]:
    from award.selectors import unit_operator_emails

    return sorted(unit_operator_emails(unit_id=unit_id))


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def juries_assigned_notify(*, period, counts: dict[int, int]) -> None:
    """``counts``: jury id → units newly assigned to it."""
    users = get_user_model().objects.filter(pk__in=list(counts)).only("email", "first_name")
    _send(
        [
            (
                _("PPID Award: units assigned to you"),
                _(
                    "%(count)s units of %(period)s were assigned to you for verification.\n"
                    "Open your list: %(link)s"
                )
                % {
                    "count": counts[user.pk],
                    "period": period.name,
                    "link": _link("penjurian:inbox"),
                },
                [user.email],
            )
            for user in users
            if user.email
        ]
    )


def objection_filed_notify(*, objection) -> None:
    jury = objection.verification.jury
    unit = objection.submission.unit
    _send(
        [
            (
                _("PPID Award: objection from %(unit)s") % {"unit": unit.name},
                _(
                    "%(unit)s objects to your verdict on indicator %(code)s.\n"
                    "Answer it here: %(link)s"
                )
                % {
                    "unit": unit.name,
                    "code": objection.verification.indicator.code,
                    "link": _link("penjurian:objections_jury", objection.submission_id),
                },
                [jury.email],
            )
        ]
    )


def objection_answered_notify(*, objection) -> None:
    unit = objection.submission.unit
    _send(
        [
            (
                _("PPID Award: your objection was answered"),
                _("Your objection on indicator %(code)s was %(status)s.\n%(answer)s\n%(link)s")
                % {
                    "code": objection.verification.indicator.code,
                    "status": objection.get_status_display().lower(),
                    "answer": objection.answer,
                    "link": _link("penjurian:objections", objection.submission_id),
                },
                _operator_emails(unit.pk),
            )
        ]
    )


def verification_done_notify(*, submission) -> None:
    _send(
        [
            (
                _("PPID Award: verification of %(unit)s is done") % {"unit": submission.unit.name},
                _(
                    "The juries have verified every indicator of %(unit)s. See the verified "
                    "values and the reasons, and object if you disagree: %(link)s"
                )
                % {
                    "unit": submission.unit.name,
                    "link": _link("penjurian:objections", submission.pk),
                },
                _operator_emails(submission.unit_id),
            )
        ]
    )


def presentation_scheduled_notify(*, slot) -> None:
    when = moment_text(slot.starts_at, with_day=True)
    _send(
        [
            (
                _("PPID Award: presentation schedule"),
                _(
                    "%(unit)s is a finalist of %(period)s and presents on %(when)s.\n"
                    "Place: %(place)s\nVideo link: %(link)s"
                )
                % {
                    "unit": slot.unit.name,
                    "period": slot.period.name,
                    "when": when,
                    "place": slot.place or "–",
                    "link": slot.link or "–",
                },
                _operator_emails(slot.unit_id),
            )
        ]
    )


def juries_remind_notify(*, period, rows: list[dict]) -> None:
    _send(
        [
            (
                _("PPID Award: verification reminder"),
                _(
                    "You have verified %(done)s of %(due)s indicators of %(period)s "
                    "(verification closes %(close)s). Continue here: %(link)s"
                )
                % {
                    "done": row["done"],
                    "due": row["due"],
                    "period": period.name,
                    "close": moment_text(period.verification_close),
                    "link": _link("penjurian:inbox"),
                },
                [row["user"].email],
            )
            for row in rows
            if row["user"].email
        ]
    )
