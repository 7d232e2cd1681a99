"""The built-in scenario: a workforce tenant `contoso` and an external tenant `fabrikamext`."""

from __future__ import annotations

from wizard.sandbox.defaults_azure import azure_apps, contoso_azure
from wizard.sandbox.defaults_customers import isv_apps, northwind
from wizard.sandbox.defaults_fic import fic_apps
from wizard.sandbox.defaults_services import service_apps
from wizard.sandbox.delegated_catalog import (
    APPLICATION_ADMINISTRATOR,
    APPLICATION_DEVELOPER,
    CLOUD_APPLICATION_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
    PublicClientSpec,
)
from wizard.sandbox.scenario import (
    CERTIFICATE,
    DELEGATED,
    GRAPH_NAME,
    SANDBOX_BASE,
    SECRET,
    ApiSpec,
    AppRole,
    AppSpec,
    FederatedCredentialSpec,
    Permission,
    Scenario,
    TenantSpec,
    UserSpec,
)
from wizard.sandbox.sharepoint_spec import sharepoint_api

#: The federated-daemon's credentials: one per sandbox issuer (wizard.sandbox.oidc_issuers).
FEDERATED_DAEMON_FICS = (
    FederatedCredentialSpec(
        "github-production",
        f"{SANDBOX_BASE}/issuers/github-actions",
        "repo:contoso/daemon:environment:production",
    ),
    FederatedCredentialSpec(
        "aks-graph-reader",
        f"{SANDBOX_BASE}/issuers/kubernetes/",
        "system:serviceaccount:daemons:graph-reader",
    ),
)
CONTOSO_ID = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
FABRIKAM_ID = "5e1f2a7b-8c9d-4e3f-a1b2-0c0ffee00002"


def _todo_api(prefix: str, tenant_domain: str) -> ApiSpec:
    app_id = f"{prefix}-4a4a-4b4b-8c8c-0000000000a1"
    return ApiSpec(
        name="todo-api",
        app_id=app_id,
        app_id_uri=f"api://{app_id}",
        display_name="ToDo List API",
        roles=(
            AppRole("ToDoList.Read.All", f"{prefix}-0001-4000-8000-000000000001", "Read all to-do lists"),
            AppRole(
                "ToDoList.ReadWrite.All",
                f"{prefix}-0002-4000-8000-000000000002",
                "Read and write all to-do lists",
            ),
        ),
        access_token_version=2,
        object_id=f"{prefix}-4a4a-4b4b-8c8c-0000000000a2",
        sp_object_id=f"{prefix}-4a4a-4b4b-8c8c-0000000000a3",
    )


def _app(prefix: str, n: int, name: str, display: str, **kw: object) -> AppSpec:
    return AppSpec(
        name=name,
        client_id=f"{prefix}-{n:04d}-4000-a000-00000000c11e",
        object_id=f"{prefix}-{n:04d}-4000-a000-0000000000b0",
        sp_object_id=f"{prefix}-{n:04d}-4000-a000-0000000005b0",
        display_name=display,
        **kw,  # type: ignore[arg-type]
    )


def _users(domain: str, prefix: str, *, admins: bool = False) -> tuple[UserSpec, ...]:
    """The directory's people; with `admins`, two more so that every directory role has a user."""
    people = [
        ("Adele", "Vance", "Retail Manager", GLOBAL_ADMINISTRATOR),
        ("Alex", "Wilber", "Marketing Assistant", ""),
        ("Diego", "Siciliani", "HR Manager", APPLICATION_ADMINISTRATOR),
        ("Megan", "Bowen", "Marketing Manager", CLOUD_APPLICATION_ADMINISTRATOR),
    ]
    if admins:
        people += [
            ("Lee", "Gu", "Director", PRIVILEGED_ROLE_ADMINISTRATOR),
            ("Nestor", "Wilke", "Developer", APPLICATION_DEVELOPER),
        ]
    return tuple(
        UserSpec(
            id=f"{prefix}-{i:04d}-4000-b000-000000005e75",
            display_name=f"{given} {surname}",
            user_principal_name=f"{given}{surname[0]}@{domain}".replace(" ", ""),
            given_name=given,
            surname=surname,
            job_title=title,
            roles=(role,) if role else (),
        )
        for i, (given, surname, title, role) in enumerate(people, start=1)
    )


#: The delegated scopes the wizard's own public client asks for, step by step.
WIZARD_SCOPES = (
    "User.Read",
    "Application.Read.All",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
)


def _public_clients(prefix: str) -> tuple[PublicClientSpec, ...]:
    """What `login bootstrap` registers: consented, not yet consented, and without public client flows."""

    def client(n: int, name: str, display: str, **kw: object) -> PublicClientSpec:
        return PublicClientSpec(
            name=name,
            client_id=f"{prefix}-{n:04d}-4000-a000-00000000c11e",
            display_name=display,
            required_scopes=WIZARD_SCOPES,
            **kw,  # type: ignore[arg-type]
        )

    return (
        client(101, "wizard-admin", "Entra Daemon Wizard (admin sign-in)", admin_consented=WIZARD_SCOPES),
        client(102, "wizard-admin-unconsented", "Entra Daemon Wizard (not yet consented)"),
        client(
            103,
            "wizard-admin-browser-only",
            "Entra Daemon Wizard (public client flows off)",
            admin_consented=WIZARD_SCOPES,
            allow_public_client_flows=False,
        ),
    )


def _contoso() -> TenantSpec:
    p = "c0c0a000"
    todo = _todo_api(p, "contoso.onmicrosoft.com")
    secured = ApiSpec(
        name="secured-api",
        app_id=f"{p}-4a4a-4b4b-8c8c-0000000000b1",
        app_id_uri="https://contoso.onmicrosoft.com/secured-api",
        display_name="Assignment-required API",
        roles=(AppRole("Data.Read.All", f"{p}-0003-4000-8000-000000000003", "Read data"),),
        access_token_version=2,
        assignment_required=True,
        object_id=f"{p}-4a4a-4b4b-8c8c-0000000000b2",
        sp_object_id=f"{p}-4a4a-4b4b-8c8c-0000000000b3",
    )
    graph_read = (
        Permission(GRAPH_NAME, "User.Read.All"),
        Permission(GRAPH_NAME, "Application.Read.All"),
    )
    apps = (
        _app(p, 1, "graph-daemon", "Graph Daemon", permissions=graph_read, consented=True),
        _app(
            p,
            2,
            "unconsented-daemon",
            "Unconsented Daemon",
            permissions=(Permission(GRAPH_NAME, "User.Read.All"),),
        ),
        _app(
            p,
            3,
            "delegated-daemon",
            "Delegated-permission Daemon",
            permissions=(Permission(GRAPH_NAME, "User.Read.All", DELEGATED),),
            consented=True,
        ),
        _app(
            p,
            4,
            "cert-daemon",
            "Certificate Daemon",
            credentials=(CERTIFICATE,),
            permissions=graph_read,
            consented=True,
        ),
        _app(
            p,
            5,
            "todo-daemon",
            "ToDo Daemon",
            permissions=(Permission("todo-api", "ToDoList.ReadWrite.All"),),
            consented=True,
        ),
        _app(
            p,
            6,
            "todo-reader-daemon",
            "ToDo Reader Daemon",
            permissions=(Permission("todo-api", "ToDoList.Read.All"),),
            consented=True,
        ),
        _app(
            p,
            7,
            "expired-secret-daemon",
            "Expired-secret Daemon",
            permissions=(Permission(GRAPH_NAME, "User.Read.All"),),
            consented=True,
            secret_expired=True,
        ),
        _app(
            p,
            8,
            "disabled-daemon",
            "Disabled Daemon",
            permissions=(Permission(GRAPH_NAME, "User.Read.All"),),
            consented=True,
            disabled=True,
        ),
        _app(p, 9, "no-sp-daemon", "Daemon without service principal", service_principal=False),
        _app(
            p,
            10,
            "unassigned-daemon",
            "Unassigned Daemon (assignment-required API)",
            permissions=(Permission("secured-api", "Data.Read.All"),),
        ),
        _app(
            p,
            11,
            "both-daemon",
            "Secret and Certificate Daemon",
            credentials=(SECRET, CERTIFICATE),
            permissions=(Permission(GRAPH_NAME, "User.Read.All"),),
            consented=True,
        ),
        *azure_apps(lambda n, name, display, **kw: _app(p, n, name, display, **kw)),
        *service_apps(lambda n, name, display, **kw: _app(p, n, name, display, **kw)),
        _app(
            p,
            22,
            "federated-daemon",
            "Federated Daemon (workload identity federation)",
            credentials=(),
            permissions=(Permission(GRAPH_NAME, "User.Read.All"),),
            consented=True,
            federated_credentials=FEDERATED_DAEMON_FICS,
        ),
        *isv_apps(lambda n, name, display, **kw: _app(p, n, name, display, **kw)),
        *fic_apps(lambda n, name, display, **kw: _app(p, n, name, display, **kw)),
    )
    return TenantSpec(
        name="contoso",
        id=CONTOSO_ID,
        domain="contoso.onmicrosoft.com",
        display_name="Contoso",
        type="workforce",
        apps=apps,
        apis=(todo, secured, sharepoint_api("contoso")),
        users=_users("contoso.onmicrosoft.com", p, admins=True),
        public_clients=_public_clients(p),
        azure=contoso_azure(),
    )


def _fabrikam() -> TenantSpec:
    p = "fabf0000"
    todo = _todo_api(p, "fabrikamext.onmicrosoft.com")
    apps = (
        _app(
            p,
            1,
            "ext-todo-daemon",
            "External ToDo Daemon",
            permissions=(Permission("todo-api", "ToDoList.ReadWrite.All"),),
            consented=True,
        ),
        _app(
            p,
            2,
            "ext-graph-daemon",
            "External Graph Daemon",
            permissions=(Permission(GRAPH_NAME, "User.Read.All"),),
            consented=True,
        ),
        _app(
            p,
            3,
            "ext-unconsented-daemon",
            "External Unconsented Daemon",
            permissions=(Permission("todo-api", "ToDoList.Read.All"),),
        ),
        _app(
            p,
            4,
            "ext-cert-daemon",
            "External Certificate Daemon",
            credentials=(CERTIFICATE,),
            permissions=(Permission("todo-api", "ToDoList.Read.All"),),
            consented=True,
        ),
        _app(
            p,
            5,
            "ext-delegated-daemon",
            "External Delegated-permission Daemon",
            permissions=(Permission(GRAPH_NAME, "User.Read.All", DELEGATED),),
            consented=True,
        ),
    )
    return TenantSpec(
        name="fabrikamext",
        id=FABRIKAM_ID,
        domain="fabrikamext.onmicrosoft.com",
        display_name="Fabrikam External",
        type="external",
        apps=apps,
        apis=(todo,),
        users=_users("fabrikamext.onmicrosoft.com", p),
        public_clients=_public_clients(p),
    )


def default_scenario() -> Scenario:
    """Stable names and ids; secrets and certificates are generated per run."""
    return Scenario(tenants=(_contoso(), _fabrikam(), northwind()))


def resolve_scenario(value: str | None) -> Scenario:
    """`--sandbox [SCENARIO]`: None or "default" is the built-in scenario, anything else a file path."""
    if value in (None, "", "default"):
        return default_scenario()
    from wizard.sandbox.scenario import load_scenario

    return load_scenario(str(value))
