"""The `.env` that `make run` writes: settings read it under the real environment, so the
README's manage.py commands run from that checkout with the demo's DEBUG=true."""

import os

import pytest

from charterhub.env import EnvError, load_env_file
from tests.charterhub.test_env import run_manage_check


def test_it_reads_names_and_values_and_lets_the_environment_win(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n\nDEBUG=true\nexport SITE_URL='http://demo.test'\nSECRET_KEY=from-file\n"
    )
    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "from-environment")
    load_env_file(str(env_file))
    assert os.environ["DEBUG"] == "true"
    assert os.environ["SITE_URL"] == "http://demo.test"
    assert os.environ["SECRET_KEY"] == "from-environment"


def test_it_reads_nothing_without_a_file_or_a_path(tmp_path):
    load_env_file("")
    load_env_file(str(tmp_path / "missing.env"))


def test_it_names_the_line_it_cannot_read(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nnot a setting\n")
    with pytest.raises(EnvError, match=r"line 2"):
        load_env_file(str(env_file))


def test_it_runs_manage_py_with_the_demo_settings_of_the_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\n")
    assert run_manage_check(ENV_FILE=str(env_file)).returncode == 0
    refused = run_manage_check(ENV_FILE="")
    assert refused.returncode != 0
    assert "SECRET_KEY is required" in refused.stderr
