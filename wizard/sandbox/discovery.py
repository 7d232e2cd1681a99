"""OpenID discovery, JWKS and instance discovery, shaped like Entra's documents."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wizard.sandbox import entra_errors as E
from wizard.sandbox.state import SandboxState, TenantState
from wizard.sandbox.token_endpoint import base_url_of, resolve_tenant
from wizard.sandbox.tokens import issuer_v1, issuer_v2, jwks
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response

MULTI = ("common", "organizations", "consumers")


def openid_configuration(
    base: str, tenant: TenantState | None, segment: str, *, v2: bool = True
) -> dict[str, Any]:
    """The discovery document; endpoints point at the sandbox, issuers follow the tenant type."""
    tid = tenant.spec.id if tenant else segment
    if tenant is None:
        issuer = f"{base}/{{tenantid}}/v2.0" if v2 else "https://sts.windows.net/{tenantid}/"
    else:
        issuer = issuer_v2(tenant, base) if v2 else issuer_v1(tenant)
    ver = "/v2.0" if v2 else ""
    doc: dict[str, Any] = {
        "token_endpoint": f"{base}/{tid}/oauth2{ver}/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/{tid}/discovery{ver}/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{base}/oidc/userinfo",
        "authorization_endpoint": f"{base}/{tid}/oauth2{ver}/authorize",
        "device_authorization_endpoint": f"{base}/{tid}/oauth2{ver}/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/{tid}/oauth2{ver}/logout",
        "claims_supported": [
            "sub",
            "iss",
            "cloud_instance_name",
            "cloud_instance_host_name",
            "cloud_graph_host_name",
            "msgraph_host",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "acr",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "at_hash",
            "c_hash",
            "email",
        ],
        "kerberos_endpoint": f"{base}/{tid}/kerberos",
        "tenant_region_scope": "EU" if tenant and tenant.external else "NA",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": urlsplit(base).netloc,
        "rbac_url": "https://pas.windows.net",
    }
    return doc


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox_state
    return state


def _tenant_or_multi(request: Request) -> TenantState | None:
    segment = request.path_params["tenant"]
    if segment.lower() in MULTI:
        return None
    return resolve_tenant(_state(request), segment)


async def openid_config_v2(request: Request) -> Response:
    try:
        tenant = _tenant_or_multi(request)
    except E.EntraError as exc:
        return exc.response()
    doc = openid_configuration(base_url_of(request), tenant, request.path_params["tenant"])
    return JSONResponse(doc, headers={"Cache-Control": "max-age=86400, private"})


async def openid_config_v1(request: Request) -> Response:
    try:
        tenant = _tenant_or_multi(request)
    except E.EntraError as exc:
        return exc.response()
    doc = openid_configuration(base_url_of(request), tenant, request.path_params["tenant"], v2=False)
    return JSONResponse(doc, headers={"Cache-Control": "max-age=86400, private"})


async def keys(request: Request) -> Response:
    try:
        tenant = _tenant_or_multi(request)
    except E.EntraError as exc:
        return exc.response()
    issuer = None
    if "/discovery/v2.0/" in request.url.path:
        # v2 keys name their issuer (a template on the multi-tenant endpoints); v1 keys do not.
        base = base_url_of(request)
        issuer = issuer_v2(tenant, base) if tenant else f"{base}/{{tenantid}}/v2.0"
    return JSONResponse(
        jwks(_state(request).signing_keys, issuer=issuer),
        headers={"Cache-Control": "max-age=86400, private"},
    )


async def instance_discovery(request: Request) -> Response:
    """`/common/discovery/instance`: knows the sandbox's own host names, like Entra knows its clouds."""
    endpoint = request.query_params.get("authorization_endpoint", "")
    known: set[str] = request.app.state.known_hosts | {urlsplit(base_url_of(request)).netloc.lower()}
    parts = urlsplit(endpoint)
    host = parts.netloc.lower()
    if parts.scheme != "https" or host not in known:
        return E.invalid_instance().response(correlation_id=request.headers.get("client-request-id"))
    segments = [s for s in parts.path.split("/") if s]
    tenant = segments[0] if segments else "common"
    return JSONResponse(
        {
            # msal drops the port from the instance: answer with the address the client actually used.
            "tenant_discovery_endpoint": (
                f"{base_url_of(request)}/{tenant}/v2.0/.well-known/openid-configuration"
            ),
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }
    )
