"""git runs for the "not ignored" warning without our secrets and without the repository's programs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from wizard.gitcheck import git_env, git_exposure, scrubbed_env

SECRET = "Fsmon8Q~itor-canary-secret-0123456789abcdef"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose core.fsmonitor and hooks record their environment and arguments."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    record = tmp_path / "ran.txt"
    program = tmp_path / "fsmonitor.sh"
    program.write_text(f'#!/bin/sh\n{{ echo "argv: $*"; env; }} >> {record}\nexit 1\n')
    program.chmod(0o755)
    subprocess.run(["git", "-C", str(repo), "config", "core.fsmonitor", str(program)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "core.hooksPath", str(tmp_path)], check=True)
    (repo / "tracked.txt").write_text("x")
    subprocess.run(["git", "-C", str(repo), "-c", "core.fsmonitor=false", "add", "tracked.txt"], check=True)
    return repo, record


def test_the_repository_fsmonitor_never_runs_nor_sees_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, record = _hostile_repo(tmp_path)
    # The check is real: git itself would run the program for this repository.
    subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, check=False)
    assert record.exists(), "the hostile repository's fsmonitor did not run under plain git"
    record.unlink()
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", SECRET)
    warning = git_exposure(repo / "appsettings.json")
    assert warning is not None and "not ignored" in warning  # the check still works
    ran = record.exists()
    leaked = ran and SECRET in record.read_text()  # booleans only: a failure never prints the env
    assert not leaked, "the repository's fsmonitor program received the secret"
    assert not ran, "the repository's fsmonitor program ran"


def test_the_child_environment_is_scrubbed() -> None:
    base = {
        "PATH": "/usr/bin",
        "HOME": "/home/u",
        "DAEMON_WIZARD_CLIENT_SECRET": SECRET,
        "AZURE_CLIENT_SECRET": SECRET,
        "AZURE_CLIENT_CERTIFICATE_PASSWORD": SECRET,
        "GITHUB_TOKEN": SECRET,
        "MY_db_password": SECRET,
        "GIT_CONFIG_PARAMETERS": "'core.fsmonitor=/tmp/evil'",
        "GIT_CONFIG_COUNT": "1",
    }
    assert scrubbed_env(base) == {
        "PATH": "/usr/bin",
        "HOME": "/home/u",
        "GIT_CONFIG_PARAMETERS": "'core.fsmonitor=/tmp/evil'",
        "GIT_CONFIG_COUNT": "1",
    }
    env = git_env(base)
    assert SECRET not in "".join(env.values())
    assert "GIT_CONFIG_PARAMETERS" not in env and "GIT_CONFIG_COUNT" not in env
    assert env["GIT_CONFIG_NOSYSTEM"] == "1"
