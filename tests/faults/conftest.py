"""Private PostgreSQL and Redis servers for the fault tests, started in a temp dir on free
ports, so a test can stop and restart them. The machine's shared PostgreSQL (5432) and
Redis (6379) are never touched: other people and CI use them.

A missing binary skips locally and fails under CI=true (tests.conftest.require).
PostgreSQL refuses to run as root: as root, the private cluster runs as the ``postgres``
user through ``runuser``.
"""

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_BINARIES = ("initdb", "pg_ctl", "postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, seconds: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


# --- PostgreSQL -----------------------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def postgres_bindir() -> Path | None:
    """The newest directory holding initdb, pg_ctl and postgres (Debian keeps them in
    /usr/lib/postgresql/<version>/bin, off PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    for directory in candidates:
        if all((directory / name).is_file() for name in POSTGRES_BINARIES):
            return directory
    return None


def _postgres_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


class PrivatePostgres:
    """A throwaway cluster: trust auth on 127.0.0.1:<free port>, fsync off."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="charterhub-faults-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            user = _postgres_user()
            os.chown(self.base, user.pw_uid, user.pw_gid)
        self.running = False

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd=self.base
        )

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(
            self.url("postgres").replace("postgres://", "postgresql://"), autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def cleanup(self) -> None:
        if self.running:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def private_postgres():
    bindir = postgres_bindir()
    require(bindir is not None, "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")
    if os.geteuid() == 0:
        require(
            _postgres_user() is not None and shutil.which("runuser") is not None,
            "running as root, a private PostgreSQL needs a 'postgres' user and runuser",
        )
    server = PrivatePostgres(bindir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.cleanup()


# --- Redis ----------------------------------------------------------------------------------


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, no persistence; stop() and start() again on
    the same port."""

    def __init__(self, binary: str, directory: Path):
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--daemonize",
                "no",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        if not wait_for(self.ping, 15):
            self.stop()
            raise RuntimeError(f"private redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server not found")
    server = PrivateRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
