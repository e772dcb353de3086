"""The API's Swagger UI (issue #23) works on a closed network: served from our own static
files, it renders every operation under our content security policy without a console
error, and "Try it out" answers from the API itself."""

import pytest

from laporan import api as api_module

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_and_tries_the_api(page, live_server):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(live_server.url + "/api/v1/docs")
    operations = page.locator(".opblock")
    operations.first.wait_for()
    assert operations.count() == len(api_module.api.get_openapi_schema()["paths"])
    page.locator(".opblock-summary", has_text="/api/v1/penyelenggara").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    assert page.console_errors == []
    assert all(url.startswith(live_server.url) for url in requested), requested
