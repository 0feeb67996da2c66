"""Settings from the environment: good values parse, malformed ones stop start-up with one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from charterhub.env import (
    EnvError,
    parse_database_url,
    parse_email_url,
    parse_redis_url,
    parse_site_url,
)

ROOT = Path(__file__).resolve().parents[2]


def test_it_parses_postgres_url():
    config = parse_database_url("postgres://app:s3cret@db.example:5433/charterhub")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "charterhub")
    assert (config["USER"], config["PASSWORD"]) == ("app", "s3cret")


def test_it_parses_sqlite_url():
    config = parse_database_url("sqlite:////tmp/charterhub.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/charterhub.sqlite3"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/db",
        "postgres:///",
        "postgres://host:notaport/db",
        "not a url",
        "",
    ],
)
def test_it_rejects_malformed_database_url(url):
    with pytest.raises(EnvError, match="DATABASE_URL"):
        parse_database_url(url)


def test_it_writes_email_to_files_without_email_url():
    config = parse_email_url("", file_path="/tmp/mail")
    assert config["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert config["OPTIONS"] == {"file_path": "/tmp/mail"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example:2525", {"host": "mail.example", "port": 2525}),
        ("smtp+tls://u%40x:p%2Fw@mail.example", {"port": 587, "use_tls": True, "username": "u@x"}),
        ("smtp+ssl://mail.example", {"port": 465, "use_ssl": True}),
    ],
)
def test_it_parses_email_url(url, expected):
    options = parse_email_url(url, file_path="/unused")["OPTIONS"]
    assert expected.items() <= options.items()


def test_it_unquotes_email_password():
    options = parse_email_url("smtp+tls://user:p%2Fw%3A@mail.example", file_path="/x")["OPTIONS"]
    assert options["password"] == "p/w:"


@pytest.mark.parametrize(
    "url", ["http://mail.example", "smtp://", "smtp://mail.example:port", "mail.example:25"]
)
def test_it_rejects_malformed_email_url(url):
    with pytest.raises(EnvError, match="EMAIL_URL"):
        parse_email_url(url, file_path="/x")


def test_it_accepts_redis_url_and_empty():
    assert parse_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert parse_redis_url("") == ""


@pytest.mark.parametrize("url", ["amqp://guest@localhost//", "redis://host:abc/0", "redis://"])
def test_it_rejects_malformed_redis_url(url):
    with pytest.raises(EnvError, match="REDIS_URL"):
        parse_redis_url(url)


def test_it_rejects_relative_site_url():
    assert parse_site_url("https://charterhub.example/") == "https://charterhub.example"
    with pytest.raises(EnvError, match="SITE_URL"):
        parse_site_url("charterhub.example")


def run_manage_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "EMAIL_URL", "REDIS_URL"}
    }
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k", "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"SECRET_KEY": "k", "EMAIL_URL": "smtp://:bad"}, "EMAIL_URL"),
        ({"SECRET_KEY": "k", "DEBUG": "maybe"}, "DEBUG"),
    ],
)
def test_it_stops_startup_with_one_clear_line(overrides, named):
    result = run_manage_check(**overrides)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CharterHub configuration error:")
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_it_starts_with_good_settings(tmp_path):
    result = run_manage_check(
        SECRET_KEY="k", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", EMAIL_URL="smtp://m:25"
    )
    assert result.returncode == 0, result.stderr
