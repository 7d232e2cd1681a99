"""Map every transport failure (requests, httpx, ssl, socket) and throttling answer to wizard.errors."""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import ssl
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from wizard.errors import (
    ConnectError,
    DnsError,
    NetworkError,
    ProxyError,
    ServiceUnavailable,
    TimeoutError_,
    TlsError,
)
from wizard.urls import split_url

#: Answers worth retrying after the wait the server asks for.
RETRYABLE = frozenset({429, 502, 503, 504})
_TIMEOUT_NAMES = frozenset(
    {"ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout", "Timeout", "TimeoutError"}
)
_OUTDATED_TLS = ("unsupported protocol", "wrong version number", "protocol_version", "no protocols available")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        cur = todo.pop(0)
        if any(cur is s for s in seen):
            continue
        seen.append(cur)
        for nxt in (cur.__cause__, cur.__context__, *[a for a in cur.args if isinstance(a, BaseException)]):
            if nxt is not None:
                todo.append(nxt)
        reason = getattr(cur, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
    return seen


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def proxy_label(proxy: str | None) -> str | None:
    """`host:port` of a proxy URL, without its credentials (they never reach a message)."""
    if not proxy:
        return None
    parts = split_url(proxy if "://" in proxy else f"http://{proxy}")
    if not parts.host:
        return "the configured proxy"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return netloc or parts.host


def _proxy_failure(names: set[str], chain: list[BaseException], proxy: str | None) -> str | None:
    """What went wrong on the way through a proxy (`did not answer`...), or None when no proxy is used."""
    if not proxy:
        return "failed the connection" if "ProxyError" in names else None
    if names & _TIMEOUT_NAMES or any(isinstance(e, (socket.timeout, TimeoutError)) for e in chain):
        return "did not answer in time"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused the connection"
    if "ProxyError" in names:
        return "failed the connection"
    return None


def _dropped_in_handshake(chain: list[BaseException], text: str) -> bool:
    """The peer closed the connection mid-handshake (an EOF), which is not an untrusted certificate."""
    if "certificate verify" in text or "certificate_verify" in text:
        return False
    eof = any(isinstance(e, ssl.SSLEOFError) for e in chain)
    return eof or "unexpected_eof" in text or "eof occurred in violation of protocol" in text


def classify(exc: BaseException, url: str, *, proxy: str | None = None) -> NetworkError:
    """A typed NetworkError with a hint, for any exception a transport raised.

    `proxy` is the proxy URL the request went through, if any: its failures are named as the proxy's
    (host and port, never its credentials), not as a firewall or the target's.
    """
    if isinstance(exc, NetworkError):
        return exc
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    text = " ".join(str(e) for e in chain).lower()
    host = _host(url)
    failure = _proxy_failure(names, chain, proxy)
    if failure is not None:
        via = proxy_label(proxy) or "the proxy"
        return ProxyError(
            f"The proxy {via} {failure} (on the way to {host})",
            hint=f"Check HTTPS_PROXY/HTTP_PROXY/NO_PROXY and that the proxy {via} is up and allows this host; "
            "run with --no-proxy to test a direct connection.",
            url=url,
        )
    if names & _TIMEOUT_NAMES or any(isinstance(e, (socket.timeout, TimeoutError)) for e in chain):
        phase = "connecting to" if "ConnectTimeout" in names else "waiting for an answer from"
        return TimeoutError_(
            f"Timed out {phase} {host}",
            hint="The service or the network is slow or blocked; retry later or raise --timeout.",
            url=url,
        )
    if _dropped_in_handshake(chain, text):
        return ConnectError(
            f"{host} closed the connection during the TLS handshake",
            hint="The server or something in between dropped the connection (not a trust problem); retry, "
            "check that the URL's port speaks HTTPS, or check a proxy/firewall.",
            url=url,
        )
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSLError" in names or "certificate verify" in text:
        if any(marker in text for marker in _OUTDATED_TLS):
            return TlsError(
                f"TLS with {host} failed: the protocol version or cipher is not accepted",
                hint="Use TLS 1.2 or later (update Python/OpenSSL); Entra no longer accepts TLS 1.0/1.1.",
                url=url,
            )
        return TlsError(
            f"The TLS certificate of {host} is not trusted",
            hint=(
                "If a corporate TLS proxy or a local sandbox signs it, pass its CA with --ca-file PATH; "
                "otherwise the host may not be who it claims to be."
            ),
            url=url,
        )
    if (
        any(isinstance(e, socket.gaierror) for e in chain)
        or "NameResolutionError" in names
        or "name or service not known" in text
        or "nodename nor servname" in text
        or "name resolution" in text
        or "getaddrinfo failed" in text
    ):
        return DnsError(
            f"The host name {urlsplit(url).hostname or host} could not be resolved",
            hint="Check the spelling of the authority/API host, your DNS, and whether a proxy is required.",
            url=url,
        )
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in text:
        return ConnectError(
            f"The connection to {host} was refused",
            hint="Nothing listens on that host and port: check the URL (and that the sandbox is running).",
            url=url,
        )
    if (
        any(isinstance(e, (ConnectionResetError, http.client.RemoteDisconnected)) for e in chain)
        or names & {"RemoteProtocolError", "ReadError", "ProtocolError", "RemoteDisconnected"}
        or "connection aborted" in text
        or "without response" in text
    ):
        return ConnectError(
            f"{host} closed the connection without an answer",
            hint="The server or something in between dropped the connection; retry, or check proxy/firewall.",
            url=url,
        )
    return ConnectError(
        f"The connection to {host} failed ({type(exc).__name__})",
        hint="Check the URL, the network and any proxy settings.",
        url=url,
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _described(body: bytes | str) -> str:
    """The service's own words for the failure, if its body says it (OAuth or Graph error JSON)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or "")[:200]
    description = str(data.get("error_description") or error or "")
    return description.replace("\r\n", "\n").split("\n", 1)[0][:200]


def service_error(
    status: int, headers: Mapping[str, str], body: bytes | str, url: str
) -> ServiceUnavailable | None:
    """ServiceUnavailable for 429 and 5xx answers, with the service's own words when it gave some."""
    if status != 429 and status < 500:
        return None
    retry_after = parse_retry_after(headers.get("Retry-After") or headers.get("retry-after"))
    host = _host(url)
    if status == 429:
        title = f"{host} is throttling requests (429 Too Many Requests)"
    else:
        title = f"{host} answered {status}: the service is unavailable or failing"
    wait = f"; it asked to retry after {retry_after:.0f} s" if retry_after is not None else ""
    said = _described(body)
    return ServiceUnavailable(
        title + (f" ({said})" if said else ""),
        hint=f"Retry later{wait}. A daemon should honour Retry-After with a bounded back-off.",
        url=url,
        status=status,
        retry_after=retry_after,
    )


def not_json(url: str, status: int) -> NetworkError:
    return NetworkError(
        f"{_host(url)} answered {status} with a body that is not JSON",
        hint="Something between you and the service (proxy, captive portal, load balancer) may be answering.",
        url=url,
        status=status,
    )
