"""Graph's federated identity credentials of an application: list, create, read, update (upsert), delete.

`/v1.0/applications/{id}/federatedIdentityCredentials` and `/applications(appId='{appId}')/...`, one
credential by id or by name (`.../{id-or-name}` and `...(name='{name}')`). As Graph does: a name of 3 to 120
characters (letters, digits, `-`, `_`, first alphanumeric), unique and immutable; issuer and subject unique
together; exactly one audience; at most 20 per app. Reads need Application.Read.All (or more; an app-only token
exactly Application.Read.All, Application.ReadWrite.All, or Application.ReadWrite.OwnedBy on an app whose
owners include the calling app, as Graph documents the list); writes need
Application.ReadWrite.All (app-only also OwnedBy, on an owned app) and, for a signed-in user, a role (Application Administrator, Cloud Application
Administrator, Global Administrator) or ownership of the app. A write replaces the app's credentials in the
run-time state, so the token endpoint honours it on the next request. The texts of the 20-credential limit and
of the issuer/subject conflict are the nearest found, not verified verbatim.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from wizard.sandbox import graph_objects as G
from wizard.sandbox import records
from wizard.sandbox.delegated_catalog import (
    APPLICATION_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    ROLE_TEMPLATES,
)
from wizard.sandbox.entra_errors import fic_lag_key
from wizard.sandbox.graph import READ_APPS, Caller, authenticate, graph_error, ok
from wizard.sandbox.scenario import SANDBOX_BASE, FederatedCredentialSpec
from wizard.sandbox.state import AppState, SandboxState
from wizard.sandbox.token_endpoint import base_url_of
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

WRITE_APPS = frozenset({"Application.ReadWrite.All"})
#: What an app-only token needs to read an app's federated credentials (Directory.Read.All is not enough).
APP_READ_FICS = frozenset({"Application.Read.All", "Application.ReadWrite.All"})
OWNED_BY = "Application.ReadWrite.OwnedBy"
#: Roles that may manage any app's credentials (Application Developer only its own, as an owner).
WRITE_ROLES = frozenset(
    ROLE_TEMPLATES[r]
    for r in (GLOBAL_ADMINISTRATOR, APPLICATION_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR)
)
MAX_PER_APP = 20
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$")
_DENIED = "Insufficient privileges to complete the operation."
_TYPE = "#microsoft.graph.federatedIdentityCredential"
_NS = uuid.UUID("6f1c0d2e-5a4b-4c3d-9e8f-0a1b2c3d4e5f")


def fic_id(app: AppState, name: str) -> str:
    """A stable id per app and name (Graph's are GUIDs that never change)."""
    return str(uuid.uuid5(_NS, f"{app.spec.object_id.lower()}/{name}"))


def to_graph(
    app: AppState, fic: FederatedCredentialSpec, base_url: str, description: str | None
) -> dict[str, Any]:
    return {
        "@odata.type": _TYPE,
        "id": fic_id(app, fic.name),
        "name": fic.name,
        "issuer": fic.issuer_at(base_url),
        "subject": fic.subject,
        "description": description,
        "audiences": list(fic.audiences),
    }


def _descriptions(request: Request) -> dict[str, str | None]:
    found: dict[str, str | None] | None = getattr(request.app.state, "fic_descriptions", None)
    if found is None:
        found = request.app.state.fic_descriptions = {}
    return found


def _find_app(caller: Caller, request: Request) -> AppState | None:
    params = request.path_params
    for app in caller.tenant.apps.values():
        if "object_id" in params and app.spec.object_id.lower() == params["object_id"].lower():
            return app
        if "app_id" in params and app.client_id.lower() == params["app_id"].lower():
            return app
    return None


def _owns(caller: Caller, app: AppState) -> bool:
    """The calling app's service principal is one of the app's owners (what OwnedBy reaches)."""
    me = caller.app.spec.sp_object_id.lower() if caller.app is not None else ""
    return bool(me) and me in {o.lower() for o in app.spec.owners}


def _may_write(caller: Caller, app: AppState) -> bool:
    if caller.app_only and OWNED_BY in caller.roles and _owns(caller, app):
        return True
    if not caller.allowed(WRITE_APPS):
        return False
    if caller.app_only:
        return True
    wids = caller.claims.get("wids")
    held = set(wids) if isinstance(wids, list) else set()
    oid = str(caller.claims.get("oid", "")).lower()
    return bool(held & WRITE_ROLES) or oid in {o.lower() for o in app.spec.owners}


def _ident(request: Request) -> str:
    return str(request.path_params.get("fic") or request.path_params.get("name") or "")


def _find_fic(app: AppState, ident: str) -> FederatedCredentialSpec | None:
    for fic in app.spec.federated_credentials:
        if ident in (fic.name, fic_id(app, fic.name)):
            return fic
    return None


def _replace(request: Request, app: AppState, fics: tuple[FederatedCredentialSpec, ...]) -> None:
    # The spec is frozen; the app's run-time state holds a new one (the token endpoint reads it per request).
    app.spec = records.replace(app.spec, federated_credentials=fics)
    state: SandboxState = request.app.state.sandbox_state
    tenant = state.tenants.get(app.tenant_id)
    if tenant is not None:
        state.writes.saved(tenant)  # `--state`: kept across restarts


def _check(
    request: Request, app: AppState, body: dict[str, Any], *, name: str, replacing: str | None
) -> JSONResponse | FederatedCredentialSpec:
    """The credential `body` describes, or Graph's 400/409 for what is wrong with it."""
    if not _NAME.match(name):
        return graph_error(
            request,
            400,
            "Request_BadRequest",
            "Invalid value specified for property 'name' of resource 'FederatedIdentityCredential'.",
        )
    for prop in ("issuer", "subject"):
        value = body.get(prop)
        if not isinstance(value, str) or not value.strip() or len(value) > 600:
            return graph_error(
                request,
                400,
                "Request_BadRequest",
                f"Invalid value specified for property '{prop}' of resource 'FederatedIdentityCredential'.",
            )
    audiences = body.get("audiences")
    if not isinstance(audiences, list) or len(audiences) != 1 or not isinstance(audiences[0], str):
        return graph_error(
            request,
            400,
            "Request_BadRequest",
            "Invalid value specified for property 'audiences' of resource 'FederatedIdentityCredential'.",
        )
    base = base_url_of(request)
    issuer = str(body["issuer"])
    others = [f for f in app.spec.federated_credentials if f.name != replacing]
    if any(f.issuer_at(base) == issuer and f.subject == body["subject"] for f in others):
        return graph_error(
            request,
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "FederatedIdentityCredential with the same issuer and subject combination already exists.",
        )
    # Written as given; the sandbox's own base URL is kept as the placeholder so the ready line stays stable.
    stored = SANDBOX_BASE + issuer[len(base) :] if issuer.startswith(base + "/") else issuer
    return FederatedCredentialSpec(name, stored, str(body["subject"]), (str(audiences[0]),))


async def _body(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return graph_error(request, 400, "BadRequest", "Unable to read JSON request payload.")
    return body


def _context(request: Request, app: AppState) -> str:
    return f"{base_url_of(request)}/v1.0/$metadata#applications('{app.spec.object_id}')/federatedIdentityCredentials"


async def _caller_and_app(request: Request, needs: frozenset[str]) -> tuple[Caller, AppState] | Response:
    caller = authenticate(request)
    if isinstance(caller, Response):
        return caller
    owned_by = caller.app_only and OWNED_BY in caller.roles
    if caller.app_only and not (caller.roles & APP_READ_FICS or owned_by):
        return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)
    if not caller.app_only and not caller.allowed(needs):
        return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)
    app = _find_app(caller, request)
    if app is None:
        key = request.path_params.get("object_id") or f"appId={request.path_params.get('app_id')}"
        return G.not_found(request, str(key))
    if caller.app_only and not caller.roles & APP_READ_FICS and not _owns(caller, app):
        return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)  # OwnedBy, not an owner
    return caller, app


async def collection(request: Request) -> Response:
    """GET: every credential of the app; POST: a new one (201)."""
    found = await _caller_and_app(request, READ_APPS)
    if isinstance(found, Response):
        return found
    caller, app = found
    state: SandboxState = request.app.state.sandbox_state
    notes = _descriptions(request)
    base = base_url_of(request)
    if request.method == "GET":
        value = [
            to_graph(app, f, base, notes.get(fic_id(app, f.name))) for f in app.spec.federated_credentials
        ]
        return ok(request, {"@odata.context": _context(request, app), "value": value})
    if not _may_write(caller, app):
        return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)
    body = await _body(request)
    if isinstance(body, Response):
        return body
    name = body.get("name")
    with state.lock:
        if not isinstance(name, str):
            name = ""
        if _find_fic(app, name) is not None:
            return graph_error(
                request,
                409,
                "Request_MultipleObjectsWithSameKeyValue",
                f"FederatedIdentityCredential with name {name} already exists.",
            )
        if len(app.spec.federated_credentials) >= MAX_PER_APP:
            return _limit(request)
        fic = _check(request, app, body, name=name, replacing=None)
        if isinstance(fic, Response):
            return fic
        _replace(request, app, (*app.spec.federated_credentials, fic))
        notes[fic_id(app, name)] = _description(body)
        _lag(state, caller, app, name)
    answer = {
        "@odata.context": _context(request, app) + "/$entity",
        **to_graph(app, fic, base, notes[fic_id(app, name)]),
    }
    response = ok(request, answer)
    response.status_code = 201
    return response


def _limit(request: Request) -> JSONResponse:
    return graph_error(
        request,
        400,
        "Request_BadRequest",
        f"The application has reached the maximum of {MAX_PER_APP} federated identity credentials.",
    )


def _description(body: dict[str, Any]) -> str | None:
    value = body.get("description")
    return value if isinstance(value, str) else None


def _no_content(request: Request, status: int = 204) -> Response:
    rid = str(uuid.uuid4())
    return Response(
        status_code=status,
        headers={"request-id": rid, "client-request-id": request.headers.get("client-request-id", rid)},
    )


async def item(request: Request) -> Response:
    """GET one; PATCH (update, or create with `Prefer: create-if-missing` by name); DELETE."""
    found = await _caller_and_app(request, READ_APPS)
    if isinstance(found, Response):
        return found
    caller, app = found
    state: SandboxState = request.app.state.sandbox_state
    notes = _descriptions(request)
    ident = _ident(request)
    fic = _find_fic(app, ident)
    if request.method == "GET":
        if fic is None:
            return G.not_found(request, ident)
        body = to_graph(app, fic, base_url_of(request), notes.get(fic_id(app, fic.name)))
        return ok(request, {"@odata.context": _context(request, app) + "/$entity", **body})
    if not _may_write(caller, app):
        return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)
    if request.method == "DELETE":
        with state.lock:
            if fic is None:
                return G.not_found(request, ident)
            _replace(request, app, tuple(f for f in app.spec.federated_credentials if f.name != fic.name))
        return _no_content(request)
    return await _patch(request, caller, app, ident)


def _lag(state: SandboxState, caller: Caller, app: AppState, name: str) -> None:
    """A credential written now reaches the token service after the tenant's `token_lag` token requests."""
    state.writes.start_lag(caller.tenant.spec.id, fic_lag_key(app.spec.object_id, name), token=True)


async def _patch(request: Request, caller: Caller, app: AppState, ident: str) -> Response:
    state: SandboxState = request.app.state.sandbox_state
    notes = _descriptions(request)
    body = await _body(request)
    if isinstance(body, Response):
        return body
    create = "create-if-missing" in request.headers.get("prefer", "").lower()
    with state.lock:
        fic = _find_fic(app, ident)  # again, under the lock
        if fic is None and not create:
            return G.not_found(request, ident)
        if fic is not None and "name" in body and body["name"] != fic.name:
            return graph_error(
                request, 400, "Request_BadRequest", "Property 'name' is read-only and cannot be changed."
            )
        if fic is None and len(app.spec.federated_credentials) >= MAX_PER_APP:
            return _limit(request)
        base = base_url_of(request)
        current = {} if fic is None else to_graph(app, fic, base, None)
        merged = {**current, **body}
        name = fic.name if fic is not None else ident
        new = _check(request, app, merged, name=name, replacing=name if fic is not None else None)
        if isinstance(new, Response):
            return new
        kept = [f for f in app.spec.federated_credentials if f.name != name]
        index = next((i for i, f in enumerate(app.spec.federated_credentials) if f.name == name), len(kept))
        kept.insert(index, new)
        _replace(request, app, tuple(kept))
        _lag(state, caller, app, name)
        if "description" in body or fic is None:
            notes[fic_id(app, name)] = _description(body)
    if fic is None:
        answer = {
            "@odata.context": _context(request, app) + "/$entity",
            **to_graph(app, new, base, notes[fic_id(app, name)]),
        }
        response = ok(request, answer)
        response.status_code = 201
        return response
    return _no_content(request)


def expander(tenant_apps: dict[str, AppState], base_url: str) -> Any:
    """`$expand=federatedIdentityCredentials` on /applications: the related credentials of one app object."""

    def related(obj: dict[str, Any]) -> list[dict[str, Any]]:
        key = str(obj.get("id", "")).lower()
        app = next((a for a in tenant_apps.values() if a.spec.object_id.lower() == key), None)
        if app is None:
            return []
        return [to_graph(app, f, base_url, None) for f in app.spec.federated_credentials]

    return related


_FICS = "/federatedIdentityCredentials"
ROUTES: list[Route] = [
    Route(f"/v1.0/applications/{{object_id}}{_FICS}", collection, methods=["GET", "POST"]),
    Route(f"/v1.0/applications(appId='{{app_id}}'){_FICS}", collection, methods=["GET", "POST"]),
    Route(
        f"/v1.0/applications/{{object_id}}{_FICS}(name='{{name}}')", item, methods=["GET", "PATCH", "DELETE"]
    ),
    Route(
        f"/v1.0/applications(appId='{{app_id}}'){_FICS}(name='{{name}}')",
        item,
        methods=["GET", "PATCH", "DELETE"],
    ),
    Route(f"/v1.0/applications/{{object_id}}{_FICS}/{{fic}}", item, methods=["GET", "PATCH", "DELETE"]),
    Route(f"/v1.0/applications(appId='{{app_id}}'){_FICS}/{{fic}}", item, methods=["GET", "PATCH", "DELETE"]),
]
