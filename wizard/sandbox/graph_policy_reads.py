"""Graph's tenant policies as the sandbox serves them: `GET /v1.0/policies/authorizationPolicy` ("Users can
register applications" is `defaultUserRolePermissions.allowedToCreateApps`) and
`GET /v1.0/policies/defaultAppManagementPolicy` (secrets forbidden: a `passwordAddition` restriction; their
lifetime capped: `passwordLifetime` with `maxLifetime`), both drawn from the tenant's `[tenants.writes]`
settings (wizard.sandbox.graph_policy), so what the plan reads is what the writes enforce.

Permissions as Graph documents them: the authorization policy needs Policy.Read.All (or
Policy.ReadWrite.Authorization); the app management policy Policy.Read.All (or
Policy.ReadWrite.ApplicationConfiguration) and, for a signed-in user, Global Administrator, Application
Administrator or Cloud Application Administrator. The wizard's own scopes (Application.*) read neither.
"""

from __future__ import annotations

from typing import Any

from wizard.sandbox.graph import Caller, graph_error, graph_route, ok
from wizard.sandbox.graph_policy import DEFAULT_POLICY_ID, WriteSpec
from wizard.sandbox.graph_write_common import APP_ADMINS, DENIED, context, directory_roles, sandbox_state
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response

READ_AUTHORIZATION = frozenset({"Policy.Read.All", "Policy.ReadWrite.Authorization"})
READ_APP_MANAGEMENT = frozenset({"Policy.Read.All", "Policy.ReadWrite.ApplicationConfiguration"})
#: The built-in "User" role's id in `guestUserRoleId`'s sibling settings (Graph's default for guests).
_GUEST_ROLE = "10dae51f-b6af-4016-8d66-8c2a99b929b3"


def authorization_policy(spec: WriteSpec) -> dict[str, Any]:
    """The tenant's authorizationPolicy object, Entra's defaults except what the scenario sets."""
    return {
        "id": "authorizationPolicy",
        "allowInvitesFrom": "everyone",
        "allowedToSignUpEmailBasedSubscriptions": True,
        "allowedToUseSSPR": True,
        "allowEmailVerifiedUsersToJoinOrganization": False,
        "allowUserConsentForRiskyApps": False,
        "blockMsolPowerShell": False,
        "displayName": "Authorization Policy",
        "description": "Used to manage authorization related settings across the company.",
        "guestUserRoleId": _GUEST_ROLE,
        "defaultUserRolePermissions": {
            "allowedToCreateApps": spec.users_can_register_apps,
            "allowedToCreateSecurityGroups": True,
            "allowedToCreateTenants": True,
            "allowedToReadBitlockerKeysForOwnedDevice": True,
            "allowedToReadOtherUsers": True,
            "permissionGrantPoliciesAssigned": [
                "ManagePermissionGrantsForSelf.microsoft-user-default-legacy"
            ],
        },
    }


def password_restrictions(spec: WriteSpec) -> list[dict[str, Any]]:
    """`applicationRestrictions.passwordCredentials` for these settings (empty: no restriction)."""
    out: list[dict[str, Any]] = []
    if not spec.password_credentials:
        out.append(
            {
                "restrictionType": "passwordAddition",
                "state": "enabled",
                "maxLifetime": None,
                "restrictForAppsCreatedAfterDateTime": None,  # null: every application
            }
        )
    if spec.max_password_lifetime_days > 0:
        out.append(
            {
                "restrictionType": "passwordLifetime",
                "state": "enabled",
                "maxLifetime": f"P{spec.max_password_lifetime_days}D",
                "restrictForAppsCreatedAfterDateTime": None,
            }
        )
    return out


def app_management_policy(spec: WriteSpec) -> dict[str, Any]:
    """The tenant default app management policy (`isEnabled` only when it restricts something)."""
    restrictions = password_restrictions(spec)
    return {
        "id": DEFAULT_POLICY_ID,
        "displayName": "Default app management tenant policy",
        "description": "Default tenant policy that enforces app management restrictions on applications and "
        "service principals. To apply policy to targeted resources, create a new policy under "
        "appManagementPolicies collection.",
        "isEnabled": bool(restrictions),
        "applicationRestrictions": {"passwordCredentials": restrictions, "keyCredentials": []},
        "servicePrincipalRestrictions": {"passwordCredentials": [], "keyCredentials": []},
    }


def _spec(request: Request, caller: Caller) -> WriteSpec:
    return sandbox_state(request).writes.settings(caller.tenant.spec.id).current


@graph_route("/policies/authorizationPolicy", READ_AUTHORIZATION)
async def get_authorization_policy(request: Request, caller: Caller) -> Response:
    body = authorization_policy(_spec(request, caller))
    return ok(request, {"@odata.context": context(request, "policies/authorizationPolicy/$entity"), **body})


@graph_route("/policies/defaultAppManagementPolicy", READ_APP_MANAGEMENT)
async def get_app_management_policy(request: Request, caller: Caller) -> Response:
    if not caller.app_only and not directory_roles(caller) & APP_ADMINS:
        return graph_error(request, 403, "Authorization_RequestDenied", DENIED)
    body = app_management_policy(_spec(request, caller))
    what = "policies/defaultAppManagementPolicy/$entity"
    return ok(request, {"@odata.context": context(request, what), **body})


ROUTES = [get_authorization_policy, get_app_management_policy]
