"""`make loadtest`: locust against gunicorn with the production settings on PostgreSQL.

Steps: make sure the database exists, migrate, `seed_demo --scale 100` (idempotent: on a seeded
database it creates nothing and takes about a second), collectstatic, VACUUM ANALYZE; then
gunicorn with DEBUG off on a free loopback port, serving TLS with a self-signed certificate made
for this run (with DEBUG off the cookies are Secure and named __Host-…, so they only travel over
HTTPS); wait for /healthz; locust headless (tests/perf/locustfile.py: officials sign in, then a
weighted mix of pages, inline edits and progress logs, beside the anonymous login page); stop
gunicorn; check that every update the server accepted is in the database; print the figures per
request type and keep them, with the raw samples and logs, under var/loadtest/<time>/.

The exit status is 1 on any failed request, any 5xx (counted by locust and again from gunicorn's
access log), any crash in the officials' code, or any accepted update missing afterwards.

Settings (environment; docs/performance.md "Load test"):
  LOADTEST_DATABASE_URL  postgres://postgres@127.0.0.1:5432/charterhub_bench
  LOADTEST_REDIS_URL     the broker /healthz checks (default: REDIS_URL, else
                         redis://127.0.0.1:6379/0); nothing is enqueued during the run
  LOADTEST_USERS         concurrent officials (50)
  LOADTEST_SPAWN_RATE    officials started per second (10)
  LOADTEST_DURATION      seconds measured once every official has signed in (60)
  LOADTEST_WAIT          think time between two actions, seconds "min-max" (2-6)
  LOADTEST_WORKERS       gunicorn sync workers (2 × CPU cores + 1)
  LOADTEST_SCALE         seed_demo --scale (100)
"""

import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
PERF_DIR = BASE_DIR / "tests" / "perf"
LOCUSTFILE = PERF_DIR / "locustfile.py"
PY = sys.executable

# Request names, as tests/perf/locustfile.py reports them.
LOGIN_PAGE = ("GET", "login page (anonymous)")
SIGN_IN = ("POST", "sign in (POST)")
ALL = ("", "all requests")
SIGN_IN_LIMIT = 180  # seconds the sign-ins may take (as in the locustfile)
# gunicorn's access log, one request a line: status, method, path, time taken in microseconds.
ACCESS_FORMAT = "%(s)s %(m)s %(U)s %(D)s"


def fail(message: str) -> None:
    sys.exit(f"loadtest: {message}")


# --- settings -----------------------------------------------------------------------------


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        fail(f"{name}={raw!r} must be a whole number of at least 1")
    return int(raw)


def env_seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    match = re.fullmatch(r"(\d+)\s*([sm]?)", raw)
    if not match or int(match.group(1)) < 1:
        fail(f"{name}={raw!r} must be a duration like 60, 60s or 2m")
    return int(match.group(1)) * (60 if match.group(2) == "m" else 1)


def env_wait(name: str, default: str) -> str:
    raw = os.environ.get(name, "").strip() or default
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", raw)
    if not match or float(match.group(2) or match.group(1)) < float(match.group(1)):
        fail(f"{name}={raw!r} must be seconds as min-max, e.g. 2-6")
    return raw


class Config:
    def __init__(self) -> None:
        self.database_url = os.environ.get(
            "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/charterhub_bench"
        )
        if not self.database_url.startswith(("postgres://", "postgresql://")):
            fail(
                "LOADTEST_DATABASE_URL must be a postgres:// URL (the load test is for PostgreSQL)"
            )
        self.redis_url = (
            os.environ.get("LOADTEST_REDIS_URL")
            or os.environ.get("REDIS_URL")
            or "redis://127.0.0.1:6379/0"
        )
        self.users = env_int("LOADTEST_USERS", 50)
        self.spawn_rate = env_int("LOADTEST_SPAWN_RATE", 10)
        self.duration = env_seconds("LOADTEST_DURATION", 60)
        self.wait = env_wait("LOADTEST_WAIT", "2-6")
        self.cores = os.cpu_count() or 1
        self.workers = env_int("LOADTEST_WORKERS", 2 * self.cores + 1)
        self.scale = env_int("LOADTEST_SCALE", 100)


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(label: str, timings: dict[str, float], command: list[str], env: dict) -> str:
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    timings[label] = time.perf_counter() - start
    if result.returncode != 0:
        fail(f"{label} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1, valid for a day, made with openssl."""
    if shutil.which("openssl") is None:
        fail("openssl is needed to make the run's self-signed TLS certificate")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


def wait_for_health(url: str, server: subprocess.Popen, timeout: float = 60) -> dict:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"gunicorn exited with {server.returncode} before answering /healthz")
        try:
            with urllib.request.urlopen(url, timeout=5, context=context) as response:  # noqa: S310
                body = json.loads(response.read())
                if body.get("status") == "ok":
                    return body
                last = str(body)
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read()[:200]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    fail(f"/healthz did not answer ok within {timeout:.0f} s: {last}")
    return {}


def cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) of gunicorn's master and workers so far."""
    import psutil  # installed with locust

    try:
        master = psutil.Process(server.pid)
        processes = [master, *master.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


class CpuSampler(threading.Thread):
    """gunicorn's CPU seconds, once a second, so the measured window's share can be read."""

    def __init__(self, server: subprocess.Popen) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[tuple[float, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append((time.time(), cpu_seconds(self.server)))
            self.done.wait(1.0)

    def stop(self) -> None:
        self.samples.append((time.time(), cpu_seconds(self.server)))
        self.done.set()
        self.join()

    def at(self, moment: float) -> float:
        """CPU seconds at ``moment``, from the nearest sample (±0.5 s)."""
        return min(self.samples, key=lambda sample: abs(sample[0] - moment))[1]


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the figures ----------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def figures(samples: list[dict], seconds: float | None = None) -> dict[tuple[str, str], dict]:
    """Per (method, name), and for all requests: count, failures, 5xx, 409, requests per
    second (over ``seconds``, else the time the samples span), p50/p95/p99 in ms, and p50
    over the login page's p50."""
    if not samples:
        return {}
    start = min(s["t"] for s in samples)
    end = max(s["t"] + s["ms"] / 1000 for s in samples)
    seconds = max(seconds or end - start, 1e-9)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for sample in samples:
        groups[(sample["method"], sample["name"])].append(sample)
        groups[ALL].append(sample)
    result = {}
    for key, items in groups.items():
        times = [s["ms"] for s in items]
        result[key] = {
            "method": key[0],
            "name": key[1],
            "count": len(items),
            "failures": sum(s["error"] is not None for s in items),
            "5xx": sum(s["status"] >= 500 for s in items),
            "409": sum(s["status"] == 409 for s in items),
            "rps": len(items) / seconds,
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "p99": percentile(times, 99),
        }
    login = result.get(LOGIN_PAGE, {}).get("p50") or 0
    for row in result.values():
        row["x_login"] = row["p50"] / login if login else 0.0
    result["_window"] = {"seconds": seconds, "start": start, "end": end}
    return result


def table(result: dict) -> list[str]:
    rows = [row for key, row in result.items() if key != "_window"]
    order = {LOGIN_PAGE[1]: 0, SIGN_IN[1]: 1, ALL[1]: 3}
    rows.sort(key=lambda r: (order.get(r["name"], 2), r["name"]))
    width = max(len(f"{r['method']} {r['name']}".strip()) for r in rows)
    lines = [
        f"{'request':<{width}} {'count':>6} {'fail':>5} {'5xx':>4} {'409':>4} {'req/s':>6}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'p50÷login':>10}"
    ]
    for r in rows:
        label = f"{r['method']} {r['name']}".strip()
        lines.append(
            f"{label:<{width}} {r['count']:>6} {r['failures']:>5} {r['5xx']:>4} {r['409']:>4}"
            f" {r['rps']:>6.1f} {r['p50']:>7.0f} {r['p95']:>7.0f} {r['p99']:>7.0f}"
            f" {r['x_login']:>10.1f}"
        )
    return lines


def read_access_log(path: Path) -> tuple[Counter, list[float]]:
    """Status counts, and each request's time inside gunicorn in ms, from the access log."""
    statuses: Counter = Counter()
    times: list[float] = []
    if not path.exists():
        return statuses, times
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[0].isdigit() or not parts[3].isdigit():
            continue
        statuses[int(parts[0])] += 1
        if parts[2] != "/healthz":
            times.append(int(parts[3]) / 1000)
    return statuses, times


def officials_crashes(path: Path) -> int:
    """Exceptions raised by the officials' code (tests/perf/locustfile.py) in locust's log;
    locust logs each twice (its message, then the greenlet's), so distinct ones are counted."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    blocks = text.split("Traceback (most recent call last):")[1:]
    return len({block.strip() for block in blocks if "locustfile.py" in block})


def verify(ledger: list[dict], run_id: str, started: datetime) -> dict:
    """Every update the server accepted (per the ledger) is in the database, once, as sent;
    nothing answered with 409 was written."""
    from apps.milestones.models import MilestoneUpdate, UpdateKind

    logs = [e for e in ledger if e["kind"] == "log"]
    edits = [e for e in ledger if e["kind"] == "edit"]
    prefix = "Load test progress note "
    stored: dict[str, list[dict]] = defaultdict(list)
    for row in MilestoneUpdate.objects.filter(note__startswith=f"{prefix}lt-{run_id}-").values(
        "milestone_id", "note", "kind", "author__email", "new_progress"
    ):
        stored[row["note"].removeprefix(prefix)].append(row)
    problems: list[str] = []
    saved_logs = [e for e in logs if e["outcome"] == "saved"]
    for entry in saved_logs:
        rows = stored.get(entry["token"], [])
        if len(rows) != 1:
            problems.append(f"progress log {entry['token']}: {len(rows)} rows in the database")
            continue
        row = rows[0]
        sent = (entry["milestone"], UpdateKind.PROGRESS.value, entry["user"], entry["progress"])
        found = (row["milestone_id"], row["kind"], row["author__email"], row["new_progress"])
        if found != sent:
            problems.append(f"progress log {entry['token']}: stored {found}, sent {sent}")
    for entry in logs:
        if entry["outcome"] == "conflict" and entry["token"] in stored:
            problems.append(f"progress log {entry['token']} was answered 409 but written")
    accepted = {e["token"] for e in saved_logs}
    unexpected = sorted(set(stored) - accepted)
    saved_edits = [e for e in edits if e["outcome"] == "saved"]
    edit_rows = set(
        MilestoneUpdate.objects.filter(
            kind=UpdateKind.UPDATED,
            created_at__gte=started,
            milestone_id__in={e["milestone"] for e in saved_edits},
        ).values_list("milestone_id", "version", "author__email", "new_progress")
    )
    for entry in saved_edits:
        key = (entry["milestone"], entry["version"], entry["user"], entry["progress"])
        if key not in edit_rows:
            problems.append(f"inline edit {key} is not in the progress log")
    outcomes = Counter(f"{e['kind']} {e['outcome']}" for e in ledger)
    return {
        "logs_saved": len(saved_logs),
        "edits_saved": len(saved_edits),
        "outcomes": dict(outcomes),
        # Written although the official saw no success (e.g. a timeout): reported, not an error.
        "unexpected_rows": unexpected,
        "problems": problems,
    }


# --- the run ----------------------------------------------------------------------------


def prepare(config: Config, env: dict) -> tuple[dict[str, float], bool]:
    timings: dict[str, float] = {}
    timed("database", timings, [PY, str(PERF_DIR / "ensure_database.py")], env)
    timed("migrate", timings, [PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    seed_out = timed(
        f"seed_demo --scale {config.scale}",
        timings,
        [PY, "manage.py", "seed_demo", "--scale", str(config.scale), "-v1"],
        env,
    )
    created = "created" in seed_out.replace("nothing created", "")
    timed("collectstatic", timings, [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    return timings, created


def pick_accounts(count: int) -> list[dict]:
    """Synthetic members (seed_demo --scale), spread evenly over the working groups."""
    from apps.charter.models import Membership

    by_group: dict[str, list[dict]] = defaultdict(list)
    for user_id, email, slug in (
        Membership.objects.filter(user__email__startswith="synthetic.", role="member")
        .order_by("user_id")
        .values_list("user_id", "user__email", "group__slug")
    ):
        by_group[slug].append({"user_id": user_id, "email": email, "group": slug})
    pools = [by_group[slug] for slug in sorted(by_group)]
    depth = max((len(pool) for pool in pools), default=0)
    accounts = [pool[i] for i in range(depth) for pool in pools if i < len(pool)][:count]
    if len(accounts) < count:
        fail(f"only {len(accounts)} synthetic members to sign in as; seed a larger --scale")
    return accounts


def main() -> int:
    config = Config()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = BASE_DIR / "var" / "loadtest" / stamp
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"https://127.0.0.1:{port}"
    run_id = secrets.token_hex(6)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LOADTEST_")
        and key not in {"DJANGO_SETTINGS_MODULE", "EMAIL_URL", "SECURE_SSL_REDIRECT"}
    }
    env.update(
        {
            # The production settings: DEBUG off, a secret key, the allowed host, TLS-only
            # cookies and SECURE_SSL_REDIRECT at their production defaults. Nothing else.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": base_url,
            "DATABASE_URL": config.database_url,
            "REDIS_URL": config.redis_url,
            # This checkout's collected static files, apart from any other var/static.
            "STATIC_ROOT": str(BASE_DIR / "var" / "loadtest" / "static"),
            "DJANGO_SETTINGS_MODULE": "charterhub.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    os.environ.update(env)
    os.environ.pop("SECURE_SSL_REDIRECT", None)

    print(
        f"CharterHub load test: {config.users} officials (+{config.spawn_rate}/s) for "
        f"{config.duration} s, think time {config.wait} s; gunicorn, {config.workers} sync "
        f"workers, TLS on {base_url}; {config.cores} CPU cores shared by gunicorn, PostgreSQL "
        f"and locust",
        flush=True,
    )
    timings, created = prepare(config, env)

    import django

    django.setup()
    from django.db import connection

    from apps.accounts.models import User
    from apps.milestones.models import Milestone

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["VACUUM ANALYZE"] = time.perf_counter() - start
    print(
        "prepared: "
        + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in timings.items())
        + ("" if created else " (already seeded: seed_demo created nothing)"),
        flush=True,
    )
    accounts = pick_accounts(config.users)
    (out / "accounts.json").write_text(json.dumps(accounts, indent=1), encoding="utf-8")
    milestones, users = Milestone.objects.count(), User.objects.count()
    connection.close()

    cert, key = self_signed_certificate(out / "tls")
    access_log = out / "gunicorn-access.log"
    server = subprocess.Popen(
        [
            PY, "-m", "gunicorn", "charterhub.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(config.workers),
            "--certfile", str(cert), "--keyfile", str(key),
            "--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT,
            "--error-logfile", str(out / "gunicorn-error.log"), "--capture-output",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        health = wait_for_health(f"{base_url}/healthz", server)
        print(f"gunicorn up (pid {server.pid}); /healthz: {health}", flush=True)
        started = datetime.now(UTC)
        load_before = os.getloadavg()[0]
        cpu = CpuSampler(server)
        cpu.start()
        locust_env = {
            **env,
            "LOADTEST_ACCOUNTS": str(out / "accounts.json"),
            "LOADTEST_LEDGER": str(out / "ledger.jsonl"),
            "LOADTEST_SAMPLES": str(out / "samples.jsonl"),
            "LOADTEST_RUN_ID": run_id,
            "LOADTEST_WAIT": config.wait,
            "LOADTEST_DURATION": str(config.duration),
            "LOADTEST_WINDOW": str(out / "window.json"),
        }
        print(
            f"locust: the officials sign in, then {config.duration} s with all of them at work …",
            flush=True,
        )
        with (out / "locust.log").open("w", encoding="utf-8") as log:
            locust = subprocess.run(
                [
                    PY, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                    "-u", str(config.users), "-r", str(config.spawn_rate),
                    # A bound only: the locustfile stops the run once the window is over.
                    "-t", f"{SIGN_IN_LIMIT + config.duration + 60}s", "--host", base_url,
                    "--csv", str(out / "locust"), "--only-summary", "--stop-timeout", "30",
                    "--loglevel", "WARNING",
                ],
                cwd=BASE_DIR,
                env=locust_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )  # fmt: skip
        server_alive = server.poll() is None
        load_after = os.getloadavg()[0]
        cpu.stop()
    finally:
        stop(server)
        shutil.rmtree(out / "tls", ignore_errors=True)

    samples = read_jsonl(out / "samples.jsonl")
    ledger = read_jsonl(out / "ledger.jsonl")
    whole = figures(samples)
    # The measured window: from the moment every official had signed in (checking 50
    # passwords at once takes the CPU from everything else for a while), LOADTEST_DURATION s.
    window = (
        json.loads((out / "window.json").read_text(encoding="utf-8"))
        if (out / "window.json").exists()
        else None
    )
    steady = (
        figures(
            [s for s in samples if window["start"] <= s["t"] < window["end"]],
            window["end"] - window["start"],
        )
        if window
        else {}
    )
    if whole:
        sign_ins = [s for s in samples if (s["method"], s["name"]) == SIGN_IN]
        whole["_window"]["sign_in_seconds"] = (
            window["start"] - whole["_window"]["start"] if window else None
        )
        whole["_window"]["sign_ins"] = len(sign_ins)
    server_statuses, server_times = read_access_log(access_log)
    server_5xx = sum(n for code, n in server_statuses.items() if code >= 500)
    checked = verify(ledger, run_id, started)
    crashes = officials_crashes(out / "locust.log")
    connection.close()

    total = whole.get(ALL, {"count": 0, "failures": 0, "5xx": 0})
    print()
    print(
        f"{milestones:,} milestones and {users:,} users on PostgreSQL; locust exit status "
        f"{locust.returncode}; load average (1 min) {load_before:.1f} before, "
        f"{load_after:.1f} at the end"
    )
    if steady:
        print(
            f"\nMeasured window: {steady['_window']['seconds']:.0f} s with all "
            f"{window['ok']} officials signed in"
            + (f" ({window['failed']} could not sign in)" if window["failed"] else "")
            + ":"
        )
        print("\n".join(table(steady)))
    if whole:
        print(
            f"\nWhole run: {whole['_window']['seconds']:.0f} s, the sign-ins included (all "
            f"signed in after {whole['_window']['sign_in_seconds'] or 0:.0f} s):"
        )
        print("\n".join(table(whole)))
    print()
    print(
        "gunicorn access log: "
        + ", ".join(f"{code}: {n}" for code, n in sorted(server_statuses.items()))
        + (
            f"; time inside gunicorn per request: median {statistics.median(server_times):.0f}"
            f" ms, p95 {percentile(server_times, 95):.0f} ms"
            if server_times
            else ""
        )
    )
    served = sum(n for n in server_statuses.values()) - 1  # less the /healthz probe
    cpu_used = cpu.samples[-1][1] - cpu.samples[0][1]
    cpu_window = {}
    if steady:
        seconds = window["end"] - window["start"]
        used = cpu.at(window["end"]) - cpu.at(window["start"])
        count = steady[ALL]["count"]
        cpu_window = {
            "seconds": used,
            "cores": used / seconds,
            "ms_per_request": 1000 * used / count,
        }
        print(
            f"gunicorn CPU in the measured window: {used:.1f} s = {used / seconds:.2f} of "
            f"{config.cores} cores, {1000 * used / count:.0f} ms per request"
        )
    print(
        f"gunicorn CPU over the whole run: {cpu_used:.1f} s, "
        f"{1000 * cpu_used / max(served, 1):.0f} ms per request (sign-ins included)"
    )
    outcomes = checked["outcomes"]
    print(
        "writes: "
        + (", ".join(f"{what}: {n}" for what, n in sorted(outcomes.items())) or "none")
        + " (409 is a correct answer to a stale version: refetched and retried once)"
    )
    print(
        f"database check: {checked['logs_saved']} progress logs and {checked['edits_saved']} "
        "inline edits accepted; "
        + (
            "every one present, as sent; nothing answered 409 was written"
            if not checked["problems"]
            else f"{len(checked['problems'])} PROBLEMS"
        )
        + (
            f"; {len(checked['unexpected_rows'])} more written that locust saw fail"
            if checked["unexpected_rows"]
            else ""
        )
    )
    for problem in checked["problems"][:20]:
        print(f"  {problem}")
    errors = Counter(
        f"{s['method']} {s['name']}: {s['error']}" for s in samples if s["error"] is not None
    )
    for error, n in errors.most_common(10):
        print(f"  failed ×{n}: {error}")

    verdicts = []
    if total["failures"]:
        verdicts.append(f"{total['failures']} failed requests")
    if total["5xx"] or server_5xx:
        verdicts.append(f"5xx answers (locust saw {total['5xx']}, gunicorn logged {server_5xx})")
    if checked["problems"]:
        verdicts.append(f"{len(checked['problems'])} accepted updates missing or wrong")
    if crashes:
        verdicts.append(f"{crashes} exceptions in the officials' code (see locust.log)")
    if not server_alive:
        verdicts.append("gunicorn died during the run")
    if total["count"] and not (checked["logs_saved"] and checked["edits_saved"]):
        # The mix writes both within seconds; none means the pages were not understood (a
        # template change the locustfile does not follow), which would hide every write.
        verdicts.append("no progress log or no inline edit was accepted")
    if window is None:
        verdicts.append("the measured window never ended (see locust.log)")
    if not total["count"]:
        verdicts.append("no requests were made")
    summary = {
        "when": stamp,
        "config": {k: v for k, v in vars(config).items() if k != "database_url"},
        "database": {"milestones": milestones, "users": users},
        "prepare_seconds": timings,
        "load_average": {"before": load_before, "end": load_after},
        "measured_window": [row for key, row in steady.items() if key != "_window"],
        "whole_run": [row for key, row in whole.items() if key != "_window"],
        "windows": {"measured": window, "whole": whole.get("_window")},
        "gunicorn_statuses": dict(server_statuses),
        "gunicorn_cpu": {"whole_run_seconds": cpu_used, "measured_window": cpu_window},
        "verification": checked,
        "verdict": "pass" if not verdicts else "; ".join(verdicts),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"\nresults: {out.relative_to(BASE_DIR)}/ (summary.json, samples, ledger, logs)")
    if verdicts:
        print("FAIL: " + "; ".join(verdicts))
        return 1
    print("PASS: no failed request, no 5xx, every accepted update present in the database")
    return 0


if __name__ == "__main__":
    sys.exit(main())
