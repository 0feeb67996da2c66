"""docker-compose.yml and Dockerfile: valid, complete, and consistent with the settings.

There is no Docker engine here, so the compose file is checked against the compose-spec
schema vendored in check-jsonschema (offline), then read with ruamel.yaml (installed with
check-jsonschema; PyYAML is not) with its anchors and merge keys resolved, as compose does.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
APP_SERVICES = ("web", "worker", "beat", "migrate")
ALL_SERVICES = (*APP_SERVICES, "postgres", "redis", "mailpit")
# Every variable the compose file may read from the shell or .env.
KNOWN_VARIABLES = {
    "SECRET_KEY",
    "POSTGRES_PASSWORD",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_URL",
}
REQUIRED_VARIABLES = {"SECRET_KEY", "POSTGRES_PASSWORD"}
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def load_compose() -> dict:
    with COMPOSE_FILE.open(encoding="utf-8") as stream:
        return YAML(typ="safe", pure=True).load(stream)


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def check_jsonschema() -> str:
    """The check-jsonschema next to this interpreter (the project's .venv), else on PATH."""
    candidate = Path(sys.executable).parent / "check-jsonschema"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("check-jsonschema")
    if not found:
        pytest.fail("check-jsonschema is not installed (it is pinned in requirements.txt)")
    return found


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [check_jsonschema(), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${VAR...} interpolation, for the forms this file uses; $$ is a literal $."""

    def replace(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in variables and (variables[name] or not (op or "").startswith(":")):
            return variables[name]
        if op in (":-", "-"):
            return arg
        raise AssertionError(f"${{{name}}} is unset and has no default")

    return INTERPOLATION.sub(replace, value.replace("$$", "\0")).replace("\0", "$")


def command_words(service: dict) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else list(command)


def test_it_is_valid_against_the_compose_spec_schema():
    result = validate(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_it_has_a_schema_check_that_really_rejects_mistakes(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    broken.write_text(text.replace("  web:\n", "  web:\n    commandd: typo\n", 1), encoding="utf-8")
    result = validate(broken)
    assert result.returncode != 0
    assert "commandd" in result.stdout + result.stderr


def test_it_defines_every_service(services):
    assert set(ALL_SERVICES) <= set(services)


def test_it_runs_gunicorn_in_web(services):
    words = command_words(services["web"])
    assert words[0] == "gunicorn"
    assert "charterhub.wsgi:application" in words
    assert "0.0.0.0:8000" in words
    assert "8000:8000" in services["web"]["ports"]


def test_it_runs_a_celery_worker_in_worker(services):
    words = command_words(services["worker"])
    assert words[:3] == ["celery", "-A", "charterhub"]
    assert "worker" in words


def test_it_runs_celery_beat_with_its_schedule_on_the_var_volume(services):
    words = command_words(services["beat"])
    assert words[:3] == ["celery", "-A", "charterhub"]
    assert "beat" in words
    assert words[words.index("--schedule") + 1].startswith("/app/var/")


def test_it_migrates_once_and_does_not_restart_migrate(services):
    assert command_words(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    # unless-stopped on a one-shot container would rerun it for ever.
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat", "postgres", "redis", "mailpit"):
        assert services[name]["restart"] == "unless-stopped", name


def test_it_shares_one_image_and_environment_across_the_app_services(compose, services):
    shared = compose["x-app"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["image"] == shared["image"], name
        assert service["build"] == shared["build"], name
        assert service["environment"] == shared["environment"], name
        assert "app-var:/app/var" in service["volumes"], name
    # The anchor is really used (merge keys), not four copies that can drift apart.
    assert COMPOSE_FILE.read_text(encoding="utf-8").count("<<: *app") == len(APP_SERVICES)


def test_it_points_the_app_at_the_compose_services(compose):
    env = compose["x-app"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://charterhub:")
    assert env["DATABASE_URL"].endswith("@postgres:5432/charterhub")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert "smtp://mailpit:1025" in env["EMAIL_URL"]
    assert env["DEBUG"] == "false"
    assert env["ALLOWED_HOSTS"] == "${ALLOWED_HOSTS:-localhost,127.0.0.1}"
    assert env["SITE_URL"] == "${SITE_URL:-http://localhost:8000}"
    assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-false}"


def test_it_requires_a_secret_key(compose):
    assert compose["x-app"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    with pytest.raises(AssertionError, match="SECRET_KEY"):
        interpolate(compose["x-app"]["environment"]["SECRET_KEY"], {})


def test_it_uses_the_same_database_password_for_postgres_and_the_app(compose, services):
    variables = {"POSTGRES_PASSWORD": "pw-123"}
    url = interpolate(compose["x-app"]["environment"]["DATABASE_URL"], variables)
    password = interpolate(services["postgres"]["environment"]["POSTGRES_PASSWORD"], variables)
    assert url == f"postgres://charterhub:{password}@postgres:5432/charterhub"
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "charterhub"
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "charterhub"


def test_it_interpolates_only_known_variables_and_escapes_other_dollars():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    names = {match["name"] for match in INTERPOLATION.finditer(body)}
    assert names <= KNOWN_VARIABLES, names - KNOWN_VARIABLES
    # A lone "$" (e.g. a shell variable in a health check) would be eaten by compose.
    unescaped = INTERPOLATION.sub("", body.replace("$$", ""))
    assert "$" not in unescaped


def test_it_gives_django_settings_it_accepts(compose, tmp_path):
    """The compose environment, interpolated with only the required variables, starts Django."""
    variables = {name: f"test-{name.lower()}-value" for name in REQUIRED_VARIABLES}
    shared = compose["x-app"]["environment"]
    env = {key: interpolate(str(value), variables) for key, value in shared.items()}
    env["STATIC_ROOT"] = str(tmp_path / "static")  # the image sets it; keep the tree clean here
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "charterhub.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_waits_for_healthy_infrastructure_and_for_migrate(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert "migrate" not in services["migrate"]["depends_on"]


def test_it_health_checks_postgres_redis_web_and_worker(services):
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    web_check = services["web"]["healthcheck"]["test"]
    assert web_check[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in web_check[3]
    # Only this container's node: a broadcast ping passes if any other worker answers.
    worker_check = " ".join(services["worker"]["healthcheck"]["test"])
    assert "inspect ping --destination celery@$$HOSTNAME" in worker_check


class _Recorder(BaseHTTPRequestHandler):
    status = 200
    seen: list[dict] = []

    def do_GET(self):
        type(self).seen.append({"path": self.path, **dict(self.headers)})
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    ("allowed_hosts", "status", "expected_host", "passes"),
    [
        ("charterhub.example.org,localhost", 200, "charterhub.example.org", True),
        (".example.org", 200, "example.org", True),
        ("*", 200, "localhost", True),
        (None, 200, "localhost", True),
        ("localhost", 503, "localhost", False),
    ],
)
def test_it_probes_healthz_as_an_allowed_https_host(
    services, allowed_hosts, status, expected_host, passes
):
    """Run the web health check against a stand-in server: Host and X-Forwarded-Proto matter."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.status, _Recorder.seen = status, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code = services["web"]["healthcheck"]["test"][3].replace(
            "127.0.0.1:8000", f"127.0.0.1:{server.server_port}"
        )
        env = {key: value for key, value in os.environ.items() if key != "ALLOWED_HOSTS"}
        if allowed_hosts is not None:
            env["ALLOWED_HOSTS"] = allowed_hosts
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, timeout=30, check=False
        )
    finally:
        server.shutdown()
        server.server_close()
    assert (result.returncode == 0) is passes, result.stderr
    [request] = _Recorder.seen
    assert request["path"] == "/healthz"
    assert request["Host"] == expected_host
    assert request["X-Forwarded-Proto"] == "https"


def test_it_declares_and_mounts_the_named_volumes(compose, services):
    assert {"postgres-data", "app-var"} <= set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_it_keeps_mailpit_on_the_internal_network_and_its_ui_on_loopback(services):
    mailpit = services["mailpit"]
    assert mailpit["image"].startswith("axllent/mailpit")
    assert "127.0.0.1:8025:8025" in mailpit["ports"]
    assert not any("1025" in str(port) for port in mailpit["ports"])


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_it_builds_from_python_312_slim():
    assert dockerfile_instructions()[0] == ("FROM", "python:3.12-slim")


def test_it_serves_with_gunicorn_by_default():
    [cmd] = [rest for keyword, rest in dockerfile_instructions() if keyword == "CMD"]
    words = json.loads(cmd)  # exec form: gunicorn is PID 1 and gets SIGTERM
    assert words[:2] == ["gunicorn", "charterhub.wsgi:application"]
    assert words[words.index("--bind") + 1] == "0.0.0.0:8000"
    assert ("EXPOSE", "8000") in dockerfile_instructions()


def test_it_does_not_run_as_root():
    instructions = dockerfile_instructions()
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users, "no USER line: the container would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    keywords = [keyword for keyword, _ in instructions]
    assert keywords.index("USER") < keywords.index("CMD")


def test_it_collects_static_files_at_build_time_outside_the_var_volume():
    instructions = dockerfile_instructions()
    [collect] = [rest for keyword, rest in instructions if "collectstatic" in rest]
    assert "--noinput" in collect
    assert "SECRET_KEY=" in collect
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    static_root = re.search(r"STATIC_ROOT=(\S+)", env)
    assert static_root, "STATIC_ROOT must be set in the image"
    # /app/var is a volume in compose: files collected there would be hidden or go stale.
    assert not static_root[1].startswith("/app/var")


def test_it_keeps_local_state_and_secrets_out_of_the_build_context():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", "var", ".git", ".env", "test-artifacts"} <= ignored
    assert "**/__pycache__" in ignored
