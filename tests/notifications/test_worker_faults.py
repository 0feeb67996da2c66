"""Real Celery workers on Redis, each test on its own queue, delivering through aiosmtpd.

The worker subprocess cannot see the pytest database, so it works on a migrated SQLite
file of its own (prepared and inspected with tests/notifications/outbox_script.py).
Required under CI=true; skipped locally without Redis.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery
from kombu.exceptions import OperationalError

from tests.conftest import require
from tests.notifications.smtp_server import Handler, SMTPServer
from tests.notifications.test_worker import ROOT, redis_reachable

REDIS_URL = "redis://127.0.0.1:6379/14"
DELIVER = "apps.notifications.tasks.deliver_emails"

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_url() -> str:
    require(redis_reachable(REDIS_URL), f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated SQLite file, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("faults") / "template.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        check=True,
        timeout=120,
    )
    return path


@pytest.fixture
def database(migrated, tmp_path) -> str:
    """This test's workers' own database."""
    path = tmp_path / "worker.sqlite3"
    shutil.copyfile(migrated, path)
    return f"sqlite:///{path}"


@pytest.fixture
def queue() -> str:
    return f"test-faults-{uuid.uuid4().hex}"


@pytest.fixture
def smtp():
    server = SMTPServer(Handler()).start()
    yield server
    server.stop()


def script(database: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tests.notifications.outbox_script", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def states(database: str) -> list[dict]:
    return json.loads(script(database, "states"))


def count(rows: list[dict], state: str) -> int:
    return sum(1 for row in rows if row["state"] == state)


@contextmanager
def worker(*, database: str, redis_url: str, queue: str, smtp: SMTPServer, log: Path):
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "EMAIL_URL": smtp.url,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "charterhub",
                "worker",
                "--queues",
                queue,
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"{uuid.uuid4().hex[:8]}-{queue}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: " ready." in log.read_text() or process.poll() is not None, 60)
            assert process.poll() is None, log.read_text()
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def send(redis_url: str, queue: str, task: str = DELIVER, times: int = 1) -> None:
    app = Celery(broker=redis_url)
    try:
        for _ in range(times):
            app.send_task(task, queue=queue)
    finally:
        app.close()


def test_a_worker_delivers_the_outbox_over_smtp(database, redis_url, queue, smtp, tmp_path):
    script(database, "seed", "4")
    with worker(
        database=database, redis_url=redis_url, queue=queue, smtp=smtp, log=tmp_path / "log"
    ):
        send(redis_url, queue)
        assert wait_for(lambda: len(smtp.handler.received) == 4, 60), (tmp_path / "log").read_text()
        assert wait_for(lambda: count(states(database), "sent") == 4, 30)
    assert sorted(smtp.handler.message_ids()) == sorted(
        f"<worker-test-{n}@charterhub.test>" for n in range(4)
    )


def test_a_worker_killed_mid_batch_leaves_one_to_check_and_none_sent_twice(
    database, redis_url, queue, smtp, tmp_path
):
    script(database, "seed", "6")
    smtp.handler.delay = 1.0  # a slow server, so the kill lands while a message is in flight
    with worker(
        database=database, redis_url=redis_url, queue=queue, smtp=smtp, log=tmp_path / "first.log"
    ) as first:
        send(redis_url, queue)
        assert wait_for(
            lambda: len(smtp.handler.received) >= 2 and smtp.handler.holding.is_set(), 60
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=20)
    rows = states(database)
    assert count(rows, "sending") == 1  # the one in flight
    assert count(rows, "sent") >= 2
    assert count(rows, "sent") + count(rows, "queued") == 5

    smtp.handler.delay = 0
    with worker(
        database=database, redis_url=redis_url, queue=queue, smtp=smtp, log=tmp_path / "second.log"
    ):
        send(redis_url, queue)
        assert wait_for(lambda: count(states(database), "sent") == 5, 60)
    # Within its lease the row in flight is left alone; after it, it is marked for checking.
    later = "2099-01-01T00:00:00Z"
    subprocess.run(
        [sys.executable, "manage.py", "deliver_emails", "--now", later],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database},
        check=True,
        timeout=60,
    )
    rows = states(database)
    assert (count(rows, "sent"), count(rows, "check")) == (5, 1)
    received = smtp.handler.message_ids()
    assert len(received) == len(set(received))  # none twice
    sent_ids = {row["message_id"] for row in rows if row["state"] == "sent"}
    assert sent_ids <= set(received)
    # The one in flight reached the server before the worker died; it is not sent again.
    (in_flight,) = [row["message_id"] for row in rows if row["state"] == "check"]
    assert received.count(in_flight) <= 1


def test_two_workers_at_once_send_each_email_once(database, redis_url, queue, smtp, tmp_path):
    script(database, "seed", "20")
    smtp.handler.delay = 0.05
    with (
        worker(database=database, redis_url=redis_url, queue=queue, smtp=smtp, log=tmp_path / "a"),
        worker(database=database, redis_url=redis_url, queue=queue, smtp=smtp, log=tmp_path / "b"),
    ):
        send(redis_url, queue, times=4)
        assert wait_for(lambda: count(states(database), "sent") == 20, 90), [
            (tmp_path / name).read_text() for name in "ab"
        ]
        time.sleep(1)  # let any second pass finish: it must find nothing to send
    received = smtp.handler.message_ids()
    assert sorted(received) == sorted(f"<worker-test-{n}@charterhub.test>" for n in range(20))


def test_delivery_waits_while_the_server_is_down_and_catches_up(
    database, redis_url, queue, tmp_path
):
    script(database, "seed", "3")
    down = SMTPServer(Handler())  # not started: connection refused
    with worker(
        database=database, redis_url=redis_url, queue=queue, smtp=down, log=tmp_path / "log"
    ):
        send(redis_url, queue)
        assert wait_for(lambda: all(row["attempts"] == 1 for row in states(database)), 60)
        assert count(states(database), "queued") == 3
    down.start()
    try:
        # The next pass after the backoff (a minute) sends each exactly once.
        subprocess.run(
            [sys.executable, "manage.py", "deliver_emails", "--now", "2099-01-01T00:00:00Z"],
            cwd=ROOT,
            check=True,
            timeout=60,
            env={**os.environ, "DATABASE_URL": database, "EMAIL_URL": down.url},
        )
        assert count(states(database), "sent") == 3
        assert sorted(down.handler.message_ids()) == sorted(
            f"<worker-test-{n}@charterhub.test>" for n in range(3)
        )
    finally:
        down.stop()


def test_after_redis_returns_the_next_run_catches_up_from_the_database(
    database, redis_url, queue, smtp, tmp_path
):
    script(database, "seed_reminder")
    # While Redis is down nothing can be enqueued (beat's runs are lost) ...
    down = Celery(broker="redis://127.0.0.1:1/0")
    down.conf.broker_connection_retry = False
    down.conf.broker_transport_options = {"socket_connect_timeout": 1}
    with pytest.raises(OperationalError):
        down.send_task("apps.notifications.tasks.send_deadline_reminders", queue=queue, retry=False)
    down.close()
    assert states(database) == []  # ... and nothing was decided: the database has the work
    # Redis is back: the next scheduled run decides the reminder, the next pass sends it.
    with worker(
        database=database, redis_url=redis_url, queue=queue, smtp=smtp, log=tmp_path / "log"
    ):
        send(redis_url, queue, "apps.notifications.tasks.send_deadline_reminders")
        assert wait_for(lambda: len(states(database)) == 1, 60), (tmp_path / "log").read_text()
        send(redis_url, queue)
        assert wait_for(lambda: len(smtp.handler.received) == 1, 60)
    (message,) = smtp.handler.received
    assert message["Subject"] == "[Energy] Due today: Due today on the owner's clock"
    assert count(states(database), "sent") == 1
