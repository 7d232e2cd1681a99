"""Every transport failure maps to one typed error with a hint; Retry-After is read both ways."""

from __future__ import annotations

import email.utils
import socket
import ssl

import httpx
import pytest
import requests

from wizard.errors import ConnectError, DnsError, ProxyError, ServiceUnavailable, TimeoutError_, TlsError
from wizard.live.netmap import classify, parse_retry_after, service_error

URL = "https://login.example.test/t/oauth2/v2.0/token"


def _caused(outer: Exception, cause: BaseException) -> Exception:
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_caused(requests.ConnectionError("x"), socket.gaierror(-2, "Name or service not known")), DnsError),
        (_caused(requests.ConnectionError("x"), ConnectionRefusedError(111, "refused")), ConnectError),
        (requests.exceptions.ProxyError("proxy said no"), ProxyError),
        (requests.exceptions.SSLError("certificate verify failed"), TlsError),
        (requests.exceptions.ReadTimeout("read timed out"), TimeoutError_),
        (httpx.ConnectTimeout("t"), TimeoutError_),
        (
            _caused(httpx.ConnectError("x"), ssl.SSLCertVerificationError("certificate verify failed")),
            TlsError,
        ),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), ConnectError),
    ],
)
def test_classify(exc: Exception, expected: type[Exception]) -> None:
    error = classify(exc, URL)
    assert type(error) is expected
    assert error.hint
    assert error.url == URL


def test_outdated_tls_is_named() -> None:
    error = classify(requests.exceptions.SSLError("[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol"), URL)
    assert isinstance(error, TlsError)
    assert "protocol version" in error.title


def test_retry_after_seconds_and_date() -> None:
    assert parse_retry_after("7") == 7.0
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after(date, now=1_000_000) == pytest.approx(30.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_service_error_for_throttling_and_5xx_only() -> None:
    body = b'{"error":"temporarily_unavailable","error_description":"AADSTS90033: A transient error."}'
    error = service_error(503, {"Retry-After": "12"}, body, URL)
    assert isinstance(error, ServiceUnavailable)
    assert error.retry_after == 12.0
    assert "AADSTS90033" in error.title
    assert service_error(429, {}, b"", URL) is not None
    assert service_error(400, {}, b'{"error":"invalid_client"}', URL) is None
    assert service_error(403, {}, b"", URL) is None
