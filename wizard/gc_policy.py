"""The garbage collector in a command run from the shell: fewer collections, none during an import burst.

`wizard.cli.entry` calls `for_command()` (tests call `main()` itself and keep CPython's defaults): the
youngest generation is collected every `YOUNG_THRESHOLD` new objects instead of 700 (see that module).

`import_burst()` covers what makes tens of thousands of objects that live as long as the command: the
in-process sandbox's modules and state. Once the young generation passes the threshold in such a burst, one
collection walks all of it, about 49,000 objects and 19-25 ms of CPU in `doctor --sandbox` (issue 12), and
finds nothing worth it. During the burst the collector is off; after it, `gc.freeze()` moves what is alive
into the permanent generation, which no later collection walks, and the collector runs again. Outside a
command (a test process calling `main()` again and again) it does nothing: freezing there would also keep
the garbage of earlier tests forever.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: New objects between collections of the youngest generation (CPython's default is 700).
YOUNG_THRESHOLD = 50_000

_command = False


def for_command() -> None:
    """This process is one command run from the shell: collect the youngest generation less often."""
    global _command
    _command = True
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


@contextmanager
def import_burst() -> Iterator[None]:
    """No collection while the block makes long-lived objects; then they are frozen (a command only)."""
    if not _command or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
