"""`fic diff` reads the app's federated credentials with the app's own token (real msal, real HTTPS to the
sandbox): allowed with Application.Read.All or OwnedBy on an app it owns, refused with a clear message (which
permission, and the other two sources) otherwise; the sandbox enforces the same permissions as Graph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from federated_tokens import mint
from sandbox_tokens import secret_token

from tests.integration.delegated_helpers import ROOT
from wizard.sandbox import Sandbox

SUBJECT = "repo:contoso/reader:environment:production"


def _fic_diff(
    sb: Sandbox, app: str, token_file: Path, *more: str, secret: bool = True
) -> tuple[int, str, str]:
    """`fic diff` with the app's profile given as flags and its secret on stdin, as a script runs it."""
    found = sb.app(app)
    args = [
        sys.executable,
        "-m",
        "wizard",
        "fic",
        "diff",
        "--token-file",
        str(token_file),
        "--authority",
        found.authority,
        "--client-id",
        found.client_id,
        "--ca-file",
        sb.ca_file,
        "--graph-url",
        sb.graph_base_url,
        *(["--secret-stdin"] if secret else ["--no-prompt"]),
        *more,
    ]
    proc = subprocess.run(
        args,
        cwd=ROOT,
        input=(found.secret or "") if secret else "",
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def _token_file(sb: Sandbox, http: httpx.Client, tmp_path: Path, subject: str = SUBJECT) -> Path:
    path = tmp_path / "token.jwt"
    path.write_text(mint(sb, http, "github-actions", subject), encoding="ascii")
    return path


def test_an_app_that_may_read_its_registration_diffs_with_its_own_token(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    code, stdout, stderr = _fic_diff(
        sandbox, "fic-reader-daemon", _token_file(sandbox, sandbox_http, tmp_path)
    )
    assert code == 0, stderr
    assert "read from Graph, with the app's own token (its secret)" in stdout
    assert "credential 'github-production': matches" in stdout
    secret = sandbox.app("fic-reader-daemon").secret
    assert secret and secret not in stdout + stderr


def test_json_names_the_source_and_a_mismatch_exits_1(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    token = _token_file(sandbox, sandbox_http, tmp_path, "repo:contoso/reader:ref:refs/heads/main")
    code, stdout, stderr = _fic_diff(sandbox, "fic-reader-daemon", token, "--as-app", "--json")
    assert code == 1, stderr
    doc = json.loads(stdout)
    assert doc["source"]["kind"] == "app"
    assert doc["source"]["app_id"] == sandbox.app("fic-reader-daemon").client_id
    assert doc["matched"] is False and doc["closest"] == "github-production"


def test_an_app_that_owns_its_registration_reads_it_with_owned_by(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    code, stdout, stderr = _fic_diff(
        sandbox, "fic-owner-daemon", _token_file(sandbox, sandbox_http, tmp_path)
    )
    assert code == 0, stderr
    assert "with the app's own token" in stdout


def test_an_app_without_the_permission_is_told_which_one_and_the_other_sources(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    code, stdout, stderr = _fic_diff(
        sandbox, "fic-blind-daemon", _token_file(sandbox, sandbox_http, tmp_path)
    )
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert "403 Authorization_RequestDenied" in stderr
    assert "Application.Read.All" in stderr and "Application.ReadWrite.OwnedBy" in stderr
    assert "daemon-wizard login" in stderr and "--credentials FILE" in stderr
    assert "az ad app federated-credential list" in stderr
    assert "User.Read.All" in stderr  # what its token does hold
    secret = sandbox.app("fic-blind-daemon").secret
    assert secret and secret not in stdout + stderr


def test_without_a_usable_credential_nor_a_sign_in_the_sources_are_named(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    token = _token_file(sandbox, sandbox_http, tmp_path)
    code, _, stderr = _fic_diff(sandbox, "fic-reader-daemon", token, secret=False)
    assert code == 2, stderr
    assert "no client secret was given" in stderr
    assert "--credentials FILE" in stderr and "--app-id ID" in stderr


def test_the_sandbox_gates_app_only_reads_as_graph(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    def fics(reader: str, of: str) -> int:
        url = f"{sandbox.graph_base_url}/applications(appId='{sandbox.app(of).client_id}')/federatedIdentityCredentials"
        token = secret_token(sandbox, sandbox_http, reader)
        return sandbox_http.get(url, headers={"Authorization": f"Bearer {token}"}).status_code

    assert fics("fic-reader-daemon", "fic-reader-daemon") == 200  # Application.Read.All
    assert fics("fic-reader-daemon", "federated-daemon") == 200  # any app
    assert fics("fic-blind-daemon", "fic-blind-daemon") == 403  # User.Read.All only
    assert fics("fic-owner-daemon", "fic-owner-daemon") == 200  # OwnedBy, an owner
    assert fics("fic-owner-daemon", "federated-daemon") == 403  # OwnedBy, not an owner
