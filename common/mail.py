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
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from common.context import work_sender

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


def mail_message(*, mail: Mail, sender: dict) -> EmailMessage:
    """One mail under its organiser's name: the From name, a Reply-To of its contact address
    and a signature, so that a unit knows which award writes (issue #22)."""
    subject, body = mail_render(template=mail.template, context=mail.context)
    from_email, reply_to = None, None
    if sender.get("name"):
        name = sender["name"]
        body = f"{body}\n\n-- \n{name}" + (f"\n{sender['email']}" if sender.get("email") else "")
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        from_email = formataddr((f"{name} (PPID Award)", address))
        reply_to = [sender["email"]] if sender.get("email") else None
    return EmailMessage(subject, body, from_email, list(mail.to), reply_to=reply_to)


def mail_send(mails: Iterable[Mail], *, after_commit: bool = False, errors: str = "raise") -> int:
    """Render and send the mails that have recipients; returns how many were (to be) sent."""
    sender = work_sender()  # the organiser of the work that sends them, taken now
    messages = [mail_message(mail=mail, sender=sender) for mail in mails if mail.to]
    if not messages:
        return 0

    def deliver() -> bool:
        try:
            get_connection(fail_silently=False).send_messages(messages)
        except Exception:
            if errors == "raise":
                raise
            logger.exception("mail not sent: %s", [message.subject for message in messages])
            return False
        return True

    if after_commit:
        transaction.on_commit(deliver)
        return len(messages)
    return len(messages) if deliver() else 0
