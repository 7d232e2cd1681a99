"""Shared helpers: alternating timed runs, medians and a plain table."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One line of a benchmark table: a measured thing against its baseline."""

    bench: str
    subject: str
    subject_value: float
    baseline: str
    baseline_value: float
    unit: str
    target: str = ""

    @property
    def ratio(self) -> float:
        return self.subject_value / self.baseline_value if self.baseline_value else float("inf")


def time_command(argv: Sequence[str], *, env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds of one process run."""
    start = time.perf_counter()
    subprocess.run(list(argv), check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def alternate_runs(
    subject: Callable[[], T], baseline: Callable[[], T], *, rounds: int = 7, warmup: int = 1
) -> tuple[list[T], list[T]]:
    """Run subject and baseline alternately, every round's two results. The order swaps each round (ABBA),
    so neither always runs first: drift within a round and the slot's own bias hit both alike."""
    for _ in range(warmup):
        subject()
        baseline()
    s: list[T] = []
    b: list[T] = []
    for n in range(rounds):
        if n % 2 == 0:
            s.append(subject())
            b.append(baseline())
        else:
            b.append(baseline())
            s.append(subject())
    return s, b


def alternate(
    subject: Callable[[], float], baseline: Callable[[], float], *, rounds: int = 7, warmup: int = 1
) -> tuple[float, float]:
    """Run subject and baseline alternately and return their medians."""
    s, b = alternate_runs(subject, baseline, rounds=rounds, warmup=warmup)
    return statistics.median(s), statistics.median(b)


def spread(ratios: Sequence[float]) -> str:
    """Round-by-round ratios as their median and quartiles: on a machine whose speed drifts within a run,
    the spread says how far one ratio of medians can be trusted."""
    if len(ratios) < 4:
        return f"{statistics.median(ratios):.2f}x"
    q1, q2, q3 = statistics.quantiles(ratios, n=4)
    return f"{q2:.2f}x (quartiles {q1:.2f}-{q3:.2f}x)"


def paired(subject: Sequence[float], baseline: Sequence[float]) -> str:
    """`spread` of the ratio of each round's subject to its baseline."""
    return spread([s / b for s, b in zip(subject, baseline, strict=True) if b > 0])


def print_table(rows: Sequence[Row]) -> None:
    headers = ("bench", "subject", "value", "baseline", "value", "ratio", "target")
    lines = [
        (
            r.bench,
            r.subject,
            f"{r.subject_value:.3f} {r.unit}",
            r.baseline,
            f"{r.baseline_value:.3f} {r.unit}",
            f"{r.ratio:.2f}x",
            r.target,
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines, strict=True)]
    for line in (headers, *lines):
        sys.stdout.write(
            "  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip() + "\n"
        )
