"""/sehat/ tells a monitor which service is down, with a status it can alarm on; /sehat/web/
keeps a web process in the load balancer while the database answers."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from common.selectors import WORKER_SEEN_KEY

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def test_all_up_when_a_worker_was_seen_recently(client):
    cache.set(WORKER_SEEN_KEY, time.time())
    response = client.get("/sehat/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "worker": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_no_worker_seen_is_an_outage(client):
    cache.set(WORKER_SEEN_KEY, time.time() - 3600)
    response = client.get("/sehat/")
    assert response.status_code == 503
    assert response.json()["worker"] == "down"


def test_redis_down_is_reported_and_the_web_check_stays_green(client, settings):
    settings.CACHES = REDIS_DOWN
    response = client.get("/sehat/")
    assert response.status_code == 503
    assert response.json()["redis"] == "down" and response.json()["database"] == "ok"
    web = client.get("/sehat/web/")
    assert web.status_code == 200 and web.json() == {"status": "ok", "database": "ok"}


def test_signed_in_pages_work_while_redis_is_down(client, settings, operator_a, admin_user):
    """Sessions live in the database: a Redis outage does not sign anybody out or 500."""
    client.force_login(operator_a)
    settings.CACHES = REDIS_DOWN
    assert client.get(reverse("award:dashboard")).status_code == 200


def test_embedded_default_without_a_broker_is_healthy(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/sehat/")
    assert response.status_code == 200
    assert response.json()["worker"] == "eager"
