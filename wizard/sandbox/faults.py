"""Fault injection per endpoint (delay, hang, 429/503 with Retry-After, 500, malformed JSON, drop)."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from wizard.sandbox.records import Record
from wizard.sandbox.web.types import ASGIApp, Receive, Scope, Send

ENDPOINTS = ("token", "discovery", "graph", "todo", "consent", "*")
KINDS = ("delay", "hang", "429", "503", "500", "malformed_json", "drop")
HANG_SECONDS = 600.0


def classify(path: str) -> str:
    """Which endpoint family a request path belongs to."""
    if path.startswith("/v1.0/") or path == "/v1.0":
        return "graph"
    if path.startswith("/api/todolist"):
        return "todo"
    if "/oauth2/" in path:
        return "token"
    if "adminconsent" in path:
        return "consent"
    if ".well-known" in path or "/discovery/" in path:
        return "discovery"
    return "other"


class Fault(Record):
    endpoint: str
    kind: str
    delay: float = 0.0
    retry_after: float | None = None
    times: int | None = None  # None: until cleared


class Faults:
    """The active faults; thread-safe, shared by the server thread and the test/CLI thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.release = threading.Event()  # set on stop: hung requests return
        self.generation = 0

    def inject(
        self,
        endpoint: str,
        kind: str,
        *,
        delay: float = 0.0,
        retry_after: float | None = None,
        times: int | None = None,
    ) -> None:
        """Make the next `times` requests (or all, when None) to `endpoint` misbehave as `kind`."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        with self._lock:
            self._faults.append(Fault(endpoint, kind, delay, retry_after, times))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.generation += 1  # hung requests notice and proceed

    @property
    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, endpoint: str) -> Fault | None:
        """The fault for this request, consuming one of its `times`."""
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in (endpoint, "*"):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


def _body(endpoint: str, kind: str) -> dict[str, Any]:
    if endpoint in ("graph", "todo"):
        code = {"429": "TooManyRequests", "503": "serviceNotAvailable", "500": "generalException"}[kind]
        message = {
            "429": "Too many requests from this application. Retry after the time in the Retry-After header.",
            "503": "Service unavailable. Retry after the time in the Retry-After header.",
            "500": "General exception while processing.",
        }[kind]
        return {"error": {"code": code, "message": message}}
    desc = {
        "429": "AADSTS90055: The request is throttled. Too many requests.",
        "503": "AADSTS90033: A transient error has occurred. Please try again.",
        "500": "AADSTS90033: A transient error has occurred. Please try again.",
    }[kind]
    return {
        "error": "temporarily_unavailable" if kind != "500" else "server_error",
        "error_description": desc,
    }


async def _send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _drop(scope: Scope) -> None:
    """Close the connection without an answer: the server (wizard.sandbox.http_server) puts the
    connection's abort in the scope's `sandbox.abort` extension."""
    abort = scope.get("extensions", {}).get("sandbox.abort")
    if abort is not None:
        abort()


class FaultMiddleware:
    """Applies the first matching fault before the app sees the request."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = classify(scope["path"])
        fault = self.faults.take(endpoint)
        if fault is None:
            await self.app(scope, receive, send)
            return
        scope["sandbox.fault"] = fault.kind
        kind = fault.kind
        if kind == "delay":
            await asyncio.sleep(fault.delay)
            await self.app(scope, receive, send)
        elif kind == "hang":
            limit = fault.delay or HANG_SECONDS
            waited, generation = 0.0, self.faults.generation
            while (
                waited < limit and not self.faults.release.is_set() and self.faults.generation == generation
            ):
                await asyncio.sleep(0.05)
                waited += 0.05
            if not self.faults.release.is_set():
                await self.app(scope, receive, send)
        elif kind in ("429", "503", "500"):
            headers = []
            if kind != "500":
                retry = fault.retry_after if fault.retry_after is not None else 1
                headers.append(
                    (b"retry-after", str(int(retry) if float(retry).is_integer() else retry).encode())
                )
            await _send_json(send, int(kind), json.dumps(_body(endpoint, kind)).encode(), headers)
        elif kind == "malformed_json":
            await _send_json(send, 200, b'{"token_type": "Bearer", "access_token": "eyJ0eXAi', [])
        elif kind == "drop":
            _drop(scope)
            for _ in range(3):  # let the connection_lost callback run before returning
                await asyncio.sleep(0)
