"""What application permissions an app already holds on one resource, where that was read, and against what
was asked for.

Three sources, best first: Graph with the signed-in admin (the service principal's `appRoleAssignments`, each
`appRoleId` resolved to its value through the resource's `appRoles`); Graph with the app's own token (the same
read, when the app may make it); a fresh token's `roles` claim (the effective grant). When none can be read,
the report says why; nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import quote, urlsplit

from wizard.clouds import cloud_for_graph_host
from wizard.errors import ApiError, WizardError
from wizard.live.app_graph import AppGraph, token_roles, usable_credential
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
#: The least application permission that lets an app list its own app role assignments.
ASSIGNMENT_READER = "Application.Read.All"
Get = Callable[[str], "dict[str, Any] | None"]


class GrantSource(str, Enum):
    """Where the granted permissions were read."""

    ADMIN = "admin"
    APP_GRAPH = "app-graph"
    TOKEN_ROLES = "token-roles"
    NONE = "none"

    @property
    def text(self) -> str:
        return _SOURCE_TEXT[self]


_SOURCE_TEXT = {
    GrantSource.ADMIN: "read from Graph with the admin sign-in (the app's app role assignments)",
    GrantSource.APP_GRAPH: "read from Graph with the app's own token (its app role assignments)",
    GrantSource.TOKEN_ROLES: "from the roles claim of a fresh token (the effective grant)",
    GrantSource.NONE: "could not be read",
}


@dataclass(frozen=True)
class Need:
    """What was asked for: one API call, and the app roles any one of which is enough for it."""

    call: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class NeedCheck:
    """One need against what is granted: the role that satisfies it, or None."""

    need: Need
    granted_as: str | None

    @property
    def ok(self) -> bool:
        return self.granted_as is not None

    def line(self) -> str:
        if self.granted_as is not None:
            return f"✓ {self.granted_as} granted ({self.need.call})"
        others = self.need.roles[1:3]
        also = f"; also accepted: {', '.join(others)}" if others else ""
        first = self.need.roles[0] if self.need.roles else "(no role known)"
        return f"✗ {first} missing ({self.need.call}{also})"


@dataclass(frozen=True)
class GrantReport:
    """The app's application permissions on the resource, their source, and the checks against the needs."""

    source: GrantSource
    resource: str
    granted: tuple[str, ...] = ()
    checks: tuple[NeedCheck, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def readable(self) -> bool:
        return self.source is not GrantSource.NONE

    @property
    def complete(self) -> bool:
        return self.readable and all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        """The report as the consent step shows it (plain text, no markup)."""
        if not self.readable:
            return [f"What {self.resource} has granted could not be read:", *(f"- {n}" for n in self.notes)]
        out = [f"On {self.resource}, {self.source.text}:"]
        out += [c.line() for c in self.checks]
        asked = {c.granted_as for c in self.checks}
        extra = [r for r in self.granted if r not in asked]
        if extra:
            out.append(("also granted: " if self.checks else "granted: ") + ", ".join(extra))
        elif not self.granted and not self.checks:
            out.append("no application permission granted")
        out += [f"- {n}" for n in self.notes]
        return out


def check_needs(needs: Iterable[Need], granted: Iterable[str]) -> tuple[NeedCheck, ...]:
    """Each need, satisfied by the first of its roles that is granted (least privileged first)."""
    held = set(granted)
    return tuple(NeedCheck(n, next((r for r in n.roles if r in held), None)) for n in needs)


def is_graph(resource: str) -> bool:
    if resource.lower() == GRAPH_APP_ID:
        return True
    return cloud_for_graph_host(urlsplit(resource).hostname or "") is not None


def matches_resource(sp: dict[str, Any], resource: str) -> bool:
    """The service principal is the resource's: by appId, App ID URI (servicePrincipalNames), or Graph."""
    app_id = str(sp.get("appId") or "").lower()
    wanted = resource.strip().rstrip("/").lower()
    if is_graph(resource):
        return app_id == GRAPH_APP_ID
    names = {str(n).rstrip("/").lower() for n in sp.get("servicePrincipalNames") or []}
    return wanted in names or wanted in (app_id, f"api://{app_id}")


def roles_on(assignments: Iterable[dict[str, Any]], resource_sp: dict[str, Any]) -> tuple[str, ...]:
    """The role values of the assignments to `resource_sp` (its `appRoles` name each `appRoleId`)."""
    names = {str(r.get("id")): str(r.get("value")) for r in resource_sp.get("appRoles") or []}
    rid = str(resource_sp.get("id") or "").lower()
    found = [
        names.get(str(a.get("appRoleId")), str(a.get("appRoleId")))
        for a in assignments
        if str(a.get("resourceId") or "").lower() == rid
    ]
    return tuple(dict.fromkeys(found))


def _all(get: Get, path: str) -> list[dict[str, Any]] | None:
    items: list[dict[str, Any]] = []
    url: str | None = path
    while url:
        body = get(url)
        if body is None:
            return None
        items.extend(v for v in body.get("value") or [] if isinstance(v, dict))
        link = body.get("@odata.nextLink")
        url = link.split("/v1.0", 1)[1] if isinstance(link, str) and "/v1.0" in link else None
    return items


def read_assigned(get: Get, client_id: str, resource: str) -> tuple[str, tuple[str, ...]]:
    """(the resource's display name, the roles granted to the app on it) from its app role assignments."""
    key = quote(client_id.replace("'", "''"), safe="")
    rows = _all(get, f"/servicePrincipals(appId='{key}')/appRoleAssignments")
    if rows is None:  # no service principal: nothing can have been granted in this tenant yet
        return _name(resource), ()
    for rid in dict.fromkeys(str(r.get("resourceId") or "") for r in rows):
        select = "$select=id,appId,displayName,appRoles,servicePrincipalNames"
        found = _all(get, "/servicePrincipals?$filter=" + quote(f"id eq '{rid}'") + "&" + select) or []
        sp = found[0] if found else None
        if sp is not None and matches_resource(sp, resource):
            return str(sp.get("displayName") or _name(resource)), roles_on(rows, sp)
    return _name(resource), ()


def _name(resource: str) -> str:
    return "Microsoft Graph" if is_graph(resource) else resource


@dataclass(frozen=True)
class AdminGraph:
    """The signed-in admin's Graph: the token, where Graph is, the CA that trusts it."""

    token: Any  # wizard.admin.identity.AdminToken (kept loose: only its access token is read)
    graph_url: str
    ca_file: str | None = None


def granted_report(
    profile: Profile,
    *,
    secret: Secret | None,
    needs: tuple[Need, ...],
    graph_url: str,
    timeout: float = 30.0,
    ca_file: str | None = None,
    admin: AdminGraph | None = None,
) -> GrantReport:
    """What the app holds on the profile's resource, from the best source that answers. Blocking."""
    from wizard.admin.tenant_reads import GraphReader

    trace = Trace([secret.reveal()] if secret else [])
    resource = profile.resource
    shown = "Microsoft Graph" if is_graph(resource) else resource
    notes: list[str] = []

    def report(source: GrantSource, granted: tuple[str, ...], name: str = shown) -> GrantReport:
        clean = tuple(trace.redact(n) for n in notes)
        return GrantReport(
            source,
            name,
            granted,
            check_needs(needs, granted) if source is not GrantSource.NONE else (),
            clean,
        )

    if admin is not None:
        settings = HttpSettings.bounded(timeout, ca_file=admin.ca_file)
        reader = GraphReader(admin.token, graph_url=admin.graph_url, settings=settings, trace=trace)
        try:
            name, granted = read_assigned(reader.get, profile.client_id, resource)
            return report(GrantSource.ADMIN, granted, name)
        except WizardError as exc:
            notes.append(f"with the admin sign-in: {exc.title}")
        finally:
            reader.close()
    why = usable_credential(profile, secret, federated=True)
    if why is not None:
        notes.append(f"the app's own credential cannot be used: {why}")
        return report(GrantSource.NONE, ())
    settings = HttpSettings.bounded(timeout, ca_file=ca_file)
    graph_roles: tuple[str, ...] | None = None
    try:
        with AppGraph(profile, secret=secret, graph_url=graph_url, settings=settings, trace=trace) as graph:
            graph_roles = graph.roles
            try:
                name, granted = read_assigned(graph.reader.get, profile.client_id, resource)
                return report(GrantSource.APP_GRAPH, granted, name)
            except ApiError as exc:
                held = ", ".join(graph.roles) or "none"
                notes.append(
                    f"could not read: needs {ASSIGNMENT_READER} (its Graph token holds: {held})"
                    if exc.status == 403
                    else f"could not read its app role assignments: {exc.title}"
                )
    except WizardError as exc:
        notes.append(f"no Graph token with the app's credential: {exc.title}")
    if graph_roles is not None and is_graph(resource):
        return report(GrantSource.TOKEN_ROLES, graph_roles)
    return _from_token(profile, secret, settings, trace, report, notes)


def _from_token(
    profile: Profile,
    secret: Secret | None,
    settings: HttpSettings,
    trace: Trace,
    report: Callable[[GrantSource, tuple[str, ...]], GrantReport],
    notes: list[str],
) -> GrantReport:
    """The roles claim of a fresh token for the resource itself (Graph's token said nothing about it)."""
    from wizard.live.msal_token import acquire_token

    try:
        token = acquire_token(profile, secret=secret, settings=settings, trace=trace)
    except WizardError as exc:
        notes.append(f"no token for {profile.resource}: {exc.title}" + (f" ({exc.hint})" if exc.hint else ""))
        return report(GrantSource.NONE, ())
    return report(GrantSource.TOKEN_ROLES, token_roles(token))


def unlock_secret(profile: Profile, secret: Secret | None, passphrase: Secret | None) -> Secret | None:
    """What unlocks the profile's credential: the client secret, or a certificate key's passphrase."""
    return secret if profile.credential is CredentialKind.SECRET else passphrase
