"""`validate` and `export` take the federated credential's flags, as `token`, `probe` and `doctor` do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dotenv import dotenv_values

from wizard.cli.main import main

APP = ["--tenant", "contoso.onmicrosoft.com", "--client-id", "11111111-2222-3333-4444-555555555555"]
TOKEN_FILE = "/var/run/secrets/azure/tokens/azure-identity-token"


def test_validate_reads_a_federated_credential_from_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *APP, "--federated-token-file", TOKEN_FILE, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["profile"]["credential"] == "federated"
    assert doc["profile"]["federated_token_file"] == TOKEN_FILE


def test_export_of_a_federated_profile_from_flags_imports_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "daemon.env"
    argv = ["export", *APP, "--federated-token-file", TOKEN_FILE, "--format", "azure-identity"]
    assert main([*argv, "--out", str(env)]) == 0
    values = dotenv_values(env)
    assert values["AZURE_FEDERATED_TOKEN_FILE"] == TOKEN_FILE
    assert values["AZURE_CLIENT_ID"] == APP[3]
    assert "AZURE_CLIENT_SECRET" not in values
    capsys.readouterr()
    assert main(["validate", "--from", str(env), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["profile"]["credential"] == "federated"


def test_both_federated_sources_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["export", *APP, "--federated-token-file", TOKEN_FILE, "--federated-token-command", "gh-token"]
    assert main([*argv, "--format", "azure-identity"]) == 2
    assert "not both" in capsys.readouterr().err
