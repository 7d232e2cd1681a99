"""Unmodified msal against the sandbox: secret, SHA-1 and SHA-256 certificates, and Entra's errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import jwt
import msal
import pytest
import requests

from wizard.sandbox import Sandbox

GRAPH = ["https://graph.microsoft.com/.default"]


def _cca(sb: Sandbox, session: requests.Session, name: str, credential: Any = None, **kw: Any) -> Any:
    app = sb.app(name)
    return msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=credential if credential is not None else app.secret,
        authority=kw.pop("authority", app.authority),
        http_client=session,
        instance_discovery=False,
        **kw,
    )


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_secret_gets_graph_token_and_lists_users(
    sandbox: Sandbox, sandbox_session: requests.Session, sandbox_http: httpx.Client
) -> None:
    cca = _cca(sandbox, sandbox_session, "graph-daemon")
    result = cca.acquire_token_for_client(GRAPH)
    assert result.get("token_type") == "Bearer", result
    assert result["expires_in"] > 3000
    claims = _claims(result["access_token"])
    app = sandbox.app("graph-daemon")
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["iss"] == f"https://sts.windows.net/{app.tenant_id}/"
    assert claims["appid"] == app.client_id
    assert claims["appidacr"] == "1"
    assert claims["idtyp"] == "app"
    assert claims["ver"] == "1.0"
    assert claims["oid"] == claims["sub"] == app.sp_object_id
    assert sorted(claims["roles"]) == ["Application.Read.All", "User.Read.All"]
    assert "nonce" in jwt.get_unverified_header(result["access_token"])
    again = cca.acquire_token_for_client(GRAPH)
    assert again["token_source"] == "cache"
    users = sandbox_http.get(
        f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {result['access_token']}"}
    )
    assert users.status_code == 200
    assert len(users.json()["value"]) == 4


def test_authority_by_domain_name_works(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    cca = _cca(
        sandbox, sandbox_session, "graph-daemon", authority=sandbox.authority("contoso.onmicrosoft.com")
    )
    result = cca.acquire_token_for_client(GRAPH)
    assert _claims(result["access_token"])["tid"] == sandbox.app("graph-daemon").tenant_id


def test_instance_discovery_endpoint_is_served(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    app = sandbox.app("graph-daemon")
    cca = msal.ConfidentialClientApplication(
        app.client_id,
        client_credential=app.secret,
        authority=app.authority,
        http_client=sandbox_session,
        instance_discovery=f"{sandbox.base_url}/common/discovery/instance",
    )
    assert "access_token" in cca.acquire_token_for_client(GRAPH)
    assert any(e.path == "/common/discovery/instance" and e.status == 200 for e in sandbox.request_log)


def test_certificate_sha1_thumbprint(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    app = sandbox.app("cert-daemon")
    assert app.cert_key_path
    assert app.thumbprint_sha1
    credential = {"private_key": Path(app.cert_key_path).read_text(), "thumbprint": app.thumbprint_sha1}
    result = _cca(sandbox, sandbox_session, "cert-daemon", credential).acquire_token_for_client(GRAPH)
    assert "access_token" in result, result
    claims = _claims(result["access_token"])
    assert claims["appidacr"] == "2"
    assert "User.Read.All" in claims["roles"]


def test_certificate_sha256_ps256_with_public_certificate(
    sandbox: Sandbox, sandbox_session: requests.Session
) -> None:
    app = sandbox.app("cert-daemon")
    assert app.cert_key_path
    assert app.cert_path
    credential = {
        "private_key": Path(app.cert_key_path).read_text(),
        "public_certificate": Path(app.cert_path).read_text(),
    }
    result = _cca(sandbox, sandbox_session, "cert-daemon", credential).acquire_token_for_client(GRAPH)
    assert "access_token" in result, result
    assert _claims(result["access_token"])["appidacr"] == "2"


def test_certificate_from_pfx(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    app = sandbox.app("cert-daemon")
    credential = {"private_key_pfx_path": app.cert_pfx_path}
    result = _cca(sandbox, sandbox_session, "cert-daemon", credential).acquire_token_for_client(GRAPH)
    assert "access_token" in result, result


def test_unregistered_certificate_is_700027(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    other = sandbox.app("cert-daemon")
    assert other.cert_key_path
    credential = {"private_key": Path(other.cert_key_path).read_text(), "thumbprint": other.thumbprint_sha1}
    # both-daemon has its own certificate, not cert-daemon's.
    result = _cca(sandbox, sandbox_session, "both-daemon", credential).acquire_token_for_client(GRAPH)
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [700027]
    assert f"Thumbprint of key used by client: '{other.thumbprint_sha1}'" in result["error_description"]


@pytest.mark.parametrize(
    ("name", "credential", "scopes", "error", "code"),
    [
        ("graph-daemon", "wrong-secret", GRAPH, "invalid_client", 7000215),
        ("expired-secret-daemon", None, GRAPH, "invalid_client", 7000222),
        ("disabled-daemon", None, GRAPH, "unauthorized_client", 7000112),
        ("no-sp-daemon", None, GRAPH, "invalid_client", 7000229),
        (
            "unassigned-daemon",
            None,
            ["https://contoso.onmicrosoft.com/secured-api/.default"],
            "invalid_grant",
            501051,
        ),
        ("graph-daemon", None, ["User.Read"], "invalid_scope", 1002012),
        ("graph-daemon", None, ["https://management.azure.com/.default"], "invalid_resource", 500011),
        ("graph-daemon", None, [*GRAPH, "https://management.azure.com/.default"], "invalid_scope", 28000),
        ("graph-daemon", None, [*GRAPH, "https://graph.microsoft.com/User.Read"], "invalid_scope", 70011),
    ],
)
def test_entra_errors_reach_msal(
    sandbox: Sandbox,
    sandbox_session: requests.Session,
    name: str,
    credential: str | None,
    scopes: list[str],
    error: str,
    code: int,
) -> None:
    result = _cca(sandbox, sandbox_session, name, credential).acquire_token_for_client(scopes)
    assert result.get("error") == error, result
    assert result["error_codes"] == [code]
    assert result["error_description"].startswith(f"AADSTS{code}: ")
    assert "\r\nTrace ID: " in result["error_description"]
    assert result["correlation_id"]
    assert result["trace_id"]
    assert result["timestamp"]


def test_unknown_tenant_fails_discovery(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    with pytest.raises(ValueError, match="double check your tenant name"):
        _cca(
            sandbox, sandbox_session, "graph-daemon", authority=f"{sandbox.base_url}/nowhere.onmicrosoft.com"
        )


def test_unknown_client_is_700016(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    cca = msal.ConfidentialClientApplication(
        "11111111-2222-3333-4444-555555555555",
        client_credential="x",
        authority=sandbox.authority("contoso"),
        http_client=sandbox_session,
        instance_discovery=False,
    )
    result = cca.acquire_token_for_client(GRAPH)
    assert result["error_codes"] == [700016]
    assert "was not found in the directory" in result["error_description"]
