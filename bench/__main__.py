"""`python -m bench` (make bench): run every benchmark and print one table of side-by-side ratios."""

from __future__ import annotations

import argparse
import sys

from bench import startup
from bench.harness import Row, print_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds per comparison")
    args = parser.parse_args()
    rows: list[Row] = []
    notes: list[str] = []
    startup_rows, imports = startup.run(rounds=args.rounds)
    rows.extend(startup_rows)
    for label, modules in imports.items():
        notes.append(f"heavy modules imported by {label}: {', '.join(modules) if modules else 'none'}")
    print_table(rows)
    for note in notes:
        sys.stdout.write(note + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
