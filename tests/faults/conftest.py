"""Services of the fault tests, each started and stopped by the test on its own loopback port:
a redis-server, a PostgreSQL cluster, gunicorn serving the app on them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests.conftest import process_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, seconds: float, what: str):
    """``predicate()`` once it is true; a service not up yet (connection refused) counts as
    false, an assertion inside the predicate fails at once."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, httpx.HTTPError):
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


class Redis:
    """A redis-server of this test on its own port; ``stop`` and ``start`` again on the same."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("FAILED: redis-server is not installed", pytrace=False)
        self.process = subprocess.Popen(  # noqa: S603 - our own service
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), 0.5), 10, "redis")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


class Gunicorn:
    """The app as deployed (gunicorn), on the test database unless told otherwise."""

    def __init__(self, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = process_env(SECRET_KEY=settings.SECRET_KEY, AXES_ENABLED="0", **env)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", "2",
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "30"],
            env=self.env,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )  # fmt: skip
        wait_until(
            lambda: httpx.get(self.url + "/sehat/web/", timeout=2).status_code == 200,
            30,
            "gunicorn",
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def own_redis():
    redis = Redis()
    redis.start()
    yield redis
    redis.stop()


class Postgres:
    """A PostgreSQL cluster of this test (initdb in a temporary folder, its own port), which the
    test can restart under a running app. As root (CI containers) it runs as ``postgres``."""

    def __init__(self):
        import glob
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        binaries = Path(found[-1]).parent if found else None
        if binaries is None and shutil.which("pg_ctl"):
            binaries = Path(shutil.which("pg_ctl")).parent
        if binaries is None:
            pytest.fail("FAILED: PostgreSQL's server binaries are not installed", pytrace=False)
        self.bin = binaries
        # Not under pytest's tmp_path: the postgres user could not reach it (mode 700, root).
        self.folder = Path(tempfile.mkdtemp(prefix="ppid-fault-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/ppid_fault"

    def _run(self, *command: str, check: bool = True):
        prefix = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
        return subprocess.run(  # noqa: S603 - our own service
            [*prefix, *command], check=check, capture_output=True, text=True
        )

    def init(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        import psycopg

        with psycopg.connect(
            f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE ppid_fault")

    def _ctl(self, action: str, check: bool = True):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-m", "fast",
            "-l", str(self.folder / "log"), action, check=check,
        )  # fmt: skip

    def start(self):
        self._ctl("start")

    def restart(self):
        self._ctl("restart")

    def stop(self):
        if self.data.exists():
            self._ctl("stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
