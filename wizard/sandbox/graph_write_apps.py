"""Graph writes on applications: create, `uniqueName` upsert (`Prefer: create-if-missing`), PATCH with
Graph's checks (identifierUris on a verified domain and unique, app roles disabled before removal),
soft delete to `/directory/deletedItems`, restore and purge."""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

from wizard.guids import is_guid
from wizard.sandbox import graph_objects as G
from wizard.sandbox.graph import APP, Caller, page
from wizard.sandbox.graph_credentials import replace_keys
from wizard.sandbox.graph_directory import (
    DeletedApp,
    by_object_id,
    by_unique_name,
    held_by_deleted,
    in_use,
    new_app,
    utcnow,
)
from wizard.sandbox.graph_write_common import (
    bad_request,
    context,
    denied,
    iso,
    json_answer,
    may_create_app,
    may_manage,
    need_app_write,
    need_permission,
    no_content,
    not_found,
    principal_id,
    sandbox_state,
    write_route,
)
from wizard.sandbox.state import AppState, TenantState
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response
from wizard.sandbox.web.routing import Route

#: Properties a client may set; anything else (but OData annotations) is Graph's 400.
WRITABLE = frozenset(
    {
        "displayName",
        "description",
        "notes",
        "signInAudience",
        "identifierUris",
        "appRoles",
        "api",
        "requiredResourceAccess",
        "keyCredentials",
        "tags",
        "web",
        "spa",
        "publicClient",
        "info",
        "isFallbackPublicClient",
        "optionalClaims",
        "groupMembershipClaims",
        "uniqueName",
        "serviceManagementReference",
    }
)
READ_ONLY = frozenset(
    {"id", "appId", "createdDateTime", "publisherDomain", "deletedDateTime", "passwordCredentials"}
)
AUDIENCES = (
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
)
_KEY = re.compile(r"^[A-Za-z0-9._~-]{1,120}$")
_UNIQUE_TAKEN = "Another object with the same value for property uniqueName already exists."
_URI_TAKEN = "Another object with the same value for property identifierUris already exists."


def _defaults(tenant: TenantState) -> dict[str, Any]:
    return {
        "description": None,
        "notes": None,
        "signInAudience": "AzureADMyOrg",
        "publisherDomain": tenant.spec.domain,
        "identifierUris": [],
        "appRoles": [],
        "tags": [],
        "api": {
            "requestedAccessTokenVersion": None,
            "acceptMappedClaims": None,
            "knownClientApplications": [],
            "oauth2PermissionScopes": [],
            "preAuthorizedApplications": [],
        },
        "web": {"redirectUris": [], "homePageUrl": None, "logoutUrl": None},
        "publicClient": {"redirectUris": []},
        "isFallbackPublicClient": None,
    }


def _check_uris(tenant: TenantState, app: AppState, uris: Any) -> list[str]:
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise bad_request("Invalid value specified for property 'identifierUris' of resource 'Application'.")
    allowed_ids = {app.client_id.lower(), tenant.spec.id.lower()}
    domain = tenant.spec.domain.lower()
    for uri in uris:
        parts = urlsplit(uri)
        host = (parts.hostname or "").lower()
        if parts.scheme == "api" and is_guid(host):
            ok = host in allowed_ids
        elif parts.scheme in ("api", "http", "https"):
            ok = host == domain or host.endswith("." + domain)
        else:
            ok = parts.scheme == "urn"
        if not ok:
            raise bad_request(
                "Values of identifierUris property must use a verified domain of the organization or its "
                f"subdomain: '{uri}'",
                "HostNameNotOnVerifiedDomain",
            )
    return list(uris)


def _check_roles(old: Any, new: Any) -> list[dict[str, Any]]:
    if not isinstance(new, list) or not all(isinstance(r, dict) and r.get("id") for r in new):
        raise bad_request("Invalid value specified for property 'appRoles' of resource 'Application'.")
    given = {str(r["id"]).lower(): r for r in new}
    for role in old if isinstance(old, list) else []:
        if not role.get("isEnabled", True):
            continue
        after = given.get(str(role["id"]).lower())
        changed = after is None or any(
            after.get(k) != role.get(k) for k in ("value", "allowedMemberTypes") if k in after
        )
        if changed:
            raise bad_request(
                "Permission (scope or role) cannot be deleted or updated unless disabled first.",
                "CannotDeleteOrUpdateEnabledEntitlement",
            )
    return [{"isEnabled": True, "origin": "Application", "description": None, **r} for r in new]


def apply_patch(state_writes: Any, tenant: TenantState, app: AppState, body: dict[str, Any]) -> None:
    """Check every property first, then change the app (a refused PATCH changes nothing)."""
    extra = copy.deepcopy(app.extra)
    for prop, value in body.items():
        if prop.startswith("@") or "@odata." in prop:
            continue
        if prop in READ_ONLY:
            continue  # msgraph-sdk may echo what it read back; Graph ignores read-only values
        if prop not in WRITABLE:
            raise bad_request(f"Property '{prop}' does not exist on type 'microsoft.graph.application'.")
        if prop == "uniqueName":
            if extra.get("uniqueName") and str(value).lower() != str(extra["uniqueName"]).lower():
                raise bad_request("Property 'uniqueName' is read-only once set and cannot be changed.")
            extra[prop] = value
        elif prop == "identifierUris":
            uris = _check_uris(tenant, app, value)
            if in_use(tenant, "identifierUris", uris, besides=app) or held_by_deleted(
                state_writes, tenant, "identifierUris", uris
            ):
                raise bad_request(_URI_TAKEN)
            extra[prop] = uris
        elif prop == "appRoles":
            extra[prop] = _check_roles(extra.get("appRoles", []), value)
        elif prop == "signInAudience" and value not in AUDIENCES:
            raise bad_request(
                "Invalid value specified for property 'signInAudience' of resource 'Application'."
            )
        elif prop in ("api", "web", "publicClient", "info") and isinstance(value, dict):
            merged = dict(extra.get(prop) or {})
            merged.update(value)  # complex values merge, as Graph's PATCH does
            extra[prop] = merged
        elif prop != "keyCredentials":
            extra[prop] = value
    if "keyCredentials" in body:
        replace_keys(app, body["keyCredentials"])
    app.extra = extra


def _answer(request: Request, tenant: TenantState, app: AppState, status: int) -> Response:
    return json_answer(
        request,
        status,
        {"@odata.context": context(request, "applications/$entity"), **G.app_registration(tenant, app)},
    )


def _create(request: Request, caller: Caller, body: dict[str, Any], unique_name: str | None) -> Response:
    writes = sandbox_state(request).writes
    tenant = caller.tenant
    if unique_name is not None:
        if not _KEY.fullmatch(unique_name):
            raise bad_request("Invalid value specified for property 'uniqueName' of resource 'Application'.")
        if in_use(tenant, "uniqueName", [unique_name]) or held_by_deleted(
            writes, tenant, "uniqueName", [unique_name]
        ):
            raise bad_request(_UNIQUE_TAKEN)
    if not may_create_app(caller, writes.settings(tenant.spec.id).current.users_can_register_apps):
        raise denied()
    me = principal_id(caller)
    app = new_app(
        tenant,
        display_name=str(body.get("displayName") or ""),
        unique_name=unique_name,
        owners=(me,) if me else (),
    )
    app.extra = {**_defaults(tenant), **app.extra}
    apply_patch(writes, tenant, app, {k: v for k, v in body.items() if k != "uniqueName"})
    tenant.apps[app.client_id.lower()] = app
    writes.created.add(app.client_id.lower())
    writes.start_lag(tenant.spec.id, app.spec.object_id, app.client_id)
    return _answer(request, tenant, app, 201)


@write_route("/applications", ["POST"])
def create_application(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    need_app_write(caller)
    unique = body.get("uniqueName")
    return _create(request, caller, body, str(unique) if unique else None)


def _update(request: Request, caller: Caller, app: AppState, body: dict[str, Any]) -> Response:
    if not may_manage(caller, app):
        raise denied()
    apply_patch(sandbox_state(request).writes, caller.tenant, app, body)
    return no_content(request)


@write_route("/applications(uniqueName='{unique_name}')", ["GET", "PATCH", "DELETE"])
def upsert_application(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """GET by the alternate key; PATCH updates (204) or, with `Prefer: create-if-missing`, creates (201)."""
    unique = request.path_params["unique_name"]
    writes = sandbox_state(request).writes
    need_permission(request, caller)
    app = by_unique_name(caller.tenant, unique)
    # Reads of a new app may hit a replica that lacks it; the upsert itself is resolved where it was written.
    if app is not None and request.method == "GET" and writes.lagging(app.spec.object_id):
        raise not_found(unique)
    if request.method in ("GET", "DELETE"):
        if app is None:
            raise not_found(unique)
        if request.method == "DELETE":
            return _soft_delete(request, caller, app)
        return _answer(request, caller.tenant, app, 200)
    if body.get("uniqueName") and str(body["uniqueName"]).lower() != unique.lower():
        raise bad_request("The uniqueName in the body does not match the one in the request URL.")
    if app is not None:
        return _update(request, caller, app, body)
    if "create-if-missing" not in request.headers.get("prefer", "").lower():
        raise not_found(unique)
    return _create(request, caller, body, unique)


def _by_path(request: Request, caller: Caller) -> AppState:
    oid = request.path_params["object_id"]
    app = by_object_id(caller.tenant, oid)
    if app is None or sandbox_state(request).writes.lagging(oid):
        raise not_found(oid)
    return app


@write_route("/applications/{object_id}", ["PATCH", "DELETE"])
def change_application(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    need_app_write(caller)
    app = _by_path(request, caller)
    if request.method == "PATCH":
        return _update(request, caller, app, body)
    return _soft_delete(request, caller, app)


def _soft_delete(request: Request, caller: Caller, app: AppState) -> Response:
    """DELETE: to the recycle bin, keeping uniqueName and identifierUris until purged."""
    if not may_manage(caller, app):
        raise denied()
    del caller.tenant.apps[app.client_id.lower()]
    app.has_service_principal = False  # the service principal goes with it
    app.assignments.clear()
    sandbox_state(request).writes.deleted[caller.tenant.spec.id][app.spec.object_id.lower()] = DeletedApp(
        app, utcnow()
    )
    return no_content(request)


def _deleted_json(tenant: TenantState, gone: DeletedApp) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.application",
        **G.app_registration(tenant, gone.app),
        "deletedDateTime": iso(gone.deleted),
    }


def _binned(request: Request, caller: Caller) -> tuple[dict[str, DeletedApp], DeletedApp]:
    """The tenant's recycle bin and the deleted application the path names (404 when not in it)."""
    oid = request.path_params["object_id"]
    bin_ = sandbox_state(request).writes.deleted[caller.tenant.spec.id]
    gone = bin_.get(oid.lower())
    if gone is None:
        raise not_found(oid)
    return bin_, gone


@write_route("/directory/deletedItems/microsoft.graph.application", ["GET"])
def deleted_applications(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """The recycle bin, with Graph's `$filter` (e.g. on uniqueName), `$select` and paging."""
    need_permission(request, caller)
    items = sandbox_state(request).writes.deleted[caller.tenant.spec.id].values()
    value = [_deleted_json(caller.tenant, g) for g in items]
    return page(request, "directory/deletedItems/microsoft.graph.application", value, APP)


@write_route("/directory/deletedItems/{object_id}", ["GET", "DELETE"])
def deleted_item(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    """GET a deleted application; DELETE purges it for good (freeing its uniqueName and identifierUris)."""
    need_permission(request, caller)
    oid = request.path_params["object_id"]
    bin_, gone = _binned(request, caller)
    if request.method == "GET":
        return json_answer(
            request,
            200,
            {
                "@odata.context": context(request, "directory/deletedItems/$entity"),
                **_deleted_json(caller.tenant, gone),
            },
        )
    if not may_manage(caller, gone.app):
        raise denied()
    del bin_[oid.lower()]
    sandbox_state(request).writes.created.discard(gone.app.client_id.lower())
    return no_content(request)


@write_route("/directory/deletedItems/{object_id}/restore", ["POST"])
def restore_item(request: Request, caller: Caller, body: dict[str, Any]) -> Response:
    need_app_write(caller)
    oid = request.path_params["object_id"]
    bin_, gone = _binned(request, caller)
    if not may_manage(caller, gone.app):
        raise denied()
    app = gone.app
    if in_use(caller.tenant, "uniqueName", [str(app.extra.get("uniqueName") or "")]):
        raise bad_request(_UNIQUE_TAKEN)
    if in_use(caller.tenant, "identifierUris", list(app.extra.get("identifierUris") or [])):
        raise bad_request(_URI_TAKEN)
    del bin_[oid.lower()]
    caller.tenant.apps[app.client_id.lower()] = app
    return json_answer(
        request,
        200,
        {
            "@odata.context": context(request, "directoryObjects/$entity"),
            "@odata.type": "#microsoft.graph.application",
            **G.app_registration(caller.tenant, app),
        },
    )


ROUTES = [
    create_application,
    upsert_application,
    change_application,
    deleted_applications,
    # msgraph-sdk names the type by Graph's namespace alias
    Route("/v1.0/directory/deletedItems/graph.application", deleted_applications.endpoint, methods=["GET"]),
    restore_item,
    deleted_item,
]
