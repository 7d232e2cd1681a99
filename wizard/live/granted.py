"""Read what application permissions an app already holds on one resource (the I/O of wizard.grants).

Three sources, best first: Graph with the signed-in admin (the service principal's `appRoleAssignments`, each
`appRoleId` resolved to its value through the resource's `appRoles`); Graph with the app's own token (the same
read, when the app may make it); a fresh token's `roles` claim (the effective grant). When none can be read,
the report says why; nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from wizard.errors import ApiError, WizardError
from wizard.grants import (
    GrantReport,
    GrantSource,
    Need,
    check_needs,
    is_graph,
    matches_resource,
    resource_name,
    roles_on,
)
from wizard.live.app_graph import AppGraph, token_roles, usable_credential
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.profile import Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.admin.tenant_reads import BearerToken

#: The least application permission that lets an app list its own app role assignments.
ASSIGNMENT_READER = "Application.Read.All"
Get = Callable[[str], "dict[str, Any] | None"]


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
        return resource_name(resource), ()
    for rid in dict.fromkeys(str(r.get("resourceId") or "") for r in rows):
        select = "$select=id,appId,displayName,appRoles,servicePrincipalNames"
        found = _all(get, "/servicePrincipals?$filter=" + quote(f"id eq '{rid}'") + "&" + select) or []
        sp = found[0] if found else None
        if sp is not None and matches_resource(sp, resource):
            return str(sp.get("displayName") or resource_name(resource)), roles_on(rows, sp)
    return resource_name(resource), ()


@dataclass(frozen=True)
class AdminGraph:
    """The signed-in admin's Graph: the token, where Graph is, the CA that trusts it."""

    token: BearerToken  # the admin's AdminToken (only its access token is read)
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
    connect_to: str | None = None,
) -> GrantReport:
    """What the app holds on the profile's resource, from the best source that answers. Blocking.

    `connect_to` is the sandbox's `host:port` when Microsoft's host names are served by it (`--sandbox`)."""
    from wizard.admin.tenant_reads import GraphReader

    trace = Trace([secret.reveal()] if secret else [])
    resource = profile.resource
    shown = resource_name(resource)
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
        settings = HttpSettings.bounded(timeout, ca_file=admin.ca_file, connect_to=connect_to)
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
    settings = HttpSettings.bounded(timeout, ca_file=ca_file, connect_to=connect_to)
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
