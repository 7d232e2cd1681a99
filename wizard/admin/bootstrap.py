"""`login bootstrap`: register the wizard's own single-tenant public client (idempotent, keyed by uniqueName).

The registration is what tenant-writes.md recommends instead of borrowing a Microsoft client: redirect
`http://localhost` (loopback, any port), "Allow public client flows" for device code, and the delegated Graph
scopes the wizard asks for step by step. Written through msgraph-sdk (wizard.admin.graph_writes' session).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.admin.tenant_reads import GRAPH_APP_ID

if TYPE_CHECKING:
    import httpx

    from wizard.admin.graph_writes import GraphWriter
    from wizard.admin.identity import AdminToken
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

UNIQUE_NAME = "edw-admin-client"
DISPLAY_NAME = "Entra Daemon Wizard (admin sign-in)"
REDIRECT_URI = "http://localhost"
#: Microsoft Graph's delegated permissions (oauth2PermissionScopes ids, as Graph publishes them).
DELEGATED_SCOPES: dict[str, str] = {
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "Application.Read.All": "c79f8feb-a9db-4090-85f9-90d820caa0eb",
    "Application.ReadWrite.All": "bdfbf15f-ee85-4955-8675-146e8e5296b5",
    "AppRoleAssignment.ReadWrite.All": "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
}


@dataclass(frozen=True)
class BootstrapResult:
    """The wizard's public client as it is now in the tenant."""

    client_id: str
    object_id: str
    tenant_id: str
    created: bool
    service_principal_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "object_id": self.object_id,
            "tenant_id": self.tenant_id,
            "created": self.created,
            "service_principal_id": self.service_principal_id,
            "unique_name": UNIQUE_NAME,
            "redirect_uris": [REDIRECT_URI],
            "scopes": list(DELEGATED_SCOPES),
        }


def application_body(*, display_name: str = DISPLAY_NAME, device_code: bool = True) -> Any:
    """The msgraph Application the bootstrap upserts."""
    from msgraph.generated.models.application import Application
    from msgraph.generated.models.public_client_application import PublicClientApplication
    from msgraph.generated.models.required_resource_access import RequiredResourceAccess
    from msgraph.generated.models.resource_access import ResourceAccess

    return Application(
        display_name=display_name,
        sign_in_audience="AzureADMyOrg",
        notes="managed by entra-daemon-wizard: the wizard's own admin sign-in (login bootstrap)",
        public_client=PublicClientApplication(redirect_uris=[REDIRECT_URI]),
        is_fallback_public_client=device_code,
        required_resource_access=[
            RequiredResourceAccess(
                resource_app_id=GRAPH_APP_ID,
                resource_access=[
                    ResourceAccess(id=uuid.UUID(i), type="Scope") for i in DELEGATED_SCOPES.values()
                ],
            )
        ],
    )


async def upsert_client(writer: GraphWriter, *, tenant_id: str, device_code: bool = True) -> BootstrapResult:
    """PATCH /applications(uniqueName='edw-admin-client') with Prefer: create-if-missing, then its service
    principal (so an administrator can consent for the organization on the first sign-in)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    config: Any = RequestConfiguration()
    config.headers.add("Prefer", "create-if-missing")
    builder = writer.client.applications_with_unique_name(UNIQUE_NAME)
    path = f"/applications(uniqueName='{UNIQUE_NAME}')"
    created = await writer.call(
        "PATCH", path, builder.patch(application_body(device_code=device_code), config)
    )
    app = created if created is not None else await writer.call("GET", path, builder.get())
    app_id, object_id = str(app.app_id or ""), str(app.id or "")
    sp_id, _ = await writer.upsert_sp(app_id)
    return BootstrapResult(app_id, object_id, tenant_id, created is not None, sp_id)


def bootstrap(
    token: AdminToken,
    *,
    graph_url: str,
    settings: HttpSettings,
    trace: Trace,
    device_code: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
) -> BootstrapResult:
    """Register (or find again) the wizard's public client with the admin's token. Blocking."""
    from wizard.admin.graph_writes import GraphWriter

    async def go() -> BootstrapResult:
        writer = GraphWriter(
            token.access_token, graph_url=graph_url, settings=settings, trace=trace, transport=transport
        )
        try:
            return await upsert_client(writer, tenant_id=token.identity.tenant_id, device_code=device_code)
        finally:
            await writer.aclose()

    return asyncio.run(go())
