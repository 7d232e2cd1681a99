"""The token endpoint's delegated grants: authorization code (+ PKCE), device code, refresh token."""

from __future__ import annotations

import time

from wizard.sandbox import delegated_errors as D
from wizard.sandbox import entra_errors as E
from wizard.sandbox.delegated_catalog import OIDC_SCOPES, PublicClientSpec, graph_scope
from wizard.sandbox.delegated_sessions import Grant, pkce_matches
from wizard.sandbox.delegated_tokens import token_response
from wizard.sandbox.scenario import GRAPH_RESOURCE, GRAPH_RESOURCES
from wizard.sandbox.state import SandboxState, TenantState
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DELEGATED_GRANTS = frozenset({"authorization_code", "refresh_token", DEVICE_CODE_GRANT})
MULTI_TENANT = frozenset({"organizations", "common"})


def parse_scopes(raw: str | None, client: PublicClientSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Graph scope names, OIDC scopes) of a delegated request; `.default` means the app's static list."""
    graph: list[str] = []
    oidc: list[str] = []
    items = (raw or "").split()
    if not items:
        raise E.missing_scope()
    for item in items:
        low = item.lower()
        if low in OIDC_SCOPES:
            oidc.append(low)
            continue
        name = item
        prefix = next((r for r in GRAPH_RESOURCES if low.startswith(r + "/")), None)
        if prefix is not None:
            name = item[len(prefix) + 1 :]
        elif "/" in item or ":" in item:
            raise D.unsupported_resource(item)
        if name == ".default":
            graph.extend(s for s in client.required_scopes if s not in graph)
            continue
        found = graph_scope(name)
        if found is None:
            raise D.unknown_scope(name, client.display_name)
        if found.value not in graph:
            graph.append(found.value)
    return tuple(graph), tuple(oidc)


def scope_resource(raw: str | None) -> str:
    """The Graph a delegated request names by its scopes' prefix (global when none); one resource only."""
    found = {r for item in (raw or "").split() for r in GRAPH_RESOURCES if item.lower().startswith(r + "/")}
    if len(found) > 1:
        raise D.several_resources(raw or "")
    return found.pop() if found else GRAPH_RESOURCE


def client_for(state: SandboxState, segment: str, client_id: str) -> tuple[str, PublicClientSpec]:
    """(tenant id, public client) named by the request, or Entra's AADSTS700016."""
    from wizard.sandbox.token_endpoint import resolve_tenant

    if segment.lower() in MULTI_TENANT:
        found = state.delegated.client_anywhere(client_id)
        if found is None:
            raise E.app_not_found(client_id, segment)
        return found
    tenant = resolve_tenant(state, segment)
    client = state.delegated.client(tenant.spec.id, client_id)
    if client is None:
        raise E.app_not_found(client_id, tenant.spec.id)
    return tenant.spec.id, client


def _issue(state: SandboxState, request: Request, grant: Grant, client: PublicClientSpec) -> Response:
    from wizard.sandbox.token_endpoint import base_url_of

    tenant: TenantState = state.tenants[grant.tenant_id]
    account = state.delegated.accounts[grant.user_upn.lower()]
    missing = state.delegated.missing(grant.tenant_id, client.client_id, account, grant.scopes)
    if missing:
        raise D.consent_required(client.client_id, client.display_name)
    granted = state.delegated.granted(grant.tenant_id, client.client_id, account.spec.id)
    body = token_response(
        sessions=state.sessions,
        tenant=tenant,
        client=client,
        account=account,
        granted=granted,
        grant=grant,
        key=state.signing_key,
        base=base_url_of(request),
    )
    return JSONResponse(body, headers=dict(E.NO_STORE))


def _same_tenant(segment: str, state: SandboxState, tenant_id: str) -> bool:
    if segment.lower() in MULTI_TENANT:
        return True
    tenant = state.tenant(segment)
    return tenant is not None and tenant.spec.id == tenant_id


def _authorization_code(state: SandboxState, request: Request, form: dict[str, str]) -> Response:
    segment = request.path_params["tenant"]
    client_id = form.get("client_id", "")
    _, client = client_for(state, segment, client_id)
    code = form.get("code")
    if not code:
        raise E.missing_parameter("code")
    record = state.sessions.code(code)
    if record is None or record.grant.client_id.lower() != client.client_id.lower():
        raise D.code_invalid()
    if not _same_tenant(segment, state, record.grant.tenant_id):
        raise D.code_invalid()
    with state.sessions.lock:
        if record.redeemed:
            raise D.code_redeemed()
        if time.monotonic() > record.expires:
            raise D.code_expired()
        if form.get("redirect_uri") != record.redirect_uri:
            raise D.redirect_differs()
        if record.code_challenge is not None:
            verifier = form.get("code_verifier") or ""
            if not pkce_matches(verifier, record.code_challenge, record.code_challenge_method):
                raise D.pkce_mismatch()
        record.redeemed = True
    return _issue(state, request, record.grant, client)


def _device_code(state: SandboxState, request: Request, form: dict[str, str]) -> Response:
    segment = request.path_params["tenant"]
    _, client = client_for(state, segment, form.get("client_id", ""))
    if not client.allow_public_client_flows:
        raise D.public_client_flows_off()
    raw = form.get("device_code")
    if not raw:
        raise E.missing_parameter("device_code")
    device = state.sessions.device(raw)
    if device is None or device.grant.client_id.lower() != client.client_id.lower():
        raise D.bad_device_code()
    now = time.monotonic()
    with state.sessions.lock:
        if device.status == "redeemed":
            raise D.code_redeemed()
        if now > device.expires:
            raise D.device_code_expired()
        too_soon = device.last_poll is not None and now - device.last_poll < device.interval - 0.25
        device.last_poll = now
        if device.status == "pending":
            raise D.slow_down(device.interval) if too_soon else D.authorization_pending()
        if device.status == "blocked":
            raise D.blocked_by_conditional_access()
        if device.status == "needs_admin":
            raise D.consent_required(client.client_id, client.display_name)
        if device.status == "declined":
            raise D.device_code_declined()
        device.status = "redeemed"
    return _issue(state, request, device.grant, client)


def _refresh_token(state: SandboxState, request: Request, form: dict[str, str]) -> Response:
    segment = request.path_params["tenant"]
    _, client = client_for(state, segment, form.get("client_id", ""))
    raw = form.get("refresh_token")
    if not raw:
        raise E.missing_parameter("refresh_token")
    old = state.sessions.refresh(raw)
    if old is None or old.client_id.lower() != client.client_id.lower():
        raise D.refresh_invalid()
    if not _same_tenant(segment, state, old.tenant_id):
        raise D.refresh_invalid()
    scopes, oidc = parse_scopes(form.get("scope"), client)
    grant = Grant(
        tenant_id=old.tenant_id,
        client_id=old.client_id,
        user_upn=old.user_upn,
        scopes=scopes,
        oidc=tuple(dict.fromkeys((*oidc, "offline_access"))),
        resource=scope_resource(form.get("scope")),
    )
    return _issue(state, request, grant, client)


async def delegated_token(request: Request, state: SandboxState, form: dict[str, str]) -> Response:
    """Answer one delegated grant, or Entra's error for it."""
    grant_type = form.get("grant_type", "")
    if not form.get("client_id"):
        raise E.missing_parameter("client_id")
    if grant_type == "authorization_code":
        return _authorization_code(state, request, form)
    if grant_type == DEVICE_CODE_GRANT:
        return _device_code(state, request, form)
    return _refresh_token(state, request, form)
