"""A slice of Microsoft Graph v1.0 that checks bearer tokens and permissions as Graph does."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from wizard.sandbox import graph_objects as G
from wizard.sandbox import odata
from wizard.sandbox.large_tenant import Throttle
from wizard.sandbox.scenario import GRAPH_APP_ID, GRAPH_RESOURCE, GRAPH_RESOURCES
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.token_endpoint import base_url_of
from wizard.sandbox.tokens import TokenInvalid, issuer_v1, validate
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
)
READ_USERS = frozenset(
    {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)
READ_APPS = frozenset(
    {"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)
#: GET /me (delegated only): User.Read is the least; Graph takes any of these (its permissions table).
READ_ME = frozenset(
    {
        "User.Read",
        "User.ReadWrite",
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Directory.AccessAsUser.All",
    }
)
#: GET /organization: delegated User.Read (the least) or more; app-only Organization.Read.All or more.
READ_ORGANIZATION_DELEGATED = frozenset(
    {
        "User.Read",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Directory.AccessAsUser.All",
    }
)
READ_ORGANIZATION_APP = frozenset(
    {"Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)
_DENIED = "Insufficient privileges to complete the operation."
_MESSAGES = {
    "missing": "Access token is empty.",
    "malformed": (
        "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE "
        "Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): "
        "'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext."
        "EncodedAuthenticationTag'."
    ),
    "audience": "Access token validation failure. Invalid audience.",
    "expired": "Access token has expired or is not yet valid.",
    "not_yet_valid": "Access token has expired or is not yet valid.",
    "signature": "Access token validation failure. Invalid signature.",
    "issuer": "Access token validation failure. Invalid issuer.",
}


def graph_error(request: Request, status: int, code: str, message: str) -> JSONResponse:
    """Graph's error shape with innerError date / request-id / client-request-id."""
    request_id = str(uuid.uuid4())
    client_request_id = request.headers.get("client-request-id") or request_id
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": client_request_id,
            },
        }
    }
    headers = {"request-id": request_id, "client-request-id": client_request_id}
    if status == 401:
        headers["WWW-Authenticate"] = (
            f'Bearer realm="", authorization_uri="{base_url_of(request)}/common/oauth2/authorize", '
            f'client_id="{GRAPH_APP_ID}"'
        )
    return JSONResponse(body, status_code=status, headers=headers, media_type=CONTENT_TYPE)


def ok(request: Request, body: dict[str, Any]) -> JSONResponse:
    rid = str(uuid.uuid4())
    headers = {"request-id": rid, "client-request-id": request.headers.get("client-request-id") or rid}
    return JSONResponse(body, headers=headers, media_type=CONTENT_TYPE)


class Caller:
    """Who called (from a validated token): tenant, app and the roles the token carries."""

    def __init__(self, tenant: TenantState, app: AppState | None, claims: dict[str, Any]) -> None:
        self.tenant = tenant
        self.app = app
        self.claims = claims
        roles = claims.get("roles")
        self.roles = set(roles) if isinstance(roles, list) else set()
        self.app_only = claims.get("idtyp") == "app" or "scp" not in claims
        self.scopes = set() if self.app_only else set(str(claims.get("scp", "")).split())

    def allowed(self, needs: frozenset[str]) -> bool:
        """App-only: an application permission in `roles`; delegated: a scope in `scp` (Graph's first check)."""
        return bool((self.roles if self.app_only else self.scopes) & needs)


def graph_audience(request: Request) -> str:
    """The audience Graph at the host the client addressed accepts: a national cloud's Graph
    (graph.microsoft.us, ...) takes its own tokens only; the sandbox's own address is the global Graph."""
    routed = request.headers.get("x-sandbox-routed-host", "").lower().rsplit(":", 1)[0]
    return next((r for r in GRAPH_RESOURCES if r == f"https://{routed}"), GRAPH_RESOURCE)


def authenticate(request: Request) -> Caller | JSONResponse:
    state: SandboxState = request.app.state.sandbox_state
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return graph_error(request, 401, "InvalidAuthenticationToken", _MESSAGES["missing"])
    issuers = {issuer_v1(t) for t in state.tenants.values()}
    try:
        claims = validate(
            header[7:].strip(),
            keys=state.signing_keys,
            audiences={graph_audience(request), GRAPH_APP_ID},
            issuers=issuers,
        )
    except TokenInvalid as exc:
        return graph_error(request, 401, "InvalidAuthenticationToken", _MESSAGES[exc.reason])
    tenant = state.tenant(str(claims.get("tid", "")))
    if tenant is None:
        return graph_error(request, 401, "InvalidAuthenticationToken", _MESSAGES["issuer"])
    appid = str(claims.get("appid", "")).lower()
    app = tenant.apps.get(appid) or tenant.guests.get(appid)
    return Caller(tenant, app, claims)


Handler = Callable[[Request, Caller], Awaitable[Response]]


def throttled(request: Request, caller: Caller) -> int | None:
    """Seconds to tell the caller to wait when its tenant is past its Graph rate (scenario `throttle`)."""
    spec = caller.tenant.spec.throttle
    if spec.rate <= 0:
        return None
    throttle = getattr(request.app.state, "graph_throttle", None)
    if throttle is None:
        throttle = request.app.state.graph_throttle = Throttle()
    return throttle.admit(caller.tenant.spec.id, spec)


def admit(request: Request) -> Caller | Response:
    """The caller of a Graph request, or the 401 (bad token) or 429 (throttled) Graph answers instead."""
    caller = authenticate(request)
    if isinstance(caller, Response):
        return caller
    wait = throttled(request, caller)
    if wait is not None:
        response = graph_error(
            request, 429, "TooManyRequests", "Too many requests. Retry after the time given."
        )
        response.headers["Retry-After"] = str(wait)
        return response
    return caller


def graph_route(path: str, needs: frozenset[str] | None = None) -> Callable[[Handler], Route]:
    """Wrap a handler with token validation and, when `needs` is set, a roles check (403 otherwise)."""

    def wrap(handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            caller = admit(request)
            if isinstance(caller, Response):
                return caller
            if needs is not None and not caller.allowed(needs):
                return denied(request)
            try:
                return await handler(request, caller)
            except odata.ODataError as exc:
                return graph_error(request, exc.status, exc.code, exc.message)

        return Route(f"/v1.0{path}", endpoint, methods=["GET"])

    return wrap


def _ctx(request: Request, what: str) -> str:
    return f"{base_url_of(request)}/v1.0/$metadata#{what}"


def denied(request: Request) -> JSONResponse:
    """Graph's 403 for a token without the permission a directory read needs."""
    return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)


@graph_route("/me")
async def me(request: Request, caller: Caller) -> Response:
    if not caller.app_only:
        if not caller.scopes & READ_ME:
            return denied(request)
        oid = str(caller.claims.get("oid", "")).lower()
        found = next((u for u in caller.tenant.spec.users if u.id.lower() == oid), None)
        if found is not None:
            return ok(request, {"@odata.context": _ctx(request, "users/$entity"), **G.user(found)})
        return G.not_found(request, oid)
    return graph_error(
        request, 400, "BadRequest", "/me request is only valid with delegated authentication flow."
    )


def page(
    request: Request,
    what: str,
    items: list[dict[str, Any]],
    type_name: str,
    expand: dict[str, odata.Expander] | None = None,
) -> JSONResponse:
    """A collection answer with Graph's query options and paging applied."""
    body, suffix = odata.collection(
        request, items, type_name=type_name, base_url=base_url_of(request), expand=expand
    )
    return ok(request, {"@odata.context": _ctx(request, what + suffix), **body})


def one(request: Request, what: str, item: dict[str, Any], type_name: str) -> JSONResponse:
    """One object, with `$select` applied."""
    body, suffix = odata.entity(request, item, type_name)
    return ok(request, {"@odata.context": _ctx(request, f"{what}{suffix}/$entity"), **body})


def count(request: Request, items: list[dict[str, Any]], type_name: str) -> Response:
    n = odata.raw_count(request, items, type_name=type_name)
    return Response(str(n), media_type="text/plain")


USER = "microsoft.graph.user"
APP = "microsoft.graph.application"
SP = "microsoft.graph.servicePrincipal"


@graph_route("/organization")
async def organization(request: Request, caller: Caller) -> Response:
    """The tenant: id, verified domains and type ("CIAM" for External ID); User.Read (delegated) at least."""
    held = caller.roles if caller.app_only else caller.scopes
    if not held & (READ_ORGANIZATION_APP if caller.app_only else READ_ORGANIZATION_DELEGATED):
        return denied(request)
    return ok(
        request, {"@odata.context": _ctx(request, "organization"), "value": [G.organization(caller.tenant)]}
    )


@graph_route("/users", READ_USERS)
async def users(request: Request, caller: Caller) -> Response:
    return page(request, "users", [G.user(u) for u in caller.tenant.spec.users], USER)


@graph_route("/users/$count", READ_USERS)
async def users_count(request: Request, caller: Caller) -> Response:
    return count(request, [G.user(u) for u in caller.tenant.spec.users], USER)


@graph_route("/users/{ident}", READ_USERS)
async def user(request: Request, caller: Caller) -> Response:
    ident = request.path_params["ident"].lower()
    for u in caller.tenant.spec.users:
        if ident in (u.id.lower(), u.user_principal_name.lower()):
            return one(request, "users", G.user(u), USER)
    return G.not_found(request, ident)


@graph_route("/applications", READ_APPS)
async def applications(request: Request, caller: Caller) -> Response:
    base = base_url_of(request)

    def credentials(app: dict[str, Any]) -> list[dict[str, Any]]:
        # Only for `$expand=federatedIdentityCredentials`: the module imports this one, and Graph's writes.
        from wizard.sandbox.graph_fic import expander

        related: list[dict[str, Any]] = expander(caller.tenant.apps, base)(app)
        return related

    def app_owners(app: dict[str, Any]) -> list[dict[str, Any]]:
        return G.owners(caller.tenant, str(app["id"])) or []

    owners: dict[str, odata.Expander] = {"owners": app_owners, "federatedIdentityCredentials": credentials}
    return page(request, "applications", G.all_applications(request, caller.tenant), APP, owners)


@graph_route("/applications/$count", READ_APPS)
async def applications_count(request: Request, caller: Caller) -> Response:
    return count(request, G.all_applications(request, caller.tenant), APP)


def _application(request: Request, caller: Caller, prop: str, value: str, shown: str) -> Response:
    for obj in G.all_applications(request, caller.tenant):
        if obj[prop].lower() == value.lower():
            return one(request, "applications", obj, APP)
    return G.not_found(request, shown)


@graph_route("/applications/{object_id}", READ_APPS)
async def application(request: Request, caller: Caller) -> Response:
    oid = request.path_params["object_id"]
    return _application(request, caller, "id", oid, oid)


@graph_route("/applications/{object_id}/owners", READ_APPS)
async def application_owners(request: Request, caller: Caller) -> Response:
    oid = request.path_params["object_id"]
    found = G.owners(caller.tenant, oid)
    if found is None:
        return G.not_found(request, oid)
    return page(request, f"applications('{oid}')/owners", found, "microsoft.graph.directoryObject")


@graph_route("/applications(appId='{app_id}')", READ_APPS)
async def application_by_app_id(request: Request, caller: Caller) -> Response:
    app_id = request.path_params["app_id"]
    return _application(request, caller, "appId", app_id, f"appId={app_id}")


@graph_route("/servicePrincipals", READ_APPS)
async def service_principals(request: Request, caller: Caller) -> Response:
    return page(request, "servicePrincipals", G.all_service_principals(request, caller.tenant), SP)


@graph_route("/servicePrincipals/$count", READ_APPS)
async def service_principals_count(request: Request, caller: Caller) -> Response:
    return count(request, G.all_service_principals(request, caller.tenant), SP)


@graph_route("/servicePrincipals(appId='{app_id}')", READ_APPS)
async def service_principal(request: Request, caller: Caller) -> Response:
    sp = G.find_service_principal(caller.tenant, request.path_params["app_id"])
    if sp is None:
        return G.not_found(request, f"appId={request.path_params['app_id']}")
    return one(request, "servicePrincipals", sp, SP)


@graph_route("/servicePrincipals(appId='{app_id}')/appRoleAssignments", READ_APPS)
async def app_role_assignments(request: Request, caller: Caller) -> Response:
    state: SandboxState = request.app.state.sandbox_state
    app_id = request.path_params["app_id"].lower()
    app = caller.tenant.apps.get(app_id)
    if app is None or not app.has_service_principal:
        if G.find_service_principal(caller.tenant, app_id) is None:
            return G.not_found(request, f"appId={request.path_params['app_id']}")
        value: list[dict[str, Any]] = []
    else:
        value = G.assignments(state, caller.tenant, app)
    what = f"servicePrincipals('{app_id}')/appRoleAssignments"
    return page(request, what, value, "microsoft.graph.appRoleAssignment")


async def unknown(request: Request) -> Response:
    caller = authenticate(request)
    if isinstance(caller, Response):
        return caller
    segment = request.path_params.get("rest", "").split("/")[0].split("(")[0]
    return graph_error(request, 400, "BadRequest", f"Resource not found for the segment '{segment}'.")


ROUTES: list[Route] = [
    me,
    users,
    users_count,
    user,
    applications,
    applications_count,
    application_by_app_id,
    application_owners,
    application,
    service_principals,
    service_principals_count,
    service_principal,
    app_role_assignments,
    organization,
    Route("/v1.0/{rest:path}", unknown, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
]
