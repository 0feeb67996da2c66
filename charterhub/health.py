"""/healthz: is the database reachable, is the broker reachable. No login, no secrets."""

import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            if settings.CELERY_BROKER_URL.startswith("filesystem"):
                # The filesystem transport "connects" to anything; check its folder instead.
                queue_dir = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
                return _writable(queue_dir)
            return True
    except Exception:
        return False


def _writable(path: str) -> bool:
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


@require_safe
@never_cache
def healthz(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    body = {name: "ok" if ok else "down" for name, ok in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "down"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
