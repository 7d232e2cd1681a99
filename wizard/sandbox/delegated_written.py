"""Public clients registered through Graph (as `login bootstrap` does): usable for sign-in at once.

An application written with `publicClient.redirectUris` becomes a public client of its tenant for /authorize,
and with `isFallbackPublicClient: true` for device code too; its delegated Graph scopes come from its
`requiredResourceAccess` (type Scope). Nobody has consented to it yet: the first sign-in shows the consent page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.sandbox.delegated_catalog import GRAPH_DELEGATED, PublicClientSpec

if TYPE_CHECKING:
    from wizard.sandbox.state import AppState, SandboxState

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_SCOPE_BY_ID = {s.id.lower(): s.value for s in GRAPH_DELEGATED}


def _scopes(extra: dict[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for entry in extra.get("requiredResourceAccess") or []:
        if not isinstance(entry, dict) or str(entry.get("resourceAppId", "")).lower() != GRAPH_APP_ID:
            continue
        for access in entry.get("resourceAccess") or []:
            if isinstance(access, dict) and access.get("type") == "Scope":
                name = _SCOPE_BY_ID.get(str(access.get("id", "")).lower())
                if name:
                    out.append(name)
    return tuple(dict.fromkeys(out))


def public_client_of(app: AppState) -> PublicClientSpec | None:
    """The public client this Graph-written application is, or None when it has no public client redirect."""
    extra: dict[str, Any] = getattr(app, "extra", None) or {}
    public = extra.get("publicClient")
    uris = public.get("redirectUris") if isinstance(public, dict) else None
    if not uris or getattr(app, "disabled", False):
        return None
    return PublicClientSpec(
        name=str(extra.get("uniqueName") or app.spec.name),
        client_id=app.client_id,
        display_name=str(extra.get("displayName") or app.spec.display_name),
        redirect_uris=tuple(str(u) for u in uris),
        allow_public_client_flows=extra.get("isFallbackPublicClient") is True,
        required_scopes=_scopes(extra),
    )


def written_client(
    state: SandboxState, tenant_id: str | None, client_id: str
) -> tuple[str, PublicClientSpec] | None:
    """(tenant id, public client) for a Graph-written app with this client id, in that tenant or any."""
    with state.lock:
        tenants = [state.tenants[tenant_id]] if tenant_id in state.tenants else list(state.tenants.values())
        for tenant in tenants:
            app = tenant.apps.get(client_id.lower())
            if app is not None:
                spec = public_client_of(app)
                if spec is not None:
                    return tenant.spec.id, spec
    return None
