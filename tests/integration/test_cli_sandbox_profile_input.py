"""`validate` and `export` take `--sandbox [SCENARIO]` / `--sandbox-app NAME`, as the profile input of cli.md says."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from wizard.cli.main import main


def test_validate_reads_the_sandbox_apps_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--sandbox", "--sandbox-app", "cert-daemon", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True
    assert doc["source"] == "sandbox app cert-daemon"
    assert doc["profile"]["credential"] == "certificate"
    assert doc["profile"]["authority_override"].startswith("https://127.0.0.1:")


def test_validate_flags_still_win_over_the_sandbox_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--sandbox", "--client-id", "not-a-guid", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False
    assert any(p["field"] == "client_id" for p in doc["problems"])


def test_export_writes_the_sandbox_apps_config_and_says_the_sandbox_is_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "config.json"
    assert main(["export", "--sandbox", "--format", "python-secret", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    written = json.loads(out.read_text())
    assert written["authority"] is None and written["oidc_authority"].startswith("https://127.0.0.1:")
    assert "the in-process sandbox stops when this command ends" in captured.err
    secret = written["secret"]
    assert secret and secret not in captured.out + captured.err


def test_an_unknown_sandbox_app_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--sandbox", "--sandbox-app", "nosuch", "--format", "python-secret"]) == 2
    assert "no app named 'nosuch'" in capsys.readouterr().err
