"""The organiser of a request, resolved once from its URL (issue #22).

``/kutim/periode/2026/`` is Kutai Timur's page ``/periode/2026/``: the middleware reads the first
path segment, and when it is an organiser's short name it

- activates the organiser (``award.models.organiser_active``) and its django-scopes scope, so
  every query of an organiser's data in the request sees that organiser's rows only, and a
  query that names no organiser raises instead of leaking;
- moves the short name into the script prefix (the way an application mounted at a sub-path
  works): the views resolve and ``reverse()`` as before, and every URL they make starts with
  ``/kutim/`` without a template or view saying so.

A path without an organiser is either a platform page (``GLOBAL_ROUTES``: the start page, sign
in, certificate verification, Django admin, ...) served without a scope — a scoped query there
raises — or a URL from before organisers existed, answered with a permanent redirect to the same
page of the installation's first organiser, whose data it showed.
"""

from __future__ import annotations

import time

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from award.models import Organiser
from award.organiser_models import RESERVED_SLUGS
from award.scoping import organiser_scope, platform_scope

# Routes served without an organiser (everything else belongs to one); so is the open data API
# (namespace ``api``, laporan.api), whose paths name the organiser they read.
GLOBAL_ROUTES = frozenset(
    {
        "home",
        "health",
        "health_web",
        "favicon",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation_confirm",
        "lockout_list",
        "lockout_release",
        "award:dashboard",
        "award:organiser_list",
        "award:organiser_update",
        "award:organiser_member_add",
        "award:organiser_member_remove",
        "laporan:verify_lookup",
        "laporan:verify_file",
        "laporan:verify",
        "laporan:api_docs",
        "api_root",
    }
)


# The platform superuser's screens: every organiser's data, wherever they are opened from.
PLATFORM_ROUTES = frozenset(
    {
        "award:organiser_list",
        "award:organiser_update",
        "award:organiser_member_add",
        "award:organiser_member_remove",
    }
)


# Organisers by short name, read once per process and a minute (every request asks; the SAQ
# step that phones repeat costs six queries). A save or delete in this process clears it.
_BY_SLUG: dict[str, tuple[Organiser | None, float]] = {}
CACHE_SECONDS = 60


def organisers_forget(**kwargs) -> None:
    _BY_SLUG.clear()


def organiser_by_slug(slug: str) -> Organiser | None:
    cached = _BY_SLUG.get(slug)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    organiser = Organiser.objects.filter(slug=slug).first()
    _BY_SLUG[slug] = (organiser, time.monotonic() + CACHE_SECONDS)
    return organiser


def organiser_from_path(path: str) -> tuple[Organiser | None, str]:
    """The organiser a path starts with and the rest of the path (``/`` when nothing)."""
    segment, _sep, rest = path.lstrip("/").partition("/")
    if not segment or segment in RESERVED_SLUGS or "." in segment:
        return None, path
    organiser = organiser_by_slug(segment)
    if organiser is None:
        return None, path
    return organiser, "/" + rest


class OrganiserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        base = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/"
        organiser, rest = organiser_from_path(request.path_info)
        request.organiser = organiser
        if organiser is not None:
            request.path_info = rest
        view_name = self.view_name(request)
        if view_name in PLATFORM_ROUTES or view_name.startswith("admin:"):
            request.organiser = None
            with platform_scope():
                return self.get_response(request)
        api = view_name.startswith("api:")
        if api and organiser is not None:  # the API's paths name their organiser: one URL
            return self.redirect(request, f"{base}{request.path_info.lstrip('/')}")
        if organiser is not None:
            with organiser_scope(organiser, base=base):
                return self.get_response(request)
        if view_name and view_name not in GLOBAL_ROUTES and not api:
            legacy = self.legacy_redirect(request, base)
            if legacy is not None:
                return legacy
        with organiser_scope(None, base=base):
            return self.get_response(request)

    @staticmethod
    def view_name(request) -> str:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return ""

    @staticmethod
    def legacy_redirect(request, base: str):
        """A page of an organiser asked for without one (a bookmark from before organisers):
        the same page of the first organiser, permanently."""
        first = Organiser.objects.order_by("pk").first()
        if first is None:
            return None
        return OrganiserMiddleware.redirect(request, f"{base}{first.slug}{request.path_info}")

    @staticmethod
    def redirect(request, target: str):
        """A permanent redirect to ``target`` with the request's query."""
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
        if request.method not in ("GET", "HEAD"):
            response.status_code = 308  # the method and body go along
        return response
