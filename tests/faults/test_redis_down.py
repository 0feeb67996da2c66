"""Redis (the Celery broker) stopped: the site keeps working, /healthz says the broker is
down, and once Redis is back the pending email is delivered.

The Redis here is a private redis-server on a free port (tests/faults/conftest.py) that
the tests really stop and start again; the shared one on 6379 is never touched. Required
under CI=true.

Redis is only the broker: caches are in-process (LocMem) and sessions are in the database,
so no page reads Redis, and no request enqueues a task either (the jobs find their work in
the database), so nothing a user does can fail on the broker.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerError

from apps.milestones.models import Milestone, MilestoneUpdate
from tests.faults.conftest import ROOT, wait_for
from tests.milestones.conftest import make_milestone
from tests.notifications.smtp_server import Handler, SMTPServer
from tests.notifications.test_worker_faults import count, script, states, worker

pytestmark = pytest.mark.redis

DELIVER = "apps.notifications.tasks.deliver_emails"
HEALTHY = {"database": "ok", "broker": "ok", "status": "ok"}
BROKER_DOWN = {"database": "ok", "broker": "down", "status": "down"}


def send(url: str, queue: str, task: str = DELIVER) -> None:
    """What beat does on each tick: publish the task (once, no retries)."""
    app = Celery(broker=url, set_as_current=False)
    app.conf.broker_connection_retry = False
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    try:
        app.send_task(task, queue=queue, retry=False)
    finally:
        app.close()


@pytest.fixture
def broker(settings, private_redis):
    settings.CELERY_BROKER_URL = private_redis.url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
    return private_redis


def edit(milestone: Milestone, **changes) -> dict:
    return {
        "version": milestone.version,
        "status": milestone.status,
        "progress": milestone.progress,
        "due_date": milestone.due_date.isoformat(),
        "owner": milestone.owner.email if milestone.owner else "",
        "fragment": "detail",
        **changes,
    }


@pytest.mark.django_db
def test_it_keeps_the_site_working_while_redis_is_stopped(broker, client, member, energy):
    milestone = make_milestone(energy, owner=member, title="Grid study", progress=20)
    assert client.get("/healthz").json() == HEALTHY

    broker.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5  # a monitor gets its answer, not a hang
    assert (response.status_code, response.json()) == (503, BROKER_DOWN)

    client.force_login(member)
    pages = ["/", "/milestones/", f"/milestones/{milestone.pk}/", "/notifications/preferences/"]
    for path in pages:
        assert client.get(path).status_code == 200, path
    # Updating a milestone, as a plain form and through htmx: saved, logged.
    response = client.post(
        f"/milestones/{milestone.pk}/log/",
        {"version": milestone.version, "note": "Logged while Redis was down", "progress": 45},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 45
    response = client.post(
        f"/milestones/{milestone.pk}/update/",
        edit(milestone, progress=60, note="Edited while Redis was down"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content[:500]
    milestone.refresh_from_db()
    assert milestone.progress == 60
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 2

    broker.start()
    assert client.get("/healthz").json() == HEALTHY


def test_it_keeps_redis_out_of_caches_and_sessions():
    # If Redis ever becomes the cache or the session store, the test above must stop it
    # for those too: pages would then depend on it.
    backends = [cache["BACKEND"] for cache in settings.CACHES.values()]
    assert not any("redis" in backend.lower() for backend in backends), backends
    assert "cache" not in settings.SESSION_ENGINE, settings.SESSION_ENGINE


# --- the jobs catch up ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("redis-faults") / "template.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        check=True,
        timeout=180,
    )
    return path


@pytest.fixture
def smtp():
    server = SMTPServer(Handler()).start()
    yield server
    server.stop()


def test_a_worker_rides_out_the_outage_and_then_delivers_the_pending_email(
    private_redis, migrated, smtp, tmp_path
):
    # The worker's own database (the pytest one is invisible to a subprocess), with one
    # email decided and waiting in the outbox.
    path = tmp_path / "worker.sqlite3"
    shutil.copyfile(migrated, path)
    database = f"sqlite:///{path}"
    script(database, "seed", "1")
    queue = f"faults-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"

    with worker(
        database=database, redis_url=private_redis.url, queue=queue, smtp=smtp, log=log
    ) as process:
        private_redis.stop()
        # Beat's ticks while Redis is down cannot be published.
        with pytest.raises(BrokerError):
            send(private_redis.url, queue)
        assert wait_for(lambda: "Connection to broker lost" in log.read_text(), 10)
        assert process.poll() is None, log.read_text()  # the worker waits, it does not die

        private_redis.start()
        # Nothing was sent meanwhile; the next tick after Redis is back is sent by the
        # same worker, reconnected (Celery retries after 2, 4, 6 … seconds).
        assert [row["state"] for row in states(database)] == ["queued"]
        send(private_redis.url, queue)
        assert wait_for(lambda: count(states(database), "sent") == 1, 90), log.read_text()
        assert process.poll() is None
    assert smtp.handler.message_ids() == ["<worker-test-0@charterhub.test>"]
