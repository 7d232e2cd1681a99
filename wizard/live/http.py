"""HTTP client setup in one place: trust, timeouts, proxies, retries, tracing and error mapping."""

from __future__ import annotations

import functools
import json
import os
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies, select_proxy

from wizard.errors import TimeoutError_, UsageError
from wizard.live.netmap import RETRYABLE, classify, not_json, parse_retry_after, service_error
from wizard.live.trace import Trace, step_for_url

_HASHED = re.compile(r"[0-9a-f]{8}\.[0-9]+")


class Clock(Protocol):
    """The time a run's deadline and its retry waits go by (tests inject one that only records)."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        """Wait `seconds`, returning early once `cancelled` is set."""

    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock: time.monotonic, and waits that a cancel wakes up."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        cancelled.wait(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # only the async (httpx) transport waits this way; `doctor` and `token` never load it

        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class Deadline:
    """A time budget shared by every request of one run, and a way to cancel it from another thread."""

    def __init__(self, seconds: float, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.seconds = seconds
        self.clock = clock
        self._end = clock.monotonic() + seconds
        self._cancelled = threading.Event()

    def remaining(self) -> float:
        return max(0.0, self._end - self.clock.monotonic())

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self, url: str = "") -> None:
        """Raise TimeoutError_ when the budget is spent or the run was cancelled."""
        if self.cancelled:
            raise TimeoutError_(
                "Cancelled", hint="The run was cancelled before it finished.", url=url or None
            )
        if self.remaining() <= 0.05:
            raise TimeoutError_(
                f"The run took longer than its {self.seconds:.0f} s time limit",
                hint="The service or the network is slow; retry later or raise --timeout.",
                url=url or None,
            )

    def sleep(self, seconds: float) -> None:
        """Wait, but never past the deadline, and wake up at once when cancelled."""
        self.clock.sleep(max(0.0, min(seconds, self.remaining())), self._cancelled)

    async def asleep(self, seconds: float) -> None:
        """The async wait of the httpx transport, never past the deadline."""
        await self.clock.asleep(max(0.0, min(seconds, self.remaining())))


@dataclass
class HttpSettings:
    """Trust, timeouts, proxies and retry policy for one run."""

    ca_file: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0
    use_env_proxies: bool = True
    #: A proxy URL for every request (the TUI's setting), in place of the environment's; None for none.
    proxy: str | None = None
    max_retries: int = 2
    max_retry_wait: float = 5.0
    deadline: Deadline = field(default_factory=lambda: Deadline(60.0))
    #: Sandbox mode: `host:port` where Microsoft service host names (wizard.service_hosts) are connected,
    #: TLS and Host still naming the real host; None connects every host as DNS says.
    connect_to: str | None = None

    @classmethod
    def bounded(cls, timeout: float, *, clock: Clock = SYSTEM_CLOCK, **kwargs: Any) -> HttpSettings:
        """Settings whose whole run ends within `timeout` seconds (as `clock` counts them).

        Connect and read timeouts follow the bound (a third of it, so a retry still fits): a slow link
        gets more time with a larger --timeout, instead of a fixed cap of a few seconds.
        """
        read = max(1.0, timeout / 3)
        return cls(
            connect_timeout=read,
            read_timeout=read,
            total_timeout=timeout,
            deadline=Deadline(timeout, clock=clock),
            **kwargs,
        )

    def timeouts(self) -> tuple[float, float]:
        """(connect, read) for the next request, never past the deadline."""
        left = max(0.05, self.deadline.remaining())
        return (min(self.connect_timeout, left), min(self.read_timeout, left))

    def retry_wait(self, headers: Any, attempt: int) -> float | None:
        """Seconds to wait before retry number `attempt`, or None when no retry is allowed."""
        if attempt > self.max_retries:
            return None
        asked = parse_retry_after(headers.get("Retry-After"))
        wait = min(self.max_retry_wait, asked if asked is not None else 0.5 * attempt)
        return wait if wait < self.deadline.remaining() - 0.1 else None


def ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """System trust (else certifi) and the explicit CA; TLS 1.2 at least. Environment variables cannot
    replace an explicit CA here, because the context is built once and handed to every client.

    One context per CA file (and its modification time) per process: parsing a CA bundle costs 25-30 ms
    of CPU, and a doctor run builds a client for the token and another for the API.
    """
    path = str(Path(ca_file).expanduser()) if ca_file else None
    try:
        stamp = os.stat(path).st_mtime_ns if path else 0
    except OSError:
        stamp = -1  # reported by _build_context
    return _cached_context(path, stamp)


@functools.lru_cache(maxsize=8)
def _cached_context(path: str | None, stamp: int) -> ssl.SSLContext:
    return _build_context(path)


def _hashed_dir(folder: str | None) -> bool:
    """True for an OpenSSL hashed certificate directory (`c_rehash`: files named like `5ad8a5d6.0`)."""
    if not folder or not os.path.isdir(folder):
        return False
    try:
        with os.scandir(folder) as entries:
            return any(_HASHED.fullmatch(entry.name) for entry in entries)
    except OSError:
        return False


def _system_trust(ctx: ssl.SSLContext) -> bool:
    """Load the system's CAs; True when it has some.

    A hashed directory is read lazily by OpenSSL (one certificate per lookup), so it is preferred over
    parsing a whole bundle file (~30 ms): always when no bundle file is named, and when the named bundle
    (SSL_CERT_FILE, or OpenSSL's default) lives in that directory, as Debian's and Alpine's
    ca-certificates.crt does, built from the same certificates. Any other bundle is loaded as it is.
    """
    paths = ssl.get_default_verify_paths()
    folder = os.environ.get(paths.openssl_capath_env) or paths.capath
    bundle = os.environ.get(paths.openssl_cafile_env) or paths.cafile
    if _hashed_dir(folder) and (not bundle or _inside(bundle, folder)):
        ctx.load_verify_locations(capath=folder)
        return True
    ctx.set_default_verify_paths()
    return bool(ctx.cert_store_stats().get("x509_ca")) or _hashed_dir(folder)


def _inside(path: str, folder: str | None) -> bool:
    if not folder:
        return False
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return os.path.dirname(real) == base or os.path.dirname(os.path.abspath(path)) == os.path.abspath(folder)


def _build_context(path: str | None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # create_default_context's settings, minus its loading
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if not _system_trust(ctx):
        try:
            import certifi

            ctx.load_verify_locations(certifi.where())
        except (ImportError, OSError, ssl.SSLError):  # pragma: no cover - nothing else to trust
            pass
    if path:
        try:
            ctx.load_verify_locations(path)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(
                f"The CA file {path} cannot be read as PEM certificates",
                hint="Pass the PEM file of the CA that signs the server's certificate.",
            ) from exc
    return ctx


class _ContextAdapter(HTTPAdapter):
    """requests adapter that uses our SSL context for every connection (requests ≥ 2.32 hook)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        pool_kwargs["ssl_context"] = self._context
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: bool | str, cert: Any) -> None:
        """Verify with our context's trust only. requests would name certifi's bundle on every connection,
        and urllib3 would then parse it into the shared context again each time (~25 ms a connection)."""
        super().cert_verify(conn, url, verify, cert)
        if verify is not False:
            conn.ca_certs = None
            conn.ca_cert_dir = None


class WizardSession(requests.Session):
    """A requests session for msal and azure-identity: traced, retried, bounded, errors typed.

    `trust_env` is off so REQUESTS_CA_BUNDLE cannot override the explicit CA and no .netrc is read;
    proxies from the environment (with NO_PROXY) are applied per request instead.
    """

    def __init__(self, settings: HttpSettings, trace: Trace, *, step: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.trace = trace
        #: The trace step of every exchange (e.g. "api"); None names it from each URL.
        self.step = step
        self.trust_env = False
        adapter = _ContextAdapter(ssl_context(settings.ca_file))
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        merged: dict[str, Any] = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if self.settings.proxy:
            merged["proxies"] = {"http": self.settings.proxy, "https": self.settings.proxy}
        elif self.settings.use_env_proxies and url:
            env = get_environ_proxies(url if isinstance(url, str) else url.decode())
            merged["proxies"] = {**env, **(merged.get("proxies") or {})}
        return merged

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = request.url or ""
        step = self.step or step_for_url(url)
        attempt = 1
        while True:
            self.settings.deadline.check(url)
            self.trace.sending(step)
            kwargs["timeout"] = self.settings.timeouts()
            start = time.monotonic()
            try:
                response = super().send(request, **kwargs)
            except requests.RequestException as exc:
                error = classify(exc, url, proxy=select_proxy(url, kwargs.get("proxies") or {}))
                self._record(step, request, None, start, attempt, error.title)
                raise error from None
            self._record(step, request, response, start, attempt, None)
            if response.status_code in RETRYABLE:
                wait = self.settings.retry_wait(response.headers, attempt)
                if wait is not None:
                    self.trace.note(step, f"{response.status_code}: retrying in {wait:.1f} s")
                    self.settings.deadline.sleep(wait)
                    attempt += 1
                    continue
            problem = service_error(response.status_code, response.headers, response.content, url)
            if problem is not None:
                raise problem
            if step in {"discovery", "token", "instance"} and not _is_json(response.content):
                raise not_json(url, response.status_code)
            said_json = "json" in response.headers.get("content-type", "")
            if said_json and response.content and not _is_json(response.content):
                raise not_json(url, response.status_code)  # an API answer claiming JSON (as the httpx path)
            return response

    def _record(
        self,
        step: str,
        request: requests.PreparedRequest,
        response: requests.Response | None,
        start: float,
        attempt: int,
        error: str | None,
    ) -> None:
        self.trace.record(
            step=step,
            method=request.method or "GET",
            url=request.url or "",
            status=response.status_code if response is not None else None,
            duration_ms=(time.monotonic() - start) * 1000,
            request_headers={str(k): str(v) for k, v in request.headers.items()},
            request_body=request.body if isinstance(request.body, (bytes, str)) else None,
            response_headers=dict(response.headers) if response is not None else None,
            response_body=response.content if response is not None else None,
            error=error,
            attempt=attempt,
        )


class MsalHttpClient:
    """The `http_client` msal takes: get/post/close on top of a WizardSession."""

    def __init__(self, session: WizardSession) -> None:
        self.session = session

    def get(self, url: str, params: Any = None, headers: Any = None, **_: Any) -> requests.Response:
        return self.session.get(url, params=params, headers=headers, allow_redirects=False)

    def post(
        self, url: str, params: Any = None, data: Any = None, headers: Any = None, **_: Any
    ) -> requests.Response:
        return self.session.post(url, params=params, data=data, headers=headers, allow_redirects=False)

    def close(self) -> None:
        self.session.close()


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True
