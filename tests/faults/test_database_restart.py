"""PostgreSQL restarted under load: gunicorn (production settings, DEBUG off) keeps
answering — a 503 page with Retry-After and no traceback while the database is down, never
a 500 — and serves normally again once it is back, without restarting a worker.

The database is a private cluster (tests/faults/conftest.py) on a free port; the shared
PostgreSQL on 5432 is never stopped. Required under CI=true.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import pytest

from tests.faults.conftest import ROOT, free_port, wait_for

pytestmark = pytest.mark.postgres

SESSION_COOKIE = "__Host-sessionid"  # production settings (DEBUG off)
CSRF_COOKIE = "__Host-csrftoken"
CSRF_SECRET = "f" * 32  # an unmasked secret is a valid token in the X-CSRFToken header
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "psycopg", "connection refused")


@dataclass
class Result:
    path: str
    started: float
    finished: float
    status: int
    body: str
    headers: dict


def request(
    port: int, method: str, path: str, *, cookies: str, body: str = "", htmx: bool = False
) -> Result:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Cookie": cookies}
    if htmx:
        headers["HX-Request"] = "true"
    if method == "POST":
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": CSRF_SECRET,
        }
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        return Result(
            path, started, time.monotonic(), response.status, content, dict(response.getheaders())
        )
    except OSError as error:  # the server itself not answering is a failure too
        return Result(path, started, time.monotonic(), 0, repr(error), {})
    finally:
        connection.close()


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )


@pytest.fixture
def site(private_postgres, tmp_path):
    """A migrated database on the private cluster and gunicorn serving it."""
    private_postgres.create_database("charterhub")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env |= {
        "DATABASE_URL": private_postgres.url("charterhub"),
        "SECRET_KEY": "fault-test-secret-key-not-for-production",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PYTHONUNBUFFERED": "1",
    }
    # Side by side: the schema, and the static manifest that production pages need.
    collect_log = tmp_path / "collectstatic.log"
    with collect_log.open("w") as out:
        collecting = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        manage(env, "migrate", "--noinput", "-v0")
    finally:
        collected = collecting.wait(timeout=180)
    assert collected == 0, collect_log.read_text()
    prepared = subprocess.run(
        [sys.executable, "-m", "tests.faults.site_script", "setup"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    data = json.loads(prepared.stdout)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "charterhub.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        ready = wait_for(
            lambda: (
                server.poll() is not None
                or request(port, "GET", "/healthz", cookies="").status == 200
            ),
            60,
            0.25,
        )
        assert ready and server.poll() is None, log.read_text()
        yield {
            "port": port,
            "server": server,
            "log": log,
            "env": env,
            "cookies": f"{SESSION_COOKIE}={data['session']}; {CSRF_COOKIE}={CSRF_SECRET}",
            "milestone": data["milestone"],
            "postgres": private_postgres,
        }
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def milestone_state(site, pk: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.site_script", "milestone", str(pk)],
        cwd=ROOT,
        env=site["env"],
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


class Load:
    """A few threads requesting pages in a loop, recording every response."""

    def __init__(self, port: int, cookies: str, paths: list[str], threads: int = 4):
        self.port, self.cookies, self.paths = port, cookies, paths
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def _run(self, offset: int) -> None:
        n = offset
        while not self.stopping.is_set():
            path = self.paths[n % len(self.paths)]
            # /healthz as a monitor asks: without the session cookie.
            cookies = "" if path == "/healthz" else self.cookies
            result = request(self.port, "GET", path, cookies=cookies)
            with self.lock:
                self.results.append(result)
            n += 1
            time.sleep(0.02)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def snapshot(self) -> list[Result]:
        with self.lock:
            return list(self.results)

    def successes_after(self, moment: float, path: str | None = None) -> list[Result]:
        return [
            r
            for r in self.snapshot()
            if r.started >= moment and r.status == 200 and (path is None or r.path == path)
        ]


def assert_outage_page(result: Result) -> None:
    assert result.status == 503, (result.path, result.status, result.body[:500])
    assert 'data-outage="database"' in result.body, result.body[:500]
    assert "temporarily unavailable" in result.body
    assert result.headers.get("Retry-After") == "30"
    for leak in LEAKS:
        assert leak not in result.body, (leak, result.body[:500])


def test_it_answers_503_while_postgres_is_down_and_recovers_by_itself(site):
    port, cookies, pk = site["port"], site["cookies"], site["milestone"]
    pages = ["/", "/milestones/", f"/milestones/{pk}/"]
    paths = [*pages, "/healthz"]
    postgres = site["postgres"]

    with Load(port, cookies, paths) as load:
        assert wait_for(lambda: len(load.successes_after(0)) >= 12, 60), load.snapshot()[-3:]

        postgres.stop("fast")  # terminates every open connection
        stopped = time.monotonic()
        # Stay down until every page has been asked for a few times.
        assert wait_for(
            lambda: all(
                sum(1 for r in load.snapshot() if r.started >= stopped and r.path == path) >= 3
                for path in paths
            ),
            30,
        )
        # A write while the database is down: the same clean 503.
        post = request(
            port,
            "POST",
            f"/milestones/{pk}/log/",
            cookies=cookies,
            body="version=1&note=During+the+outage&progress=55",
        )
        htmx = request(port, "GET", f"/milestones/{pk}/", cookies=cookies, htmx=True)
        restarting = time.monotonic()
        postgres.start()
        started = time.monotonic()

        recovered = wait_for(lambda: all(load.successes_after(started, path) for path in paths), 20)
        assert recovered, [(r.path, r.status) for r in load.snapshot()[-12:]]
        first_success = min(r.finished for r in load.successes_after(started))
        time.sleep(1.5)  # keep the load on after recovery

    results = load.snapshot()
    # Never a 500 (or no answer at all), whatever the moment.
    assert {r.status for r in results} <= {200, 503}, sorted({r.status for r in results})
    # Down: every page answered the 503 page, /healthz its JSON naming the database.
    down = [r for r in results if r.started >= stopped and r.finished <= restarting]
    down_pages = [r for r in down if r.path in pages]
    assert len(down_pages) >= 9, len(down_pages)
    for result in down_pages:
        assert_outage_page(result)
    for result in down:
        if result.path == "/healthz":
            assert result.status == 503
            assert json.loads(result.body)["database"] == "down"
    # Every 503 at any moment (also while PostgreSQL was shutting down) is the clean page.
    for result in results:
        if result.status == 503 and result.path in pages:
            assert_outage_page(result)
    assert_outage_page(post)
    assert_outage_page(htmx)
    assert "<html" not in htmx.body  # the message alone, for htmx to report as an error
    # Back within seconds of PostgreSQL starting, and from then on every request succeeds:
    # the persistent connections were replaced, not retried into more errors.
    assert first_success - started < 15, first_success - started
    later = [r for r in results if r.started >= first_success]
    assert later, "no requests after the recovery"
    assert all(r.status == 200 for r in later), [
        (r.path, r.status) for r in later if r.status != 200
    ]

    # The write made during the outage did not happen; the same write now does.
    assert milestone_state(site, pk) == {"progress": 10, "version": 1}
    after = request(
        port,
        "POST",
        f"/milestones/{pk}/log/",
        cookies=cookies,
        body="version=1&note=After+the+outage&progress=55",
    )
    assert after.status == 302, (after.status, after.body[:500])
    assert milestone_state(site, pk) == {"progress": 55, "version": 2}

    # A quick restart while the server is idle leaves each worker holding a dead persistent
    # connection; the health check (CONN_HEALTH_CHECKS) replaces it before a request uses
    # it, so not even the first request after the restart fails.
    postgres.stop("fast")
    postgres.start()
    quick = [request(port, "GET", path, cookies=cookies) for path in pages * 4]
    assert [r.status for r in quick] == [200] * len(quick), [r.body[:300] for r in quick]

    # Without restarting the server: the same two workers served throughout, and the
    # outage was logged (with its traceback, in the log only), never as a server error.
    server, log = site["server"], site["log"].read_text()
    assert server.poll() is None
    assert log.count("Booting worker") == 2, log[-3000:]
    assert "Service Unavailable" in log or "Database unavailable" in log
    assert "Internal Server Error" not in log, log[-3000:]
