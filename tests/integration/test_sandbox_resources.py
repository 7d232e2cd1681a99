"""The imitated resources answer as the services: challenges, audience refusals, headers and bodies."""

from __future__ import annotations

import httpx

from tests.sandbox_tokens import GRAPH, secret_token
from wizard.sandbox import Sandbox
from wizard.sandbox.defaults_azure import RESET_USER, SUBSCRIPTION

KV = "https://vault.azure.net/.default"
ARM = "https://management.azure.com/.default"
SECRET_PATH = "/azure/keyvault/contoso-kv-policies/secrets/db-password?api-version=7.4"
GROUPS_PATH = f"/azure/management/subscriptions/{SUBSCRIPTION}/resourcegroups?api-version=2021-04-01"


def _get(sb: Sandbox, http: httpx.Client, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.get(sb.base_url + path, headers=headers)


def test_key_vault_challenges_a_call_without_token(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    r = _get(sandbox, sandbox_http, SECRET_PATH)
    assert r.status_code == 401
    assert 'resource="https://vault.azure.net"' in r.headers["www-authenticate"]
    assert r.json()["error"]["message"].startswith("AKV10000")
    assert "x-ms-keyvault-region" in r.headers


def test_key_vault_refuses_a_graph_token_and_reads_for_the_granted_app(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    r = _get(sandbox, sandbox_http, SECRET_PATH, secret_token(sandbox, sandbox_http, "kv-daemon", GRAPH))
    assert r.status_code == 401 and "AKV10022: Invalid audience" in r.json()["error"]["message"]
    token = secret_token(sandbox, sandbox_http, "kv-daemon", KV)
    r = _get(sandbox, sandbox_http, SECRET_PATH, token)
    assert r.status_code == 200 and r.json()["value"] == "sandbox-db-password-value"
    missing = _get(sandbox, sandbox_http, SECRET_PATH.replace("db-password", "nope"), token)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "SecretNotFound"


def test_key_vault_rbac_vault_says_forbidden_by_rbac(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = secret_token(sandbox, sandbox_http, "kv-rbac-daemon-no-role", KV)
    r = _get(sandbox, sandbox_http, SECRET_PATH.replace("policies", "rbac"), token)
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["innererror"]["code"] == "ForbiddenByRbac"
    assert "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'" in error["message"]


def test_arm_needs_its_api_version_and_audience(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = secret_token(sandbox, sandbox_http, "arm-daemon", ARM)
    r = _get(sandbox, sandbox_http, GROUPS_PATH.split("?")[0], token)
    assert r.status_code == 400 and r.json()["error"]["code"] == "MissingApiVersionParameter"
    r = _get(sandbox, sandbox_http, GROUPS_PATH, secret_token(sandbox, sandbox_http, "arm-daemon", KV))
    assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"
    r = _get(sandbox, sandbox_http, GROUPS_PATH)
    assert r.status_code == 401 and r.json()["error"]["code"] == "AuthenticationFailed"
    r = _get(sandbox, sandbox_http, GROUPS_PATH, token)
    assert r.status_code == 200
    assert [g["name"] for g in r.json()["value"]] == ["rg-daemons", "rg-network"]
    other = _get(
        sandbox,
        sandbox_http,
        GROUPS_PATH.replace(SUBSCRIPTION, "00000000-0000-0000-0000-000000000000"),
        token,
    )
    assert other.status_code == 404 and other.json()["error"]["code"] == "SubscriptionNotFound"


def test_sharepoint_refusal_carries_its_diagnostics_header(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    token = secret_token(
        sandbox, sandbox_http, "spo-secret-daemon", "https://contoso.sharepoint.com/.default"
    )
    r = _get(sandbox, sandbox_http, "/sharepoint/sites/hr/_api/web", token)
    assert r.status_code == 401
    assert r.json() == {"error_description": "Unsupported app only token."}
    assert 'reason="Unsupported app only token."' in r.headers["x-ms-diagnostics"]
    assert 'client_id="00000003-0000-0ff1-ce00-000000000000"' in r.headers["www-authenticate"]


def test_password_reset_needs_the_permission_first(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    body = {"passwordProfile": {"password": "x"}}
    url = f"{sandbox.base_url}/v1.0/users/{RESET_USER}"
    token = secret_token(sandbox, sandbox_http, "graph-daemon")  # User.Read.All only
    r = sandbox_http.patch(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "Authorization_RequestDenied"
    token = secret_token(sandbox, sandbox_http, "pwreset-admin-daemon")
    r = sandbox_http.patch(
        url.replace(RESET_USER, "nobody@contoso.onmicrosoft.com"),
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 404
    r = sandbox_http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200  # reading the user is still Graph's GET
