"""The sandbox tenant's directory as data: tenants, apps, APIs, permissions (scenario file format)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from wizard.errors import ConfigFileError
from wizard.sandbox.azure_spec import AzureSpec, azure_from_dict
from wizard.sandbox.delegated_catalog import ROLE_TEMPLATES, PublicClientSpec, graph_scope
from wizard.sandbox.graph_policy import WriteSpec, write_spec
from wizard.sandbox.large_tenant import GenerateSpec, ThrottleSpec, generate_spec, throttle_spec
from wizard.sandbox.records import Record, field, to_dict

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_RESOURCE = "https://graph.microsoft.com"
#: Microsoft Graph of each cloud, as a delegated scope's prefix names it (and the token's `aud` then says).
GRAPH_RESOURCES = (
    GRAPH_RESOURCE,
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
)
GRAPH_NAME = "graph"

APPLICATION = "Application"
DELEGATED = "Delegated"
SECRET = "secret"
CERTIFICATE = "certificate"


class AppRole(Record, frozen=True):
    """An application permission (app role) an API exposes."""

    value: str
    id: str
    display_name: str = ""
    description: str = ""


class ApiSpec(Record, frozen=True):
    """A resource API registered in a tenant (Microsoft Graph is built in everywhere)."""

    name: str
    app_id: str
    app_id_uri: str
    display_name: str
    roles: tuple[AppRole, ...] = ()
    delegated_scopes: tuple[AppRole, ...] = ()
    access_token_version: int = 2
    assignment_required: bool = False
    object_id: str = ""
    sp_object_id: str = ""

    def role(self, value: str) -> AppRole | None:
        return next((r for r in self.roles if r.value == value), None)


class Permission(Record, frozen=True):
    """One entry of an app's requiredResourceAccess: api name, permission value, Application or Delegated."""

    api: str
    value: str
    type: str = APPLICATION


#: The placeholder a federated credential's issuer may start with: the sandbox's own base URL, at run time.
SANDBOX_BASE = "{sandbox}"
EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"


class FederatedCredentialSpec(Record, frozen=True):
    """A federated identity credential (FIC): Entra matches `iss`, `sub` and `aud` exactly against it."""

    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...] = (EXCHANGE_AUDIENCE,)

    def issuer_at(self, base_url: str) -> str:
        """The issuer with `{sandbox}` replaced by the sandbox's base URL."""
        return self.issuer.replace(SANDBOX_BASE, base_url)


class AppSpec(Record, frozen=True):
    """A daemon app registration and its service principal."""

    name: str
    client_id: str
    object_id: str
    sp_object_id: str
    display_name: str
    credentials: tuple[str, ...] = (SECRET,)
    permissions: tuple[Permission, ...] = ()
    consented: bool = False
    secret_expired: bool = False
    disabled: bool = False
    service_principal: bool = True
    federated_credentials: tuple[FederatedCredentialSpec, ...] = ()
    #: Object IDs of the users who own the registration (GET /applications/{id}/owners).
    owners: tuple[str, ...] = ()
    #: Who may use it: AzureADMyOrg (single tenant) or AzureADMultipleOrgs (customers consent in their tenant).
    sign_in_audience: str = "AzureADMyOrg"


class UserSpec(Record, frozen=True):
    """A directory user, listed by GET /users."""

    id: str
    display_name: str
    user_principal_name: str
    given_name: str = ""
    surname: str = ""
    job_title: str = ""
    #: Fixed sign-in password; empty means one is generated per run (listed in the ready line).
    password: str = ""
    #: Directory role names (see delegated_catalog.ROLE_TEMPLATES); empty for an ordinary user.
    roles: tuple[str, ...] = ()


class TenantSpec(Record, frozen=True):
    """One tenant: workforce (login.microsoftonline.com style) or external (ciamlogin.com issuers)."""

    name: str
    id: str
    domain: str
    display_name: str
    type: str = "workforce"
    apps: tuple[AppSpec, ...] = ()
    apis: tuple[ApiSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    public_clients: tuple[PublicClientSpec, ...] = ()
    #: Conditional Access blocks the device code flow (AADSTS53003), as many tenants do.
    block_device_code: bool = False
    #: Azure role assignments, Key Vaults, SharePoint sites, directory roles of apps (wizard.sandbox.azure_spec).
    azure: AzureSpec = field(default_factory=AzureSpec)
    #: Generated app registrations (a large tenant) and Graph throttling, see large_tenant.
    generate: GenerateSpec = field(default_factory=GenerateSpec)
    throttle: ThrottleSpec = field(default_factory=ThrottleSpec)
    #: What Graph writes obey: app registration by users, secret policy, replication lag (graph_policy).
    writes: WriteSpec = field(default_factory=WriteSpec)


class Scenario(Record, frozen=True):
    """Everything the sandbox serves, loaded from a file or built in."""

    tenants: tuple[TenantSpec, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


GRAPH_API = ApiSpec(
    name=GRAPH_NAME,
    app_id=GRAPH_APP_ID,
    app_id_uri=GRAPH_RESOURCE,
    display_name="Microsoft Graph",
    roles=(
        AppRole("User.Read.All", "df021288-bdef-4463-88db-98f22de89214", "Read all users' full profiles"),
        AppRole("User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca", "Read and write all users"),
        AppRole("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Read directory data"),
        AppRole("Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Read all applications"),
        AppRole(
            "Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Read and write all apps"
        ),
        AppRole("Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96", "Send mail as any user"),
        AppRole("Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Read mail in all mailboxes"),
        AppRole(
            "Application.ReadWrite.OwnedBy",
            "18a4783c-866b-4cc7-a460-3d5e5662c884",
            "Manage apps that this app creates or owns",
        ),
        AppRole(
            "AppRoleAssignment.ReadWrite.All",
            "06b708a9-e830-4db3-a914-8e69da51d44f",
            "Manage app permission grants and app role assignments",
        ),
    ),
    delegated_scopes=(
        AppRole("User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Sign in and read user profile"),
        AppRole("User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59", "Read all users' full profiles"),
        AppRole("Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0", "Send mail as a user"),
    ),
    access_token_version=1,
)


def _str(d: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = d.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigFileError(
            f"{where}: '{key}' must be a non-empty string", hint="See the README's scenario format."
        )
    return value


#: Names that become file and folder names (credentials/<tenant>/<app>.pem): no separators, no dot-only names.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _name(d: dict[str, Any], where: str) -> str:
    """A tenant or app `name`; it names files on disk, so it is one safe path component."""
    value = _str(d, "name", where)
    if not _NAME.fullmatch(value) or value.strip(".") == "":
        raise ConfigFileError(
            f"{where}: name {value!r} is not allowed",
            hint="Use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit); "
            "names become file names, so no '/', '\\' or '..'.",
        )
    return value


def _bool(d: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = d.get(key, default)
    if not isinstance(value, bool):
        raise ConfigFileError(f"{where}: '{key}' must be true or false")
    return value


def _list(d: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = d.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigFileError(f"{where}: '{key}' must be a list of tables")
    return value


def _role(d: dict[str, Any], where: str) -> AppRole:
    return AppRole(
        value=_str(d, "value", where),
        id=_str(d, "id", where),
        display_name=str(d.get("display_name", "")),
        description=str(d.get("description", "")),
    )


def _api(d: dict[str, Any], where: str) -> ApiSpec:
    name = _str(d, "name", where)
    where = f"{where} api '{name}'"
    app_id = _str(d, "app_id", where)
    version = d.get("access_token_version", 2)
    if version not in (1, 2):
        raise ConfigFileError(f"{where}: access_token_version must be 1 or 2")
    return ApiSpec(
        name=name,
        app_id=app_id,
        app_id_uri=_str(d, "app_id_uri", where, f"api://{app_id}"),
        display_name=_str(d, "display_name", where, name),
        roles=tuple(_role(r, where) for r in _list(d, "roles", where)),
        access_token_version=int(version),
        assignment_required=_bool(d, "assignment_required", where),
        object_id=_str(d, "object_id", where, app_id),
        sp_object_id=_str(d, "sp_object_id", where, app_id),
    )


def _app(d: dict[str, Any], where: str) -> AppSpec:
    name = _name(d, where)
    where = f"{where} app '{name}'"
    creds = d.get("credentials", [SECRET])
    if not isinstance(creds, list) or any(c not in (SECRET, CERTIFICATE) for c in creds):
        raise ConfigFileError(f"{where}: credentials must be a list of 'secret' and/or 'certificate'")
    perms: list[Permission] = []
    for p in _list(d, "permissions", where):
        kind = p.get("type", APPLICATION)
        if kind not in (APPLICATION, DELEGATED):
            raise ConfigFileError(f"{where}: permission type must be 'Application' or 'Delegated'")
        perms.append(Permission(api=_str(p, "api", where), value=_str(p, "value", where), type=kind))
    client_id = _str(d, "client_id", where)
    return AppSpec(
        name=name,
        client_id=client_id,
        object_id=_str(d, "object_id", where, client_id),
        sp_object_id=_str(d, "sp_object_id", where, client_id),
        display_name=_str(d, "display_name", where, name),
        credentials=tuple(creds),
        permissions=tuple(perms),
        consented=_bool(d, "consented", where),
        secret_expired=_bool(d, "secret_expired", where),
        disabled=_bool(d, "disabled", where),
        service_principal=_bool(d, "service_principal", where, True),
        federated_credentials=tuple(_fic(f, where) for f in _list(d, "federated_credentials", where)),
        owners=_strings(d, "owners", where),
        sign_in_audience=_audience(d, where),
    )


SIGN_IN_AUDIENCES = ("AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount")


def _audience(d: dict[str, Any], where: str) -> str:
    value = _str(d, "sign_in_audience", where, SIGN_IN_AUDIENCES[0])
    if value not in SIGN_IN_AUDIENCES:
        raise ConfigFileError(f"{where}: sign_in_audience must be one of {', '.join(SIGN_IN_AUDIENCES)}")
    return value


def _fic(d: dict[str, Any], where: str) -> FederatedCredentialSpec:
    name = _str(d, "name", where)
    where = f"{where} federated credential '{name}'"
    audiences = _strings(d, "audiences", where) if "audiences" in d else (EXCHANGE_AUDIENCE,)
    return FederatedCredentialSpec(
        name=name, issuer=_str(d, "issuer", where), subject=_str(d, "subject", where), audiences=audiences
    )


def _strings(d: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = d.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigFileError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _user(d: dict[str, Any], where: str) -> UserSpec:
    roles = _strings(d, "roles", where)
    unknown = [r for r in roles if r not in ROLE_TEMPLATES]
    if unknown:
        raise ConfigFileError(
            f"{where}: unknown directory role {unknown[0]!r}", hint="Known: " + ", ".join(ROLE_TEMPLATES)
        )
    password = d.get("password", "")
    if not isinstance(password, str):
        raise ConfigFileError(f"{where}: 'password' must be a string")
    return UserSpec(
        id=_str(d, "id", where),
        display_name=_str(d, "display_name", where),
        user_principal_name=_str(d, "user_principal_name", where),
        given_name=str(d.get("given_name", "")),
        surname=str(d.get("surname", "")),
        job_title=str(d.get("job_title", "")),
        password=password,
        roles=roles,
    )


def _public_client(d: dict[str, Any], where: str) -> PublicClientSpec:
    name = _str(d, "name", where)
    where = f"{where} public client '{name}'"
    scopes = {k: _strings(d, k, where) for k in ("required_scopes", "admin_consented")}
    for value in (*scopes["required_scopes"], *scopes["admin_consented"]):
        if graph_scope(value) is None:
            raise ConfigFileError(f"{where}: unknown Microsoft Graph delegated scope {value!r}")
    return PublicClientSpec(
        name=name,
        client_id=_str(d, "client_id", where).lower(),
        display_name=_str(d, "display_name", where, name),
        redirect_uris=_strings(d, "redirect_uris", where) or ("http://localhost",),
        allow_public_client_flows=_bool(d, "allow_public_client_flows", where, True),
        required_scopes=scopes["required_scopes"],
        admin_consented=scopes["admin_consented"],
    )


def scenario_from_dict(data: dict[str, Any], *, source: str = "scenario") -> Scenario:
    """Build and check a Scenario from parsed TOML/JSON."""
    tenants = []
    for t in _list(data, "tenants", source):
        name = _name(t, source)
        where = f"{source}: tenant '{name}'"
        kind = t.get("type", "workforce")
        if kind not in ("workforce", "external"):
            raise ConfigFileError(f"{where}: type must be 'workforce' or 'external'")
        apis = tuple(_api(a, where) for a in _list(t, "apis", where))
        apps = tuple(_app(a, where) for a in _list(t, "apps", where))
        known = {GRAPH_NAME} | {a.name for a in apis}
        for app in apps:
            for perm in app.permissions:
                if perm.api not in known:
                    raise ConfigFileError(f"{where}: app '{app.name}' names unknown api '{perm.api}'")
        tenants.append(
            TenantSpec(
                name=name,
                id=_str(t, "id", where).lower(),
                domain=_str(t, "domain", where).lower(),
                display_name=_str(t, "display_name", where, name),
                type=kind,
                apps=apps,
                apis=apis,
                users=tuple(_user(u, where) for u in _list(t, "users", where)),
                public_clients=tuple(_public_client(c, where) for c in _list(t, "public_clients", where)),
                block_device_code=_bool(t, "block_device_code", where),
                azure=azure_from_dict(t.get("azure"), where, {a.name for a in apps}),
                generate=generate_spec(t, where),
                throttle=throttle_spec(t, where),
                writes=write_spec(t, where),
            )
        )
    if not tenants:
        raise ConfigFileError(f"{source}: no tenants defined")
    return Scenario(tenants=tuple(tenants))


def _toml(text: str) -> Any:
    """A TOML document; tomllib loads only for a scenario file (the default scenario is built in code)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    return tomllib.loads(text)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (.toml or .json)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"Cannot read scenario file {p}", path=str(p), hint=exc.strerror) from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else _toml(text)
    except ValueError as exc:  # json's and TOML's decode errors are ValueErrors
        raise ConfigFileError(f"Scenario file {p} is not valid: {exc}", path=str(p)) from None
    except RecursionError:
        raise ConfigFileError(
            f"Scenario file {p} is nested too deeply to be a scenario",
            path=str(p),
            hint="A scenario is tenants, their apps and apis: a few levels deep.",
        ) from None
    if not isinstance(data, dict):
        raise ConfigFileError(f"Scenario file {p} must contain a table/object", path=str(p))
    return scenario_from_dict(data, source=str(p))
