"""A bounded loopback load generator for token endpoints, and the raw RS256 signing rate."""

from __future__ import annotations

import asyncio
import ipaddress
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Target:
    """A token endpoint on 127.0.0.1 and the client-credentials form it accepts."""

    name: str
    token_url: str
    form: dict[str, str]
    ca_file: str
    details: dict[str, str] = field(default_factory=dict)  # what else a client needs (sandbox only)


@dataclass
class Stats:
    """Throughput and latency of one load run."""

    clients: int
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(0.99)


def _loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"load is only ever sent to loopback, not {host}")


async def _load(target: Target, clients: int, total: int, time_cap: float) -> Stats:
    from wizard.sandbox.trust import httpx_async_client

    _loopback_only(target.token_url)
    stats = Stats(clients=clients)
    per_client = max(1, total // clients)
    deadline = time.perf_counter() + time_cap

    async def worker() -> None:
        async with httpx_async_client(target.ca_file, timeout=30) as http:
            await http.post(target.token_url, data=target.form)  # connection set up outside the timing
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    return
                start = time.perf_counter()
                try:
                    r = await http.post(target.token_url, data=target.form)
                except Exception:  # a dropped connection is counted, not fatal to the benchmark
                    stats.errors += 1
                    continue
                stats.latencies_ms.append((time.perf_counter() - start) * 1000)
                stats.statuses[r.status_code] = stats.statuses.get(r.status_code, 0) + 1
                if r.status_code == 200 and "access_token" not in r.json():
                    stats.errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    stats.seconds = time.perf_counter() - start
    stats.requests = len(stats.latencies_ms)
    return stats


def load(target: Target, *, clients: int, total: int, time_cap: float = 20.0) -> Stats:
    """`total` token requests from `clients` concurrent keep-alive clients, stopped after `time_cap` s."""
    return asyncio.run(_load(target, clients, total, time_cap))


def rs256_signing_rate(*, seconds: float = 1.0, max_signatures: int = 20000) -> float:
    """RS256 signatures per second on one thread with a 2048-bit key (what the sandbox signs with)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from wizard.sandbox.tls import new_key

    key = new_key()
    message = b"eyJhbGciOiJSUzI1NiJ9." + b"x" * 900  # a token-sized signing input
    count = 0
    start = time.perf_counter()
    while count < max_signatures and time.perf_counter() - start < seconds:
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        count += 1
    return count / (time.perf_counter() - start)
