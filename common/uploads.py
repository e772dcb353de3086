"""Refusing oversized uploads before they are received in full.

``RequestSizeMiddleware`` answers 413 with a page in Indonesian to a request whose declared
length is over ``REQUEST_MAX_BYTES``, before anything reads its body; a body sent without a
length is cut by ``LimitedUploadHandler`` as soon as more than that came in (the view then
finds no file). So a 200 MB upload costs the server nothing but its headers. The reverse
proxy's ``client_max_body_size`` should refuse it even earlier (docs/OPERATIONS.md).
"""

import re

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

SAFE_ID = re.compile(r"[A-Za-z][\w-]{0,80}")


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > request_limit(self.request):
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        if self.request is not None:
            self.request.upload_too_large = True
        raise StopUpload(connection_reset=True)


def route_upload_limit(request) -> int:
    """The largest file ``request`` may send: ``UPLOAD_MAX_BYTES``, or more on a route that
    takes a bundle (``UPLOAD_MAX_BYTES_BY_ROUTE``)."""
    routes = settings.UPLOAD_MAX_BYTES_BY_ROUTE
    if request is None or not routes:
        return settings.UPLOAD_MAX_BYTES
    cached = getattr(request, "_upload_limit", None)
    if cached is not None:
        return cached
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = ""
    request._upload_limit = max(settings.UPLOAD_MAX_BYTES, routes.get(view_name, 0))
    return request._upload_limit


def request_limit(request) -> int:
    """The largest body ``request`` may send: its file limit and a megabyte for the form."""
    extra = settings.REQUEST_MAX_BYTES - settings.UPLOAD_MAX_BYTES
    return max(settings.REQUEST_MAX_BYTES, route_upload_limit(request) + extra)


def upload_limit_mb() -> int:
    """The upload limit in whole MB, as every message about it says it."""
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)


def upload_guard_attrs(limit: int | None = None) -> SafeString:
    """Attributes for a file input: the size limit (``UPLOAD_MAX_BYTES`` unless told) and the
    message the browser shows before sending a file over it (static/js/app.js fills in the
    file's name and size); the server refuses it too. For Django templates
    (``{% upload_guard %}``) and Jinja2 fragments alike."""
    limit = limit or settings.UPLOAD_MAX_BYTES
    return format_html(
        'data-max-bytes="{}" data-too-large="{}"', limit, upload_guard_message(limit)
    )


def upload_guard_message(limit: int) -> str:
    """What the browser says about a file over ``limit`` ({name} and {size} filled in by
    static/js/app.js)."""
    return _("“{name}” is {size} MB; the limit is %(limit)s MB. Nothing was sent.") % {
        "limit": limit // (1024 * 1024)
    }


def upload_too_large_message(request=None) -> str:
    return _("The file is larger than %(limit)s MB and was not received.") % {
        "limit": route_upload_limit(request) // (1024 * 1024)
    }


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES and length > request_limit(request):
            target = request.META.get("HTTP_HX_TARGET", "")
            if request.META.get("HTTP_HX_REQUEST") == "true" and SAFE_ID.fullmatch(target):
                return self._card_error(request, target)
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = "/"
            response = render(
                request,
                "413.html",
                {"message": upload_too_large_message(request), "back": back},
                status=413,
            )
            return self._close(request, response)
        return self.get_response(request)

    @staticmethod
    def _close(request, response):
        """Close the connection so the unread body is not parsed as the next request.
        Django's development server (wsgiref) forbids hop-by-hop headers and answers 500 to
        one; it closes a connection with an unread body by itself."""
        if not request.META.get("SERVER_SOFTWARE", "").startswith("WSGIServer"):
            response["Connection"] = "close"
        return response

    def _card_error(self, request, target):
        """An upload sent by htmx: the message goes into the upload's own error slot
        (``[data-upload-error]`` inside the element the form swaps), so the card shows it and
        everything else on the page stays as it is."""
        response = HttpResponse(
            format_html(
                '<div class="alert alert-danger py-1 px-2 small mb-2">{}</div>',
                upload_too_large_message(request),
            ),
            status=413,
        )
        response["HX-Retarget"] = f"#{target} [data-upload-error]"
        response["HX-Reswap"] = "innerHTML"
        return self._close(request, response)
