"""Error pages in Bahasa Indonesia, rendered with the site layout."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .context import work_stranger

logger = logging.getLogger("django.request")


def permission_denied(request, exception=None):
    if work_stranger(request):  # another organiser's page: as if it did not exist
        return page_not_found(request, exception)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: how long to wait, in minutes (axes says "PT30M")."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def server_error(request):
    return render(request, "500.html", status=500)


class OwnErrorPagesMiddleware:
    """With ``DEBUG`` on (the ``make run`` demo) Django answers an unknown URL with its English
    technical page listing every URL pattern, and an error with its traceback page. Unless
    ``TECHNICAL_ERROR_PAGES`` asks for those (developers, the test suite), show the app's own
    Indonesian 404 and 500 pages instead, as production does (``handler404``/``handler500``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES

    def __call__(self, request):
        response = self.get_response(request)
        # An unknown URL never reaches process_exception: its 404 comes from the resolver.
        if (
            self._active()
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if not self._active():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django renders handler403 in every mode
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)
