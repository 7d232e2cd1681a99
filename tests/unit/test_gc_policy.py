"""The collector in a command (wizard.gc_policy): off during an import burst, which is then frozen; in a
process that is not a command (this test process), untouched."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from wizard import gc_policy
from wizard.live.sandbox_profile import running_sandbox


@pytest.fixture
def as_a_command() -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.unfreeze()
    gc_policy.for_command()
    yield
    gc_policy._command = False  # not monkeypatch: its undo comes after this and would restore True
    gc.set_threshold(*threshold)
    gc.unfreeze()  # back into the oldest generation: this process goes on collecting them
    gc.enable()


def test_outside_a_command_the_burst_changes_nothing() -> None:
    assert not gc_policy._command  # tests call main(): the entry never ran here
    before = gc.get_freeze_count()
    with gc_policy.import_burst():
        assert gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == before


def test_in_a_command_the_burst_collects_nothing_and_is_frozen_after(as_a_command: None) -> None:
    assert gc.get_threshold()[0] == gc_policy.YOUNG_THRESHOLD
    with gc_policy.import_burst():
        assert not gc.isenabled()
        made = [[n] for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


def test_the_collector_runs_again_after_a_burst_that_raised(as_a_command: None) -> None:
    with pytest.raises(RuntimeError), gc_policy.import_burst():
        raise RuntimeError("a failed start")
    assert gc.isenabled()


def test_a_burst_inside_a_paused_collector_leaves_it_paused(as_a_command: None) -> None:
    gc.disable()
    with gc_policy.import_burst():
        pass
    assert not gc.isenabled()


def test_the_in_process_sandbox_starts_in_a_burst(as_a_command: None) -> None:
    seen: list[bool] = []
    with running_sandbox() as sp:
        seen.append(gc.isenabled())
        assert sp.profile.client_id
    assert seen == [True] and gc.get_freeze_count() > 0
