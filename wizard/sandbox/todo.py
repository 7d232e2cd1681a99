"""The samples' ToDo list API, protected as ASP.NET Core's JWT bearer handler protects it."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wizard.sandbox.scenario import ApiSpec
from wizard.sandbox.state import SandboxState, TenantState
from wizard.sandbox.token_endpoint import base_url_of
from wizard.sandbox.tokens import TokenInvalid, issuer_v1, issuer_v2, validate

READ = frozenset({"ToDoList.Read.All", "ToDoList.ReadWrite.All"})
WRITE = frozenset({"ToDoList.ReadWrite.All"})


def is_todo_api(api: ApiSpec) -> bool:
    return any(r.value.startswith("ToDoList.") for r in api.roles)


class TodoStore:
    """One in-memory list per ToDo API registration."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, dict[int, dict[str, Any]]] = {}
        self._next: dict[str, int] = {}

    def _ensure(self, api_id: str) -> dict[int, dict[str, Any]]:
        if api_id not in self._items:
            self._items[api_id] = {
                1: {"id": 1, "owner": "sandbox", "task": "Pick up groceries"},
                2: {"id": 2, "owner": "sandbox", "task": "Finish invoice report"},
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

    def add(self, api_id: str, owner: str, task: str) -> dict[str, Any]:
        with self._lock:
            items = self._ensure(api_id)
            item_id = self._next[api_id]
            self._next[api_id] = item_id + 1
            items[item_id] = {"id": item_id, "owner": owner, "task": task}
            return dict(items[item_id])

    def update(self, api_id: str, item_id: int, task: str) -> dict[str, Any] | None:
        with self._lock:
            item = self._ensure(api_id).get(item_id)
            if item is None:
                return None
            item["task"] = task
            return dict(item)

    def delete(self, api_id: str, item_id: int) -> bool:
        with self._lock:
            return self._ensure(api_id).pop(item_id, None) is not None


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


def authorize(request: Request, needs: frozenset[str]) -> tuple[ApiSpec, dict[str, Any]] | Response:
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
    expected = issuer_v1(tenant) if api.access_token_version == 1 else issuer_v2(tenant, base_url_of(request))
    if claims.get("iss") != expected:
        return _challenge(f"The issuer '{claims.get('iss')}' is invalid")
    roles = claims.get("roles")
    if not isinstance(roles, list) or not (set(roles) & needs):
        return Response(status_code=403)
    return api, claims


async def _task_from(request: Request) -> str | None:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return None
    if isinstance(body, dict):
        task = body.get("task", body.get("Task"))
        if isinstance(task, str) and task:
            return task
    return None


def _bad_request(detail: str) -> JSONResponse:
    return JSONResponse(
        {
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {"task": [detail]},
        },
        status_code=400,
        media_type="application/problem+json; charset=utf-8",
    )


async def todolist(request: Request) -> Response:
    store: TodoStore = request.app.state.todo_store
    write = request.method == "POST"
    auth = authorize(request, WRITE if write else READ)
    if isinstance(auth, Response):
        return auth
    api, claims = auth
    if not write:
        return JSONResponse(store.list(api.app_id))
    task = await _task_from(request)
    if task is None:
        return _bad_request("The task field is required.")
    item = store.add(api.app_id, str(claims.get("oid", "")), task)
    return JSONResponse(item, status_code=201, headers={"Location": f"/api/todolist/{item['id']}"})


async def todo_item(request: Request) -> Response:
    store: TodoStore = request.app.state.todo_store
    auth = authorize(request, READ if request.method == "GET" else WRITE)
    if isinstance(auth, Response):
        return auth
    api, _ = auth
    raw = request.path_params["item_id"]
    if not raw.isdigit():
        return Response(status_code=404)
    item_id = int(raw)
    if request.method == "GET":
        item = store.get(api.app_id, item_id)
        return JSONResponse(item) if item else Response(status_code=404)
    if request.method == "DELETE":
        return Response(status_code=204 if store.delete(api.app_id, item_id) else 404)
    task = await _task_from(request)
    if task is None:
        return _bad_request("The task field is required.")
    updated = store.update(api.app_id, item_id, task)
    return JSONResponse(updated) if updated else Response(status_code=404)


ROUTES = [
    Route("/api/todolist", todolist, methods=["GET", "POST"]),
    Route("/api/todolist/{item_id}", todo_item, methods=["GET", "PUT", "DELETE"]),
]
