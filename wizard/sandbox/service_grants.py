"""What the services beyond Entra grant on their own side: Storage accounts and messaging namespaces (whose
data roles are Azure role assignments), Power BI's tenant setting and workspaces, Dataverse application users
and Exchange application access policies (the `services` table of a tenant's `azure`)."""

from __future__ import annotations

from typing import Any

from wizard.errors import ConfigFileError
from wizard.sandbox.records import Record


class WorkspaceSpec(Record, frozen=True):
    """A Power BI workspace (group) and the apps added to it (Member, Contributor or Admin)."""

    id: str
    name: str
    members: tuple[str, ...] = ()


class AppUserSpec(Record, frozen=True):
    """A Dataverse application user for an app, with its security roles (none: it exists but may do nothing)."""

    app: str
    roles: tuple[str, ...] = ()


class MailboxPolicySpec(Record, frozen=True):
    """An Exchange application access policy (RestrictAccess): the app may open these mailboxes only."""

    app: str
    mailboxes: tuple[str, ...]


class ServiceGrants(Record, frozen=True):
    """The services' own authorization, by app name."""

    storage_accounts: tuple[str, ...] = ()
    #: Accounts whose network rules (firewall) refuse the caller before any role is looked at.
    storage_firewalled: tuple[str, ...] = ()
    #: Service Bus namespaces and Event Hubs namespaces (both `<name>.servicebus.windows.net`).
    namespaces: tuple[str, ...] = ()
    eventhub_namespaces: tuple[str, ...] = ()
    #: Apps in the security group of Power BI's "Service principals can use Fabric APIs" tenant setting.
    powerbi_allowed: tuple[str, ...] = ()
    workspaces: tuple[WorkspaceSpec, ...] = ()
    #: The Dataverse environment's name (`https://<org>.crm.dynamics.com`), '' for none.
    dataverse_org: str = ""
    app_users: tuple[AppUserSpec, ...] = ()
    mailbox_policies: tuple[MailboxPolicySpec, ...] = ()

    def workspace(self, ident: str) -> WorkspaceSpec | None:
        return next((w for w in self.workspaces if w.id.lower() == ident.lower()), None)

    def app_user(self, app: str) -> AppUserSpec | None:
        return next((u for u in self.app_users if u.app == app), None)

    def mailbox_policy(self, app: str) -> MailboxPolicySpec | None:
        return next((p for p in self.mailbox_policies if p.app == app), None)


def str_list(d: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A scenario list of non-empty strings (also azure_spec's)."""
    value = d.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigFileError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def table_list(d: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    """A scenario list of tables (also azure_spec's)."""
    value = d.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigFileError(f"{where}: '{key}' must be a list of tables")
    return value


def _app(d: dict[str, Any], where: str, apps: set[str]) -> str:
    app = d.get("app")
    if not isinstance(app, str) or app not in apps:
        raise ConfigFileError(f"{where}: names unknown app {app!r}")
    return app


def services_from_dict(d: object, where: str, apps: set[str]) -> ServiceGrants:
    """The `services` table of a tenant's `azure` table; every app it names must be one of the tenant's."""
    if d is None:
        return ServiceGrants()
    if not isinstance(d, dict):
        raise ConfigFileError(f"{where}: 'services' must be a table")
    where = f"{where} services"
    allowed = str_list(d, "powerbi_allowed", where)
    for app in allowed:
        _app({"app": app}, where, apps)
    workspaces = []
    for w in table_list(d, "workspaces", where):
        members = str_list(w, "members", where)
        for app in members:
            _app({"app": app}, where, apps)
        workspaces.append(WorkspaceSpec(str(w.get("id", "")), str(w.get("name", "")), members))
    org = d.get("dataverse_org", "")
    if not isinstance(org, str):
        raise ConfigFileError(f"{where}: 'dataverse_org' must be a string")
    return ServiceGrants(
        storage_accounts=str_list(d, "storage_accounts", where),
        storage_firewalled=str_list(d, "storage_firewalled", where),
        namespaces=str_list(d, "namespaces", where),
        eventhub_namespaces=str_list(d, "eventhub_namespaces", where),
        powerbi_allowed=allowed,
        workspaces=tuple(workspaces),
        dataverse_org=org.lower(),
        app_users=tuple(
            AppUserSpec(_app(u, where, apps), str_list(u, "roles", where))
            for u in table_list(d, "app_users", where)
        ),
        mailbox_policies=tuple(
            MailboxPolicySpec(_app(p, where, apps), tuple(m.lower() for m in str_list(p, "mailboxes", where)))
            for p in table_list(d, "mailbox_policies", where)
        ),
    )
