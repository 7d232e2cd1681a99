"""The process entry: the command's exit code, a young-generation threshold for a short-lived process, and
the heap frozen before the interpreter's shutdown (wizard.cli.entry)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from wizard import gc_policy
from wizard.cli import entry


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc_policy._command = False  # this test process is not a command (not monkeypatch: it would restore True)
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_the_command_runs_with_the_threshold_and_the_heap_is_frozen_after(
    restored_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int, int]] = []

    def command() -> int:
        seen.append(gc.get_threshold())
        return 3

    gc.unfreeze()
    monkeypatch.setattr(entry, "main", command)
    assert entry.run() == 3
    assert seen[0][0] == entry.YOUNG_THRESHOLD
    assert gc.get_freeze_count() > 0


def test_the_heap_is_frozen_when_the_command_raises(
    restored_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def command() -> int:
        raise SystemExit(2)  # argparse's usage error

    gc.unfreeze()
    monkeypatch.setattr(entry, "main", command)
    with pytest.raises(SystemExit):
        entry.run()
    assert gc.get_freeze_count() > 0


def test_python_dash_m_wizard_goes_through_the_entry() -> None:
    code = (
        "import gc, runpy, sys\n"
        "sys.argv = ['wizard', '--version']\n"
        "try:\n    runpy.run_module('wizard', run_name='__main__')\n"
        "except SystemExit as e:\n    print(e.code, gc.get_threshold()[0], gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[-3:] == ["0", str(entry.YOUNG_THRESHOLD), "True"]
