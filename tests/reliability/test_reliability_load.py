"""Load: 64 concurrent clients, a bounded number of token and Graph requests, every answer correct."""

from __future__ import annotations

import asyncio
import time

import jwt

from wizard.sandbox import Sandbox
from wizard.sandbox.tokens import unnonce
from wizard.sandbox.trust import httpx_async_client

CLIENTS = 64
ROUNDS = 4  # per client: a token request then a Graph call with it
BOUND_S = 90.0


async def test_64_concurrent_clients(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    form = {
        "grant_type": "client_credentials",
        "client_id": app.client_id,
        "client_secret": app.secret or "",
        "scope": "https://graph.microsoft.com/.default",
    }
    token_url = f"{app.authority}/oauth2/v2.0/token"
    statuses: list[tuple[str, int]] = []
    failures: list[str] = []
    tokens: list[str] = []
    deadline = time.monotonic() + BOUND_S

    async def client() -> None:
        async with httpx_async_client(sandbox.ca_file, timeout=60) as http:
            for _ in range(ROUNDS):
                if time.monotonic() > deadline:
                    failures.append("deadline")
                    return
                try:
                    r = await http.post(token_url, data=form)
                    statuses.append(("token", r.status_code))
                    token = r.json()["access_token"]
                    tokens.append(token)
                    g = await http.get(
                        f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {token}"}
                    )
                    statuses.append(("graph", g.status_code))
                    if g.status_code == 200 and not g.json()["value"]:
                        failures.append("empty Graph answer")
                except Exception as exc:  # a dropped connection or a bad body is a failure of the test
                    failures.append(type(exc).__name__)

    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(CLIENTS))), timeout=BOUND_S + 10)
    assert failures == []
    assert len(statuses) == 2 * CLIENTS * ROUNDS
    assert {s for _, s in statuses} == {200}
    key = sandbox.state.signing_key.key.public_key()
    for token in tokens:
        claims = jwt.decode(unnonce(token), key, algorithms=["RS256"], audience="https://graph.microsoft.com")
        assert claims["appid"] == app.client_id
        assert "User.Read.All" in claims["roles"]
    assert len({jwt.decode(t, options={"verify_signature": False})["uti"] for t in tokens}) == len(tokens)
