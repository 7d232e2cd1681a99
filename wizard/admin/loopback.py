"""The loopback redirect receiver: http://localhost:<port> waits for the one answer of an interactive sign-in."""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

_DONE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Signed in</title></head><body>"
    b"<h1>Signed in</h1><p>You can close this tab and return to daemon-wizard.</p></body></html>"
)
_FAILED = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Sign-in did not complete</title></head><body>"
    "<h1>Sign-in did not complete</h1><p id='error'>{error}</p>"
    "<p>Return to daemon-wizard: it says what happened and what to do.</p></body></html>"
)


def _page(fields: dict[str, str], success: bytes) -> bytes:
    """The receiver's page for an answer; for an error (refused consent, admin approval needed), say so,
    never success."""
    if "error" not in fields:
        return success
    first = (fields.get("error_description") or fields.get("error") or "").splitlines()
    return _FAILED.format(error=escape(first[0] if first else "")).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self, fields: dict[str, str]) -> None:
        if not any(key in fields for key in self.server.answer_keys):
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(_page(fields, self.server.page))
        self.server.deliver(fields)

    def do_GET(self) -> None:
        self._answer(dict(parse_qsl(urlsplit(self.path).query)))

    def do_POST(self) -> None:  # response_mode=form_post
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        body = self.rfile.read(length).decode("utf-8", "replace")
        self._answer(dict(parse_qsl(body)))

    def log_message(self, format: str, *args: object) -> None:  # the query holds the code: never log it
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, answer_keys: tuple[str, ...], page: bytes) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.answer_keys = answer_keys
        self.page = page
        self.answer: dict[str, str] | None = None
        self.arrived = threading.Event()

    def deliver(self, fields: dict[str, str]) -> None:
        if self.answer is None:
            self.answer = fields
        self.arrived.set()


class LoopbackReceiver:
    """Serve on 127.0.0.1 (redirect URI http://localhost:<port>) until the answer or the end of `wait`.

    The answer is the first request carrying one of `answer_keys` (a sign-in's code or error; an admin
    consent's admin_consent or error); `page` is what the browser shows then."""

    def __init__(
        self, *, port: int = 0, answer_keys: tuple[str, ...] = ("code", "error"), page: bytes = _DONE
    ) -> None:
        self._server = _Server(port, answer_keys, page)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="loopback-redirect", daemon=True
        )

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self._server.server_address[1]}"

    def __enter__(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> dict[str, str] | None:
        """The redirect's fields (code and state, or error), or None when the time ran out or was cancelled."""
        step = 0.2
        waited = 0.0
        while waited < timeout:
            if self._server.arrived.wait(min(step, timeout - waited)):
                return self._server.answer
            if cancel is not None and cancel.is_set():
                return None
            waited += step
        return None
