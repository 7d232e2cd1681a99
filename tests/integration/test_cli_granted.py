"""`daemon-wizard granted` on an in-process sandbox (real msal, real HTTPS): the consent step's "Already
granted" on the command line, its JSON and exit codes (0 all granted, 1 something missing or unreadable)."""

from __future__ import annotations

import json

import pytest

from wizard.cli.main import main


def _granted(capsys: pytest.CaptureFixture[str], app: str, *more: str) -> tuple[int, str, str]:
    code = main(["granted", "--sandbox", "--sandbox-app", app, *more])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_app_that_may_read_its_grants_reads_them_from_graph(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = _granted(capsys, "graph-daemon")
    assert code == 0
    assert stdout.splitlines()[:2] == [
        "On Microsoft Graph, read from Graph with the app's own token (its app role assignments):",
        "✓ User.Read.All granted (GET /users)",
    ]


def test_a_missing_role_is_json_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = _granted(capsys, "unconsented-daemon", "--json")
    assert code == 1
    doc = json.loads(stdout)
    assert (doc["source"], doc["complete"], doc["granted"]) == ("token-roles", False, [])
    assert doc["checks"][0]["ok"] is False and doc["checks"][0]["roles"][0] == "User.Read.All"
    assert any("needs Application.Read.All" in n for n in doc["notes"])


def test_admin_without_a_sign_in_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = _granted(capsys, "graph-daemon", "--admin")
    assert code == 2
    assert "Nobody is signed in" in stderr and "daemon-wizard login" in stderr
