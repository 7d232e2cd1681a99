"""A small in-memory Graph behind an httpx.MockTransport, for pure unit tests of apply and undo: the write
routes msgraph-sdk sends, Graph's status codes and error bodies, and knobs for lag, throttling and refusals."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_SP_ID = "11111111-2222-3333-4444-555555555555"
USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"
SECRET_VALUE = "Zq18Q~CANARYsecretvalueNEVERshowABCDEFGHIJ"


def graph_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"error": {"code": code, "message": message, "innerError": {"request-id": str(uuid.uuid4())}}}
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class FakeGraph:
    """Applications, service principals and assignments; `calls` lists (method, path) in order."""

    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    sps: dict[str, dict[str, Any]] = field(default_factory=dict)
    assignments: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    #: GETs/writes naming a fresh object by id answer 404 this many times (replication lag).
    lag: int = 0
    #: The next N requests answer 429 with Retry-After.
    throttle: int = 0
    #: (method, path regex) -> a response to give instead (once per entry in the list).
    refuse: list[tuple[str, str, Callable[[], httpx.Response]]] = field(default_factory=list)
    _lagging: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sps[GRAPH_SP_ID] = {
            "id": GRAPH_SP_ID,
            "appId": GRAPH_APP_ID,
            "displayName": "Microsoft Graph",
            "appRoles": [
                {"id": USER_READ_ALL, "value": "User.Read.All", "allowedMemberTypes": ["Application"]}
            ],
        }

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.calls if c[0] != "GET"]

    def _fresh(self, oid: str) -> None:
        if self.lag:
            self._lagging[oid] = self.lag

    def _lagged(self, path: str) -> bool:
        for oid, left in list(self._lagging.items()):
            if oid in path and left > 0:
                self._lagging[oid] = left - 1
                return True
        return False

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = unquote(request.url.path).removeprefix("/v1.0")
        self.calls.append((request.method, path))
        self.bodies.append(request.content)
        if self.throttle:
            self.throttle -= 1
            return graph_error(429, "TooManyRequests", "Too many requests", **{"Retry-After": "7"})
        for i, (method, pattern, make) in enumerate(self.refuse):
            if method == request.method and re.search(pattern, path):
                del self.refuse[i]
                return make()
        if self._lagged(path):
            return graph_error(404, "Request_ResourceNotFound", f"Resource '{path}' does not exist.")
        body = json.loads(request.content) if request.content else {}
        return self.route(request.method, path, body, request.headers)

    def _app_by(self, key: str, value: str) -> dict[str, Any] | None:
        return next((a for a in self.apps.values() if a.get(key) == value), None)

    def route(self, method: str, path: str, body: dict[str, Any], headers: httpx.Headers) -> httpx.Response:
        m = re.fullmatch(r"/applications\(uniqueName='([^']+)'\)", path)
        if m:
            app = self._app_by("uniqueName", m.group(1))
            if method == "GET":
                return (
                    httpx.Response(200, json=app)
                    if app
                    else graph_error(404, "Request_ResourceNotFound", "no")
                )
            if app is None:
                if "create-if-missing" not in headers.get("Prefer", ""):
                    return graph_error(404, "Request_ResourceNotFound", "no")
                oid, app_id = str(uuid.uuid4()), str(uuid.uuid4())
                app = {
                    "id": oid,
                    "appId": app_id,
                    "uniqueName": m.group(1),
                    "passwordCredentials": [],
                    "keyCredentials": [],
                    "requiredResourceAccess": [],
                    "identifierUris": [],
                    "appRoles": [],
                }
                app.update(body)
                self.apps[oid] = app
                self._fresh(oid)
                return httpx.Response(201, json=app)
            app.update(body)
            return httpx.Response(204)
        m = re.fullmatch(r"/applications\(appId='([^']+)'\)", path)
        if m:
            app = self._app_by("appId", m.group(1))
            return (
                httpx.Response(200, json=app) if app else graph_error(404, "Request_ResourceNotFound", "no")
            )
        m = re.fullmatch(r"/applications/([^/]+)(/addPassword|/removePassword)?", path)
        if m:
            app = self.apps.get(m.group(1))
            if app is None:
                return graph_error(
                    404, "Request_ResourceNotFound", f"Resource '{m.group(1)}' does not exist."
                )
            if m.group(2) == "/addPassword":
                cred = {
                    "keyId": str(uuid.uuid4()),
                    "displayName": body["passwordCredential"].get("displayName"),
                    "endDateTime": body["passwordCredential"].get("endDateTime"),
                    "hint": SECRET_VALUE[:3],
                }
                app["passwordCredentials"].append(cred)
                return httpx.Response(200, json={**cred, "secretText": SECRET_VALUE})
            if m.group(2) == "/removePassword":
                app["passwordCredentials"] = [
                    p for p in app["passwordCredentials"] if p["keyId"] != body["keyId"]
                ]
                return httpx.Response(204)
            if method == "GET":
                return httpx.Response(200, json=app)
            if method == "DELETE":
                self.deleted[m.group(1)] = self.apps.pop(m.group(1))
                for sp_id in [k for k, v in self.sps.items() if v["appId"] == app["appId"]]:
                    del self.sps[sp_id]
                return httpx.Response(204)
            app.update(body)
            return httpx.Response(204)
        m = re.fullmatch(r"/servicePrincipals\(appId='([^']+)'\)", path)
        if m:
            sp = next((s for s in self.sps.values() if s["appId"] == m.group(1)), None)
            if method == "GET":
                return (
                    httpx.Response(200, json=sp) if sp else graph_error(404, "Request_ResourceNotFound", "no")
                )
            if sp is None:
                if self._app_by("appId", m.group(1)) is None:
                    return graph_error(
                        400,
                        "Request_BadRequest",
                        f"The appId '{m.group(1)}' of the service "
                        "principal does not reference a valid application object.",
                    )
                sp = {"id": str(uuid.uuid4()), "appId": m.group(1), "appRoles": []}
                self.sps[sp["id"]] = sp
                self._fresh(sp["id"])
                return httpx.Response(201, json=sp)
            return httpx.Response(204)
        m = re.fullmatch(r"/servicePrincipals/([^/]+)/appRoleAssignedTo(?:/([^/]+))?", path)
        if m:
            if method == "DELETE":
                return (
                    httpx.Response(204)
                    if self.assignments.pop(str(m.group(2)), None)
                    else graph_error(404, "Request_ResourceNotFound", "no")
                )
            for a in self.assignments.values():
                if (a["principalId"], a["appRoleId"]) == (body["principalId"], body["appRoleId"]):
                    return graph_error(
                        400, "Request_BadRequest", "Permission being assigned already exists on the object"
                    )
            a = {"id": str(uuid.uuid4()), **body, "principalType": "ServicePrincipal"}
            self.assignments[a["id"]] = a
            return httpx.Response(201, json=a)
        m = re.fullmatch(r"/servicePrincipals/([^/]+)", path)
        if m and method == "DELETE":
            return (
                httpx.Response(204)
                if self.sps.pop(m.group(1), None)
                else graph_error(404, "Request_ResourceNotFound", "no")
            )
        m = re.fullmatch(r"/directory/deletedItems/([^/]+)", path)
        if m and method == "DELETE":
            return (
                httpx.Response(204)
                if self.deleted.pop(m.group(1), None)
                else graph_error(404, "Request_ResourceNotFound", "no")
            )
        return graph_error(400, "BadRequest", f"fake Graph has no route for {method} {path}")
