"""Retry policy of the httpx transport: Retry-After honoured and capped, 4xx never retried."""

from __future__ import annotations

import time

import httpx
import pytest

from wizard.errors import ServiceUnavailable
from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import TracingTransport
from wizard.live.trace import Trace


def _transport(answers: list[httpx.Response], settings: HttpSettings) -> tuple[TracingTransport, list[int]]:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return answers[min(len(calls), len(answers)) - 1]

    transport = TracingTransport(settings, Trace())
    mock = httpx.MockTransport(handler)
    transport._transport = lambda request: mock  # type: ignore[assignment,method-assign,return-value]
    return transport, calls


def test_retry_after_is_honoured_then_success() -> None:
    settings = HttpSettings.bounded(10, max_retry_wait=0.2)
    transport, calls = _transport(
        [httpx.Response(429, headers={"Retry-After": "0.1"}), httpx.Response(200)], settings
    )
    with httpx.Client(transport=transport) as client:
        assert client.get("https://api.test/x").status_code == 200
    assert len(calls) == 2


def test_retries_are_capped_in_number_and_wait() -> None:
    settings = HttpSettings.bounded(10, max_retries=2, max_retry_wait=0.1)
    transport, calls = _transport([httpx.Response(503, headers={"Retry-After": "3600"})], settings)
    start = time.monotonic()
    with httpx.Client(transport=transport) as client, pytest.raises(ServiceUnavailable) as info:
        client.get("https://api.test/x")
    assert len(calls) == 3
    assert time.monotonic() - start < 2
    assert info.value.retry_after == 3600


@pytest.mark.parametrize("status", [400, 401, 403])
def test_client_errors_are_never_retried(status: int) -> None:
    transport, calls = _transport([httpx.Response(status)], HttpSettings.bounded(10))
    with httpx.Client(transport=transport) as client:
        assert client.get("https://api.test/x").status_code == status
    assert len(calls) == 1
