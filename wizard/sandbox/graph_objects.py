"""Graph JSON for the sandbox's directory objects: users, applications, service principals, assignments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from wizard.sandbox.large_tenant import GeneratedTenant, generated
from wizard.sandbox.scenario import APPLICATION, ApiSpec, UserSpec
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.web.requests import Request

if TYPE_CHECKING:
    from wizard.sandbox.web.responses import JSONResponse

_CREATED = "2024-01-15T09:30:00Z"


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def user(u: UserSpec) -> dict[str, Any]:
    return {
        "businessPhones": [],
        "displayName": u.display_name,
        "givenName": u.given_name or None,
        "jobTitle": u.job_title or None,
        "mail": u.user_principal_name,
        "mobilePhone": None,
        "officeLocation": None,
        "preferredLanguage": "en-US",
        "surname": u.surname or None,
        "userPrincipalName": u.user_principal_name,
        "id": u.id,
    }


def organization(tenant: TenantState) -> dict[str, Any]:
    spec = tenant.spec
    return {
        "id": spec.id,
        "displayName": spec.display_name,
        "tenantType": "CIAM" if tenant.external else "AAD",
        "verifiedDomains": [
            {
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": True,
                "isInitial": True,
                "name": spec.domain,
                "type": "Managed",
            }
        ],
    }


def _roles(api: ApiSpec) -> list[dict[str, Any]]:
    return [
        {
            "allowedMemberTypes": ["Application"],
            "description": r.description or r.display_name or r.value,
            "displayName": r.display_name or r.value,
            "id": r.id,
            "isEnabled": True,
            "origin": "Application",
            "value": r.value,
        }
        for r in api.roles
    ]


def _required_resource_access(tenant: TenantState, app: AppState) -> list[dict[str, Any]]:
    by_api: dict[str, list[dict[str, str]]] = {}
    for perm in app.spec.permissions:
        api = tenant.api_by_name(perm.api)
        if api is None:
            continue
        pool = api.roles if perm.type == APPLICATION else api.delegated_scopes
        found = next((r for r in pool if r.value == perm.value), None)
        if found is None:
            continue
        entry = {"id": found.id, "type": "Role" if perm.type == APPLICATION else "Scope"}
        by_api.setdefault(api.app_id, []).append(entry)
    return [{"resourceAppId": k, "resourceAccess": v} for k, v in by_api.items()]


def app_registration(tenant: TenantState, app: AppState) -> dict[str, Any]:
    """The application object: metadata of secrets and certificates, never their values."""
    return {
        "id": app.spec.object_id,
        "appId": app.client_id,
        "displayName": app.spec.display_name,
        "uniqueName": None,  # Graph's alternate key; null until an upsert sets it
        "createdDateTime": _CREATED,
        "signInAudience": app.spec.sign_in_audience,
        "identifierUris": [],
        "appRoles": [],
        "requiredResourceAccess": _required_resource_access(tenant, app),
        "passwordCredentials": [
            {
                "customKeyIdentifier": None,
                "displayName": s.display_name,
                "endDateTime": iso(s.end),
                "hint": s.hint,
                "keyId": s.key_id,
                "secretText": None,
                "startDateTime": iso(s.start),
            }
            for s in app.secrets
        ],
        "keyCredentials": [
            {
                "customKeyIdentifier": k.certificate.thumbprint_sha1,
                "displayName": k.display_name or k.certificate.subject,
                "endDateTime": iso(k.certificate.end),
                "key": None,
                "keyId": k.key_id,
                "startDateTime": iso(k.certificate.start),
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
            }
            for k in app.certificates
        ],
        **app.extra,  # what Graph writes set (wizard.sandbox.graph_write_apps)
    }


def api_registration(api: ApiSpec) -> dict[str, Any]:
    return {
        "id": api.object_id,
        "appId": api.app_id,
        "displayName": api.display_name,
        "uniqueName": None,
        "createdDateTime": _CREATED,
        "signInAudience": "AzureADMyOrg",
        "identifierUris": [api.app_id_uri] if not api.app_id_uri.startswith("https://graph.") else [],
        "appRoles": _roles(api),
        "api": {"requestedAccessTokenVersion": api.access_token_version},
        "requiredResourceAccess": [],
        "passwordCredentials": [],
        "keyCredentials": [],
    }


def all_applications(request: Request, tenant: TenantState) -> list[dict[str, Any]]:
    """Every app registration in the tenant (Microsoft Graph itself is not one)."""
    with request.app.state.sandbox_state.lock:
        apps = [app_registration(tenant, a) for a in tenant.apps.values()]
    return (
        apps + [api_registration(api) for api in tenant.spec.apis] + list(generated_of(tenant).applications)
    )


def generated_of(tenant: TenantState) -> GeneratedTenant:
    """The tenant's generated apps (a large tenant), owned by its users."""
    return generated(tenant.spec.generate, tuple(u.id for u in tenant.spec.users))


def owners(tenant: TenantState, object_id: str) -> list[dict[str, Any]] | None:
    """The owners of an application (by object ID) as directory objects, or None when there is no such app."""
    key = object_id.lower()
    owner_ids: tuple[str, ...] | None = None
    for app in tenant.apps.values():
        if app.spec.object_id.lower() == key:
            owner_ids = app.spec.owners
    if owner_ids is None and any(api.object_id.lower() == key for api in tenant.spec.apis):
        owner_ids = ()
    if owner_ids is None:
        owner_ids = generated_of(tenant).owners.get(object_id)
    if owner_ids is None:
        return None
    users = {u.id.lower(): u for u in tenant.spec.users}
    return [
        {"@odata.type": "#microsoft.graph.user", **user(users[o.lower()])}
        if o.lower() in users
        else {"@odata.type": "#microsoft.graph.user", "id": o}
        for o in owner_ids
    ]


def _api_service_principal(api: ApiSpec) -> dict[str, Any]:
    return {
        "id": api.sp_object_id or api.app_id,
        "appId": api.app_id,
        "displayName": api.display_name,
        "accountEnabled": True,
        "appRoleAssignmentRequired": api.assignment_required,
        "servicePrincipalType": "Application",
        "appRoles": _roles(api),
        "servicePrincipalNames": [n for n in (api.app_id_uri, api.app_id) if n],
        "passwordCredentials": [],
        "keyCredentials": [],
    }


def _app_service_principal(app: AppState) -> dict[str, Any]:
    return {
        "id": app.spec.sp_object_id,
        "appId": app.client_id,
        "displayName": app.spec.display_name,
        "accountEnabled": not app.disabled,
        "appRoleAssignmentRequired": False,
        "servicePrincipalType": "Application",
        "appRoles": [],
        "passwordCredentials": [],
        "keyCredentials": [],
    }


def all_service_principals(request: Request, tenant: TenantState) -> list[dict[str, Any]]:
    """Every service principal in the tenant: the APIs' (Microsoft Graph's too) and the apps' that have one."""
    with request.app.state.sandbox_state.lock:
        apps = [_app_service_principal(a) for a in tenant.apps.values() if a.has_service_principal]
    extra = list(generated_of(tenant).service_principals)
    apis = [_api_service_principal(api) for api in tenant.apis()]
    shown = {sp["appId"].lower() for sp in apis}  # an app that exposes an API is listed once, as the API
    return apis + [sp for sp in apps if sp["appId"].lower() not in shown] + extra


def find_service_principal(tenant: TenantState, app_id: str) -> dict[str, Any] | None:
    key = app_id.lower()
    for api in tenant.apis():
        if api.app_id.lower() == key:
            return _api_service_principal(api)
    app = tenant.apps.get(key)
    if app is None or not app.has_service_principal:
        return None
    return _app_service_principal(app)


def assignments(state: SandboxState, tenant: TenantState, app: AppState) -> list[dict[str, Any]]:
    apis = {a.app_id: a for a in tenant.apis()}
    with state.lock:
        rows = list(app.assignments)
    out = []
    for resource_app_id, role_id, assignment_id, created in rows:
        api = apis.get(resource_app_id)
        if api is None:
            continue
        out.append(
            {
                "id": assignment_id,
                "deletedDateTime": None,
                "appRoleId": role_id,
                "createdDateTime": iso(created),
                "principalDisplayName": app.spec.display_name,
                "principalId": app.spec.sp_object_id,
                "principalType": "ServicePrincipal",
                "resourceDisplayName": api.display_name,
                "resourceId": api.sp_object_id or api.app_id,
            }
        )
    return out


def not_found(request: Request, ident: str) -> JSONResponse:
    from wizard.sandbox.graph import graph_error

    return graph_error(
        request,
        404,
        "Request_ResourceNotFound",
        f"Resource '{ident}' does not exist or one of its queried reference-property objects "
        "are not present.",
    )
