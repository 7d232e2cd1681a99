"""`HttpServer`: serve an ASGI app over HTTPS (HTTP/1.1, httptools) from an asyncio loop in a background thread.

Why not uvicorn: importing and configuring it cost ~52M of the 1,215M instructions of a warm `doctor
--sandbox` (logging.config, logging.handlers, dictConfig, its middleware) for one loopback server with one
app. Why httptools, not h11: `import h11` cost ~38M more (dataclass events compiled at import, regexes),
`import httptools` ~4M; it is MagicStack's C binding of llhttp (Node's parser), as in uvicorn[standard].

This module listens (TLS), and stops gracefully or at once; each connection is a
wizard.sandbox.http_connection.Connection, which parses and answers its requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from typing import Any

from wizard.sandbox.http_connection import Connection

#: The longest request line plus headers accepted (h11's default limit, which this server kept).
MAX_INCOMPLETE_EVENT = 16 * 1024
#: Seconds in-flight requests get to finish on a graceful stop before their connections are aborted.
STOP_GRACE = 0.5


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
        self.connections: set[Connection] = set()
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
            lambda: Connection(self), self.host, self.requested_port, ssl=context
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
