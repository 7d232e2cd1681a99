"""Read what `register plan` needs from Graph with the admin's delegated token (read-only, never by display name)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

from wizard.admin.identity import AdminToken
from wizard.errors import ApiError
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.secret import Secret

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


@dataclass(frozen=True)
class TenantFacts:
    """The tenant as the plan sees it; None where the object does not exist (yet)."""

    me: dict[str, Any]
    organization: dict[str, Any] | None
    app: dict[str, Any] | None
    service_principal: dict[str, Any] | None
    assignments: list[dict[str, Any]] = field(default_factory=list)
    resource: dict[str, Any] | None = None  # the API's service principal, with its appRoles


def _odata(value: str) -> str:
    return value.replace("'", "''")


class BearerToken(Protocol):
    """A Graph token: the admin's delegated one (AdminToken) or an app's own (TokenResult)."""

    @property
    def access_token(self) -> Secret: ...


class GraphReader:
    """GETs on Graph v1.0 through the project's traced httpx client; 404 is "absent", others are errors."""

    def __init__(
        self, token: AdminToken | BearerToken, *, graph_url: str, settings: HttpSettings, trace: Trace
    ) -> None:
        from wizard.live.httpx_transport import httpx_client

        self.base = graph_url.rstrip("/") + ("" if graph_url.rstrip("/").endswith("/v1.0") else "/v1.0")
        trace.add_secret(token.access_token.reveal())
        self.client = httpx_client(settings, trace, step="graph")
        self.client.headers["Authorization"] = f"Bearer {token.access_token.reveal()}"

    def close(self) -> None:
        self.client.close()

    def get(self, path: str) -> dict[str, Any] | None:
        response = self.client.get(self.base + path)
        if response.status_code == 404:
            return None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error", {}) if isinstance(body, dict) else {}
            code = error.get("code", "") if isinstance(error, dict) else ""
            message = error.get("message", "") if isinstance(error, dict) else ""
            raise ApiError(
                f"Graph refused GET {path.split('?')[0]} (HTTP {response.status_code}{', ' + code if code else ''})",
                hint=str(message)[:300] or None,
                status=response.status_code,
            )
        return body

    def first(self, path: str) -> dict[str, Any] | None:
        body = self.get(path)
        values = (body or {}).get("value") or []
        return values[0] if values and isinstance(values[0], dict) else None


def read_tenant(
    reader: GraphReader, *, unique_name: str | None, app_id: str | None, resource_app_id: str = GRAPH_APP_ID
) -> TenantFacts:
    """Who am I, the tenant, the app (by appId or uniqueName), its service principal and grants, the API."""
    me = reader.get("/me?$select=id,userPrincipalName,displayName") or {}
    organization = reader.first("/organization?$select=id,displayName,verifiedDomains,tenantType")
    app = None
    if app_id:
        app = reader.first("/applications?$filter=" + quote(f"appId eq '{_odata(app_id)}'"))
    elif unique_name:
        app = reader.first("/applications?$filter=" + quote(f"uniqueName eq '{_odata(unique_name)}'"))
    sp = None
    assignments: list[dict[str, Any]] = []
    if app is not None:
        key = quote(str(app.get("appId", "")))
        sp = reader.get(f"/servicePrincipals(appId='{key}')")
        if sp is not None:
            rows = reader.get(f"/servicePrincipals(appId='{key}')/appRoleAssignments") or {}
            assignments = [r for r in rows.get("value", []) if isinstance(r, dict)]
    resource = reader.get(
        f"/servicePrincipals(appId='{quote(resource_app_id)}')?$select=id,appId,displayName,appRoles"
    )
    return TenantFacts(me, organization, app, sp, assignments, resource)
