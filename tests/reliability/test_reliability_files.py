"""Every file writer of the CLI (export, cert new, import --save): atomic under SIGKILL, 0600 for secrets
whatever the umask, never overwritten without --force, and a backup kept when forced."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from reliability_helpers import run_cli

SECRET = "Writer~secret-value-0123456789abcdef"
CLIENT = "c0c0a000-0001-4000-a000-00000000c11e"
PROFILE = [
    "--tenant",
    "contoso.onmicrosoft.com",
    "--client-id",
    CLIENT,
    "--scope",
    "https://graph.microsoft.com/.default",
    "--no-prompt",
]
ENV = {"DAEMON_WIZARD_CLIENT_SECRET": SECRET}
# Dies exactly between the complete temp file and the rename (or during the write) with SIGKILL.
KILL_AT_REPLACE = (
    "import signal, wizard.safe_write as sw\n"
    "sw.os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
)
KILL_AT_FSYNC = (
    "import signal, wizard.safe_write as sw\n"
    "sw.os.fsync = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _writers(tmp: Path) -> dict[str, tuple[list[str], dict[str, int]]]:
    """argv of each writer and the files it writes with their expected modes."""
    source = tmp / "source.json"
    if not source.exists():
        done = run_cli("export", "--format", "python-secret", "--out", str(source), *PROFILE, env=ENV)
        assert done.code == 0, done.err
    return {
        "export": (
            ["export", "--format", "python-secret", "--out", str(tmp / "out" / "parameters.json"), *PROFILE],
            {"out/parameters.json": 0o600},
        ),
        "export-public": (
            ["export", "--format", "profile", "--out", str(tmp / "out" / "profile.toml"), *PROFILE],
            {"out/profile.toml": 0o644},
        ),
        "cert": (
            ["cert", "new", "--subject", "CN=files", "--out", str(tmp / "certs")],
            {
                "certs/daemon.key.pem": 0o600,
                "certs/daemon.pfx": 0o600,
                "certs/daemon.combined.pem": 0o600,
                "certs/daemon.cer": 0o644,
                "certs/daemon.pem": 0o644,
            },
        ),
        "profile": (
            ["import", str(source), "--save", "files"],
            {"home/config/profiles/files.toml": 0o644},
        ),
    }


@pytest.fixture
def tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAEMON_WIZARD_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
@pytest.mark.parametrize("writer", ["export", "export-public", "cert", "profile"])
def test_modes_whatever_the_umask(tmp: Path, writer: str, umask: int) -> None:
    argv, files = _writers(tmp)[writer]
    done = run_cli(*argv, env=ENV, umask=umask)
    assert done.code == 0, done.err
    for name, mode in files.items():
        path = tmp / name
        assert _mode(path) == mode, (name, oct(_mode(path)))  # set explicitly, the umask plays no part


@pytest.mark.parametrize("writer", ["export", "export-public", "cert", "profile"])
def test_no_overwrite_without_force_then_backup(tmp: Path, writer: str) -> None:
    argv, files = _writers(tmp)[writer]
    assert run_cli(*argv, env=ENV).code == 0
    before = {name: (tmp / name).read_bytes() for name in files}
    refused = run_cli(*argv, env=ENV)
    assert refused.code != 0
    assert "--force" in refused.err
    assert "Traceback" not in refused.err
    assert {name: (tmp / name).read_bytes() for name in files} == before
    forced = run_cli(*argv, "--force", env=ENV)
    assert forced.code == 0, forced.err
    for name, mode in files.items():
        backup = tmp / (name + ".bak")
        assert backup.read_bytes() == before[name], f"no backup of {name}"
        if mode == 0o600:
            assert _mode(backup) == 0o600
    if writer == "cert":  # a new key, not the old one again
        assert (tmp / "certs/daemon.key.pem").read_bytes() != before["certs/daemon.key.pem"]


@pytest.mark.parametrize("kill", [KILL_AT_REPLACE, KILL_AT_FSYNC], ids=["at-rename", "mid-write"])
@pytest.mark.parametrize("writer", ["export", "cert", "profile"])
def test_killed_writer_leaves_the_old_file_intact(tmp: Path, writer: str, kill: str) -> None:
    argv, files = _writers(tmp)[writer]
    assert run_cli(*argv, env=ENV).code == 0
    before = {name: (tmp / name).read_bytes() for name in files}
    done = run_cli(*argv, "--force", env=ENV, prelude=kill)
    assert done.code == -9, (done.code, done.err)
    after = {name: (tmp / name).read_bytes() for name in files}
    assert after == before, "a killed writer changed a file"
    first = tmp / next(iter(files))
    if writer == "export":
        assert json.loads(first.read_text())["client_id"] == CLIENT  # still whole, still parseable
    if files[next(iter(files))] == 0o600:  # a temp file may remain after SIGKILL; never readable by others
        for leftover in first.parent.glob(f".{first.name}.*.tmp"):
            assert _mode(leftover) == 0o600
