"""Throughput of the sandbox token endpoint and Graph slice under concurrent loopback clients.

Run: .venv/bin/python bench/sandbox_throughput.py [--clients 32] [--requests 2000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from typing import Any

from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_async_client

GRAPH = "https://graph.microsoft.com/.default"


async def _run(sb: Sandbox, clients: int, total: int, kind: str) -> dict[str, Any]:
    app = sb.app("graph-daemon")
    assert app.secret
    form = {
        "grant_type": "client_credentials",
        "client_id": app.client_id,
        "client_secret": app.secret,
        "scope": GRAPH,
    }
    token_url = f"{app.authority}/oauth2/v2.0/token"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    per_client = max(1, total // clients)

    async def worker() -> None:
        async with httpx_async_client(sb.ca_file, timeout=60) as http:
            token = (await http.post(token_url, data=form)).json()["access_token"]
            for _ in range(per_client):
                start = time.perf_counter()
                if kind == "token":
                    r = await http.post(token_url, data=form)
                else:
                    r = await http.get(
                        f"{sb.graph_base_url}/users", headers={"Authorization": f"Bearer {token}"}
                    )
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "endpoint": kind,
        "clients": clients,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data, Sandbox(data_dir=data) as sb:
        results = [asyncio.run(_run(sb, args.clients, args.requests, kind)) for kind in ("token", "graph")]
    if args.json:
        print(json.dumps(results))
        return
    for r in results:
        print(
            f"{r['endpoint']:<6} {r['requests']} requests, {r['clients']} clients: "
            f"{r['requests_per_second']} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"statuses {r['statuses']}"
        )


if __name__ == "__main__":
    main()
