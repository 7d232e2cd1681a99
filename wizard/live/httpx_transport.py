"""httpx transports for the API calls: traced, retried on Retry-After, bounded, errors typed.

httpx is imported lazily: importing it loads `rich` when httpx's CLI extra is installed, and the
core must not load rich at import time. The transports are duck-typed (handle_request / close).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from requests.utils import get_environ_proxies

from wizard.errors import NetworkError
from wizard.live.http import HttpSettings, _is_json, ssl_context
from wizard.live.netmap import RETRYABLE, classify, not_json, service_error
from wizard.live.trace import Trace
from wizard.service_hosts import is_routed

if TYPE_CHECKING:
    import httpx


def env_proxy_for(url: str, settings: HttpSettings) -> str | None:
    """The proxy for this URL: the one the settings give, else the one the environment names (HTTPS_PROXY,
    ALL_PROXY, honouring NO_PROXY)."""
    if settings.proxy:
        return settings.proxy
    if not settings.use_env_proxies:
        return None
    proxies = get_environ_proxies(url)
    scheme = url.split(":", 1)[0].lower()
    return proxies.get(scheme) or proxies.get("all")


class _Tracing:
    """Shared part of the httpx transports: record, retry decision, error mapping.

    httpx's own trust_env would also read SSL_CERT_FILE; proxies are the only part of the
    environment wanted, so the transport picks a proxied or direct inner transport per request.
    """

    def __init__(self, settings: HttpSettings, trace: Trace, step: str) -> None:
        self.settings = settings
        self.trace = trace
        self.step = step
        self.context = ssl_context(settings.ca_file)
        #: The last answer, unredacted (for ApiResult; the trace keeps the redacted copy).
        self.last_response: httpx.Response | None = None

    def timeout_ext(self, request: httpx.Request) -> None:
        connect, read = self.settings.timeouts()
        request.extensions["timeout"] = {"connect": connect, "read": read, "write": read, "pool": connect}

    def record(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        start: float,
        attempt: int,
        error: str | None,
    ) -> None:
        if response is not None:
            self.last_response = response
        self.trace.record(
            step=self.step,
            method=request.method,
            url=str(request.url),
            status=response.status_code if response is not None else None,
            duration_ms=(time.monotonic() - start) * 1000,
            request_headers=dict(request.headers),
            request_body=request.content if request.content else None,
            response_headers=dict(response.headers) if response is not None else None,
            response_body=response.content if response is not None else None,
            error=error,
            attempt=attempt,
        )

    def fail(self, request: httpx.Request, exc: Exception, start: float, attempt: int) -> NetworkError:
        url = str(request.url)
        error = classify(exc, url, proxy=env_proxy_for(url, self.settings))
        self.record(request, None, start, attempt, error.title)
        return error

    def after(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before a retry, or None: then raise for 429/5xx or return the answer."""
        if response.status_code in RETRYABLE:
            wait = self.settings.retry_wait(response.headers, attempt)
            if wait is not None:
                self.trace.note(self.step, f"{response.status_code}: retrying in {wait:.1f} s")
                return wait
        problem = service_error(response.status_code, response.headers, response.content, str(request.url))
        if problem is not None:
            raise problem
        content_type = response.headers.get("content-type", "")
        if "json" in content_type and response.content and not _is_json(response.content):
            raise not_json(str(request.url), response.status_code)
        return None


def connected(request: httpx.Request, settings: HttpSettings) -> httpx.Request:
    """The request to send: in sandbox mode, one for a Microsoft service's host goes to the sandbox's
    address, with TLS (SNI and certificate check) and the Host header still naming the real host."""
    target = settings.connect_to
    if not target or not is_routed(request.url.host):
        return request
    import httpx

    host, _, port = target.rpartition(":")
    url = request.url.copy_with(host=host.strip("[]"), port=int(port))
    extensions = {**request.extensions, "sni_hostname": request.url.host}
    return httpx.Request(
        request.method, url, headers=request.headers, stream=request.stream, extensions=extensions
    )


class TracingTransport:
    """A sync httpx transport that traces, retries on Retry-After and raises typed errors.

    `inner` replaces the network transport (tests pass an httpx.MockTransport); by default one
    httpx.HTTPTransport per proxy the environment names.
    """

    def __init__(
        self,
        settings: HttpSettings,
        trace: Trace,
        step: str = "api",
        *,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self._t = _Tracing(settings, trace, step)
        self._inner: dict[str | None, httpx.BaseTransport] = {}
        self._given = inner

    def _transport(self, request: httpx.Request) -> httpx.BaseTransport:
        if self._given is not None:
            return self._given
        proxy = env_proxy_for(str(request.url), self._t.settings)
        if proxy not in self._inner:
            import httpx

            self._inner[proxy] = httpx.HTTPTransport(verify=self._t.context, proxy=proxy, retries=0)
        return self._inner[proxy]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import httpx

        attempt = 1
        while True:
            self._t.settings.deadline.check(str(request.url))
            self._t.trace.sending(self._t.step)
            self._t.timeout_ext(request)
            start = time.monotonic()
            try:
                response = self._transport(request).handle_request(connected(request, self._t.settings))
                response.read()
            except httpx.HTTPError as exc:
                raise self._t.fail(request, exc, start, attempt) from None
            self._t.record(request, response, start, attempt, None)
            wait = self._t.after(request, response, attempt)
            if wait is None:
                return response
            self._t.settings.deadline.sleep(wait)
            attempt += 1

    @property
    def last_response(self) -> httpx.Response | None:
        return self._t.last_response

    def __enter__(self) -> TracingTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for inner in self._inner.values():
            inner.close()
        if self._given is not None:
            self._given.close()


class AsyncTracingTransport:
    """The async twin of TracingTransport (msgraph-sdk and kiota use httpx.AsyncClient)."""

    def __init__(
        self,
        settings: HttpSettings,
        trace: Trace,
        step: str = "api",
        *,
        inner: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._t = _Tracing(settings, trace, step)
        self._inner: dict[str | None, httpx.AsyncBaseTransport] = {}
        self._given = inner

    def _transport(self, request: httpx.Request) -> httpx.AsyncBaseTransport:
        if self._given is not None:
            return self._given
        proxy = env_proxy_for(str(request.url), self._t.settings)
        if proxy not in self._inner:
            import httpx

            self._inner[proxy] = httpx.AsyncHTTPTransport(verify=self._t.context, proxy=proxy, retries=0)
        return self._inner[proxy]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import httpx

        attempt = 1
        while True:
            self._t.settings.deadline.check(str(request.url))
            self._t.trace.sending(self._t.step)
            self._t.timeout_ext(request)
            start = time.monotonic()
            try:
                sent = connected(request, self._t.settings)
                response = await self._transport(request).handle_async_request(sent)
                await response.aread()
            except httpx.HTTPError as exc:
                raise self._t.fail(request, exc, start, attempt) from None
            self._t.record(request, response, start, attempt, None)
            wait = self._t.after(request, response, attempt)
            if wait is None:
                return response
            await self._t.settings.deadline.asleep(wait)
            attempt += 1

    @property
    def last_response(self) -> httpx.Response | None:
        return self._t.last_response

    async def __aenter__(self) -> AsyncTracingTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for inner in self._inner.values():
            await inner.aclose()


def httpx_client(
    settings: HttpSettings,
    trace: Trace,
    *,
    step: str = "api",
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The sync httpx client of the core (the own-API probe, signature keys): the run's trust, proxies,
    timeouts, retries and typed errors. `transport` swaps only the network underneath (tests)."""
    import httpx

    traced = cast("httpx.BaseTransport", TracingTransport(settings, trace, step, inner=transport))
    return httpx.Client(transport=traced, trust_env=False, follow_redirects=False)


def httpx_async_client(settings: HttpSettings, trace: Trace, *, step: str = "api") -> httpx.AsyncClient:
    """An async httpx client for msgraph-sdk / kiota."""
    import httpx

    transport = cast("httpx.AsyncBaseTransport", AsyncTracingTransport(settings, trace, step))
    return httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False)
