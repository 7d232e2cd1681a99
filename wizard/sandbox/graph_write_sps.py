"""Graph writes on service principals: create (`POST` or the `appId` upsert), read by id, delete, and
app role assignments (`appRoleAssignedTo` / `appRoleAssignments`), which is how admin consent to
application permissions is given; tokens carry the assigned roles at once."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from wizard.sandbox import graph_objects as G
from wizard.sandbox.graph import Caller
from wizard.sandbox.graph_directory import by_sp_id, utcnow
from wizard.sandbox.graph_write_common import (
    bad_request,
    context,
    denied,
    json_answer,
    may_grant,
    may_manage,
    need_app_write,
    need_assign,
    need_permission,
    no_content,
    not_found,
    sandbox_state,
    write_route,
)
from wizard.sandbox.scenario import ApiSpec
from wizard.sandbox.state import AppState, TenantState
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response

_NO_ROLE = "00000000-0000-0000-0000-000000000000"  # "default access" for resources without app roles


def _sp_answer(request: Request, tenant: TenantState, app_id: str, status: int) -> Response:
    sp = G.find_service_principal(tenant, app_id)
    assert sp is not None
    return json_answer(
        request, status, {"@odata.context": context(request, "servicePrincipals/$entity"), **sp}
    )


def _create_sp(request: Request, caller: Caller, app_id: str) -> Response:
    writes = sandbox_state(request).writes
    app = caller.tenant.apps.get(app_id.lower())
    if app is None or writes.lagging(app_id):
        raise bad_request(
            f"The appId '{app_id}' of the service principal does not reference a valid application object."
        )
    if not may_manage(caller, app):
        raise denied()
    if app.has_service_principal:
        raise bad_request(
            "The service principal cannot be created, updated, or restored because the service principal "
            f"name {app.client_id} is already in use.",
            "Request_MultipleObjectsWithSameKeyValue",
        )
    app.has_service_principal = True
    writes.start_lag(caller.tenant.spec.id, app.spec.sp_object_id)
    return _sp_answer(request, caller.tenant, app.client_id, 201)


@write_route("/servicePrincipals", ["POST"])
def create_service_principal(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    need_app_write(caller)
    app_id = str(body.get("appId") or "")
    if not app_id:
        raise bad_request("Property 'appId' is required when creating the entity.")
    return _create_sp(request, caller, app_id)


@write_route("/servicePrincipals(appId='{app_id}')", ["PATCH"])
def upsert_service_principal(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """Update (204) or, with `Prefer: create-if-missing`, create (201) the app's service principal."""
    need_app_write(caller)
    app_id = request.path_params["app_id"]
    app = caller.tenant.apps.get(app_id.lower())
    if app is None or not app.has_service_principal:
        if "create-if-missing" not in request.headers.get("prefer", "").lower():
            raise not_found(f"appId={app_id}")
        response = _create_sp(request, caller, app_id)
        app = caller.tenant.apps[app_id.lower()]
        if body.get("accountEnabled") is False:
            app.disabled = True
        return response
    if not may_manage(caller, app):
        raise denied()
    if isinstance(body.get("accountEnabled"), bool):
        app.disabled = not body["accountEnabled"]
    return no_content(request)


def _resource(request: Request, tenant: TenantState, sp_id: str) -> tuple[ApiSpec | None, AppState | None]:
    """The service principal by object id: an API's (maybe one registered through Graph) and/or an app's."""
    if sandbox_state(request).writes.lagging(sp_id):
        raise not_found(sp_id)
    key = sp_id.lower()
    api = next((a for a in tenant.apis() if (a.sp_object_id or a.app_id).lower() == key), None)
    app = by_sp_id(tenant, sp_id)
    if api is None and app is None:
        raise not_found(sp_id)
    return api, app


@write_route("/servicePrincipals/{sp_id}", ["GET", "PATCH", "DELETE"])
def service_principal(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    need_permission(request, caller)
    api, app = _resource(request, caller.tenant, request.path_params["sp_id"])
    app_id = api.app_id if api is not None else app.client_id if app is not None else ""
    if request.method == "GET":
        return _sp_answer(request, caller.tenant, app_id, 200)
    if app is None:
        raise denied()  # Microsoft's and the scenario's own APIs are not the caller's to change
    if not may_manage(caller, app):
        raise denied()
    if request.method == "PATCH":
        if isinstance(body.get("accountEnabled"), bool):
            app.disabled = not body["accountEnabled"]
        return no_content(request)
    app.has_service_principal = False
    app.assignments.clear()
    for other in caller.tenant.apps.values():  # assignments to its app roles go with it
        other.assignments[:] = [a for a in other.assignments if a[0] != app.client_id.lower()]
    return no_content(request)


def _rows(
    state: Any, tenant: TenantState, *, principal: AppState | None, resource: ApiSpec | None
) -> list[dict[str, Any]]:
    apps = (
        [principal] if principal is not None else [a for a in tenant.apps.values() if a.has_service_principal]
    )
    out = []
    for app in apps:
        for row in G.assignments(state, tenant, app):
            if (
                resource is None
                or row["resourceId"].lower() == (resource.sp_object_id or resource.app_id).lower()
            ):
                out.append(row)
    return out


def _principal(request: Request, tenant: TenantState, principal_id: str) -> AppState:
    writes = sandbox_state(request).writes
    app = by_sp_id(tenant, principal_id)
    swapped = tenant.apps.get(principal_id.lower())
    if writes.lagging(principal_id) or (app is None and swapped is not None):
        raise bad_request("Not a valid reference update.")  # a fresh principal, or an appId for its id
    if app is None:
        raise not_found(principal_id)
    return app


def _grant(
    request: Request, caller: Caller, body: dict[str, Any], *, resource: ApiSpec, principal: AppState
) -> Response:
    role_id = str(body.get("appRoleId") or "").lower()
    role = next((r for r in resource.roles if r.id.lower() == role_id), None)
    if role is None and role_id != _NO_ROLE:
        raise bad_request(f"Permission being assigned was not found on application '{resource.app_id}'.")
    owners: tuple[str, ...] = ()
    own = caller.tenant.apps.get(resource.app_id.lower())
    if own is not None:
        owners = own.spec.owners
    if not may_grant(caller, resource.app_id, owners):
        raise denied()
    canonical = role.id if role is not None else _NO_ROLE
    if any(res == resource.app_id and rid == canonical for res, rid, _, _ in principal.assignments):
        raise bad_request("Permission being assigned already exists on the object")
    assignment_id = base64.urlsafe_b64encode(secrets.token_bytes(33)).decode()
    principal.assignments.append((resource.app_id, canonical, assignment_id, utcnow()))
    sandbox_state(request).writes.start_lag(caller.tenant.spec.id, assignment_id, token=True)
    row = next(
        r for r in G.assignments(sandbox_state(request), caller.tenant, principal) if r["id"] == assignment_id
    )
    return json_answer(
        request, 201, {"@odata.context": context(request, "appRoleAssignments/$entity"), **row}
    )


def _listing(request: Request, what: str, rows: list[dict[str, Any]]) -> Response:
    return json_answer(request, 200, {"@odata.context": context(request, what), "value": rows})


@write_route("/servicePrincipals/{sp_id}/appRoleAssignedTo", ["GET", "POST"])
def assigned_to(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """The resource side: who holds this API's app roles; POST grants one (admin consent)."""
    sp_id = request.path_params["sp_id"]
    need_permission(request, caller, assign=True)
    if request.method == "GET":
        api, _ = _resource(request, caller.tenant, sp_id)
        rows = _rows(sandbox_state(request), caller.tenant, principal=None, resource=api) if api else []
        return _listing(request, f"servicePrincipals('{sp_id}')/appRoleAssignedTo", rows)
    api, _ = _resource(request, caller.tenant, sp_id)
    if api is None:
        raise bad_request(f"Permission being assigned was not found on application '{sp_id}'.")
    principal = _principal(request, caller.tenant, str(body.get("principalId") or ""))
    return _grant(request, caller, body, resource=api, principal=principal)


@write_route("/servicePrincipals/{sp_id}/appRoleAssignments", ["GET", "POST"])
def assignments_of(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """The principal side: the app roles this service principal holds; POST grants one to it."""
    sp_id = request.path_params["sp_id"]
    need_permission(request, caller, assign=True)
    if request.method == "GET":
        _, app = _resource(request, caller.tenant, sp_id)
        rows = _rows(sandbox_state(request), caller.tenant, principal=app, resource=None) if app else []
        return _listing(request, f"servicePrincipals('{sp_id}')/appRoleAssignments", rows)
    principal = _principal(request, caller.tenant, sp_id)
    resource_id = str(body.get("resourceId") or "")
    api, _ = _resource(request, caller.tenant, resource_id)
    if api is None:
        raise not_found(resource_id)
    return _grant(request, caller, body, resource=api, principal=principal)


def _revoke(request: Request, caller: Caller, assignment_id: str, apps: list[AppState]) -> Response:
    need_assign(caller)
    for app in apps:
        found = next((a for a in app.assignments if a[2] == assignment_id), None)
        if found is None:
            continue
        own = caller.tenant.apps.get(found[0])
        if not may_grant(caller, found[0], own.spec.owners if own else ()):
            raise denied()
        app.assignments.remove(found)
        return no_content(request)
    raise not_found(assignment_id)


@write_route("/servicePrincipals/{sp_id}/appRoleAssignedTo/{assignment_id}", ["DELETE"])
def revoke_assigned_to(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    _resource(request, caller.tenant, request.path_params["sp_id"])
    return _revoke(request, caller, request.path_params["assignment_id"], list(caller.tenant.apps.values()))


@write_route("/servicePrincipals/{sp_id}/appRoleAssignments/{assignment_id}", ["DELETE"])
def revoke_assignment(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    _, app = _resource(request, caller.tenant, request.path_params["sp_id"])
    return _revoke(request, caller, request.path_params["assignment_id"], [app] if app else [])


ROUTES = [
    create_service_principal,
    upsert_service_principal,
    assigned_to,
    assignments_of,
    revoke_assigned_to,
    revoke_assignment,
    service_principal,
]
