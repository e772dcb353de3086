"""Network facts about a request and about addresses users give us.

``client_ip``: the address of the person behind a request, through the reverse proxies
``TRUSTED_PROXIES`` says there are (used by the login lockout).

``public_address_error``: whether a host name may be fetched by the server at all. Link evidence
is checked by the server, so an operator could otherwise make it probe the server's own
network (loopback, the database port, private ranges): every address a name resolves to, on
every redirect, must be a public one.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urljoin, urlsplit

from django.conf import settings

ALLOWED_PORTS = {"http": 80, "https": 443}
MAX_REDIRECTS = 3


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with N trusted proxies the N-th address from the right of
    X-Forwarded-For (what the nearest trusted proxy saw); a client cannot forge it by sending
    its own header, whose entries stand further left."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXIES
    if count <= 0:
        return remote
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [item for item in forwarded if item]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_public(host: str, port: int) -> list[tuple]:
    """Every address ``host`` resolves to, when all of them are public; raise ValueError
    naming the first address that is not (loopback, private, link-local, reserved...)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ValueError(f"cannot resolve {host}") from error
    if not infos:
        raise ValueError(f"cannot resolve {host}")
    for info in infos:
        address = info[4][0]
        if not address_is_public(address):
            raise ValueError(f"{host} resolves to a non-public address {address}")
    return infos


def url_problem(url: str) -> str | None:
    """Why the server must not fetch ``url`` as it is written (before any resolution):
    another scheme, a non-standard port, credentials, or a host that is an address outside
    the public internet. None when it may be resolved and checked."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "malformed"
    if parts.scheme not in ALLOWED_PORTS or not parts.hostname:
        return "scheme"
    if port is not None and port != ALLOWED_PORTS[parts.scheme]:
        return "port"
    if parts.username or parts.password:
        return "credentials"
    host = parts.hostname
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            return "private"
        return None
    return None if address_is_public(host) else "private"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, not to whatever the name resolves to next."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection(self._address[:2], self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection(self._address[:2], self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def link_reachable(url: str, *, timeout: float = 5) -> bool:
    """Whether a public web page answers ``url`` with a status below 400, following at most
    three redirects. Every hop is checked with ``url_problem`` and every address its name
    resolves to must be public; the connection goes to that checked address. Nothing of the
    response body is read or kept. Never raises."""
    for _hop in range(MAX_REDIRECTS + 1):
        if url_problem(url):
            return False
        parts = urlsplit(url)
        port = parts.port or ALLOWED_PORTS[parts.scheme]
        try:
            address = resolve_public(parts.hostname, port)[0][4]
        except ValueError:
            return False
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(parts.hostname, address, port=port, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET", path, headers={"User-Agent": "PPID-Award-link-check/1.0", "Accept": "*/*"}
            )
            response = connection.getresponse()
            status, location = response.status, response.getheader("Location")
        except (OSError, http.client.HTTPException, ValueError):
            return False
        finally:
            connection.close()
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        return status < 400
    return False
