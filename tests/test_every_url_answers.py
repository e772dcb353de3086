"""Every route answers a GET from each role without a server error: a view that inherits a
``get`` whose arguments do not match its URL (the presentation slot route answered 500) or
any other crash on a plain visit fails here."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # Django's own admin
            yield from routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def example_path(pattern: str, values: dict) -> str | None:
    def fill(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return str(values.get(name, 1))
        if converter == "arah":
            return "naik"
        if converter in ("str", "slug"):
            return str(values.get(name, "x"))
        return None

    if "(?P" in pattern or "^" in pattern:
        return None  # regular-expression routes (static files, media) are not pages
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: fill(m) or "\0", pattern)
    return None if "\0" in path else "/" + path


@pytest.mark.parametrize("role", ["admin", "operator", "jury", "anonymous"])
def test_every_route_answers_a_get_without_a_server_error(
    client, role, admin_user, operator_a, jury_user, submission
):
    user = {"admin": admin_user, "operator": operator_a, "jury": jury_user}.get(role)
    client_for(client, user)
    values = {"year": submission.period.year, "pk": submission.pk, "unit_pk": submission.unit_id}
    crashed = []
    for pattern, _entry in routes():
        path = example_path(pattern, values)
        if path is None:
            continue
        try:
            response = client.get(path)
        except Exception as error:  # noqa: BLE001 - every crash is collected and reported
            crashed.append(f"{path}: {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500 and not (path == "/sehat/" and response.status_code == 503):
            # (the health check answers 503 while no worker has been seen: that is its job)
            crashed.append(f"{path}: {response.status_code}")
    assert not crashed, "\n".join(crashed)
