"""Microsoft's first-party resources over msal: every tenant issues app-only tokens for them, without roles."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import msal
import pytest
import requests

from tests.sandbox_tokens import token_request
from wizard.sandbox import Sandbox


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


@pytest.mark.parametrize(
    ("scope", "aud"),
    [
        ("https://management.azure.com/.default", "https://management.azure.com"),
        ("https://management.core.windows.net//.default", "https://management.core.windows.net/"),
        ("https://vault.azure.net/.default", "https://vault.azure.net"),
        ("https://storage.azure.com/.default", "https://storage.azure.com"),
        ("https://database.windows.net//.default", "https://database.windows.net/"),
        ("https://servicebus.azure.net/.default", "https://servicebus.azure.net"),
    ],
)
def test_first_party_tokens_carry_no_roles(
    sandbox: Sandbox, sandbox_session: requests.Session, scope: str, aud: str
) -> None:
    app = sandbox.app("graph-daemon")
    cca = msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=app.secret,
        authority=app.authority,
        http_client=sandbox_session,
        instance_discovery=False,
    )
    result = cca.acquire_token_for_client([scope])
    assert result.get("token_type") == "Bearer", result
    claims = _claims(result["access_token"])
    assert claims["aud"] == aud
    assert "roles" not in claims  # Azure RBAC authorises these, not app roles
    assert claims["iss"] == f"https://sts.windows.net/{app.tenant_id}/"
    assert claims["appid"] == app.client_id and claims["idtyp"] == "app"


def test_v1_endpoint_resource_form_for_arm(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    """What `az login --service-principal` and ADAL-era code ask: `resource=https://management.core.windows.net/`."""
    r = token_request(
        sandbox,
        sandbox_http,
        "graph-daemon",
        endpoint="oauth2/token",
        resource="https://management.core.windows.net/",
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["resource"] == "https://management.core.windows.net/"
    assert _claims(body["access_token"])["aud"] == "https://management.core.windows.net/"
