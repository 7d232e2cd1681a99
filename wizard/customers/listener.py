"""The loopback listener for admin-consent answers: http://localhost:<port> waits for one redirect."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

_DONE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Consent recorded</title></head><body>"
    b"<h1>Answer received</h1><p>You can close this tab and return to daemon-wizard.</p></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fields = dict(parse_qsl(urlsplit(self.path).query))
        if "state" not in fields or not ("admin_consent" in fields or "error" in fields):
            self.send_response(404)  # a favicon or a stray request: not the answer
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(_DONE)
        self.server.deliver(f"{self.server.redirect_uri}{self.path}")

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.answer: str | None = None
        self.arrived = threading.Event()

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.server_address[1]}"

    def deliver(self, url: str) -> None:
        if self.answer is None:
            self.answer = url
        self.arrived.set()


class ConsentListener:
    """Serve on 127.0.0.1 until the answer arrives; `redirect_uri` is what the consent URL names."""

    def __init__(self, port: int = 0) -> None:
        try:
            self._server = _Server(port)
        except OSError as exc:
            from wizard.errors import UsageError

            raise UsageError(
                f"Cannot listen on port {port}: {exc.strerror or exc}", hint="Pick another --port."
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="consent-listener", daemon=True
        )

    @property
    def redirect_uri(self) -> str:
        return self._server.redirect_uri

    def __enter__(self) -> ConsentListener:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> str | None:
        """The URL the browser was redirected to, or None when the time ran out or was cancelled."""
        end = timeout
        waited = 0.0
        while waited < end:
            if self._server.arrived.wait(min(0.2, end - waited)):
                return self._server.answer
            if cancel is not None and cancel.is_set():
                return None
            waited += 0.2
        return None
