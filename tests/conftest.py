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

    from award.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.files.storage import storages

    storages._storages.pop("private", None)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    yield
    storages._storages.pop("private", None)


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
