"""Shared fixtures. The suite runs on PostgreSQL and Redis; a missing service fails the run."""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from award.models import OperatorMembership
from tests.factories import (
    PASSWORD,
    DesaFactory,
    KecamatanFactory,
    OpdFactory,
    PeriodFactory,
    UserFactory,
)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    """Fail (never skip) when the real services are not configured or not reachable."""
    if os.environ.get("PPID_ALLOW_EMBEDDED_TESTS") == "1":
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "FAILED: the tests need PostgreSQL; set DATABASE_URL (make test does).", returncode=3
        )
    db = settings.DATABASES["default"]
    if not _reachable(f"postgres://{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}", 5432):
        pytest.exit("FAILED: PostgreSQL is not reachable at " + str(db["HOST"]), returncode=3)
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.exit(
            "FAILED: the tests need Redis; set CELERY_BROKER_URL (make test does).", returncode=3
        )
    if not _reachable(broker, 6379):
        pytest.exit(f"FAILED: Redis is not reachable at {broker}", returncode=3)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings):
    """Unit and view tests run tasks eagerly in-process; the worker tests switch this off."""
    from django.core.cache import cache

    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def _answers_gone_before_the_flush(request):
    """On SQLite a transactional test's database is emptied with DELETE, table by table in no
    fixed order, and deleting an answer or a verification fires the copy-on-write trigger of
    penilaian 0003: were the snapshot tables emptied first, the rows it writes would point at
    emptied runs and the flush would fail its foreign-key check. Remove them here, while
    everything they point at still exists. (PostgreSQL empties with TRUNCATE: no row triggers.)"""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (1,)))
    if not transactional and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    from django_scopes import scopes_disabled

    from evaluasi.models import Answer
    from penjurian.models import Verification

    with scopes_disabled():  # every organiser's rows (the desk fixture has left by now)
        Verification.objects.all().delete()
        Answer.objects.all().delete()


@pytest.fixture(scope="session")
def private_root(tmp_path_factory):
    """Uploads of the whole run; shared with the Celery worker process."""
    return tmp_path_factory.mktemp("private")


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _at_kutai_timurs_desk(request):
    """A test works as Kutai Timur's staff at a desk: its organiser active (new rows are its),
    ``reverse()`` making its URLs (``/kutim/...``), and the test's own queries unscoped so that
    it can look at anything; the views it calls scope themselves per request (the middleware),
    as in production. Tests of other organisers make and name them."""
    from django_scopes import scopes_disabled

    uses_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(
        request.fixturenames
    )
    if not uses_db:
        with scopes_disabled():
            yield
        return
    request.getfixturevalue("_django_db_helper")
    from award.middleware import organisers_forget
    from award.scoping import organiser_scope
    from tests.factories import kutim

    organisers_forget()  # a flushed database makes Kutai Timur anew, with another id
    with scopes_disabled():
        organiser = kutim()
    with organiser_scope(organiser, base="/"), scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path, private_root):
    settings.PRIVATE_ROOT = private_root
    settings.MEDIA_ROOT = tmp_path / "media"


def database_url(name: str | None = None) -> str:
    """A URL of the test database (or of ``name`` on the same server), for other processes."""
    from django.db import connection

    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{name or connection.settings_dict['NAME']}"
    )


def process_env(**extra) -> dict:
    """The environment of a worker or server process of ours, on the test database."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "1",
        **extra,
    }


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, private_root):
    """A real Celery worker in its own process, on the real Redis broker and the test database."""
    import subprocess
    import sys
    import time

    from config.celery import app

    env = process_env(PRIVATE_ROOT=str(private_root))
    app.control.purge()
    process = subprocess.Popen(  # noqa: S603 - our own worker
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        app.conf.task_always_eager = False
        deadline = time.monotonic() + 60
        while True:
            try:
                app.tasks["ppid.ping"].apply_async(args=[0]).get(timeout=5)
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("FAILED: the Celery worker did not start", pytrace=False)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def celery_live(celery_worker_process):
    """Send tasks through Redis to the worker process instead of running them eagerly."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True


@pytest.fixture
def default_levels(db):
    """Transactional tests flush the tables; put back the organiser and the levels the
    migrations make."""
    from award.services import levels_ensure_defaults
    from tests.factories import kutim

    levels_ensure_defaults(organiser=kutim())


def session_cookie(user) -> dict:
    """A signed-in session for ``user`` made here, as cookies for a server of ours (which checks
    passwords with the production hashers; the tests hash with a fast one)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def kecamatan(db):
    return KecamatanFactory(code="64.08.04", name="Kecamatan Sangatta Utara")


@pytest.fixture
def unit_a(kecamatan):
    return DesaFactory(code="64.08.04.2002", name="Desa Swarga Bara", parent=kecamatan)


@pytest.fixture
def unit_b(db):
    return OpdFactory(code="OPD.DISKOMINFO", name="Dinas Komunikasi dan Informatika")


@pytest.fixture
def period(db):
    return PeriodFactory(year=2026)


@pytest.fixture
def admin_user(db):
    from award.models import ADMIN_GROUP

    return UserFactory(username="admin.uji", groups=[ADMIN_GROUP])


@pytest.fixture
def operator_a(unit_a):
    from award.models import OPERATOR_GROUP

    user = UserFactory(username="op.a", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=user, unit=unit_a)
    return user


@pytest.fixture
def operator_b(unit_b):
    from award.models import OPERATOR_GROUP

    user = UserFactory(username="op.b", groups=[OPERATOR_GROUP])
    OperatorMembership.objects.create(user=user, unit=unit_b)
    return user


@pytest.fixture
def jury_user(period):
    from award.models import JURY_GROUP

    user = UserFactory(username="juri.uji", groups=[JURY_GROUP])
    period.juries.create(user=user)
    return user


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    return client_for(client, admin_user)


@pytest.fixture
def desa_questionnaire(period):
    from evaluasi.questionnaires import services as questionnaire_services
    from evaluasi.questionnaires.defaults import default_workbook_path

    questionnaire = questionnaire_services.questionnaire_import(
        data=default_workbook_path("desa").read_bytes(), period=period
    )
    return questionnaire_services.questionnaire_publish(questionnaire=questionnaire)


@pytest.fixture
def submission(period, unit_a, desa_questionnaire):
    from evaluasi.saq import services as saq_services

    return saq_services.submission_start(period=period, unit=unit_a)
