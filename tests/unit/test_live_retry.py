"""Retry policy of the httpx transports: Retry-After honoured and capped, 4xx never retried, no wait past the
deadline. The waits are recorded by a fake clock (the `clock=` seam), never slept."""

from __future__ import annotations

import threading

import httpx
import pytest
from fake_clock import FakeClock

from wizard.errors import ServiceUnavailable
from wizard.live.http import Deadline, HttpSettings
from wizard.live.httpx_transport import AsyncTracingTransport, TracingTransport
from wizard.live.trace import Trace


def _answers(answers: list[httpx.Response]) -> tuple[httpx.MockTransport, list[int]]:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return answers[min(len(calls), len(answers)) - 1]

    return httpx.MockTransport(handler), calls


def _get(answers: list[httpx.Response], settings: HttpSettings) -> tuple[int, list[int]]:
    mock, calls = _answers(answers)
    with httpx.Client(transport=TracingTransport(settings, Trace(), inner=mock)) as client:
        return client.get("https://api.test/x").status_code, calls


def test_retry_after_is_honoured_then_success() -> None:
    clock = FakeClock()
    status, calls = _get(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200)],
        HttpSettings.bounded(10, clock=clock),
    )
    assert status == 200
    assert len(calls) == 2
    assert clock.sleeps == [2.0]


def test_retries_are_capped_in_number_and_wait() -> None:
    clock = FakeClock()
    settings = HttpSettings.bounded(60, max_retries=2, max_retry_wait=5.0, clock=clock)
    with pytest.raises(ServiceUnavailable) as info:
        _get([httpx.Response(503, headers={"Retry-After": "3600"})], settings)
    assert clock.sleeps == [5.0, 5.0], "Retry-After: 3600 capped at max_retry_wait, two retries at most"
    assert info.value.retry_after == 3600


def test_without_retry_after_the_back_off_grows() -> None:
    clock = FakeClock()
    with pytest.raises(ServiceUnavailable):
        _get([httpx.Response(502)], HttpSettings.bounded(60, clock=clock))
    assert clock.sleeps == [0.5, 1.0]


def test_no_retry_whose_wait_would_pass_the_deadline() -> None:
    clock = FakeClock()
    settings = HttpSettings.bounded(8, max_retry_wait=5.0, clock=clock)
    with pytest.raises(ServiceUnavailable):
        _get([httpx.Response(503, headers={"Retry-After": "3600"})], settings)
    assert clock.sleeps == [5.0], "a second 5 s wait does not fit the 3 s left"


@pytest.mark.parametrize("status", [400, 401, 403])
def test_client_errors_are_never_retried(status: int) -> None:
    clock = FakeClock()
    assert _get([httpx.Response(status)], HttpSettings.bounded(10, clock=clock)) == (status, [1])
    assert clock.sleeps == []


async def test_async_transport_waits_through_the_same_clock() -> None:
    clock = FakeClock()
    mock, calls = _answers([httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200)])
    transport = AsyncTracingTransport(HttpSettings.bounded(10, clock=clock), Trace(), inner=mock)
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get("https://graph.test/v1.0/users")).status_code == 200
    assert len(calls) == 2
    assert clock.sleeps == [3.0]


def test_deadline_counts_the_waits_and_a_cancel_wakes_the_real_sleep() -> None:
    clock = FakeClock()
    deadline = Deadline(10, clock=clock)
    deadline.sleep(4)
    assert 5.5 < deadline.remaining() <= 6.0
    deadline.sleep(60)
    assert clock.sleeps == [4.0, pytest.approx(6.0, abs=0.5)], "never a wait past the deadline"
    real = Deadline(30)
    threading.Timer(0, real.cancel).start()
    real.sleep(30)  # returns as soon as the timer thread cancels, not when the budget is spent
    assert real.cancelled
    assert real.remaining() > 0
