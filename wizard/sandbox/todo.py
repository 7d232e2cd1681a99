"""The samples' ToDo list API, protected as ASP.NET Core's JWT bearer handler protects it."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

from wizard.sandbox.scenario import ApiSpec
from wizard.sandbox.state import SandboxState, TenantState
from wizard.sandbox.tokens import TokenInvalid, issuer_v1, issuer_v2, validate
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

READ = frozenset({"ToDoList.Read.All", "ToDoList.ReadWrite.All"})
WRITE = frozenset({"ToDoList.ReadWrite.All"})


def is_todo_api(api: ApiSpec) -> bool:
    return any(r.value.startswith("ToDoList.") for r in api.roles)


SEED_OWNER = "00000000-0000-0000-0000-00000000a11e"  # a GUID: the CIAM sample's ToDo.Owner is a Guid


class TodoStore:
    """One in-memory list per ToDo API registration; items hold their text, shaped on the way out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, dict[int, dict[str, Any]]] = {}
        self._next: dict[str, int] = {}

    def _ensure(self, api_id: str) -> dict[int, dict[str, Any]]:
        if api_id not in self._items:
            self._items[api_id] = {
                1: {"id": 1, "owner": SEED_OWNER, "text": "Pick up groceries"},
                2: {"id": 2, "owner": SEED_OWNER, "text": "Finish invoice report"},
            }
            self._next[api_id] = 3
        return self._items[api_id]

    def list(self, api_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(v) for v in self._ensure(api_id).values()]

    def get(self, api_id: str, item_id: int) -> dict[str, Any] | None:
        with self._lock:
            item = self._ensure(api_id).get(item_id)
            return dict(item) if item else None

    def add(self, api_id: str, owner: str, text: str) -> dict[str, Any]:
        with self._lock:
            items = self._ensure(api_id)
            item_id = self._next[api_id]
            self._next[api_id] = item_id + 1
            items[item_id] = {"id": item_id, "owner": owner, "text": text}
            return dict(items[item_id])

    def update(self, api_id: str, item_id: int, text: str) -> dict[str, Any] | None:
        with self._lock:
            item = self._ensure(api_id).get(item_id)
            if item is None:
                return None
            item["text"] = text
            return dict(item)

    def delete(self, api_id: str, item_id: int) -> bool:
        with self._lock:
            return self._ensure(api_id).pop(item_id, None) is not None


def text_field(tenant: TenantState) -> str:
    """The samples' item shapes: `task` (active-directory-dotnetcore-daemon-v2's TodoItem) in workforce
    tenants, `description` (the CIAM tutorials' ToDo) in external ones."""
    return "description" if tenant.external else "task"


def shaped(item: dict[str, Any], field: str) -> dict[str, Any]:
    return {"id": item["id"], "owner": item["owner"], field: item["text"]}


def _challenge(description: str | None = None) -> Response:
    value = (
        "Bearer"
        if description is None
        else f'Bearer error="invalid_token", error_description="{description}"'
    )
    if description == "":
        value = 'Bearer error="invalid_token"'
    return Response(status_code=401, headers={"WWW-Authenticate": value})


def _net_time(epoch: object) -> str:
    t = dt.datetime.fromtimestamp(int(epoch) if isinstance(epoch, int) else 0, dt.timezone.utc)
    return t.strftime("%m/%d/%Y %H:%M:%S")


def _find_api(state: SandboxState, aud: str) -> tuple[TenantState, ApiSpec] | None:
    a = aud.rstrip("/").lower()
    for tenant in state.tenants.values():
        for api in tenant.spec.apis:
            if is_todo_api(api) and a in (api.app_id.lower(), api.app_id_uri.rstrip("/").lower()):
                return tenant, api
    return None


def _issuers(request: Request, tenant: TenantState, api: ApiSpec) -> set[str]:
    """The issuers of the authority the API trusts: this sandbox under any of its names, never the Host
    this request used (a token got at 127.0.0.1 is good at localhost, as an Entra token is good anywhere)."""
    if api.access_token_version == 1:
        return {issuer_v1(tenant)}
    hosts: set[str] = set(request.app.state.known_hosts)
    return {issuer_v2(tenant, f"https://{h}") for h in hosts}


def authorize(
    request: Request, needs: frozenset[str]
) -> tuple[TenantState, ApiSpec, dict[str, Any]] | Response:
    state: SandboxState = request.app.state.sandbox_state
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return _challenge()
    try:
        claims = validate(header[7:].strip(), keys=state.signing_keys, audiences=None, issuers=None)
    except TokenInvalid as exc:
        if exc.reason == "expired":
            return _challenge(f"The token expired at '{_net_time(exc.claims.get('exp'))}'")
        if exc.reason == "not_yet_valid":
            return _challenge(f"The token is not valid before '{_net_time(exc.claims.get('nbf'))}'")
        if exc.reason == "signature":
            return _challenge("The signature is invalid")
        return _challenge("")
    found = _find_api(state, str(claims.get("aud", "")))
    if found is None:
        return _challenge(f"The audience '{claims.get('aud')}' is invalid")
    tenant, api = found
    if claims.get("iss") not in _issuers(request, tenant, api):
        return _challenge(f"The issuer '{claims.get('iss')}' is invalid")
    roles = claims.get("roles")
    if not isinstance(roles, list) or not (set(roles) & needs):
        return Response(status_code=403)
    return tenant, api, claims


async def _text_from(request: Request) -> str | None:
    """The item's text under either sample's name (`task` or `description`), matched case-insensitively
    as ASP.NET Core's model binding does."""
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return None
    if isinstance(body, dict):
        for key, value in body.items():
            if str(key).lower() in ("task", "description") and isinstance(value, str) and value:
                return value
    return None


def _bad_request(field: str) -> JSONResponse:
    name = field.capitalize()
    return JSONResponse(
        {
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {name: [f"The {name} field is required."]},
        },
        status_code=400,
        media_type="application/problem+json; charset=utf-8",
    )


def _store(request: Request) -> TodoStore:
    """The sandbox's ToDo items, made on its first ToDo request (this module is imported then: every
    request runs on the server's one event loop, so two cannot both make it)."""
    app_state = request.app.state
    if not hasattr(app_state, "todo_store"):
        app_state.todo_store = TodoStore()
    store: TodoStore = app_state.todo_store
    return store


async def todolist(request: Request) -> Response:
    store = _store(request)
    write = request.method == "POST"
    auth = authorize(request, WRITE if write else READ)
    if isinstance(auth, Response):
        return auth
    tenant, api, claims = auth
    field = text_field(tenant)
    if not write:
        return JSONResponse([shaped(i, field) for i in store.list(api.app_id)])
    text = await _text_from(request)
    if text is None:
        return _bad_request(field)
    item = store.add(api.app_id, str(claims.get("oid", "")), text)
    return JSONResponse(
        shaped(item, field), status_code=201, headers={"Location": f"/api/todolist/{item['id']}"}
    )


async def todo_item(request: Request) -> Response:
    store = _store(request)
    auth = authorize(request, READ if request.method == "GET" else WRITE)
    if isinstance(auth, Response):
        return auth
    tenant, api, _ = auth
    field = text_field(tenant)
    raw = request.path_params["item_id"]
    if not raw.isdigit():
        return Response(status_code=404)
    item_id = int(raw)
    if request.method == "GET":
        item = store.get(api.app_id, item_id)
        return JSONResponse(shaped(item, field)) if item else Response(status_code=404)
    if request.method == "DELETE":
        return Response(status_code=204 if store.delete(api.app_id, item_id) else 404)
    text = await _text_from(request)
    if text is None:
        return _bad_request(field)
    updated = store.update(api.app_id, item_id, text)
    return JSONResponse(shaped(updated, field)) if updated else Response(status_code=404)


ROUTES = [
    Route("/api/todolist", todolist, methods=["GET", "POST"]),
    Route("/api/todolist/{item_id}", todo_item, methods=["GET", "PUT", "DELETE"]),
]
