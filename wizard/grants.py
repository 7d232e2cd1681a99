"""What an app is granted on one resource against what its API call needs: the report the consent step and
`daemon-wizard granted` show, and the pure pieces that build it (no I/O; wizard.live.granted reads Graph)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from wizard.clouds import cloud_for_graph_host
from wizard.profile import ApiKind, Profile

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "call": self.need.call,
            "roles": list(self.need.roles),
            "granted_as": self.granted_as,
            "ok": self.ok,
        }

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

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON of `daemon-wizard granted --json`."""
        return {
            "source": self.source.value,
            "source_text": self.source.text,
            "resource": self.resource,
            "readable": self.readable,
            "complete": self.complete,
            "granted": list(self.granted),
            "checks": [c.to_dict() for c in self.checks],
            "notes": list(self.notes),
        }

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


def needs_for(profile: Profile) -> list[Need]:
    """What the chosen API call needs, from the profile (own API) or the diagnosis package's Graph table."""
    api = profile.api
    call = f"GET {api.relative_path or '/users'}"
    if api.kind is ApiKind.OWN:
        return [Need(call, api.required_roles)] if api.required_roles else []
    from wizard.diagnosis.graph_permissions import permissions_for

    roles = permissions_for("GET", api.relative_path or "/users")
    return [Need(call, roles)] if roles else []


def resource_name(resource: str) -> str:
    return "Microsoft Graph" if is_graph(resource) else resource
