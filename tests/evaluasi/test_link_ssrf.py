"""The link checker fetches only public web pages: never loopback, private, link-local or
reserved addresses (after resolving names, and on every redirect), only http/https on their
standard ports; an internal address looks exactly like a dead link."""

import http.server
import threading

import pytest
from django.core.exceptions import ValidationError

import common.net
from evaluasi.models import Evidence
from evaluasi.saq import services as saq_services

pytestmark = pytest.mark.django_db


class Listener:
    """A local HTTP server that counts the requests it receives."""

    def __init__(self, host="127.0.0.1", redirect_to=None):
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                listener.hits += 1
                if listener.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", listener.redirect_to)
                else:
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                return None

        self.hits = 0
        self.redirect_to = redirect_to
        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def internal_urls(port):
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://2130706433:{port}/",
        f"http://0.0.0.0:{port}/",
        "http://127.0.0.1:5432/",
        "http://127.0.0.1/admin/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
        "ftp://ppid.kutaitimurkab.go.id/",
        "https://ppid.kutaitimurkab.go.id:8443/",
        "https://user:sandi@ppid.kutaitimurkab.go.id/",
    ]


def test_entry_refuses_internal_addresses_with_a_clear_message(submission, operator_a):
    indicator = submission.questionnaire.indicators.first()
    for url in internal_urls(8000):
        if url.startswith(("http://localhost:", "http://2130706433", "ftp:")):
            continue  # names: refused when checked (they resolve to loopback), below
        with pytest.raises(ValidationError, match="alamat halaman web publik"):
            saq_services.evidence_add_url(
                submission=submission, indicator=indicator, url=url, user=operator_a
            )
    assert not Evidence.objects.exists()


def test_the_checker_never_connects_to_an_internal_address(submission, listener):
    indicator = submission.questionnaire.indicators.first()
    for url in internal_urls(listener.port):
        # Created behind the entry check (as an older row or a crafted import would be).
        evidence = Evidence.objects.create(
            submission=submission, indicator=indicator, kind="url", url=url
        )
        assert saq_services.evidence_link_check(evidence_id=evidence.pk, timeout=2) == "broken", url
    assert listener.hits == 0, "the server's own network was never probed"


def test_a_redirect_to_an_internal_address_is_not_followed(submission, monkeypatch):
    inner = Listener(host="127.0.0.2")
    outer = Listener(redirect_to=f"http://127.0.0.2:{inner.port}/rahasia")
    # Pretend the first listener is a public web site; everything else keeps the real rules.
    real_is_public = common.net.address_is_public
    monkeypatch.setattr(
        common.net, "address_is_public", lambda a: a == "127.0.0.1" or real_is_public(a)
    )
    monkeypatch.setattr(common.net, "ALLOWED_PORTS", {"http": outer.port, "https": 443})
    indicator = submission.questionnaire.indicators.first()
    evidence = Evidence.objects.create(
        submission=submission,
        indicator=indicator,
        kind="url",
        url=f"http://127.0.0.1:{outer.port}/",
    )
    try:
        assert saq_services.evidence_link_check(evidence_id=evidence.pk, timeout=2) == "broken"
        assert outer.hits == 1 and inner.hits == 0
        # A redirect that stays on the public site is followed.
        outer.redirect_to = "/halaman-lain"
        outer.hits = 0
        calls = []
        original = common.net.resolve_public
        monkeypatch.setattr(
            common.net,
            "resolve_public",
            lambda host, port: calls.append(host) or original(host, port),
        )
        assert common.net.link_reachable(f"http://127.0.0.1:{outer.port}/", timeout=2) is False
        assert outer.hits == common.net.MAX_REDIRECTS + 1, "every hop checked, at most 3 followed"
        assert len(calls) == common.net.MAX_REDIRECTS + 1
    finally:
        inner.close()
        outer.close()


def test_client_ip_takes_the_address_the_trusted_proxy_saw(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    settings.TRUSTED_PROXIES = 0
    assert common.net.client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXIES = 1
    assert common.net.client_ip(request) == "203.0.113.9", "the forged left entry is ignored"
    settings.TRUSTED_PROXIES = 3
    assert common.net.client_ip(request) == "127.0.0.1", "fewer entries than proxies"
