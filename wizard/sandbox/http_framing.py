"""One request's ASGI cycle for the sandbox's HTTP server (wizard.sandbox.http_server), and how its answer
goes on the wire: the status line and headers, and the body framed by Content-Length, chunked, or by
closing the connection (HTTP/1.0).

The framing rules are h11's, which did this before httptools replaced it: an answer without a
Content-Length is chunked for an HTTP/1.1 client and ends with the connection for an HTTP/1.0 one; HEAD,
204, 304 and 1xx answers carry no body (a HEAD's headers are those of the GET); a body longer or shorter
than its Content-Length is the app's error, raised before a byte too many is written; header names go out
lowercased, with a `date` header and never a `server` header. The status line is always `HTTP/1.1`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Protocol

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"  # to `Expect: 100-continue`, once the app asks for the body
_BAD_REQUEST = b"Invalid HTTP request received."
_STATUS_LINES: dict[int, bytes] = {}
_NONE, _LENGTH, _CHUNKED, _UNTIL_CLOSE = range(4)  # how the body is framed
_ERROR_500 = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", b"21"),
    (b"connection", b"close"),
]
_log = logging.getLogger("wizard.sandbox.http_server")


def http_date(now: float | None = None) -> bytes:
    """An RFC 9110 IMF-fixdate (`Tue, 01 Dec 2026 23:02:43 GMT`), independent of the locale."""
    return formatdate(now, usegmt=True).encode()


def status_line(status: int) -> bytes:
    """`HTTP/1.1 200 OK\\r\\n`, with the reason phrase uvicorn sends too (empty for a code without one)."""
    line = _STATUS_LINES.get(status)
    if line is None:
        try:
            reason = HTTPStatus(status).phrase.encode()
        except ValueError:
            reason = b""
        line = _STATUS_LINES[status] = b"HTTP/1.1 %d %s\r\n" % (status, reason)
    return line


def bad_request() -> bytes:
    """uvicorn's whole answer to a request that cannot be parsed; the connection closes after it."""
    return b"".join(
        (
            status_line(400),
            b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\ndate: ",
            http_date(),
            b"\r\ncontent-length: %d\r\n\r\n" % len(_BAD_REQUEST),
            _BAD_REQUEST,
        )
    )


def body_head(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    """A made-up head that frames an Upgrade request's body as the request's own headers do (None: it has none)."""
    for name, value in headers:
        if name == b"transfer-encoding" and b"chunked" in value.lower():
            return b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"
    for name, value in headers:
        if name == b"content-length" and int(value):
            return b"POST / HTTP/1.1\r\ncontent-length: %d\r\n\r\n" % int(value)
    return None


class Answer:
    """One answer's framing: `start()` gives its head, `body()` each piece as it goes out, `end()` its end.

    `keep_alive` says, once the head is out, whether the connection can carry another request after it."""

    __slots__ = ("_mode", "_remaining", "_send_body", "http11", "keep_alive")

    def __init__(self, *, head: bool, http11: bool, keep_alive: bool) -> None:
        self._send_body = not head
        self.http11 = http11
        self.keep_alive = keep_alive
        self._mode = _NONE
        self._remaining = 0

    def start(self, status: int, headers: Iterable[Any]) -> bytes:
        """The status line and headers of the app's `http.response.start`, framing headers set to match."""
        out = [status_line(status)]
        length: int | None = None
        chunked = has_date = False
        for raw_name, raw_value in headers:
            name, value = bytes(raw_name).lower(), bytes(raw_value)
            if b"\n" in name or b"\r" in name or b"\n" in value or b"\r" in value:
                raise RuntimeError(f"Invalid HTTP header {name!r}")  # it would inject a header or a body
            if name == b"content-length":
                if length is None:
                    length = int(value)
            elif name == b"transfer-encoding":
                chunked = chunked or value.lower() == b"chunked"
                continue  # set again below, as the framing needs it
            elif name == b"connection":
                if b"close" in value.lower():
                    self.keep_alive = False
                continue  # `connection: close` is set again below when the connection closes
            elif name == b"date":
                has_date = True
            out.append(name + b": " + value + b"\r\n")
        if not has_date:
            out.append(b"date: " + http_date() + b"\r\n")
        if status in (204, 304) or status < 200:
            self._send_body = False
        elif chunked or length is None:  # a body of unknown length
            if self.http11:
                out.append(b"transfer-encoding: chunked\r\n")
                self._mode = _CHUNKED
                if length is not None:  # Transfer-Encoding wins (RFC 9112 6.3): the length is dropped
                    out = [h for h in out if not h.startswith(b"content-length: ")]
            elif self._send_body:  # an HTTP/1.0 client knows no chunks: the body ends with the connection
                self._mode = _UNTIL_CLOSE
                self.keep_alive = False
        else:
            self._mode = _LENGTH
            self._remaining = length
        if not self.keep_alive:
            out.append(b"connection: close\r\n")
        out.append(b"\r\n")
        return b"".join(out)

    def body(self, data: bytes) -> bytes:
        """What goes on the wire for `data`, a piece of the body (nothing for HEAD, 204, 304)."""
        if not self._send_body:
            return b""
        if self._mode == _CHUNKED:
            return b"%x\r\n%s\r\n" % (len(data), data)
        if self._mode == _LENGTH:
            if len(data) > self._remaining:
                raise RuntimeError("Response content longer than Content-Length")
            self._remaining -= len(data)
        return data

    def end(self) -> bytes:
        """What ends the body on the wire; raises if it was shorter than its Content-Length."""
        if not self._send_body:
            return b""
        if self._mode == _LENGTH and self._remaining:
            raise RuntimeError("Response content shorter than Content-Length")
        return b"0\r\n\r\n" if self._mode == _CHUNKED else b""


class Link(Protocol):
    """What a cycle needs of its connection (wizard.sandbox.http_server)."""

    closed: bool
    can_write: asyncio.Event  # cleared while the transport's write buffer is full

    @property
    def stopping(self) -> bool: ...  # the server is stopping: this answer closes the connection

    def write(self, data: bytes) -> None: ...
    def read_on(self) -> None: ...  # the app took the body read so far: read more
    def answered(self) -> None: ...  # the answer is complete: on to the next request
    def close(self) -> None: ...


class Cycle:
    """One request on a connection: its scope, its body as it arrives, the app's `receive` and `send`."""

    __slots__ = (
        "answer",
        "body",
        "body_done",
        "changed",
        "expect_continue",
        "keep_alive",
        "link",
        "read_all",
        "response_done",
        "scope",
    )

    def __init__(self, link: Link, scope: dict[str, Any], *, keep_alive: bool, expect_continue: bool) -> None:
        self.link = link
        self.scope = scope
        self.keep_alive = keep_alive  # the client lets the connection carry another request after this
        self.expect_continue = expect_continue  # ... and waits for a 100 before sending the body
        self.answer: Answer | None = None  # set once the app starts its answer
        self.body = bytearray()
        self.body_done = False  # the request's body has all arrived
        self.read_all = False  # ... and the app has received all of it
        self.response_done = False
        self.changed = asyncio.Event()  # body data, its end, the answer's end, or a disconnect

    async def run(self, app: Any) -> None:
        """The app answers; its exception is logged and a 500 (or, once it has begun answering, a close)."""
        link = self.link
        try:
            await app(self.scope, self.receive, self.send)
        except Exception:
            _log.exception("Exception in ASGI application")
            if self.answer is not None:
                link.close()
            elif not link.closed:
                await self._error_500()
            return
        if self.answer is None and not link.closed:
            _log.error("ASGI callable returned without starting a response")
            await self._error_500()
        elif not self.response_done:
            link.close()  # the app returned mid-body: the client cannot tell where the answer ends

    async def receive(self) -> dict[str, Any]:
        link = self.link
        if self.expect_continue:
            self.expect_continue = False
            link.write(_CONTINUE)
        while not (link.closed or self.response_done) and (
            self.read_all or not (self.body or self.body_done)
        ):
            self.changed.clear()
            await self.changed.wait()
        if link.closed or self.response_done:
            return {"type": "http.disconnect"}
        body, self.body = bytes(self.body), bytearray()
        self.read_all = self.body_done
        link.read_on()
        return {"type": "http.request", "body": body, "more_body": not self.read_all}

    async def send(self, message: dict[str, Any]) -> None:
        link = self.link
        if link.closed or self.response_done:
            return  # the client has gone (ASGI: sends after a disconnect are no-ops)
        kind = message["type"]
        answer = self.answer
        if kind == "http.response.start" and answer is None:
            self.expect_continue = False
            answer = Answer(
                head=self.scope["method"] == "HEAD",
                http11=self.scope["http_version"] == "1.1",
                keep_alive=self.keep_alive and not link.stopping,
            )
            head = answer.start(int(message["status"]), message.get("headers", ()))  # may raise: then a 500
            self.answer, self.keep_alive = answer, answer.keep_alive
            link.write(head)
        elif kind == "http.response.body" and answer is not None:
            data = bytes(message.get("body", b""))
            if data:
                out = answer.body(data)
                if out:
                    await link.can_write.wait()
                    link.write(out)
            if not message.get("more_body", False) and not link.closed:
                link.write(answer.end())
                self.response_done = True
                self.body = bytearray()  # nobody reads it now
                self.changed.set()
                link.answered()
        else:
            raise RuntimeError(f"Unexpected ASGI message {kind!r}")

    async def _error_500(self) -> None:
        await self.send({"type": "http.response.start", "status": 500, "headers": _ERROR_500})
        await self.send({"type": "http.response.body", "body": b"Internal Server Error"})
