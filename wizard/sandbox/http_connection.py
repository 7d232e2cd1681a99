"""One client connection of the sandbox's HTTP server (wizard.sandbox.http_server): httptools parses, this
protocol does the rest.

httptools parses the request line, headers (validated), Content-Length and chunked bodies and keep-alive.
Here, on the model of uvicorn's httptools protocol: each request's ASGI cycle and its answer's framing
(wizard.sandbox.http_framing); pipelined requests queued and answered in order; `connection: close` and
HTTP/1.0 clients; an `Upgrade` request served as a plain one (the sandbox has no websockets); 400 then close
for what cannot be parsed, an HTTP/1.1 request without Host, or a line and headers over
`max_incomplete_event` bytes (llhttp has no limit of its own); and bounds on slow clients: every request's
line and headers must arrive within `header_timeout` of the connection opening or of the previous response
(a trickle does not extend it), an idle keep-alive connection closes after `keep_alive_timeout`, and a body
is read no faster than the app takes it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import httptools

from wizard.sandbox.http_framing import Cycle, bad_request, body_head

if TYPE_CHECKING:
    from wizard.sandbox.http_server import HttpServer

_HIGH_WATER = 65536  # request body bytes buffered before reading pauses
_HEAD_LINE = 17  # a head's bytes besides its target and headers (`GET  HTTP/1.1`, CRLFs), at least


class _Stop(Exception):
    """Raised in a parser callback to stop parsing: httptools raises an HttpParserCallbackError for it."""


class Connection(asyncio.Protocol):
    """One client connection: the parser and the request being parsed, the request being answered and
    those pipelined behind it, and the header deadline."""

    def __init__(self, server: HttpServer) -> None:
        self.server = server
        self.loop = server.loop
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reading: Cycle | None = None  # the request whose body is arriving (the last one parsed)
        self.cycle: Cycle | None = None  # the request being answered
        self.pipeline: deque[Cycle | None] = deque()  # parsed, waiting for `cycle`; None: unparseable
        self.task: asyncio.Task[None] | None = None  # the app answering `cycle`
        self.can_write = asyncio.Event()
        self.can_write.set()
        self._deadline: asyncio.TimerHandle | None = None
        self._keep_alive: asyncio.TimerHandle | None = None
        self._failed = False  # unparseable input: nothing after it is read
        # The request line and headers being parsed.
        self._in_head = False
        self._heads = 0  # heads begun so far, to tell whether one chunk held only one head's bytes
        self._head_bytes = 0  # line and headers so far, as the parser's callbacks report them
        self._head_chunks = 0  # bytes of this head in the chunks read so far, at most
        self._other = 0  # bytes of the chunk being parsed that went to other requests, at least
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._host = self._expect = False
        self._muted = False  # the head being parsed is one made up for an Upgrade request's body
        self._body_head: bytes | None = None  # that head, until llhttp hands the Upgrade over

    # -- asyncio callbacks ---------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._sockname = _address(transport.get_extra_info("sockname"))
        self._peername = _address(transport.get_extra_info("peername"))
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
        if self.closed or self._failed:
            return  # closing, or past what could not be parsed: what else the client sends is not read
        self._stop_keep_alive()
        heads, in_head = self._heads, self._in_head
        self._other = 0
        self._feed(data)
        if self._in_head and not self._failed:  # a head still incomplete: llhttp holds none of it, we count
            if in_head and heads == self._heads:
                self._head_chunks += len(data)  # all of `data` was this head's
            else:  # it began in `data`: at most what the callbacks did not give to other requests
                self._head_chunks = len(data) - self._other
            if self._head_chunks > self.server.max_incomplete_event:
                self._fail()

    def eof_received(self) -> bool | None:
        if not self.closed and (self._in_head or (self.reading is not None and not self.reading.body_done)):
            self._fail()  # the client ended its side in the middle of a request
        return None  # the transport closes itself (TLS cannot half-close anyway)

    # -- the parser's callbacks ----------------------------------------------------------------------
    def _feed(self, data: bytes) -> None:
        while data:
            try:
                self.parser.feed_data(data)
                return
            except httptools.HttpParserUpgrade as upgrade:
                # llhttp hands the connection over to the protocol the request asked for, without its body:
                # the sandbox speaks no other, so the request is a plain one and its body is parsed on, after
                # a head made up to frame it like the request's own.
                data = data[upgrade.args[0] :]
                if self._body_head is not None:
                    self._muted = True
                    self.parser.feed_data(self._body_head)
                    self._body_head = None
            except httptools.HttpParserError:
                if not self.closed:
                    self._fail()
                return

    def on_message_begin(self) -> None:
        if self.closed:
            raise _Stop  # the rest of the chunk is not read
        self._in_head = True
        self._heads += 1
        self._head_bytes = _HEAD_LINE
        self._head_chunks = 0
        self._url = b""
        self._headers = []
        self._host = self._expect = False

    def on_url(self, url: bytes) -> None:
        self._url += url
        self._count(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 3)  # `name:value\r\n`, at least
        name = name.lower()
        if name == b"host":
            self._host = True
        elif name == b"expect":
            self._expect = value.lower() == b"100-continue"
        self._headers.append((name, value.rstrip(b" \t")))  # llhttp keeps the trailing OWS; h11 did not

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.server.max_incomplete_event:
            raise _Stop  # a 400

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self._muted:
            self._muted = False
            return
        parser = self.parser
        version = parser.get_http_version()
        if version not in ("1.1", "1.0") or (version == "1.1" and not self._host):
            raise ValueError(f"HTTP/{version}, {len(self._headers)} headers")  # a 400, as h11 answered
        self._disarm()
        self._stop_keep_alive()  # armed by an answer earlier in the chunk that brought this request
        method = parser.get_method().decode("ascii")
        self._other += self._head_bytes
        path, _, query = self._url.partition(b"?")
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": version,
            "server": self._sockname,
            "client": self._peername,
            "scheme": "https",
            "method": method,
            "root_path": "",
            "path": unquote(path.decode("ascii")),
            "raw_path": path,
            "query_string": query,
            "headers": self._headers,  # names lowercased by on_header
            "state": {},
            "extensions": {"sandbox.abort": self.abort},
        }
        http11 = version == "1.1"
        cycle = Cycle(
            self,
            scope,
            keep_alive=http11 and parser.should_keep_alive(),
            expect_continue=http11 and self._expect,
        )
        if parser.should_upgrade():
            self._body_head = body_head(self._headers)
        self.reading = cycle
        if self.cycle is None:
            self._start(cycle)
        else:  # pipelined: answered after the ones before it, read on once they are
            self.pipeline.append(cycle)
            self._transport.pause_reading()

    def on_body(self, body: bytes) -> None:
        self._other += len(body)
        cycle = self.reading
        if cycle is None or cycle.response_done:
            return  # answered already: nobody reads the rest, drained and dropped
        cycle.expect_continue = False  # the client sent the body without waiting
        cycle.body += body
        cycle.changed.set()
        if len(cycle.body) > _HIGH_WATER:
            self._transport.pause_reading()

    def on_chunk_header(self) -> None:
        self._other += 5  # a chunk's size line and CRLF: at least `0\r\n` and `\r\n`

    def on_message_complete(self) -> None:
        cycle = self.reading
        if cycle is None or self._body_head is not None:
            return  # an Upgrade request: its body is still to be parsed
        cycle.body_done = True
        cycle.expect_continue = False
        cycle.changed.set()
        self.answered()  # its answer may be complete already, without having read all of it

    # -- from one request to the next ----------------------------------------------------------------
    def _start(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.task = self.loop.create_task(cycle.run(self.server.app))

    def answered(self) -> None:
        """After an answer, answer the next pipelined request or wait for one (or close)."""
        cycle = self.cycle
        if self.closed or cycle is None or not cycle.response_done:
            return
        if not cycle.keep_alive or self.server.stopping:
            self.close()
        elif not cycle.body_done:
            self.read_on()  # the rest of a body the app did not read
        elif self.pipeline:
            following = self.pipeline.popleft()
            if following is None:
                self._bad_request()
            else:
                self._start(following)
                self.read_on()
        else:
            self.cycle = None
            self._arm()
            self._keep_alive = self.loop.call_later(self.server.keep_alive_timeout, self.close)
            self.read_on()

    def read_on(self) -> None:
        """Resume reading unless a pipelined request waits or the body read is more than the app took."""
        reading = self.reading
        if self.closed or self.pipeline or self._failed:
            return
        if reading is None or reading.response_done or len(reading.body) <= _HIGH_WATER:
            self._transport.resume_reading()

    def _fail(self) -> None:
        """Input that cannot be parsed: a 400 once the requests before it are answered, then close."""
        self._failed = True
        self._in_head = False
        self._transport.pause_reading()
        broken = self.reading
        if broken is not None and not broken.body_done:  # in a body: that request is lost with it
            if broken is not self.cycle:
                self.pipeline.pop()  # it waited behind another: the 400 takes its place
            elif broken.answer is None:
                self._bad_request()  # the app has not answered yet; what it sends now goes nowhere
                return
            else:
                self.close()  # its answer has begun: the client cannot be told more
                return
        if self.cycle is None:
            self._bad_request()
        else:
            self.pipeline.append(None)

    def _bad_request(self) -> None:
        """uvicorn's answer to a request that cannot be parsed: 400, then close."""
        if not self.closed:
            self._transport.write(bad_request())
        self.close()

    # -- helpers -------------------------------------------------------------------------------------
    @property
    def _transport(self) -> asyncio.Transport:
        assert self.transport is not None  # set by connection_made, before any data
        return self.transport

    def write(self, data: bytes) -> None:
        if data and not self.closed:
            self._transport.write(data)

    @property
    def stopping(self) -> bool:
        return self.server.stopping

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


def _address(info: Any) -> tuple[str, int] | None:
    return (str(info[0]), int(info[1])) if isinstance(info, tuple) and len(info) >= 2 else None
