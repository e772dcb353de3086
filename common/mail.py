"""Every email the system sends goes through here: its subject and body are templates
(``<app>/email/<name>_subject.txt`` and ``<name>_body.txt``, translated in the templates,
autoescape off since they are plain text), rendered with a context and sent by ``mail_send``.

``mail_send`` sends now or after the current transaction commits (``after_commit``), and a mail
server that is down either raises (the caller reports it) or is logged (``errors="log"``: the
work that caused the mail stands, the log says which mail failed)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@dataclass
class Mail:
    template: str  # e.g. "penjurian/email/objection_filed"
    context: dict
    to: list[str]


def mail_render(*, template: str, context: dict) -> tuple[str, str]:
    """(subject on one line, body) of the email ``template`` with ``context``."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context).strip("\n")
    return subject, body


def mail_send(mails: Iterable[Mail], *, after_commit: bool = False, errors: str = "raise") -> int:
    """Render and send the mails that have recipients; returns how many were (to be) sent."""
    messages = [
        (*mail_render(template=mail.template, context=mail.context), None, list(mail.to))
        for mail in mails
        if mail.to
    ]
    if not messages:
        return 0

    def deliver() -> bool:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:
            if errors == "raise":
                raise
            logger.exception("mail not sent: %s", [message[0] for message in messages])
            return False
        return True

    if after_commit:
        transaction.on_commit(deliver)
        return len(messages)
    return len(messages) if deliver() else 0
