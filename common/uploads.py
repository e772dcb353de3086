"""Refusing oversized uploads before they are received in full.

``RequestSizeMiddleware`` answers 413 with a page in Indonesian to a request whose declared
length is over ``REQUEST_MAX_BYTES``, before anything reads its body; a body sent without a
length is cut by ``LimitedUploadHandler`` as soon as more than that came in (the view then
finds no file). So a 200 MB upload costs the server nothing but its headers. The reverse
proxy's ``client_max_body_size`` should refuse it even earlier (docs/OPERATIONS.md).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        if self.request is not None:
            self.request.upload_too_large = True
        raise StopUpload(connection_reset=True)


def upload_too_large_message() -> str:
    from django.utils.translation import gettext as _

    return _("The file is larger than %(limit)s MB and was not received.") % {
        "limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    }


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = "/"
            response = render(
                request,
                "413.html",
                {"message": upload_too_large_message(), "back": back},
                status=413,
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)
