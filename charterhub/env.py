"""Strict parsing of the environment into settings.

Every function raises EnvError with a one-line message naming the variable, so
settings.py can stop start-up with that line instead of a traceback.
"""

import os
from urllib.parse import unquote, urlsplit

import dj_database_url


class EnvError(ValueError):
    pass


TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number from ``minimum`` to ``maximum`` (inclusive); unset or empty → default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" to {maximum}" if maximum is not None else " or more"
        raise EnvError(f"{name}={value} is out of range (use {minimum}{upper})")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str) -> dict:
    """DATABASE_URL → a DATABASES entry; only PostgreSQL and SQLite are supported."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise EnvError(
            f"DATABASE_URL must start with postgres://, postgresql:// or sqlite:///, got {url!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types
        raise EnvError(f"DATABASE_URL is malformed: {exc}") from None
    if scheme != "sqlite":
        if not config.get("NAME"):
            raise EnvError(f"DATABASE_URL has no database name: {url!r}")
        try:
            urlsplit(url).port  # noqa: B018 — raises ValueError on a bad port
        except ValueError:
            raise EnvError(f"DATABASE_URL has an invalid port: {url!r}") from None
    elif not config.get("NAME"):
        raise EnvError(f"DATABASE_URL has no SQLite file path: {url!r}")
    if scheme == "sqlite":
        config["CONN_MAX_AGE"] = 0
        config.pop("CONN_HEALTH_CHECKS", None)
    return config


def parse_email_url(url: str, *, file_path: str) -> dict:
    """EMAIL_URL → a MAILERS entry. Empty → every email written to a file under var/mail/."""
    if not url:
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": file_path},
        }
    parts = urlsplit(url)
    schemes = {"smtp": {}, "smtp+tls": {"use_tls": True}, "smtp+ssl": {"use_ssl": True}}
    if parts.scheme not in schemes:
        raise EnvError(
            f"EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl://, got {url!r}"
        )
    try:
        port = parts.port
    except ValueError:
        raise EnvError(f"EMAIL_URL has an invalid port: {url!r}") from None
    if not parts.hostname:
        raise EnvError(f"EMAIL_URL has no host: {url!r}")
    default_port = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[parts.scheme]
    options = {
        "host": parts.hostname,
        "port": port or default_port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "timeout": 10,
        **schemes[parts.scheme],
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def parse_redis_url(url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise EnvError(f"REDIS_URL must start with redis:// or rediss://, got {url!r}")
    try:
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        raise EnvError(f"REDIS_URL has an invalid port: {url!r}") from None
    if not parts.hostname:
        raise EnvError(f"REDIS_URL has no host: {url!r}")
    return url


def parse_site_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise EnvError(f"SITE_URL must be an absolute http(s) URL, got {url!r}")
    return url.rstrip("/")


def load_env_file(path: str) -> None:
    """Put the ``NAME=value`` lines of the file at ``path`` into the environment, unless set.

    Written by ``make run`` (the demo's ``DEBUG=true``), so manage.py commands run from that
    checkout get the same settings. A variable already in the environment wins. Blank lines
    and ``#`` comments are skipped, ``export`` is allowed, one pair of quotes is stripped; no
    ``$`` expansion. An empty ``path`` or a missing file reads nothing.
    """
    if not path or not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, sep, value = text.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name.isidentifier():
            raise EnvError(f"{path}, line {number}: expected NAME=value, got {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)
