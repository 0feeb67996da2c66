"""The Makefile finds a Python 3.12+ interpreter by itself, or stops with one clear line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def fake_python(folder: Path, name: str, version: tuple[int, int]) -> None:
    """A stand-in interpreter that reports `version` to the Makefile's check."""
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-c" ]; then exec {sys.executable} -c '
        f"\"import sys; sys.version_info = {version!r} + (0, 'final', 0); $2\"; fi\n"
        "exit 3\n"
    )
    script.chmod(0o755)


def link_shell_tools(folder: Path) -> None:
    """The few commands the Makefile's recipe needs, without any other python on PATH."""
    for tool in ("sh", "bash", "ls", "sort", "rm", "touch", "dirname", "env"):
        if found := shutil.which(tool):
            os.symlink(found, folder / tool)


def run_make(target: str, *, path: str, home: Path, venv: Path) -> subprocess.CompletedProcess:
    env = {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8"}
    return subprocess.run(
        [MAKE, "--no-print-directory", target, f"VENV={venv}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_stops_with_one_line_when_no_python_is_new_enough(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_python(bin_dir, "python3", (3, 11))
    link_shell_tools(bin_dir)
    result = run_make("install", path=str(bin_dir), home=tmp_path, venv=tmp_path / "venv")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make:")]
    assert lines == [
        "CharterHub needs Python 3.12 or newer, and none was found "
        "(tried python3.14 … python3 and pyenv's versions)."
    ]
    assert not (tmp_path / "venv").exists()


def test_it_prefers_a_new_enough_python_on_the_path(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_python(bin_dir, "python3", (3, 11))
    fake_python(bin_dir, "python3.13", (3, 13))
    link_shell_tools(bin_dir)
    # The fake interpreter cannot create a venv: we only check which one the Makefile picked.
    result = run_make("install", path=str(bin_dir), home=tmp_path, venv=tmp_path / "venv")
    assert f"Creating {tmp_path / 'venv'} with {bin_dir / 'python3.13'}" in result.stdout


def test_it_falls_back_to_pyenv_versions(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_python(bin_dir, "python3", (3, 11))
    link_shell_tools(bin_dir)
    for version in ("3.11.7", "3.12.1", "3.13.0"):
        folder = tmp_path / ".pyenv" / "versions" / version / "bin"
        folder.mkdir(parents=True)
        fake_python(folder, "python3", tuple(int(part) for part in version.split(".")[:2]))
    result = run_make("install", path=str(bin_dir), home=tmp_path, venv=tmp_path / "venv")
    newest = tmp_path / ".pyenv" / "versions" / "3.13.0" / "bin" / "python3"
    assert f"Creating {tmp_path / 'venv'} with {newest}" in result.stdout
