"""Storage for uploads that must never be served directly (evidence, imported workbooks).

The location is read from ``settings.PRIVATE_ROOT`` on every use rather than once, so that a
deployment (or a test) that changes the setting is honoured everywhere, including by file
fields whose storage was bound when the models loaded.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404


def private_storage():
    """Storage for uploads that are served only through permission-checked views."""
    return storages["private"]


class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")


def private_file_response(file, *, name: str, content_type: str, inline_types=frozenset()):
    """A private file, after the caller's permission check: inline only for the content types
    in ``inline_types`` (then framable by this site's own pages), else an attachment."""
    if not file:
        raise Http404
    content_type = content_type or "application/octet-stream"
    inline = content_type in inline_types
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        # Chromium's PDF viewer refuses a sandbox; every other inline type gets one.
        policy = "frame-ancestors 'self'"
        if content_type != "application/pdf":
            policy = f"sandbox; default-src 'none'; {policy}"
        response["Content-Security-Policy"] = policy
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response
