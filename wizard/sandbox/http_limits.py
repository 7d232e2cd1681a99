"""Bounds on idle and half-sent requests: uvicorn's h11 protocol with a deadline for a request's headers.

uvicorn times out an idle keep-alive connection only after a response; a client that connects and sends
half a request line (or trickles headers) holds its connection forever. Here every request's headers must
arrive within `header_timeout` seconds of the connection opening or of the previous response; a trickle
does not extend the deadline.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: The largest partial request (line plus headers) held while waiting for its end; h11's default.
MAX_INCOMPLETE_EVENT = 16 * 1024


class _BoundedH11Protocol(H11Protocol):
    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm()  # still waiting for a whole request line and headers: the deadline stands
        else:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def bounded_h11(header_timeout: float) -> type[H11Protocol]:
    """uvicorn's `http=` protocol class with this deadline for each request's headers."""
    return type("BoundedH11Protocol", (_BoundedH11Protocol,), {"header_timeout": header_timeout})
