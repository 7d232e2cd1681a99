"""`audit` reports every app's federated identity credentials (issuer, subject, audiences), read through
Graph's paging with `$expand=federatedIdentityCredentials`, over HTTPS against the sandbox."""

from __future__ import annotations

import json

import pytest
from sandbox_cli import profile_flags

from wizard.cli.main import main
from wizard.sandbox import Sandbox


def _audit(capsys: pytest.CaptureFixture[str], sb: Sandbox, *more: str) -> tuple[int, str, str]:
    code = main(["audit", *profile_flags(sb, "graph-daemon", timeout=None), "--timeout", "60", *more])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_federated_credentials_in_json_and_table(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", sandbox.app("graph-daemon").secret or "")
    code, out, err = _audit(capsys, sandbox, "--json", "--verbose")
    assert code == 1, err
    doc = json.loads(out)
    fed = [
        r for r in doc["federated_credentials"] if r["app_id"] == sandbox.app("federated-daemon").client_id
    ]
    assert {(r["name"], r["subject"]) for r in fed} == {
        ("github-production", "repo:contoso/daemon:environment:production"),
        ("aks-graph-reader", "system:serviceaccount:daemons:graph-reader"),
    }
    assert all(r["audiences"] == ["api://AzureADTokenExchange"] for r in fed)
    assert any(r["issuer"].endswith("/issuers/kubernetes/") for r in fed)
    assert doc["summary"]["federated_credentials"] == len(doc["federated_credentials"])
    # The federated-only app is no secret user; apps on secrets alone are told a federated credential would do.
    codes = {(f["code"], f["display_name"]) for f in doc["findings"]}
    assert not any(
        c == "secret-where-certificate-would-do" and n.startswith("Federated Daemon") for c, n in codes
    )
    assert ("secret-where-certificate-would-do", "Graph Daemon") in codes
    code, out, _ = _audit(capsys, sandbox, "--owners", "none")
    assert "federated identity credentials (issuer, subject, audiences):" in out
    assert "github-production" in out


def test_no_federated_reads_less(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", sandbox.app("graph-daemon").secret or "")
    _, with_fics, _ = _audit(capsys, sandbox, "--json", "--owners", "none")
    _, without, _ = _audit(capsys, sandbox, "--json", "--owners", "none", "--no-federated")
    a, b = json.loads(with_fics), json.loads(without)
    assert b["federated_credentials"] == [] and a["federated_credentials"]
    assert a["summary"]["requests"] == b["summary"]["requests"] + 1
