"""The loopback listener for admin-consent answers: http://localhost:<port> waits for one redirect."""

from __future__ import annotations

import threading
from types import TracebackType
from urllib.parse import urlencode

from wizard.admin.loopback import LoopbackReceiver
from wizard.errors import UsageError

_DONE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Consent recorded</title></head><body>"
    b"<h1>Answer received</h1><p>You can close this tab and return to daemon-wizard.</p></body></html>"
)


class ConsentListener:
    """Serve on 127.0.0.1 until the consent's answer arrives; `redirect_uri` is what the consent URL names."""

    def __init__(self, port: int = 0) -> None:
        try:
            self._receiver = LoopbackReceiver(port=port, answer_keys=("admin_consent", "error"), page=_DONE)
        except OSError as exc:
            raise UsageError(
                f"Cannot listen on port {port}: {exc.strerror or exc}", hint="Pick another --port."
            ) from None

    @property
    def redirect_uri(self) -> str:
        return self._receiver.redirect_uri

    def __enter__(self) -> ConsentListener:
        self._receiver.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._receiver.__exit__(exc_type, exc, tb)

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> str | None:
        """The URL the browser was redirected to, or None when the time ran out or was cancelled."""
        fields = self._receiver.wait(timeout, cancel)
        return None if fields is None else f"{self.redirect_uri}/?{urlencode(fields)}"
