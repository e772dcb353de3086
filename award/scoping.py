"""Running work for one organiser (issue #22): the scope of a request, a task, a command.

``organiser_scope(org)`` is the one way in: the organiser active (new rows default to it),
django-scopes' scope on (every organiser-owned model sees its rows only; a query outside any
scope raises) and the script prefix ``/<slug>/`` (every ``reverse()`` makes its URLs). The
request middleware (``award.middleware``), each Celery task (``common.context``, registered in
``award.apps``) and each management command (``OrganiserCommand``) enter it.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.core.management.base import BaseCommand, CommandError
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from award.models import Organiser, organiser_active
from award.organiser_models import _ACTIVE
from award.organisers import organisers_of

TASK_HEADER = "ppid_organiser"
# The installation's own script prefix while a block runs for an organiser (whose short name
# is then appended to the script prefix).
_BASE: ContextVar[str | None] = ContextVar("installation_prefix", default=None)


@contextlib.contextmanager
def organiser_scope(organiser: Organiser | None, *, base: str | None = None):
    """Run a block for ``organiser``; None: for the platform (no organiser, no scope: a query
    of an organiser's data raises). ``base``: the installation's own script prefix (a
    request's ``SCRIPT_NAME``), by default the current one."""
    previous = get_script_prefix()
    base = installation_prefix() if base is None else base
    token = _BASE.set(base)
    set_script_prefix(base if organiser is None else f"{base}{organiser.slug}/")
    try:
        if organiser is None:
            # An empty scope, even inside a block that disabled scopes: a platform page that
            # queries an organiser's data without saying so raises, in tests as in production.
            with organiser_active(None), scope():
                yield
        else:
            with organiser_active(organiser), scope(organiser=organiser.pk):
                yield
    finally:
        set_script_prefix(previous)
        _BASE.reset(token)


@contextlib.contextmanager
def platform_scope():
    """Platform work that reads every organiser's data on purpose (Django admin, the beat's
    housekeeping, the demo loader)."""
    with organiser_active(None), scopes_disabled():
        yield


def installation_prefix() -> str:
    """The installation's own script prefix, without an organiser's short name."""
    base = _BASE.get()
    return get_script_prefix() if base is None else base


def organiser_url(organiser: Organiser | None, name: str, *args, **kwargs) -> str:
    """The URL of a page of ``organiser`` (None: of the platform) from anywhere."""
    previous = get_script_prefix()
    base = installation_prefix()
    set_script_prefix(f"{base}{organiser.slug}/" if organiser is not None else base)
    try:
        return reverse(name, args=args, kwargs=kwargs)
    finally:
        set_script_prefix(previous)


def mail_sender() -> dict:
    """The active organiser as the sender of the current work's emails (common.mail)."""
    organiser = _ACTIVE.get()
    if organiser is None:
        return {}
    return {"name": organiser.name, "email": organiser.contact_email}


# --- tasks (common.context) ----------------------------------------------------------------
def task_headers() -> dict:
    organiser = _ACTIVE.get()
    return {TASK_HEADER: organiser.pk} if organiser is not None else {}


def current_organiser_id() -> int | None:
    organiser = _ACTIVE.get()
    return organiser.pk if organiser is not None else None


@contextlib.contextmanager
def task_scope(headers: dict):
    """A task runs for the organiser whose request (or command) queued it; a task queued by
    no organiser (the beat's housekeeping) is platform work."""
    organiser_pk = headers.get(TASK_HEADER)
    if organiser_pk is None:
        with platform_scope():
            yield
        return
    with scopes_disabled():
        organiser = Organiser.objects.filter(pk=organiser_pk).first()
    with organiser_scope(organiser):
        yield


def request_from_stranger(request) -> bool:
    """The signed-in user has no part in the organiser of the page (not in its team, not an
    operator of its units, not a jury of its periods)."""
    organiser = getattr(request, "organiser", None)
    user = getattr(request, "user", None)
    if organiser is None or user is None or not user.is_authenticated or user.is_superuser:
        return False
    return organiser not in organisers_of(user=user)


# --- commands --------------------------------------------------------------------------------
def organiser_for_command(slug: str) -> Organiser:
    with scopes_disabled():
        organisers = list(Organiser.objects.order_by("pk"))
    if slug:
        found = [o for o in organisers if o.slug == slug]
        if not found:
            raise CommandError(_("No organiser has the short name %(slug)s.") % {"slug": slug})
        return found[0]
    if len(organisers) == 1:
        return organisers[0]
    if not organisers:
        raise CommandError(_("No organiser exists yet: create one with create_organiser."))
    raise CommandError(
        _("Several organisers exist (%(slugs)s): say which one with --organiser.")
        % {"slugs": ", ".join(o.slug for o in organisers)}
    )


class OrganiserCommand(BaseCommand):
    """A command that works on one organiser's data: ``--organiser SLUG`` (optional while the
    installation has one organiser). ``organiser_required = False``: without one it works for
    the platform (every organiser's data)."""

    organiser_required = True

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--organiser",
            default="",
            help="the organiser's short name (optional while there is only one)",
        )
        return parser

    def execute(self, *args, **options):
        slug = options.get("organiser") or ""
        try:
            organiser = organiser_for_command(slug)
        except CommandError:
            if self.organiser_required or slug:
                raise
            with platform_scope():
                return super().execute(*args, **options)
        with organiser_scope(organiser):
            return super().execute(*args, **options)


class PlatformCommand(BaseCommand):
    """A command of the platform itself (creating organisers, loading the demo)."""

    def execute(self, *args, **options):
        with platform_scope():
            return super().execute(*args, **options)
