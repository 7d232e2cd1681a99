"""Bearer checks for the imitated Microsoft resources (ARM, Key Vault, SharePoint): the issuing authority's
keys and issuers, the resource's own audiences; each service words its refusal itself."""

from __future__ import annotations

from typing import Any

from wizard.sandbox.records import Record
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.tokens import TokenInvalid, issuer_v1, issuer_v2, validate
from wizard.sandbox.web.requests import Request


class ResourceCaller(Record, frozen=True):
    """A validated app-only (or delegated) caller of a resource."""

    tenant: TenantState
    app: AppState | None
    claims: dict[str, Any]

    @property
    def app_name(self) -> str:
        return self.app.spec.name if self.app is not None else ""

    @property
    def client_id(self) -> str:
        return str(self.claims.get("appid") or self.claims.get("azp") or "")

    @property
    def oid(self) -> str:
        return str(self.claims.get("oid", ""))

    @property
    def cert_auth(self) -> bool:
        return str(self.claims.get("appidacr") or self.claims.get("azpacr") or "") == "2"

    @property
    def roles(self) -> frozenset[str]:
        roles = self.claims.get("roles")
        return frozenset(roles) if isinstance(roles, list) else frozenset()


class Refusal(Record, frozen=True):
    """Why the bearer token was refused: missing, malformed, signature, expired, not_yet_valid, audience,
    issuer; `claims` holds what could be read."""

    reason: str
    claims: dict[str, Any]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return None
    return header[7:].strip()


def check_bearer(request: Request, audiences: set[str]) -> ResourceCaller | Refusal:
    """Validate the request's bearer token as a resource trusting this sandbox's tenants does."""
    state: SandboxState = request.app.state.sandbox_state
    token = bearer(request)
    if token is None:
        return Refusal("missing", {})
    hosts: set[str] = set(request.app.state.known_hosts)
    issuers = {issuer_v1(t) for t in state.tenants.values()}
    issuers |= {issuer_v2(t, f"https://{h}") for t in state.tenants.values() for h in hosts}
    try:
        claims = validate(token, keys=state.signing_keys, audiences=audiences, issuers=issuers)
    except TokenInvalid as exc:
        return Refusal(exc.reason, exc.claims)
    tenant = state.tenant(str(claims.get("tid", "")))
    if tenant is None:
        return Refusal("issuer", claims)
    app = tenant.apps.get(str(claims.get("appid") or claims.get("azp") or "").lower())
    return ResourceCaller(tenant, app, claims)
