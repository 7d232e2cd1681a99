"""`daemon-wizard fic diff | subject` through the CLI entry point: output, JSON and exit codes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from wizard.cli.main import main

GH = "https://token.actions.githubusercontent.com"


def _jwt(claims: dict[str, object]) -> str:
    def enc(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{enc({'alg': 'RS256', 'kid': 'k'})}.{enc(claims)}.c2ln"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    token = tmp_path / "token"
    token.write_text(
        _jwt({"iss": GH, "sub": "repo:Contoso/app:ref:refs/heads/main", "aud": "api://AzureADTokenExchange"})
    )
    creds = tmp_path / "fics.json"
    creds.write_text(
        json.dumps(
            [
                {
                    "name": "main",
                    "issuer": GH,
                    "subject": "repo:contoso/app:ref:refs/heads/main",
                    "audiences": ["api://AzureADTokenExchange"],
                }
            ]
        )
    )
    return token, creds


def test_diff_json_names_the_case_and_exits_1(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    token, creds = files
    assert main(["fic", "diff", "--token-file", str(token), "--credentials", str(creds), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["matched"] is False
    assert data["codes"] == ["federated-subject-case"]
    assert data["credentials"][0]["differences"][0]["kind"] == "case"
    assert data["suggestion"] == "edit"


def test_diff_human_and_match(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    token, creds = files
    creds.write_text(
        json.dumps(
            {
                "value": [
                    {
                        "name": "main",
                        "issuer": GH,
                        "subject": "repo:Contoso/app:ref:refs/heads/main",
                        "audiences": ["api://AzureADTokenExchange"],
                    }
                ]
            }
        )
    )
    assert main(["fic", "diff", "--token-file", str(token), "--credentials", str(creds)]) == 0
    assert "credential 'main': matches" in capsys.readouterr().out


def test_diff_token_from_the_azure_identity_variable(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token, creds = files
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token))
    assert main(["fic", "diff", "--credentials", str(creds), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["presented"]["issuer"] == GH


@pytest.mark.parametrize(
    ("content", "message"),
    [("not a token", "cannot be read"), (None, "does not exist")],
)
def test_diff_bad_input_is_exit_2(
    files: tuple[Path, Path], content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    token, creds = files
    if content is None:
        token.unlink()
    else:
        token.write_text(content)
    assert main(["fic", "diff", "--token-file", str(token), "--credentials", str(creds)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_diff_invalid_credentials_json_says_where(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    token, creds = files
    creds.write_text('[{"name": "x",\n ]')
    assert main(["fic", "diff", "--token-file", str(token), "--credentials", str(creds)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_subject_github_and_kubernetes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wf = tmp_path / "ci.yml"
    wf.write_text("on: [push, pull_request]\njobs:\n  deploy:\n    environment: prod\n    runs-on: x\n")
    assert (
        main(["fic", "subject", "--workflow", str(wf), "--job", "deploy", "--repo", "contoso/app", "--json"])
        == 0
    )
    subjects = {s["event"]: s["subject"] for s in json.loads(capsys.readouterr().out)["subjects"]}
    assert subjects == {
        "push": "repo:contoso/app:environment:prod",
        "pull_request": "repo:contoso/app:environment:prod",
    }
    assert main(["fic", "subject", "--namespace", "jobs", "--service-account", "runner"]) == 0
    assert "system:serviceaccount:jobs:runner" in capsys.readouterr().out
    assert main(["fic", "subject", "--namespace", "jobs"]) == 2
    assert main(["fic", "subject"]) == 2
