"""`HttpServer`: serve an ASGI app over HTTPS (HTTP/1.1, h11) from an asyncio loop in a background thread.

Why not uvicorn: importing and configuring uvicorn cost about 52M of the 1,215M instructions of a warm
`doctor --sandbox` (uvicorn.config pulls logging.config, logging.handlers and its middleware modules, and
runs dictConfig), for one loopback server with one app. This module is what the sandbox used of it: h11
does all HTTP parsing and framing (keep-alive, HTTP/1.0, chunked bodies, HEAD, 100-continue); here are
the ASGI glue, TLS, a `date` header (no `server` header), and bounds on slow clients. Every request's line
and headers must arrive within `header_timeout` of the connection opening or of the previous response (a
trickle does not extend it); an idle keep-alive connection closes after `keep_alive_timeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from email.utils import formatdate
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import h11

#: The largest partial request (line plus headers) held while waiting for its end; h11's default.
MAX_INCOMPLETE_EVENT = 16 * 1024
#: Seconds in-flight requests get to finish on a graceful stop before their connections are aborted.
STOP_GRACE = 0.5
_HIGH_WATER = 65536  # request body bytes buffered before reading pauses
_log = logging.getLogger(__name__)


def _reason(status: int) -> bytes:
    """The reason phrase uvicorn sends too (`200 OK`); empty for a code without one."""
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def http_date(now: float | None = None) -> bytes:
    """An RFC 9110 IMF-fixdate (`Tue, 01 Dec 2026 23:02:43 GMT`), independent of the locale."""
    return formatdate(now, usegmt=True).encode()


class _Cycle:
    """One request on a connection: its body as it arrives, and whether the answer is complete."""

    __slots__ = ("body", "body_done", "changed", "read_all", "response_done")

    def __init__(self) -> None:
        self.body = bytearray()
        self.body_done = False  # the request's body has all arrived
        self.read_all = False  # ... and the app has received all of it
        self.response_done = False
        self.changed = asyncio.Event()  # body data, its end, the answer's end, or a disconnect


class _Connection(asyncio.Protocol):
    """One client connection: h11 state, the request in flight (one at a time), and the header deadline."""

    def __init__(self, server: HttpServer) -> None:
        self.server = server
        self.loop = server.loop
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=server.max_incomplete_event)
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.cycle: _Cycle | None = None
        self.task: asyncio.Task[None] | None = None  # the app answering `cycle`
        self.can_write = asyncio.Event()
        self.can_write.set()
        self._deadline: asyncio.TimerHandle | None = None
        self._keep_alive: asyncio.TimerHandle | None = None

    # -- asyncio callbacks ---------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.connections.add(self)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.connections.discard(self)
        self._disarm()
        self._stop_keep_alive()
        if self.cycle is not None:
            self.cycle.changed.set()
        self.can_write.set()

    def pause_writing(self) -> None:
        self.can_write.clear()

    def resume_writing(self) -> None:
        self.can_write.set()

    def data_received(self, data: bytes) -> None:
        if self.closed:
            return  # closing: what else the client sends is not read
        self._stop_keep_alive()
        self.conn.receive_data(data)
        self._handle_events()

    def eof_received(self) -> bool | None:
        if not self.closed:
            self.conn.receive_data(b"")
            self._handle_events()
        return None  # the transport closes itself (TLS cannot half-close anyway)

    # -- events --------------------------------------------------------------------------------------
    def _handle_events(self) -> None:
        while not self.closed:
            try:
                event = self.conn.next_event()
            except h11.RemoteProtocolError:
                self._bad_request()
                return
            if event is h11.NEED_DATA:
                break
            if event is h11.PAUSED:  # a pipelined request: read on once this answer is done
                self._transport.pause_reading()
                break
            if isinstance(event, h11.Request):
                self._disarm()
                self.cycle = _Cycle()
                self.task = self.loop.create_task(self._run(event, self.cycle))
            elif isinstance(event, h11.Data) and self.cycle is not None:
                if not self.cycle.response_done:  # else nobody reads it: drained, dropped
                    self.cycle.body += event.data
                    self.cycle.changed.set()
                    if len(self.cycle.body) > _HIGH_WATER:
                        self._transport.pause_reading()
            elif isinstance(event, h11.EndOfMessage) and self.cycle is not None:
                self.cycle.body_done = True
                self.cycle.changed.set()
            elif isinstance(event, h11.ConnectionClosed):
                self.close()
                break
        if not self.closed and self.conn.their_state is h11.IDLE:
            self._arm()  # still waiting for a whole request line and headers: the deadline stands
        self._next_cycle()

    def _next_cycle(self) -> None:
        """After an answer, read on to the next request on this connection (or close it)."""
        cycle = self.cycle
        if self.closed or cycle is None or not cycle.response_done:
            return
        if self.conn.our_state is h11.MUST_CLOSE or self.server.stopping:
            self.close()
        elif self.conn.their_state is not h11.DONE:
            self._transport.resume_reading()  # the rest of a body the app did not read
        elif self.conn.our_state is h11.DONE:
            self.cycle = None
            self.conn.start_next_cycle()
            self._arm()
            self._keep_alive = self.loop.call_later(self.server.keep_alive_timeout, self.close)
            self._transport.resume_reading()
            self._handle_events()  # a pipelined request already read

    def _bad_request(self) -> None:
        """uvicorn's answer to a request h11 cannot parse: 400, then close."""
        try:
            headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"connection", b"close"),
                (b"date", http_date()),
            ]
            self._write(h11.Response(status_code=400, headers=headers, reason=_reason(400)))
            self._write(h11.Data(data=b"Invalid HTTP request received."))
            self._write(h11.EndOfMessage())
        except h11.LocalProtocolError:
            pass  # an answer had begun already: just close
        self.close()

    # -- the ASGI cycle ------------------------------------------------------------------------------
    async def _run(self, request: h11.Request, cycle: _Cycle) -> None:
        transport = self._transport
        path, _, query = request.target.partition(b"?")
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version.decode("ascii"),
            "server": _address(transport.get_extra_info("sockname")),
            "client": _address(transport.get_extra_info("peername")),
            "scheme": "https",
            "method": request.method.decode("ascii"),
            "root_path": "",
            "path": unquote(path.decode("ascii")),
            "raw_path": path,
            "query_string": query,
            "headers": list(request.headers),  # h11 gives the names lowercased
            "state": {},
            "extensions": {"sandbox.abort": self.abort},
        }
        head = request.method == b"HEAD"
        started = False

        async def receive() -> dict[str, Any]:
            if self.conn.they_are_waiting_for_100_continue and not self.closed and self.cycle is cycle:
                self._write(h11.InformationalResponse(status_code=100, headers=[], reason=_reason(100)))
            while not (self.closed or cycle.response_done) and (
                cycle.read_all or not (cycle.body or cycle.body_done)
            ):
                cycle.changed.clear()
                await cycle.changed.wait()
            if self.closed or cycle.response_done:
                return {"type": "http.disconnect"}
            body, cycle.body = bytes(cycle.body), bytearray()
            cycle.read_all = cycle.body_done
            if not self.closed:
                transport.resume_reading()
            return {"type": "http.request", "body": body, "more_body": not cycle.read_all}

        async def send(message: dict[str, Any]) -> None:
            nonlocal started
            if self.closed or cycle.response_done:
                return  # the client has gone (ASGI: sends after a disconnect are no-ops)
            kind = message["type"]
            if kind == "http.response.start" and not started:
                started = True
                headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers", [])]
                if not any(k == b"date" for k, _ in headers):
                    headers.append((b"date", http_date()))
                if self.server.stopping:
                    headers.append((b"connection", b"close"))
                status = int(message["status"])
                self._write(h11.Response(status_code=status, headers=headers, reason=_reason(status)))
            elif kind == "http.response.body" and started:
                data = bytes(message.get("body", b""))
                if data and not head:
                    await self.can_write.wait()
                    self._write(h11.Data(data=data))
                if not message.get("more_body", False) and not self.closed:
                    self._write(h11.EndOfMessage())
                    cycle.response_done = True
                    cycle.changed.set()
                    self._next_cycle()
            else:
                raise RuntimeError(f"Unexpected ASGI message {kind!r}")

        try:
            await self.server.app(scope, receive, send)
        except Exception:
            _log.exception("Exception in ASGI application")
            if started:
                self.close()
            elif not self.closed:
                await _error_500(send)
            return
        if not started and not self.closed:
            _log.error("ASGI callable returned without starting a response")
            await _error_500(send)
        elif not cycle.response_done:
            self.close()  # the app returned mid-body: the client cannot tell where the answer ends

    # -- helpers -------------------------------------------------------------------------------------
    @property
    def _transport(self) -> asyncio.Transport:
        assert self.transport is not None  # set by connection_made, before any data
        return self.transport

    def _write(self, event: h11.Event) -> None:
        data = self.conn.send(event)
        if data and not self.closed:
            self._transport.write(data)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.server.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _stop_keep_alive(self) -> None:
        if self._keep_alive is not None:
            self._keep_alive.cancel()
            self._keep_alive = None

    def _headers_too_slow(self) -> None:
        self._deadline = None
        self.close()

    @property
    def idle(self) -> bool:
        """No request is being answered: closing loses nothing."""
        return self.task is None or self.task.done()

    def _closing(self) -> None:
        self.closed = True  # nothing more is read or written, though `connection_lost` is still to come
        if self.cycle is not None:
            self.cycle.changed.set()

    def close(self) -> None:
        self._closing()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def abort(self) -> None:
        """Drop the connection at once, without an answer (the sandbox's "drop" fault)."""
        self._closing()
        if self.transport is not None:
            self.transport.abort()


async def _error_500(send: Any) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": b"Internal Server Error"})


def _address(info: Any) -> tuple[str, int] | None:
    return (str(info[0]), int(info[1])) if isinstance(info, tuple) and len(info) >= 2 else None


class HttpServer:
    """An ASGI app on `host:port` over TLS; `start()` returns once it listens, `stop()` shuts it down."""

    def __init__(
        self,
        app: Any,
        *,
        host: str,
        port: int,
        certfile: str,
        header_timeout: float,
        keep_alive_timeout: float,
        max_incomplete_event: int = MAX_INCOMPLETE_EVENT,
    ) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.certfile = certfile
        self.header_timeout = header_timeout
        self.keep_alive_timeout = keep_alive_timeout
        self.max_incomplete_event = max_incomplete_event
        self.port = 0
        self.stopping = False
        self.connections: set[_Connection] = set()
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._force = False
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, *, timeout: float) -> int:
        """Listen (port 0: any free port) and return the port; a bind failure raises its OSError here."""
        self._thread = threading.Thread(target=self._serve, name="sandbox-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop(wait=False)
            raise TimeoutError("it did not start in time")
        if self._error is not None:
            self._thread.join()
            raise self._error
        return self.port

    def stop(self, *, wait: bool = True) -> None:
        """Stop accepting; with `wait`, in-flight requests get `STOP_GRACE` seconds, idle keep-alive
        connections close at once. `wait=False` aborts every connection and returns at once."""
        self._force = self._force or not wait
        if self._stop is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self.loop.call_soon_threadsafe(self._stop.set)
        if wait and self._thread is not None:
            self._thread.join(timeout=STOP_GRACE + 10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # reported by start(): a thread cannot raise to its caller
            self._error = exc
        finally:
            self._ready.set()
            self._close_loop()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certfile)  # the server PEM holds certificate and key
        server = await self.loop.create_server(
            lambda: _Connection(self), self.host, self.requested_port, ssl=context
        )
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        await self._stop.wait()
        self.stopping = True
        server.close()
        if not self._force:
            for conn in list(self.connections):
                if conn.idle:
                    conn.close()
            deadline = self.loop.time() + STOP_GRACE
            while any(not c.idle for c in self.connections) and self.loop.time() < deadline:
                await asyncio.sleep(0.01)
        for conn in list(self.connections):
            conn.abort()

    def _close_loop(self) -> None:
        loop = self.loop
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.run_until_complete(asyncio.sleep(0))  # connection_lost callbacks of the aborted transports
        loop.close()
