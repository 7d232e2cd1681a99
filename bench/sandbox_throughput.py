"""Sandbox token throughput at concurrency 1/8/32, next to RS256 signing and oauth2-mock-server.

Run alone: .venv/bin/python -m bench.sandbox_throughput [--requests 600] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.harness import Row, print_table
from bench.loadgen import Stats, Target, load, rs256_signing_rate
from bench.targets import install_oauth2_mock_server, oauth2_mock_server, sandbox_process

LEVELS = (1, 8, 32)


def _label(name: str, s: Stats) -> str:
    bad = sum(n for code, n in s.statuses.items() if code != 200) + s.errors
    extra = f", {bad} not 200" if bad else ""
    return f"{name} c={s.clients} (p50 {s.p50:.1f} ms, p99 {s.p99:.1f} ms{extra})"


def _levels(target: Target, total: int, time_cap: float) -> dict[int, Stats]:
    return {
        c: load(target, clients=c, total=total if c > 1 else total // 4, time_cap=time_cap) for c in LEVELS
    }


def run(*, total: int = 800, time_cap: float = 15.0, mock: bool = True) -> tuple[list[Row], list[str]]:
    """Rows: sandbox tokens/s per level vs the signing floor, then vs oauth2-mock-server when available."""
    rows: list[Row] = []
    notes: list[str] = []
    signs = rs256_signing_rate()
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        folder = Path(tmp)
        with sandbox_process(folder / "sandbox") as target:
            sandbox = _levels(target, total, time_cap)
        for s in sandbox.values():
            rows.append(
                Row("throughput", _label("sandbox", s), s.per_second, "RS256 signs, 1 thread", signs, "/s")
            )
        if not mock:
            notes.append("oauth2-mock-server: skipped (--quick)")
            return rows, notes
        why = install_oauth2_mock_server(folder / "node")
        if why:
            notes.append(f"oauth2-mock-server: skipped, {why}")
            return rows, notes
        try:
            with oauth2_mock_server(folder / "node", folder / "sandbox") as target:
                other = _levels(target, total, time_cap)
        except (RuntimeError, OSError, ValueError) as exc:
            notes.append(f"oauth2-mock-server: skipped, {exc}")
            return rows, notes
        for c in LEVELS:
            rows.append(
                Row(
                    "throughput",
                    f"sandbox c={c}",
                    sandbox[c].per_second,
                    _label("oauth2-mock-server", other[c]),
                    other[c].per_second,
                    "/s",
                )
            )
    notes.append(
        "throughput: one Python asyncio load generator (httpx, keep-alive) drives both servers over HTTPS on "
        "127.0.0.1; each server runs in its own process"
    )
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=800, help="token requests per concurrency level")
    parser.add_argument("--quick", action="store_true", help="fewer requests, no oauth2-mock-server")
    args = parser.parse_args()
    rows, notes = run(total=200 if args.quick else args.requests, mock=not args.quick)
    print_table(rows)
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
