"""`fic diff --app-id` reads the app's federated credentials from Graph as the signed-in admin, `--fix`
writes the one that makes the match true, and `--check-issuer` checks the issuer as Entra will."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from federated_tokens import GITHUB_SUBJECT, mint
from sandbox_tokens import post_assertion

from tests.integration.delegated_helpers import (
    enter_code,
    finish,
    person,
    private_sandbox,
    public_client,
    start,
)
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

APP = "federated-daemon"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "fic-fix")


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx_client(sb.ca_file, timeout=30) as client:
        yield client


def _login(sb: Sandbox, role: str | None, *steps: str) -> None:
    flags = [
        "--authority",
        sb.authority("contoso"),
        "--ca-file",
        sb.ca_file,
        "--client-id",
        public_client(sb),
    ]
    proc = start(["login", "--device-code", "--json", "--allow-plaintext-cache", *flags, *steps])
    assert proc.stdout is not None
    enter_code(sb, json.loads(proc.stdout.readline()), person(sb, role))
    code, _, stderr = finish(proc)
    assert code == 0, stderr


def _diff(sb: Sandbox, token_file: Path, *more: str) -> tuple[int, str, str]:
    app_id = sb.app(APP).client_id
    return finish(
        start(
            [
                "fic",
                "diff",
                "--token-file",
                str(token_file),
                "--app-id",
                app_id,
                "--graph-url",
                sb.graph_base_url,
                *more,
            ]
        )
    )


def test_diff_from_graph_then_fix_makes_the_token_work(
    sb: Sandbox, http: httpx.Client, tmp_path: Path
) -> None:
    subject = "repo:contoso/daemon:ref:refs/heads/hotfix"
    token_file = tmp_path / "token"
    token_file.write_text(mint(sb, http, "github-actions", subject))
    code, _, stderr = _diff(sb, token_file, "--json")
    assert code == 2 and "daemon-wizard login" in stderr  # nobody signed in yet
    _login(sb, "Application Administrator", "--step", "read", "--step", "apply")
    code, stdout, stderr = _diff(sb, token_file, "--json")
    assert code == 1, stderr
    doc = json.loads(stdout)
    assert doc["matched"] is False and doc["closest"] == "github-production"
    assert doc["codes"] == ["federated-subject-mismatch"]
    assert doc["suggested_credential"]["subject"] == subject
    refused = post_assertion(sb, http, token_file.read_text(), name=APP)
    assert refused.json()["error_codes"] == [700213]
    code, _, stderr = _diff(sb, token_file, "--fix")  # no terminal to ask on, no --yes
    assert code == 2 and "--yes" in stderr
    code, stdout, stderr = _diff(sb, token_file, "--fix", "--yes", "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["fix"]["action"] == "created" and doc["fix"]["matched"] is True
    assert "plan: create the federated credential" in stderr
    works = post_assertion(sb, http, mint(sb, http, "github-actions", subject), name=APP)
    assert works.status_code == 200, works.text
    # Idempotent: the match is now true, so nothing more is written.
    code, stdout, _ = _diff(sb, token_file, "--fix", "--yes", "--json")
    assert code == 0 and "fix" not in json.loads(stdout)
    assert "eyJ" not in stdout + stderr


def test_fix_by_a_user_without_a_role_is_refused_by_graph(
    sb: Sandbox, http: httpx.Client, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(mint(sb, http, "github-actions", "repo:contoso/daemon:ref:refs/heads/nope"))
    _login(sb, None, "--step", "read", "--step", "apply")  # a member user: neither role nor owner
    code, _, stderr = _diff(sb, token_file, "--fix", "--yes")
    assert code == 1, stderr
    assert "Graph refused to write the federated credential (HTTP 403" in stderr
    assert "Application Administrator" in stderr


def _foreign_token(iss: str, *, alg: str = "RS256", kid: str = "k1") -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": iss, "sub": GITHUB_SUBJECT, "aud": "api://AzureADTokenExchange", "exp": 2_000_000_000}
    if alg == "HS256":
        return jwt.encode(claims, "k" * 32, algorithm="HS256")
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _check(sb: Sandbox, tmp_path: Path, token: str) -> tuple[int, dict[str, object]]:
    creds = tmp_path / "creds.json"
    creds.write_text("[]")
    token_file = tmp_path / "t"
    token_file.write_text(token)
    code, stdout, _ = finish(
        start(
            [
                "fic",
                "diff",
                "--token-file",
                str(token_file),
                "--credentials",
                str(creds),
                "--check-issuer",
                "--ca-file",
                sb.ca_file,
                "--timeout",
                "20",
                "--json",
            ]
        )
    )
    check: dict[str, object] = json.loads(stdout)["issuer_check"]
    return code, check


def test_check_issuer_ok_and_rotated_key(sb: Sandbox, http: httpx.Client, tmp_path: Path) -> None:
    code, check = _check(sb, tmp_path, mint(sb, http, "github-actions", GITHUB_SUBJECT))
    assert check["result"] == "ok", check
    code, check = _check(
        sb, tmp_path, mint(sb, http, "kubernetes", "system:serviceaccount:a:b", kid="rotated-away")
    )
    assert code == 1 and check["result"] == "key-unknown" and check["code"] == "federated-key-unknown"


def test_check_issuer_unreachable_and_not_rs256(sb: Sandbox, tmp_path: Path) -> None:
    code, check = _check(sb, tmp_path, _foreign_token("https://127.0.0.1:9/issuer"))
    assert code == 1 and check["result"] == "unreachable" and check["code"] == "federated-issuer-unreachable"
    code, check = _check(sb, tmp_path, _foreign_token("https://127.0.0.1:9/issuer", alg="HS256"))
    assert check["result"] == "not-rs256"
