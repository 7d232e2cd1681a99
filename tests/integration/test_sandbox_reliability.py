"""Fault injection, the redacted request log, and a bounded load test of the token endpoint."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import jwt
import pytest

from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_async_client

GRAPH = "https://graph.microsoft.com/.default"


def _form(sb: Sandbox, name: str = "graph-daemon") -> tuple[str, dict[str, str]]:
    app = sb.app(name)
    assert app.secret
    data = {
        "grant_type": "client_credentials",
        "client_id": app.client_id,
        "client_secret": app.secret,
        "scope": GRAPH,
    }
    return f"{app.authority}/oauth2/v2.0/token", data


@pytest.mark.parametrize(("kind", "status"), [("429", 429), ("503", 503), ("500", 500)])
def test_status_faults(sandbox: Sandbox, sandbox_http: httpx.Client, kind: str, status: int) -> None:
    url, data = _form(sandbox)
    sandbox.faults.inject("token", kind, retry_after=7, times=1)
    r = sandbox_http.post(url, data=data)
    assert r.status_code == status
    if status != 500:
        assert r.headers["retry-after"] == "7"
    assert sandbox_http.post(url, data=data).status_code == 200  # times=1: the next one is fine


def test_malformed_json(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    url, data = _form(sandbox)
    sandbox.faults.inject("token", "malformed_json", times=1)
    r = sandbox_http.post(url, data=data)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def test_drop(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    sandbox.faults.inject("graph", "drop", times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        sandbox_http.get(f"{sandbox.graph_base_url}/users")
    assert sandbox_http.get(f"{sandbox.graph_base_url}/users").status_code == 401  # served again


def test_delay_and_hang(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    url, data = _form(sandbox)
    sandbox.faults.inject("token", "delay", delay=0.3, times=1)
    start = time.monotonic()
    assert sandbox_http.post(url, data=data).status_code == 200
    assert time.monotonic() - start >= 0.3
    sandbox.faults.inject("discovery", "hang")
    with pytest.raises(httpx.ReadTimeout):
        sandbox_http.get(f"{sandbox.authority('contoso')}/v2.0/.well-known/openid-configuration", timeout=0.5)
    sandbox.faults.clear()


def test_wildcard_fault_hits_todo(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    sandbox.faults.inject("*", "503", times=1)
    r = sandbox_http.get(f"{sandbox.todo_base_url}/api/todolist")
    assert r.status_code == 503
    assert r.headers["retry-after"] == "1"


def test_unknown_fault_kind_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        sandbox.faults.inject("token", "explode")


def test_request_log_redacts_secrets(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    url, data = _form(sandbox)
    token = sandbox_http.post(url, data=data).json()["access_token"]
    sandbox_http.get(
        f"{sandbox.base_url}/common/discovery/instance", params={"client_secret": data["client_secret"]}
    )
    entries = sandbox.request_log
    assert any(e.endpoint == "token" and e.status == 200 and e.duration_ms >= 0 for e in entries)
    dump = repr(entries) + repr([e.to_dict() for e in entries])
    assert data["client_secret"] not in dump
    assert token not in dump
    assert "client_secret=%5Bredacted%5D" in dump


async def test_load_concurrent_clients(sandbox: Sandbox) -> None:
    """32 concurrent clients, 320 token requests: all 200, all tokens valid, no 5xx."""
    url, data = _form(sandbox)
    key = sandbox.state.signing_key.key.public_key()
    statuses: list[int] = []
    tokens: list[str] = []

    async def worker() -> None:
        async with httpx_async_client(sandbox.ca_file, timeout=30) as client:
            for _ in range(10):
                r = await client.post(url, data=data)
                statuses.append(r.status_code)
                if r.status_code == 200:
                    tokens.append(r.json()["access_token"])

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(32)))
    elapsed = time.monotonic() - start
    assert statuses.count(200) == 320, sorted(set(statuses))
    from wizard.sandbox.tokens import unnonce

    for token in tokens:
        claims = jwt.decode(unnonce(token), key, algorithms=["RS256"], audience="https://graph.microsoft.com")
        assert claims["roles"]
    assert elapsed < 60


def test_clear_releases_a_hung_request(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    sandbox.faults.inject("graph", "hang", times=1)
    with pytest.raises(httpx.ReadTimeout):
        sandbox_http.get(f"{sandbox.graph_base_url}/users", timeout=0.3)
    sandbox.faults.clear()
    released = sandbox.wait_for_request(
        lambda log: any(e.endpoint == "graph" and e.fault == "hang" and e.status == 401 for e in log)
    )
    assert released, "the hung request was not released by clear()"


def test_get_on_token_endpoint_is_900561(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    r = sandbox_http.get(f"{sandbox.authority('contoso')}/oauth2/v2.0/token")
    assert r.status_code == 400
    assert r.json()["error_codes"] == [900561]


def test_port_in_use_is_a_typed_error(sandbox: Sandbox) -> None:
    from wizard.errors import ConnectError

    with pytest.raises(ConnectError, match="could not listen"):
        Sandbox(port=sandbox.port, data_dir=Path(sandbox.ca_file).parent.parent).start()
