"""Pages travel compressed to phones on weak links; files that are already compressed or large
(evidence, workbooks, PDFs) are sent as they are."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from common.middleware import TextGZipMiddleware


@pytest.mark.django_db
def test_html_pages_are_gzipped_for_browsers_that_accept_it(client):
    plain = client.get("/masuk/")
    packed = client.get("/masuk/", headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content).decode()
    assert "Nama pengguna" in body
    assert len(packed.content) < len(plain.content) / 2


def test_binary_responses_are_left_alone():
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    middleware = TextGZipMiddleware(lambda r: None)
    data = b"%PDF-1.4 " + b"x" * 5000
    pdf = middleware.process_response(request, HttpResponse(data, content_type="application/pdf"))
    assert "Content-Encoding" not in pdf and pdf.content == data
    csv = middleware.process_response(request, HttpResponse("a;b\n" * 500, content_type="text/csv"))
    assert csv["Content-Encoding"] == "gzip"
