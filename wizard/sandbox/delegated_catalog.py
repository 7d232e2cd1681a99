"""What delegated sign-in knows as data: directory roles, Graph's delegated scopes, public client apps."""

from __future__ import annotations

from wizard.sandbox.records import Record

GLOBAL_ADMINISTRATOR = "Global Administrator"
PRIVILEGED_ROLE_ADMINISTRATOR = "Privileged Role Administrator"
APPLICATION_ADMINISTRATOR = "Application Administrator"
CLOUD_APPLICATION_ADMINISTRATOR = "Cloud Application Administrator"
APPLICATION_DEVELOPER = "Application Developer"

#: Directory role template ids, as Entra puts them in the `wids` claim.
ROLE_TEMPLATES: dict[str, str] = {
    GLOBAL_ADMINISTRATOR: "62e90394-69f5-4237-9190-012177145e10",
    PRIVILEGED_ROLE_ADMINISTRATOR: "e8611ab8-c189-46e8-94e1-60213ab1f814",
    APPLICATION_ADMINISTRATOR: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    CLOUD_APPLICATION_ADMINISTRATOR: "158c047a-c907-4556-b7ef-446551a6b5f7",
    APPLICATION_DEVELOPER: "cf1c38e5-3621-4004-a7cb-879624dced7c",
}
#: Every member user carries this template id in `wids` (the default "User" role).
MEMBER_USER_TEMPLATE = "b79fbf4d-3ef9-4689-8143-76b194e85509"

#: Roles that may grant tenant-wide consent to delegated permissions (any API, Graph included).
DELEGATED_CONSENT_ROLES = frozenset(
    {
        GLOBAL_ADMINISTRATOR,
        PRIVILEGED_ROLE_ADMINISTRATOR,
        APPLICATION_ADMINISTRATOR,
        CLOUD_APPLICATION_ADMINISTRATOR,
    }
)

OIDC_SCOPES = ("openid", "profile", "email", "offline_access")


class DelegatedScope(Record, frozen=True):
    """A delegated permission Graph publishes; `admin` when only an administrator may consent to it."""

    value: str
    id: str
    admin: bool
    description: str


#: Graph's delegated scopes the wizard's sign-in uses (ids as Microsoft Graph publishes them).
GRAPH_DELEGATED: tuple[DelegatedScope, ...] = (
    DelegatedScope(
        "User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", False, "Sign you in and read your profile"
    ),
    DelegatedScope(
        "User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59", True, "Read all users' full profiles"
    ),
    DelegatedScope("Application.Read.All", "c79f8feb-a9db-4090-85f9-90d820caa0eb", True, "Read applications"),
    DelegatedScope(
        "Application.ReadWrite.All",
        "bdfbf15f-ee85-4955-8675-146e8e5296b5",
        True,
        "Read and write all applications",
    ),
    DelegatedScope(
        "AppRoleAssignment.ReadWrite.All",
        "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
        True,
        "Manage app permission grants and app role assignments",
    ),
    DelegatedScope("Directory.Read.All", "06da0dbc-49e2-44d2-8312-53f166ab848a", True, "Read directory data"),
    DelegatedScope(
        "RoleManagement.Read.Directory",
        "741c54c3-0c1e-44a1-818b-3f97ab4e8c83",
        True,
        "Read your company's role-based access control (RBAC) settings",
    ),
    DelegatedScope(
        "Organization.Read.All", "4908d5b9-3fb2-4b1e-9336-1888b7937185", True, "Read organization information"
    ),
    DelegatedScope(
        "Policy.Read.All", "572fea84-0151-49b2-9301-11cb16974376", True, "Read your organization's policies"
    ),
)


def graph_scope(value: str) -> DelegatedScope | None:
    """Graph's delegated scope of this name (case-insensitive, as Entra matches them)."""
    low = value.lower()
    return next((s for s in GRAPH_DELEGATED if s.value.lower() == low), None)


class PublicClientSpec(Record, frozen=True):
    """A public client (desktop/CLI) registration: who may sign users in through it, and its consent."""

    name: str
    client_id: str
    display_name: str
    redirect_uris: tuple[str, ...] = ("http://localhost",)
    #: "Allow public client flows" (isFallbackPublicClient): needed for device code.
    allow_public_client_flows: bool = True
    #: The delegated Graph scopes its registration lists (requiredResourceAccess).
    required_scopes: tuple[str, ...] = ()
    #: Scopes an administrator already granted for the whole tenant (oauth2PermissionGrant AllPrincipals).
    admin_consented: tuple[str, ...] = ()
    #: "Microsoft" for first-party clients that exist in every tenant; empty for the tenant's own.
    publisher: str = ""


GRAPH_CLI_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

#: Microsoft's multi-tenant public clients, present in every sandbox tenant.
WELL_KNOWN_CLIENTS: tuple[PublicClientSpec, ...] = (
    PublicClientSpec(
        name="graph-command-line-tools",
        client_id=GRAPH_CLI_CLIENT_ID,
        display_name="Microsoft Graph Command Line Tools",
        redirect_uris=("http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient"),
        publisher="Microsoft",
    ),
    PublicClientSpec(
        name="azure-cli",
        client_id=AZURE_CLI_CLIENT_ID,
        display_name="Microsoft Azure CLI",
        redirect_uris=("http://localhost",),
        # Pre-authorized by Microsoft for the scopes az uses; nobody is prompted.
        admin_consented=tuple(s.value for s in GRAPH_DELEGATED),
        publisher="Microsoft",
    ),
)
