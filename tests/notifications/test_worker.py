"""The Celery worker really runs the periodic outbox task, on the embedded broker and on Redis.

Each test starts its own worker on its own queue, so a worker started elsewhere
(by `make run`, say) cannot take its task.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from charterhub.celery import app
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


def redis_reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def worker_database(tmp_path_factory) -> str:
    """A migrated SQLite file of the worker's own (the test database is not visible to it)."""
    path = tmp_path_factory.mktemp("worker") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return f"sqlite:///{path}"


def run_task_on_worker(
    *, broker_env: dict, database_url: str, log_path: Path, tasks: tuple = ("deliver_emails",)
) -> str:
    """Start a worker on a fresh queue, send each of `tasks` there, return the worker's log
    once every one has succeeded (or the worker stopped, or 60 s passed)."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, **broker_env, "DATABASE_URL": database_url}
    log_file = log_path.open("w")
    worker = subprocess.Popen(
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
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        sender = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup();"
                "from apps.notifications import tasks;"
                + "".join(f"tasks.{task}.apply_async(queue={queue!r});" for task in tasks),
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "charterhub.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sender.returncode == 0, sender.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            log = log_path.read_text()
            if all(succeeded(log, task) for task in tasks) or worker.poll() is not None:
                break
            time.sleep(0.2)
        return log_path.read_text()
    finally:
        log_file.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def succeeded(log: str, task: str) -> bool:
    return (
        re.search(rf"Task apps\.notifications\.tasks\.{task}\[[^\]]+\] succeeded", log) is not None
    )


def test_it_registers_every_beat_task():
    # what autodiscovery imports in the worker
    import apps.audit.tasks
    import apps.notifications.tasks  # noqa: F401

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_it_runs_the_outbox_task_on_redis(worker_database, tmp_path):
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    require(redis_reachable(url), f"Redis is not reachable at {url}")
    log = run_task_on_worker(
        broker_env={"REDIS_URL": url}, database_url=worker_database, log_path=tmp_path / "log"
    )
    assert succeeded(log, "deliver_emails"), log


# One worker start for all of them (a start is most of the time): the outbox task and each
# scheduled job, sent to the same queue, each must succeed.
SCHEDULED = ("deliver_emails", "send_deadline_reminders", "send_digests", "cleanup_email_log")


def test_it_runs_the_outbox_task_and_the_scheduled_jobs_on_the_embedded_broker(
    worker_database, tmp_path
):
    log = run_task_on_worker(
        broker_env={"REDIS_URL": ""},
        database_url=worker_database,
        log_path=tmp_path / "log",
        tasks=SCHEDULED,
    )
    for task in SCHEDULED:
        assert succeeded(log, task), (task, log)
