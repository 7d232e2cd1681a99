"""What a tenant grants outside its app registrations: Azure role assignments, Key Vault access policies,
SharePoint sites and directory roles of service principals (the scenario's `[tenants.azure]` table)."""

from __future__ import annotations

from typing import Any

from wizard.errors import ConfigFileError
from wizard.sandbox.records import Record, field
from wizard.sandbox.service_grants import ServiceGrants, services_from_dict
from wizard.sandbox.service_grants import str_list as _strs
from wizard.sandbox.service_grants import table_list as _tables

#: Built-in roles the imitations know, with the actions they allow (prefix `*` = every action).
ROLE_ACTIONS: dict[str, tuple[str, ...]] = {
    "Owner": ("*",),
    "Contributor": ("*",),
    "Reader": ("*/read",),
    "Key Vault Administrator": ("Microsoft.KeyVault/vaults/*",),
    "Key Vault Secrets Officer": ("Microsoft.KeyVault/vaults/secrets/*",),
    "Key Vault Secrets User": ("Microsoft.KeyVault/vaults/secrets/getSecret/action",),
    "Storage Blob Data Reader": ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",),
    "Storage Blob Data Contributor": ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*",),
    "Azure Service Bus Data Sender": ("Microsoft.ServiceBus/namespaces/messages/send/action",),
    "Azure Service Bus Data Receiver": ("Microsoft.ServiceBus/namespaces/messages/receive/action",),
    "Azure Service Bus Data Owner": ("Microsoft.ServiceBus/*",),
    "Azure Event Hubs Data Sender": ("Microsoft.EventHub/namespaces/messages/send/action",),
    "Azure Event Hubs Data Receiver": ("Microsoft.EventHub/namespaces/messages/receive/action",),
    "Azure Event Hubs Data Owner": ("Microsoft.EventHub/*",),
}
#: Data actions are granted only by data roles (Owner on a vault does not read its secrets, Contributor on a
#: storage account does not read its blobs).
DATA_ROLES = frozenset(
    {"Key Vault Administrator", "Key Vault Secrets Officer", "Key Vault Secrets User"}
    | {r for r in ROLE_ACTIONS if " Data " in r}
)
#: Directory roles a service principal may hold, with their template ids.
DIRECTORY_ROLES: dict[str, str] = {
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
}


class RoleAssignmentSpec(Record, frozen=True):
    """An Azure role held by an app's service principal at a scope (a resource id, or a prefix of one)."""

    app: str
    role: str
    scope: str


class SecretSpec(Record, frozen=True):
    """A secret stored in a vault (a made-up value: the sandbox's vaults hold no real secret)."""

    name: str
    value: str


class AccessPolicySpec(Record, frozen=True):
    """A Key Vault access policy: the app and its secret permissions (get, list, set, ...)."""

    app: str
    secrets: tuple[str, ...]


class DirectoryRoleSpec(Record, frozen=True):
    """A Microsoft Entra directory role held by an app's service principal."""

    app: str
    role: str


class VaultSpec(Record, frozen=True):
    """A Key Vault: access-policy model (`rbac` false) or Azure RBAC, its secrets and access policies."""

    name: str
    rbac: bool = False
    resource_group: str = "rg-daemons"
    secrets: tuple[SecretSpec, ...] = ()
    #: For the access-policy model.
    access_policies: tuple[AccessPolicySpec, ...] = ()

    def secret(self, name: str) -> str | None:
        return next((s.value for s in self.secrets if s.name == name), None)


class ProbeSpec(Record, frozen=True):
    """The call an app of the scenario makes, so `doctor --sandbox-app NAME` makes it too: a path under the
    sandbox's base URL, the resource the token is for, and the method and JSON body."""

    app: str
    path: str
    resource: str
    method: str = "GET"
    body: str | None = None


class AzureSpec(Record, frozen=True):
    """One subscription of the tenant and what the apps were granted outside Entra."""

    subscription_id: str = ""
    resource_groups: tuple[str, ...] = ()
    vaults: tuple[VaultSpec, ...] = ()
    role_assignments: tuple[RoleAssignmentSpec, ...] = ()
    sharepoint_sites: tuple[str, ...] = ()
    directory_roles: tuple[DirectoryRoleSpec, ...] = ()
    probes: tuple[ProbeSpec, ...] = ()
    #: Storage, messaging, Power BI, Dataverse and Exchange grants (wizard.sandbox.service_grants).
    services: ServiceGrants = field(default_factory=ServiceGrants)

    def probe(self, app: str) -> ProbeSpec | None:
        return next((p for p in self.probes if p.app == app), None)

    def vault(self, name: str) -> VaultSpec | None:
        return next((v for v in self.vaults if v.name.lower() == name.lower()), None)

    def vault_id(self, vault: VaultSpec) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{vault.resource_group}"
            f"/providers/Microsoft.KeyVault/vaults/{vault.name}"
        )

    def allows(self, app: str, action: str, resource_id: str, *, data: bool = False) -> bool:
        """Whether a role assignment of `app` allows `action` on `resource_id` (scope by prefix)."""
        target = resource_id.lower().rstrip("/")
        for ra in self.role_assignments:
            scope = ra.scope.lower().rstrip("/")
            if ra.app != app or not (target == scope or target.startswith(scope + "/")):
                continue
            if data and ra.role not in DATA_ROLES:
                continue
            if any(_matches(pattern, action) for pattern in ROLE_ACTIONS.get(ra.role, ())):
                return True
        return False

    def directory_roles_of(self, app: str) -> tuple[str, ...]:
        return tuple(d.role for d in self.directory_roles if d.app == app)


def _matches(pattern: str, action: str) -> bool:
    p, a = pattern.lower(), action.lower()
    if p == "*":
        return True
    if p.startswith("*/"):
        return a.endswith(p[1:])
    return a == p or (p.endswith("/*") and a.startswith(p[:-1]))


def _field(d: dict[str, Any], key: str, where: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigFileError(f"{where}: '{key}' must be a non-empty string")
    return value


def _vault(d: dict[str, Any], where: str, apps: set[str]) -> VaultSpec:
    name = _field(d, "name", where)
    where = f"{where} vault '{name}'"
    secrets = tuple(
        SecretSpec(_field(x, "name", where), str(x.get("value", ""))) for x in _tables(d, "secrets", where)
    )
    policies = []
    for p in _tables(d, "access_policies", where):
        app = _field(p, "app", where)
        if app not in apps:
            raise ConfigFileError(f"{where}: access policy names unknown app {app!r}")
        policies.append(AccessPolicySpec(app, _strs(p, "secrets", where)))
    rbac = d.get("rbac", False)
    if not isinstance(rbac, bool):
        raise ConfigFileError(f"{where}: 'rbac' must be true or false")
    return VaultSpec(
        name=name,
        rbac=rbac,
        resource_group=str(d.get("resource_group", "rg-daemons")),
        secrets=secrets,
        access_policies=tuple(policies),
    )


def azure_from_dict(d: object, where: str, apps: set[str]) -> AzureSpec:
    """The `azure` table of a tenant; every app it names must be one of the tenant's apps."""
    if d is None:
        return AzureSpec()
    if not isinstance(d, dict):
        raise ConfigFileError(f"{where}: 'azure' must be a table")
    where = f"{where} azure"
    assignments = []
    for ra in _tables(d, "role_assignments", where):
        app, role = _field(ra, "app", where), _field(ra, "role", where)
        if app not in apps:
            raise ConfigFileError(f"{where}: role assignment names unknown app {app!r}")
        if role not in ROLE_ACTIONS:
            raise ConfigFileError(f"{where}: unknown role {role!r}", hint="Known: " + ", ".join(ROLE_ACTIONS))
        assignments.append(RoleAssignmentSpec(app, role, _field(ra, "scope", where)))
    directory = []
    for dr in _tables(d, "directory_roles", where):
        app, role = _field(dr, "app", where), _field(dr, "role", where)
        if app not in apps or role not in DIRECTORY_ROLES:
            raise ConfigFileError(
                f"{where}: directory role {role!r} for {app!r} is not known",
                hint="Known roles: " + ", ".join(DIRECTORY_ROLES),
            )
        directory.append(DirectoryRoleSpec(app, role))
    probes = []
    for pr in _tables(d, "probes", where):
        app = _field(pr, "app", where)
        if app not in apps:
            raise ConfigFileError(f"{where}: probe names unknown app {app!r}")
        body = pr.get("body")
        probes.append(
            ProbeSpec(
                app=app,
                path=_field(pr, "path", where),
                resource=_field(pr, "resource", where),
                method=str(pr.get("method", "GET")).upper(),
                body=body if isinstance(body, str) else None,
            )
        )
    return AzureSpec(
        probes=tuple(probes),
        subscription_id=str(d.get("subscription_id", "")).lower(),
        resource_groups=_strs(d, "resource_groups", where),
        vaults=tuple(_vault(v, where, apps) for v in _tables(d, "vaults", where)),
        role_assignments=tuple(assignments),
        sharepoint_sites=_strs(d, "sharepoint_sites", where),
        directory_roles=tuple(directory),
        services=services_from_dict(d.get("services"), where, apps),
    )
