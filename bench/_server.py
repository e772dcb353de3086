"""Shared by the load benchmarks: gunicorn serving the app on a scratch database, as deployed
(DEBUG off, static files collected, Redis for cache and sessions)."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from _django import ROOT

# The server's secret; a bench that signs sessions for its clients runs with the same one.
SECRET_KEY = "bench-" + "x" * 50


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn_serving(db_name: str, *, workers: int, threads: int = 1, keepalive: int = 2):
    """Yield the base URL of gunicorn serving ``db_name``; stopped on exit."""
    import httpx
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "AXES_ENABLED": "0",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="ppid-static-"),
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db_name}"
        ),
        "LOG_LEVEL": "WARNING",
        # As deployed: Redis for the cache and sessions (no task is sent by these benches).
        "CELERY_BROKER_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    connection.close()
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # gunicorn closes an idle connection after this many seconds; a client that sends
            # on it at that moment gets a protocol error a browser would retry. In production
            # nginx stands in front and keeps browsers' connections itself (75 s).
            "--keep-alive",
            str(keepalive),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/sehat/web/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
