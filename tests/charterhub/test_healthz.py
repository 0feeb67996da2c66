"""/healthz: 200 naming each dependency as ok, or 503 naming what is down."""

import os

import pytest
from django.db import OperationalError

from charterhub import health
from tests.conftest import require
from tests.notifications.test_worker import redis_reachable


@pytest.fixture
def embedded_broker(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
    }


def test_it_reports_ok(client, db, embedded_broker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_it_reports_ok_on_redis(client, db, settings):
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    require(redis_reachable(url), f"Redis is not reachable at {url}")
    settings.CELERY_BROKER_URL = url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_it_needs_no_login_and_reveals_no_secrets(client, db, settings):
    response = client.get("/healthz")
    body = response.content.decode()
    assert settings.SECRET_KEY not in body
    assert "://" not in body  # no broker or database URLs


def test_it_reports_broker_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "status": "down"}


def test_it_reports_database_down(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(health.connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_reads(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
