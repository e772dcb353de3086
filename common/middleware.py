"""Compression of the pages themselves (static files come precompressed from WhiteNoise).

An SAQ step is ~30 kB of HTML; over a weak rural link gzip makes it ~5 kB. Only text is
compressed: evidence files, workbooks and PDFs are already compressed or large, and gzipping
them would cost CPU for nothing. Django's GZipMiddleware pads each compressed response with
random bytes against BREACH (Django ≥ 4.2), and CSRF tokens are masked per response.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/html", "text/plain", "text/csv", "application/json", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
