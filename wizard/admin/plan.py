"""`register plan`: from the tenant's facts and the signed-in roles, each step with what it needs (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.admin.identity import AdminIdentity
from wizard.admin.tenant_reads import GRAPH_APP_ID, TenantFacts

GA = "Global Administrator"
PRA = "Privileged Role Administrator"
APP_ADMIN = "Application Administrator"
CLOUD_APP_ADMIN = "Cloud Application Administrator"
APP_DEV = "Application Developer"
#: Who may grant application permissions (app role assignments) of Microsoft Graph, and of any other API.
GRAPH_CONSENT_ROLES = (GA, PRA)
API_CONSENT_ROLES = (GA, PRA, APP_ADMIN, CLOUD_APP_ADMIN)
APP_EDIT_ROLES = (GA, APP_ADMIN, CLOUD_APP_ADMIN)
WRITE = "Application.ReadWrite.All"
ASSIGN = "AppRoleAssignment.ReadWrite.All"


@dataclass(frozen=True)
class Step:
    """One step: what it does, to what, whether it is done, to do or blocked for this user, and why."""

    action: str
    target: str
    status: str  # done | todo | blocked
    scope: str
    role: str
    reason: str
    #: The Graph request it sends (method, path, Prefer of an upsert); '' for a step only reported.
    request: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "target": self.target,
            "status": self.status,
            "scope": self.scope,
            "role": self.role,
            "reason": self.reason,
            "request": self.request,
        }


def _you(identity: AdminIdentity) -> str:
    return f"you are {', '.join(identity.roles)}" if identity.roles else "you hold no directory role"


def _configured(app: dict[str, Any], resource_app_id: str) -> set[str]:
    out: set[str] = set()
    for entry in app.get("requiredResourceAccess") or []:
        if str(entry.get("resourceAppId", "")).lower() == resource_app_id.lower():
            out |= {str(a.get("id")) for a in entry.get("resourceAccess") or [] if a.get("type") == "Role"}
    return out


def plan_registration(
    facts: TenantFacts, identity: AdminIdentity, *, name: str, roles: list[str], credential: str = "secret"
) -> list[Step]:
    """The steps that get a daemon app `name` with application permissions `roles` on the resource API."""
    mine = set(identity.roles)
    resource = facts.resource or {}
    resource_app_id = str(resource.get("appId") or GRAPH_APP_ID)
    resource_name = str(resource.get("displayName") or "Microsoft Graph")
    is_graph = resource_app_id.lower() == GRAPH_APP_ID
    app = facts.app
    steps: list[Step] = []
    # 1. The application object, keyed by its unique name (or adopted by appId), never by display name.
    if app is not None:
        steps.append(
            Step("create application", name, "done", WRITE, APP_DEV, f"exists: appId {app.get('appId')}")
        )
    else:
        reason = (
            "will be created (upsert by uniqueName)"
            if mine
            else "will be created if 'Users can register applications' is on (the default); otherwise it "
            "needs Application Developer or more"
        )
        steps.append(Step("create application", name, "todo", WRITE, f"{APP_DEV} (or none)", reason))
    # 2. Its service principal.
    if facts.service_principal is not None:
        steps.append(Step("create service principal", name, "done", WRITE, APP_DEV, "exists"))
    else:
        steps.append(
            Step(
                "create service principal", name, "todo", WRITE, APP_DEV, "will be created (upsert by appId)"
            )
        )
    # 3. The application permissions it asks for (requiredResourceAccess), and 5. their admin consent.
    by_value = {str(r.get("value")): r for r in resource.get("appRoles") or [] if isinstance(r, dict)}
    configured = _configured(app, resource_app_id) if app is not None else set()
    granted = {
        str(a.get("appRoleId"))
        for a in facts.assignments
        if str(a.get("resourceId", "")).lower() == str(resource.get("id", "")).lower()
    }
    consent_roles = GRAPH_CONSENT_ROLES if is_graph else API_CONSENT_ROLES
    may_consent = bool(mine & set(consent_roles))
    may_edit = app is None or bool(mine & set(APP_EDIT_ROLES))
    for value in roles:
        role = by_value.get(value)
        target = f"{resource_name} {value}"
        if role is None:
            steps.append(
                Step(
                    "add application permission",
                    target,
                    "blocked",
                    WRITE,
                    "",
                    f"{resource_name} has no application permission named {value}",
                )
            )
            continue
        if str(role.get("id")) in configured:
            steps.append(Step("add application permission", target, "done", WRITE, APP_DEV, "configured"))
        else:
            reason = (
                "will be added (type Role)"
                if may_edit
                else "will be added if you own the app; otherwise it needs Cloud Application Administrator"
            )
            steps.append(
                Step(
                    "add application permission", target, "todo", WRITE, f"owner or {CLOUD_APP_ADMIN}", reason
                )
            )
        needed = " or ".join(consent_roles[:2]) if is_graph else ", ".join(consent_roles)
        if str(role.get("id")) in granted:
            steps.append(Step("grant admin consent", target, "done", ASSIGN, needed, "granted"))
        elif may_consent:
            steps.append(
                Step(
                    "grant admin consent",
                    target,
                    "todo",
                    ASSIGN,
                    needed,
                    "will be granted (appRoleAssignedTo)",
                )
            )
        else:
            why = (
                f"granting Microsoft Graph application permissions needs {PRA} or {GA}; {_you(identity)}"
                if is_graph
                else f"granting {resource_name}'s application permissions needs {needed}; {_you(identity)}"
            )
            steps.append(Step("grant admin consent", target, "blocked", ASSIGN, needed, why))
    # 4. The credential: add-only, never replacing what exists.
    if credential == "certificate":
        steps.append(
            Step(
                "upload certificate",
                name,
                "todo",
                WRITE,
                f"owner or {CLOUD_APP_ADMIN}",
                "added, existing keys kept",
            )
        )
    elif credential == "secret":
        steps.append(
            Step(
                "add client secret",
                name,
                "todo",
                WRITE,
                f"owner or {CLOUD_APP_ADMIN}",
                "added (180 days), written once to a 0600 file",
            )
        )
    return steps
