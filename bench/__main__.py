"""`python -m bench` (make bench): run every benchmark and print one table of side-by-side ratios."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from collections.abc import Callable

from bench import (
    audit_tenant,
    sandbox_throughput,
    scan_tree,
    startup,
    tmux_paint,
    token_overhead,
    ui_memory,
    whole_process,
)
from bench.harness import Row, print_table

GROUPS = ("whole", "startup", "token", "throughput", "ui", "audit", "scan")


def _whole(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    return whole_process.run(rounds=rounds)


def _startup(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    rows, imports, notes = startup.run(rounds=rounds)
    notes += [f"heavy modules imported by {k}: {', '.join(v) if v else 'none'}" for k, v in imports.items()]
    tmux_rows, tmux_notes = tmux_paint.run(rounds=rounds)  # the same first paint, in a real terminal
    return rows[:2] + tmux_rows + rows[2:], notes + tmux_notes


def _token(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    rows, ex = token_overhead.run(rounds=rounds)
    notes = [
        f"token test exchanges (Graph): doctor {ex.doctor}, raw httpx {ex.raw}; "
        f"second acquisition from msal's cache: {ex.cached_second} exchanges"
    ]
    return rows, notes


def _throughput(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    return sandbox_throughput.run(total=200 if quick else 800, time_cap=10 if quick else 20, mock=not quick)


def _ui(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    return ui_memory.run(rounds=1 if quick else 3)


def _audit(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    return audit_tenant.run(apps=2_000 if quick else 10_000)


def _scan(quick: bool, rounds: int) -> tuple[list[Row], list[str]]:
    return scan_tree.run(files=2_000 if quick else 10_000, planted=50 if quick else 200)


RUNNERS: dict[str, Callable[[bool, int], tuple[list[Row], list[str]]]] = {
    "whole": _whole,
    "startup": _startup,
    "token": _token,
    "throughput": _throughput,
    "ui": _ui,
    "audit": _audit,
    "scan": _scan,
}


def _machine() -> str:
    """The CPU model (Linux /proc/cpuinfo), else the platform's machine name."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds per comparison")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests, no npm install")
    parser.add_argument("--only", choices=GROUPS, action="append", help="run only these groups")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    rows: list[Row] = []
    notes: list[str] = []
    for name in args.only or GROUPS:
        sys.stderr.write(f"bench: {name} ...\n")
        group_rows, group_notes = RUNNERS[name](args.quick, rounds)
        rows.extend(group_rows)
        notes.extend(group_notes)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    sys.stdout.write(
        f"# {stamp}, {_machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} at the end, "
        f"{'quick' if args.quick else 'full'} run, {rounds} rounds; medians of alternating runs\n"
    )
    print_table(rows)
    for note in notes:
        sys.stdout.write(note + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
