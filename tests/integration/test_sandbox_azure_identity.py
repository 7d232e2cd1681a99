"""Unmodified azure-identity (sync and aio) against the sandbox, secret and certificate."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CertificateCredential, ClientSecretCredential
from azure.identity.aio import CertificateCredential as AioCertificateCredential
from azure.identity.aio import ClientSecretCredential as AioClientSecretCredential

from wizard.sandbox import Sandbox

GRAPH = "https://graph.microsoft.com/.default"


def _kw(sb: Sandbox) -> dict[str, Any]:
    return {"authority": sb.base_url, "disable_instance_discovery": True, "connection_verify": sb.ca_file}


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_client_secret_credential_sync(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret
    cred = ClientSecretCredential(app.tenant_id, app.client_id, app.secret, **_kw(sandbox))
    token = cred.get_token(GRAPH)
    claims = _claims(token.token)
    assert claims["appid"] == app.client_id
    assert "User.Read.All" in claims["roles"]
    assert token.expires_on > claims["iat"]


def test_client_secret_credential_by_domain(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret
    cred = ClientSecretCredential(app.tenant_domain, app.client_id, app.secret, **_kw(sandbox))
    assert _claims(cred.get_token(GRAPH).token)["tid"] == app.tenant_id


def test_certificate_credential_sync(sandbox: Sandbox) -> None:
    app = sandbox.app("cert-daemon")
    cred = CertificateCredential(
        app.tenant_id, app.client_id, certificate_path=app.cert_combined_path, **_kw(sandbox)
    )
    claims = _claims(cred.get_token(GRAPH).token)
    assert claims["appidacr"] == "2"
    assert "Application.Read.All" in claims["roles"]


def test_certificate_credential_sync_with_chain_sent(sandbox: Sandbox) -> None:
    app = sandbox.app("cert-daemon")
    cred = CertificateCredential(
        app.tenant_id,
        app.client_id,
        certificate_path=app.cert_pfx_path,
        send_certificate_chain=True,
        **_kw(sandbox),
    )
    assert _claims(cred.get_token(GRAPH).token)["appidacr"] == "2"


def test_secret_errors_surface_as_client_authentication_error(sandbox: Sandbox) -> None:
    app = sandbox.app("expired-secret-daemon")
    assert app.secret
    cred = ClientSecretCredential(app.tenant_id, app.client_id, app.secret, **_kw(sandbox))
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000222"):
        cred.get_token(GRAPH)


def test_own_api_gets_v2_token(sandbox: Sandbox) -> None:
    app = sandbox.app("todo-daemon")
    assert app.secret
    cred = ClientSecretCredential(app.tenant_id, app.client_id, app.secret, **_kw(sandbox))
    todo = next(a for a in sandbox.describe()["tenants"][0]["apis"] if a["name"] == "todo-api")
    claims = _claims(cred.get_token(todo["scope"]).token)
    assert claims["ver"] == "2.0"
    assert claims["aud"] == todo["app_id"]
    assert claims["azp"] == app.client_id
    assert claims["azpacr"] == "1"
    assert claims["iss"] == f"{sandbox.base_url}/{app.tenant_id}/v2.0"
    assert claims["roles"] == ["ToDoList.ReadWrite.All"]
    assert "appid" not in claims


async def test_client_secret_credential_aio(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret
    async with AioClientSecretCredential(app.tenant_id, app.client_id, app.secret, **_kw(sandbox)) as cred:
        token = await cred.get_token(GRAPH)
    assert _claims(token.token)["appid"] == app.client_id


async def test_certificate_credential_aio(sandbox: Sandbox) -> None:
    app = sandbox.app("cert-daemon")
    async with AioCertificateCredential(
        app.tenant_id, app.client_id, certificate_path=app.cert_combined_path, **_kw(sandbox)
    ) as cred:
        token = await cred.get_token(GRAPH)
    assert _claims(token.token)["appidacr"] == "2"


async def test_aio_error_is_exact(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    async with AioClientSecretCredential(
        app.tenant_id, app.client_id, "not-the-secret", **_kw(sandbox)
    ) as cred:
        with pytest.raises(ClientAuthenticationError) as info:
            await cred.get_token(GRAPH)
    assert "AADSTS7000215: Invalid client secret provided." in str(info.value)


async def test_external_tenant_issuer_is_ciamlogin(sandbox: Sandbox) -> None:
    app = sandbox.app("ext-todo-daemon")
    tenant = next(t for t in sandbox.describe()["tenants"] if t["name"] == "fabrikamext")
    todo = next(a for a in tenant["apis"] if a["name"] == "todo-api")
    assert app.secret
    async with AioClientSecretCredential(app.tenant_id, app.client_id, app.secret, **_kw(sandbox)) as cred:
        token = await cred.get_token(todo["scope"])
    claims = _claims(token.token)
    assert claims["iss"] == f"https://{app.tenant_id}.ciamlogin.com/{app.tenant_id}/v2.0"
    assert claims["roles"] == ["ToDoList.ReadWrite.All"]
