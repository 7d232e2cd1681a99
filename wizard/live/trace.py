"""A step trace of every HTTP exchange, like a protocol debugger, with secrets and tokens redacted."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from wizard.redact import redact_text
from wizard.secret import mask

#: Keys whose values are credentials or tokens, in forms, queries and JSON.
SENSITIVE_KEYS = frozenset(
    {
        "client_secret",
        "client_assertion",
        "assertion",
        "access_token",
        "refresh_token",
        "id_token",
        "password",
        "secrettext",
        "code",
        "code_verifier",
        "token",
        "passphrase",
    }
)
SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
MAX_BODY = 4000


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its answer (or the failure), already redacted."""

    step: str
    method: str
    url: str
    status: int | None
    duration_ms: float
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    error: str | None = None
    attempt: int = 1

    def to_dict(self) -> dict[str, object]:
        return {
            "step": self.step,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 1),
            "attempt": self.attempt,
            "request_headers": self.request_headers,
            "request_body": self.request_body,
            "response_headers": self.response_headers,
            "response_body": self.response_body,
            "error": self.error,
        }

    def line(self) -> str:
        """One line for a terminal: `token POST https://... -> 200 (123 ms)`."""
        outcome = str(self.status) if self.status is not None else f"failed: {self.error}"
        retry = f" [attempt {self.attempt}]" if self.attempt > 1 else ""
        return f"{self.step:9} {self.method} {self.url} -> {outcome} ({self.duration_ms:.0f} ms){retry}"


@dataclass(frozen=True)
class Note:
    """A step without an HTTP exchange (cache hit, retry wait, a library decision)."""

    step: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"step": self.step, "note": self.message}

    def line(self) -> str:
        return f"{self.step:9} {self.message}"


Event = Exchange | Note
Observer = Callable[[Event], None]
#: Told the step of each request about to be sent (wizard.live.progress marks that step running).
SendObserver = Callable[[str], None]


class Trace:
    """Collects exchanges and notes; observers (the TUI, `--verbose`) are told of each as it happens."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._observers: list[Observer] = []
        self._senders: list[SendObserver] = []
        self._secrets: set[str] = {s for s in secrets if s}

    def add_secret(self, value: str) -> None:
        """A value that must never appear in the trace (client secret, the token once issued)."""
        if value:
            with self._lock:
                self._secrets.add(value)

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call `observer` for every new event; returns the function that unsubscribes."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def on_send(self, observer: SendObserver) -> None:
        """Call `observer` with the step of every request before it is sent (nothing is recorded)."""
        with self._lock:
            self._senders.append(observer)

    def sending(self, step: str) -> None:
        """A request of `step` is about to go out (the clients call it before each attempt)."""
        with self._lock:
            senders = list(self._senders)
        for observer in senders:
            observer(step)

    def _emit(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)
            observers = list(self._observers)
        for observer in observers:
            observer(event)

    def note(self, step: str, message: str) -> None:
        self._emit(Note(step, self.redact(message)))

    def record(
        self,
        *,
        step: str,
        method: str,
        url: str,
        status: int | None,
        duration_ms: float,
        request_headers: Mapping[str, str] | None = None,
        request_body: bytes | str | None = None,
        response_headers: Mapping[str, str] | None = None,
        response_body: bytes | str | None = None,
        error: str | None = None,
        attempt: int = 1,
    ) -> Exchange:
        """Redact and store one exchange."""
        exchange = Exchange(
            step=step,
            method=method,
            url=self.redact_url(url),
            status=status,
            duration_ms=duration_ms,
            request_headers=self.redact_headers(request_headers or {}),
            request_body=self.redact_body(request_body),
            response_headers=self.redact_headers(response_headers or {}),
            response_body=self.redact_body(response_body),
            error=self.redact(error) if error else None,
            attempt=attempt,
        )
        self._emit(exchange)
        return exchange

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return list(self._events)

    @property
    def exchanges(self) -> list[Exchange]:
        return [e for e in self.events if isinstance(e, Exchange)]

    def last(self, step: str) -> Exchange | None:
        found = [e for e in self.exchanges if e.step == step]
        return found[-1] if found else None

    def to_list(self) -> list[dict[str, object]]:
        return [e.to_dict() for e in self.events]

    def lines(self) -> list[str]:
        return [e.line() for e in self.events]

    # -- redaction -------------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """Mask this trace's secrets, every secret the process knows, and secret-shaped text (one redactor)."""
        with self._lock:
            secrets = set(self._secrets)
        return redact_text(text, extra=secrets)

    def redact_url(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.query:
            return self.redact(url)
        query = urlencode(
            [(k, _mask_value(k, v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="/:"
        )
        return self.redact(urlunsplit(parts._replace(query=query)))

    def redact_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in headers.items():
            if key.lower() in SENSITIVE_HEADERS:
                scheme, _, credential = value.partition(" ")
                out[key] = f"{scheme} {mask(credential)}" if credential else mask(value)
            else:
                out[key] = self.redact(value)
        return out

    def redact_body(self, body: bytes | str | None) -> str | None:
        if body is None:
            return None
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        if not text:
            return ""
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            try:
                data = json.loads(text)
            except ValueError:
                pass
            else:
                text = json.dumps(_mask_json(data), ensure_ascii=False)
        elif "=" in text and "\n" not in text.strip() and " " not in text.strip():
            pairs = parse_qsl(text, keep_blank_values=True)
            if pairs:
                text = urlencode([(k, _mask_value(k, v)) for k, v in pairs], safe="/:.")
        text = self.redact(text)
        return text if len(text) <= MAX_BODY else text[:MAX_BODY] + f"… ({len(text)} characters)"


def _mask_value(key: str, value: str) -> str:
    return mask(value) if key.lower() in SENSITIVE_KEYS else value


def _mask_json(data: object) -> object:
    if isinstance(data, dict):
        return {
            k: (mask(v) if isinstance(v, str) and str(k).lower() in SENSITIVE_KEYS else _mask_json(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_mask_json(v) for v in data]
    return data


def step_for_url(url: str) -> str:
    """Name the protocol step an identity-provider URL belongs to."""
    path = urlsplit(url).path.lower()
    if path.endswith("/.well-known/openid-configuration"):
        return "discovery"
    if "discovery/instance" in path:
        return "instance"
    if path.endswith("/token"):
        return "token"
    return "idp"
