"""Admin sign-in step by step, on the sandbox with real msal: read with User.Read, write and consent only when
a step needs them, the national clouds' Graph, and Graph's scope checks on /me and /organization."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.integration.delegated_helpers import (
    person,
    private_sandbox,
    public_client,
    sign_in_with_code,
    start,
)
from wizard.admin.clients import ClientChoice
from wizard.admin.signin import AdminSignIn, DeviceCodePrompt
from wizard.admin.tenant_reads import GraphReader, read_tenant
from wizard.cli.commands.register import register as register_command
from wizard.cli.signin_args import SignInRequest
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.sandbox.delegated_tokens import access_token
from wizard.sandbox.trust import httpx_client

UNCONSENTED = "wizard-admin-unconsented"
CONSENT = "AppRoleAssignment.ReadWrite.All"
WRITE = "Application.ReadWrite.All"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "signin-steps")


@pytest.fixture
def fresh_consent(sb: Sandbox) -> Iterator[None]:
    """The not-yet-consented client starts each test without any grant (consent given here stays here)."""
    tenant = sb.app("graph-daemon").tenant_id
    sb.state.delegated.revoke(tenant, public_client(sb, UNCONSENTED))
    yield
    sb.state.delegated.revoke(tenant, public_client(sb, UNCONSENTED))


def claims(raw: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(raw, options={"verify_signature": False})
    return decoded


def run_cli(sb: Sandbox, args: list[str], who: dict[str, Any]) -> tuple[int, str, str, list[str]]:
    """A `register` command signing in by device code as `who` (as often as it asks); the consent pages."""
    flags = ["--authority", sb.authority("contoso"), "--ca-file", sb.ca_file, "--graph-url", sb.base_url]
    flags += ["--client-id", public_client(sb, UNCONSENTED), "--device-code", "--json"]
    proc: subprocess.Popen[str] = start([*args, *flags])
    assert proc.stdout is not None
    assert proc.stderr is not None
    pages: list[str] = []
    line = proc.stdout.readline()
    while line.startswith('{"event": "device_code"'):
        pages.append(sign_in_with_code(sb, json.loads(line), who))
        line = proc.stdout.readline()
    # The rest from the same (buffered) file object: what readline read ahead is not lost.
    stdout = line + proc.stdout.read()
    stderr = proc.stderr.read()
    code = proc.wait(timeout=120)
    assert "Traceback" not in stderr, stderr
    return code, stdout, stderr, pages


def granted(sb: Sandbox, who: dict[str, Any]) -> set[str]:
    tenant = sb.app("graph-daemon").tenant_id
    account = sb.state.delegated.accounts[who["user_principal_name"].lower()]
    return sb.state.delegated.granted(tenant, public_client(sb, UNCONSENTED), account.spec.id)


def apply_args(folder: Path, name: str, *more: str) -> list[str]:
    files = ["--secret-out", str(folder / "secret"), "--journal", str(folder / "journal.json")]
    return ["register", "apply", "--yes", "--no-verify", "--name", name, *files, *more]


# -- step by step ----------------------------------------------------------------------------------------
@pytest.mark.usefixtures("fresh_consent")
def test_plan_signs_in_for_reading_only(sb: Sandbox) -> None:
    admin = person(sb, "Global Administrator")
    code, stdout, stderr, pages = run_cli(
        sb, ["register", "plan", "--name", "edw-steps-plan", "--role", "User.Read.All"], admin
    )
    assert code == 0, stderr
    assert len(pages) == 1 and "User.Read" in pages[0] and "Application.Read.All" in pages[0]
    assert WRITE not in pages[0] and CONSENT not in pages[0]
    scopes = set(json.loads(stdout)["signed_in"]["scopes"])
    assert {"User.Read", "Application.Read.All"} <= scopes
    assert WRITE not in scopes and CONSENT not in scopes
    assert granted(sb, admin) == {"User.Read", "Application.Read.All"}


@pytest.mark.usefixtures("fresh_consent")
def test_apply_without_a_role_never_asks_for_the_consent_scope(sb: Sandbox, tmp_path: Path) -> None:
    admin = person(sb, "Global Administrator")
    code, stdout, stderr, pages = run_cli(
        sb,
        apply_args(tmp_path, "edw-steps-norole"),
        admin,
    )
    assert code == 0, stderr
    assert json.loads(stdout)["client_id"]
    # First the read sign-in, then Entra asked again for the write scope alone (incremental consent).
    assert len(pages) == 2, pages
    assert WRITE not in pages[0] and WRITE in pages[1]
    assert all(CONSENT not in page for page in pages)
    assert CONSENT not in granted(sb, admin)


@pytest.mark.usefixtures("fresh_consent")
def test_apply_with_a_role_asks_for_the_consent_scope(sb: Sandbox, tmp_path: Path) -> None:
    admin = person(sb, "Global Administrator")
    code, stdout, stderr, pages = run_cli(
        sb,
        apply_args(tmp_path, "edw-steps-role", "--role", "User.Read.All"),
        admin,
    )
    assert code == 0, stderr
    assert json.loads(stdout)["client_id"]
    assert len(pages) == 2, pages
    assert CONSENT not in pages[0] and CONSENT in pages[1] and WRITE in pages[1]
    assert {WRITE, CONSENT} <= granted(sb, admin)


# -- national clouds ---------------------------------------------------------------------------------------
def request_for(sb: Sandbox, *flags: str) -> SignInRequest:
    parser = argparse.ArgumentParser()
    register_command(parser.add_subparsers())
    args = parser.parse_args(
        ["register", "plan", "--authority", sb.authority("contoso"), "--client-id", public_client(sb), *flags]
    )
    return SignInRequest.from_args(args)


def test_us_government_graph_gets_a_token_for_its_own_audience(sb: Sandbox) -> None:
    """--graph-url https://graph.microsoft.us: scopes on that resource, aud that host, Graph there answers."""
    request = request_for(sb, "--graph-url", "https://graph.microsoft.us")
    assert request.scopes == (
        "https://graph.microsoft.us/User.Read",
        "https://graph.microsoft.us/Application.Read.All",
    )
    settings = HttpSettings.bounded(60, ca_file=sb.ca_file, connect_to=sb.address)
    signin = AdminSignIn(
        authority=request.authority,
        client=ClientChoice(request.client.client_id, own=True),
        settings=settings,
    )
    admin = person(sb, "Global Administrator")

    def enter(prompt: DeviceCodePrompt) -> None:
        assert sign_in_with_code(sb, prompt.to_event(), admin) == ""  # the client is consented

    try:
        token = signin.device_code(request.scopes, on_code=enter)
    finally:
        signin.close()
    assert claims(token.access_token.reveal())["aud"] == "https://graph.microsoft.us"
    reader = GraphReader(token, graph_url=request.cloud.graph_url, settings=settings, trace=Trace())
    try:
        facts = read_tenant(reader, unique_name="edw-nothing-here", app_id=None)
    finally:
        reader.close()
    assert facts.me["userPrincipalName"] == admin["user_principal_name"]
    assert facts.organization is not None and facts.organization["id"] == token.identity.tenant_id


def test_graph_of_one_cloud_refuses_a_token_for_another(sb: Sandbox) -> None:
    """What makes the audience matter: the global cloud's token is refused by US Government Graph."""
    token = mint(sb, {"User.Read"})
    settings = HttpSettings.bounded(30, ca_file=sb.ca_file, connect_to=sb.address)
    from wizard.live.httpx_transport import httpx_client as wizard_client

    with wizard_client(settings, Trace([token]), step="graph") as http:
        us = http.get("https://graph.microsoft.us/v1.0/me", headers={"Authorization": f"Bearer {token}"})
        world = http.get("https://graph.microsoft.com/v1.0/me", headers={"Authorization": f"Bearer {token}"})
    assert us.status_code == 401 and us.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert world.status_code == 200


# -- /me and /organization need User.Read ----------------------------------------------------------------
def mint(sb: Sandbox, scopes: set[str]) -> str:
    """A delegated Graph token for the Global Administrator carrying exactly `scopes` (a test fixture)."""
    state = sb.state
    tenant_id = sb.app("graph-daemon").tenant_id
    account = state.delegated.accounts[person(sb, "Global Administrator")["user_principal_name"].lower()]
    client = state.delegated.client(tenant_id, public_client(sb))
    assert client is not None
    raw, _ = access_token(
        tenant=state.tenants[tenant_id], client=client, account=account, scopes=scopes, key=state.signing_key
    )
    return raw


@pytest.mark.parametrize("path", ["/me", "/organization"])
def test_me_and_organization_need_user_read(sb: Sandbox, path: str) -> None:
    without = mint(sb, {"Application.Read.All"})
    with_it = mint(sb, {"Application.Read.All", "User.Read"})
    with httpx_client(sb.ca_file, timeout=30) as http:
        denied = http.get(f"{sb.base_url}/v1.0{path}", headers={"Authorization": f"Bearer {without}"})
        allowed = http.get(f"{sb.base_url}/v1.0{path}", headers={"Authorization": f"Bearer {with_it}"})
    assert denied.status_code == 403
    error = denied.json()["error"]
    assert error["code"] == "Authorization_RequestDenied"
    assert error["message"] == "Insufficient privileges to complete the operation."
    assert {"date", "request-id", "client-request-id"} <= set(error["innerError"])
    assert allowed.status_code == 200


def test_use_az_asks_the_azure_cli_for_the_clouds_graph(sb: Sandbox, tmp_path: Path) -> None:
    """`az` stands in for the Azure CLI (not installable offline): it records what it was asked and prints
    what `az account get-access-token` prints. On US Government the resource is that cloud's Graph."""
    az = tmp_path / "az"
    az.write_text(
        "#!/bin/sh\n"
        'printf "%s\\n" "$*" > "$FAKE_AZ_ARGS"\n'
        'printf \'{"accessToken": "%s", "expires_on": %s, "tokenType": "Bearer"}\' "$FAKE_AZ_TOKEN" 4102444800\n'
    )
    az.chmod(0o755)
    asked = tmp_path / "asked"
    proc = start(
        ["login", "--use-az", "--cloud", "usgov", "--json"],
        PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        FAKE_AZ_TOKEN=mint(sb, {"User.Read"}),
        FAKE_AZ_ARGS=str(asked),
    )
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "--resource https://graph.microsoft.us" in asked.read_text()
    assert json.loads(stdout)["flow"] == "azure_cli"
