"""`daemon-wizard login bootstrap` on the sandbox: the wizard's own public client, registered through Graph
(msgraph-sdk over HTTPS), printed, remembered, and then the one `login` signs in through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.form_browser import FormBrowser
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


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "bootstrap")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One DAEMON_WIZARD_HOME for the module: what bootstrap saves, the later `login` reads."""
    return tmp_path_factory.mktemp("bootstrap-home")


def where(sb: Sandbox) -> list[str]:
    return ["--authority", sb.authority("contoso"), "--ca-file", sb.ca_file]


def bootstrap(
    sb: Sandbox,
    home: Path,
    who: dict[str, Any],
    *extra: str,
    client: str = "wizard-admin",
    page: str = 'id="done"',
) -> tuple[int, dict[str, Any], str]:
    """`login bootstrap` by device code, the person completing the code page (which must show `page`)."""
    proc = start(
        [
            "login",
            "bootstrap",
            "--device-code",
            "--json",
            "--graph-url",
            sb.base_url,
            "--client-id",
            public_client(sb, client),
            *where(sb),
            *extra,
        ],
        DAEMON_WIZARD_HOME=str(home),
    )
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert page in enter_code(sb, event, who)
    code, stdout, stderr = finish(proc)
    return code, json.loads(stdout) if stdout.strip() else {}, stderr


def test_bootstrap_registers_prints_and_saves_the_client(sb: Sandbox, home: Path) -> None:
    admin = person(sb, "Application Administrator")
    code, result, stderr = bootstrap(sb, home, admin)
    assert code == 0, stderr
    assert result["created"] is True and result["unique_name"] == "edw-admin-client"
    client_id = result["client_id"]
    assert client_id and result["redirect_uris"] == ["http://localhost"]
    assert {"Application.Read.All", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"} <= set(
        result["scopes"]
    )
    saved = json.loads(Path(result["saved_to"]).read_text())
    assert saved["clients"][0]["client_id"] == client_id
    assert admin["password"] not in stderr and "eyJ" not in stderr
    # What Graph holds: a single-tenant public client with the delegated scopes (type Scope).
    app = sb.state.tenants[sb.app("graph-daemon").tenant_id].apps[client_id.lower()]
    assert app.extra["publicClient"]["redirectUris"] == ["http://localhost"]
    assert app.extra["signInAudience"] == "AzureADMyOrg"
    assert app.extra["isFallbackPublicClient"] is True
    kinds = {a["type"] for r in app.extra["requiredResourceAccess"] for a in r["resourceAccess"]}
    assert kinds == {"Scope"}


def test_a_second_bootstrap_finds_the_same_client(sb: Sandbox, home: Path) -> None:
    admin = person(sb, "Application Administrator")
    first = json.loads((home / "config" / "admin_clients.json").read_text())["clients"][0]["client_id"]
    code, result, stderr = bootstrap(sb, home, admin)
    assert code == 0, stderr
    assert result["created"] is False and result["client_id"] == first


def test_login_without_client_id_uses_the_bootstrapped_client(sb: Sandbox, home: Path) -> None:
    """No fallback notice; the new client is not consented yet: the admin consents for the organization on
    the sign-in page, and the token is the new client's."""
    saved = json.loads((home / "config" / "admin_clients.json").read_text())["clients"][0]["client_id"]
    admin = person(sb, "Global Administrator")
    proc = start(
        ["login", "--no-browser", "--json", "--allow-plaintext-cache", *where(sb)],
        DAEMON_WIZARD_HOME=str(home),
    )
    assert proc.stderr is not None
    line = ""
    while "/oauth2/v2.0/authorize?" not in line:
        line = proc.stderr.readline()
        assert line, "no sign-in URL printed"
        assert "Microsoft Graph Command Line Tools" not in line
    assert f"client_id={saved}" in line
    with httpx_client(sb.ca_file, timeout=30) as http:
        browser = FormBrowser(http)
        page = browser.open(line.strip())
        page = browser.submit(
            page, "signin", {"login": admin["user_principal_name"], "passwd": admin["password"]}
        )
        assert "Permissions requested" in page.text
        done = browser.submit(page, "consent", button="accept", check=("consent_org",))
    assert "Signed in" in done.text
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["client_id"] == saved and result["own_client"] is True
    assert "Microsoft Graph Command Line Tools" not in stderr


def test_bootstrap_as_a_user_without_write_scope_consent_is_refused_clearly(
    sb: Sandbox, tmp_path: Path
) -> None:
    """A user without a role cannot consent to Application.ReadWrite.All for the unconsented client."""
    nobody = person(sb, None)
    code, doc, stderr = bootstrap(
        sb, tmp_path, nobody, client="wizard-admin-unconsented", page="Need admin approval"
    )
    assert code == 1
    assert doc["findings"][0]["code"] == "admin-approval-required"
    assert "Traceback" not in stderr
    assert not (tmp_path / "config" / "admin_clients.json").exists()
