"""What every Graph write shares: the route wrapper (token, throttling, Graph's error bodies, persisting),
JSON bodies, and Graph's permission model (delegated scope plus directory role or ownership; app-only
application permissions)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from wizard.sandbox import odata
from wizard.sandbox.delegated_catalog import (
    APPLICATION_ADMINISTRATOR,
    APPLICATION_DEVELOPER,
    CLOUD_APPLICATION_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
    ROLE_TEMPLATES,
)
from wizard.sandbox.graph import CONTENT_TYPE, Caller, admit, graph_error
from wizard.sandbox.graph_policy import PolicyViolation
from wizard.sandbox.state import AppState, SandboxState
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route
from wizard.sandbox.web.types import ASGIApp, Receive, Scope, Send

APP_READ_WRITE = "Application.ReadWrite.All"
OWNED_BY = "Application.ReadWrite.OwnedBy"
ASSIGN = "AppRoleAssignment.ReadWrite.All"
DENIED = "Insufficient privileges to complete the operation."
#: Directory roles that manage every app registration and service principal.
APP_ADMINS = frozenset({GLOBAL_ADMINISTRATOR, APPLICATION_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR})
#: Granting app roles of Microsoft Graph (or Azure AD Graph) needs one of these, nothing less.
GRAPH_GRANTERS = frozenset({GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR})
#: Resources whose app roles only GRAPH_GRANTERS may grant: Microsoft Graph and Azure AD Graph.
PRIVILEGED_RESOURCES = frozenset(
    {"00000003-0000-0000-c000-000000000000", "00000002-0000-0000-c000-000000000000"}
)
_BY_TEMPLATE = {v: k for k, v in ROLE_TEMPLATES.items()}


def denied() -> odata.ODataError:
    return odata.ODataError(403, "Authorization_RequestDenied", DENIED)


def bad_request(message: str, code: str = "Request_BadRequest") -> odata.ODataError:
    return odata.ODataError(400, code, message)


def not_found(ident: str) -> odata.ODataError:
    return odata.ODataError(
        404,
        "Request_ResourceNotFound",
        f"Resource '{ident}' does not exist or one of its queried reference-property objects are not present.",
    )


def directory_roles(caller: Caller) -> set[str]:
    """The signed-in user's directory roles, from the token's `wids` (none for app-only tokens)."""
    wids = caller.claims.get("wids")
    return {_BY_TEMPLATE[w] for w in wids if w in _BY_TEMPLATE} if isinstance(wids, list) else set()


def principal_id(caller: Caller) -> str:
    """Who the caller is in the directory: the user's object id, or the calling app's service principal."""
    if caller.app_only:
        return caller.app.spec.sp_object_id.lower() if caller.app is not None else ""
    return str(caller.claims.get("oid", "")).lower()


def _grants(caller: Caller) -> set[str]:
    return caller.roles if caller.app_only else caller.scopes


def need_app_write(caller: Caller) -> None:
    """The permission gate of application and service principal writes (before any lookup, as Graph)."""
    wanted = {APP_READ_WRITE, OWNED_BY} if caller.app_only else {APP_READ_WRITE}
    if not _grants(caller) & wanted:
        raise denied()


def need_assign(caller: Caller) -> None:
    if not _grants(caller) & {ASSIGN}:
        raise denied()


READ = frozenset({"Application.Read.All", APP_READ_WRITE, "Directory.Read.All"})


def need_permission(request: Request, caller: Caller, *, assign: bool = False) -> None:
    """A GET needs a read permission; anything else the write one (of apps, or of assignments)."""
    if request.method == "GET":
        if not caller.allowed(READ | {ASSIGN} if assign else READ):
            raise denied()
    elif assign:
        need_assign(caller)
    else:
        need_app_write(caller)


def owns(caller: Caller, owners: tuple[str, ...]) -> bool:
    me = principal_id(caller)
    return bool(me) and me in {o.lower() for o in owners}


def may_create_app(caller: Caller, users_can_register: bool) -> bool:
    """Creating a registration: any member while "Users can register applications" is on, else
    Application Developer or an application administrator; app-only with either write permission."""
    if caller.app_only:
        return True  # need_app_write already checked the permission
    return users_can_register or bool(directory_roles(caller) & (APP_ADMINS | {APPLICATION_DEVELOPER}))


def may_manage(caller: Caller, app: AppState) -> bool:
    """Changing, deleting, adding credentials or a service principal: an administrator or an owner."""
    if caller.app_only:
        return APP_READ_WRITE in caller.roles or owns(caller, app.spec.owners)
    return bool(directory_roles(caller) & APP_ADMINS) or owns(caller, app.spec.owners)


def may_grant(caller: Caller, resource_app_id: str, resource_owners: tuple[str, ...]) -> bool:
    """Granting an app role: Graph's own need Privileged Role Administrator or Global Administrator;
    other APIs' an application administrator too, or (a member) owning the resource app."""
    if caller.app_only:
        return True  # AppRoleAssignment.ReadWrite.All alone is enough for an app
    held = directory_roles(caller)
    if resource_app_id.lower() in PRIVILEGED_RESOURCES:
        return bool(held & GRAPH_GRANTERS)
    return bool(held & (GRAPH_GRANTERS | APP_ADMINS)) or owns(caller, resource_owners)


async def read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise bad_request("Unable to read JSON request payload.", "BadRequest") from None
    if not isinstance(body, dict):
        raise bad_request("Unable to read JSON request payload.", "BadRequest")
    return body


def parse_time(value: Any, prop: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"Invalid value specified for property '{prop}'.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ids(request: Request) -> dict[str, str]:
    rid = str(uuid.uuid4())
    return {"request-id": rid, "client-request-id": request.headers.get("client-request-id") or rid}


def json_answer(request: Request, status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=_ids(request), media_type=CONTENT_TYPE)


def no_content(request: Request) -> Response:
    return Response(status_code=204, headers=_ids(request))


def context(request: Request, what: str) -> str:
    from wizard.sandbox.token_endpoint import base_url_of

    return f"{base_url_of(request)}/v1.0/$metadata#{what}"


def sandbox_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox_state
    return state


#: A write's work, done under the state lock with the JSON body already read (nothing awaited inside).
WriteHandler = Callable[[Request, Caller, dict[str, Any]], Response]


def write_route(path: str, methods: list[str]) -> Callable[[WriteHandler], Route]:
    """A Graph route that authenticates and throttles as reads do, turns refusals into Graph's error
    bodies, and persists the tenant after a successful write (`--state`)."""

    def wrap(handler: WriteHandler) -> Route:
        async def endpoint(request: Request) -> Response:
            caller = admit(request)
            if isinstance(caller, Response):
                return caller
            state = sandbox_state(request)
            try:
                body = await read_body(request) if request.method in ("POST", "PATCH") else {}
                with state.lock:
                    response = handler(request, caller, body)
                    if request.method != "GET" and response.status_code < 300:
                        state.writes.saved(caller.tenant)
            except odata.ODataError as exc:
                return graph_error(request, exc.status, exc.code, exc.message)
            except PolicyViolation as exc:
                return graph_error(request, 400, exc.code, exc.message)
            return response

        return Route(f"/v1.0{path}", endpoint, methods=methods)

    return wrap


class ReplicationLag:
    """ASGI middleware: a Graph GET naming (by GUID) an object created moments ago answers 404, for the
    tenant's `replication_lag` reads, as a read from a replica Entra has not updated yet does."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        graph_get = (
            scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/v1.0/")
        )
        if graph_get and self.state.writes.lagging_in(scope["path"]):
            request = Request(scope, receive)
            exc = not_found(scope["path"].rsplit("/", 1)[-1])
            await graph_error(request, exc.status, exc.code, exc.message)(scope, receive, send)
            return
        await self.app(scope, receive, send)
