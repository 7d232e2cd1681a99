"""`daemon-wizard explain` and `decode`: output, JSON shape, exit codes; the raw token is never printed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jwt
import pytest

from wizard.cli.main import main

CLIENT = "1a2b3c4d-0000-4111-8222-333344445555"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_explain_error_text(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "--error", f"AADSTS7000215: Invalid client secret provided. app '{CLIENT}'."])
    out = capsys.readouterr().out
    assert code == 1
    assert "[secret-invalid]" in out
    assert f"Credentials/appId/{CLIENT}" in out


def test_explain_error_from_stdin_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "AADSTS90002: Tenant 'x' not found.")
    assert main(["explain", "--error", "-", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "fail"
    assert data["findings"][0]["code"] == "tenant-not-found"
    assert set(data["findings"][0]) == {"code", "severity", "title", "explanation", "fix", "links"}


def test_explain_file_ok_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evidence = {
        "token_claims": {
            "aud": "https://graph.microsoft.com",
            "idtyp": "app",
            "oid": "o",
            "roles": ["User.Read.All"],
        },
        "api": {"request": "GET https://graph.microsoft.com/v1.0/users", "status": 200},
    }
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(evidence), encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    assert "verdict: ok" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{bad json", "[1, 2]", "", "   "])
def test_explain_unreadable_input_exits_two(
    content: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, content)
    assert main(["explain", "-"]) == 2
    captured = capsys.readouterr()
    assert "error:" in captured.err
    assert "Traceback" not in captured.err


def test_explain_missing_file_and_nothing_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(tmp_path / "nope.json")]) == 2
    assert main(["explain"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_explain_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--list"]) == 0
    out = capsys.readouterr().out
    assert "secret-invalid" in out
    assert "ciam-issuer-mismatch" in out
    assert main(["explain", "--list", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"code", "section", "title", "meaning", "fix", "links"} <= set(rules[0])


def test_decode_never_prints_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    token = jwt.encode(
        {"aud": "https://vault.azure.net", "idtyp": "app", "appid": CLIENT}, "k" * 32, algorithm="HS256"
    )
    assert main(["decode", token]) == 0
    captured = capsys.readouterr()
    assert "Azure Key Vault" in captured.out
    assert "signature not verified" in captured.out
    assert token not in captured.out + captured.err
    assert token.split(".")[2] not in captured.out + captured.err
    assert main(["decode", token, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["signature"]["verified"] is False
    assert data["summary"]["audience_name"] == "Azure Key Vault"


def test_decode_malformed_exits_two(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decode", "not-a-token"]) == 2
    assert "three dot-separated parts" in capsys.readouterr().err
    _stdin(monkeypatch, "")
    assert main(["decode", "-"]) == 2
