"""Production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**overrides: str) -> subprocess.CompletedProcess:
    skip = {"DEBUG", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    env = {key: value for key, value in os.environ.items() if key not in skip}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false", **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_passes_the_deploy_check_with_production_settings():
    result = run_check(EMAIL_URL="smtp+tls://mailer:secret@mail.example")
    assert result.returncode == 0, result.stderr


def test_it_flags_file_based_email_in_production():
    result = run_check()
    assert result.returncode != 0
    assert "mail.E001" in result.stderr
