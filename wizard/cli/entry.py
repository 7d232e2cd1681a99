"""The process entry of `daemon-wizard` and `python -m wizard`: the command line, with the garbage
collector set for a process that mostly imports and then exits.

A command imports 400-650 modules before it does anything; almost nothing they create is garbage. With
CPython's default threshold (a collection every 700 new objects) the collector runs hundreds of times
during those imports, and its full collections walk every object already made. At exit it walks them all
once more. Measured on `doctor` and `doctor --sandbox` (issue 12): ~50 ms of a 0.3 s `doctor` went to
collections that found nothing, most of it at exit; CPU time, not just instructions, because walking the
heap misses the caches.

So the youngest generation is collected every `YOUNG_THRESHOLD` new objects instead (the older
generations' settings stay CPython's), which long runs (the TUI, `sandbox`, `audit`) keep: they still
collect, less often. When the command is done, `gc.freeze()` leaves the objects still alive out of the
collections of the interpreter's shutdown: what they hold is freed by reference counting as before, and
what only a cycle would free goes back to the system with the process. Tests call `main()` itself, so a
test process keeps CPython's defaults.
"""

from __future__ import annotations

import gc

from wizard.cli.main import main
from wizard.gc_policy import YOUNG_THRESHOLD, for_command

__all__ = ["YOUNG_THRESHOLD", "run"]


def run() -> int:
    """Run the command line (`sys.argv`) and return its exit code."""
    for_command()  # and no collection in the in-process sandbox's start (wizard.gc_policy)
    try:
        return main()
    finally:
        gc.freeze()
