"""The sandbox's request log: method, path, status, timing; secrets, assertions and tokens never recorded."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from wizard.sandbox.faults import classify
from wizard.sandbox.records import Record
from wizard.sandbox.web.types import ASGIApp, Message, Receive, Scope, Send

SENSITIVE = frozenset(
    {"client_secret", "client_assertion", "access_token", "code", "password", "assertion", "refresh_token"}
)
REDACTED = "[redacted]"
_ERROR_BODY_LIMIT = 16384


class RequestLogEntry(Record, frozen=True):
    """One request as the sandbox saw it."""

    time: float
    method: str
    path: str
    query: str
    endpoint: str
    status: int
    duration_ms: float
    error: str | None = None  # AADSTS code or Graph error code, when the answer was an error
    fault: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "endpoint": self.endpoint,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 2),
            "error": self.error,
            "fault": self.fault,
        }


def redact_query(raw: str) -> str:
    pairs = parse_qsl(raw, keep_blank_values=True)
    return urlencode([(k, REDACTED if k.lower() in SENSITIVE else v) for k, v in pairs])


def _error_code(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    codes = data.get("error_codes")
    if isinstance(codes, list) and codes:
        return f"AADSTS{codes[0]}"
    err = data.get("error")
    if isinstance(err, dict):
        return str(err.get("code"))
    return str(err) if isinstance(err, str) else None


class RequestLog:
    """A bounded, thread-safe list of entries."""

    def __init__(self, maxlen: int = 10000) -> None:
        self._lock = threading.Lock()
        self._added = threading.Condition(self._lock)
        self._entries: deque[RequestLogEntry] = deque(maxlen=maxlen)
        #: Requests being answered right now (a hung or slow one is logged only when it ends).
        self._in_flight = 0

    def begin(self) -> None:
        with self._added:
            self._in_flight += 1

    def end(self) -> None:
        with self._added:
            self._in_flight -= 1
            self._added.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no request is being answered (True) or `timeout` seconds pass (False): what the
        log shows afterwards no longer changes because of an earlier, still running request."""
        with self._added:
            return self._added.wait_for(lambda: self._in_flight == 0, timeout)

    def add(self, entry: RequestLogEntry) -> None:
        with self._added:
            self._entries.append(entry)
            self._added.notify_all()

    def wait_for(self, predicate: Callable[[list[RequestLogEntry]], bool], timeout: float) -> bool:
        """Block until `predicate(entries)` holds (True) or `timeout` seconds pass (False)."""
        with self._added:
            return self._added.wait_for(lambda: predicate(list(self._entries)), timeout)

    def entries(self) -> list[RequestLogEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RequestLogMiddleware:
    """Outermost middleware: records every request."""

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0
        chunks: list[bytes] = []
        logged = False

        def record() -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            self.log.add(
                RequestLogEntry(
                    time=time.time(),
                    method=scope["method"],
                    path=scope["path"],
                    query=redact_query(scope.get("query_string", b"").decode("latin-1")),
                    endpoint=classify(scope["path"]),
                    status=status,
                    duration_ms=(time.perf_counter() - start) * 1000,
                    error=_error_code(b"".join(chunks)) if status >= 400 else None,
                    fault=scope.get("sandbox.fault"),
                )
            )

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                if status >= 400 and sum(len(c) for c in chunks) < _ERROR_BODY_LIMIT:
                    chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    record()  # before the client can see the end of the answer
            await send(message)

        self.log.begin()
        try:
            await self.app(scope, receive, wrapped)
        finally:
            record()
            self.log.end()
