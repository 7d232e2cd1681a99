"""What the first paint's savings rest on: the collector is on again (and the imports frozen) once the TUI's
modules are loaded, the start step is the app's first screen, and a Resize that repeats the size lays
nothing out again."""

from __future__ import annotations

import subprocess
import sys

from textual import events
from textual.screen import Screen
from tui_helpers import make_app, until, wait_for

from screens.registration import RegistrationScreen
from screens.start import StartScreen

GC_PROBE = """
import gc
gc.enable()
import screens.app
print(gc.isenabled(), gc.get_freeze_count() > 1000)
"""


def test_the_collector_runs_again_once_the_tui_is_imported_and_the_imports_are_frozen() -> None:
    out = subprocess.run([sys.executable, "-c", GC_PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_a_collector_turned_off_before_stays_off() -> None:
    probe = GC_PROBE.replace("gc.enable()", "gc.disable()")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == "False"


async def test_the_start_step_is_the_first_screen_and_back_shows_it_again() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, StartScreen)
        first = app.screen
        assert app.screen_stack == [first]  # no blank screen under it
        await pilot.press("enter")  # a new workforce setup
        await wait_for(pilot, RegistrationScreen)
        assert app.screen_stack[0] is first
        await pilot.press("escape")
        await wait_for(pilot, StartScreen)
        assert app.screen is first
        await pilot.press("enter")  # the same screen goes on again
        await wait_for(pilot, RegistrationScreen)


async def test_a_resize_to_the_same_size_lays_nothing_out_and_a_new_size_does() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, StartScreen)
        screen = app.screen
        layouts: list[object] = []
        real = Screen._refresh_layout

        def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
            layouts.append(args)
            real(self, *args, **kwargs)  # type: ignore[arg-type]

        setattr(screen, "_refresh_layout", counted.__get__(screen))  # noqa: B010  # this screen only
        screen.post_message(events.Resize.from_dimensions(app.size, None))
        await pilot.pause()
        await pilot.pause()
        assert [a for a in layouts if a] == []  # no layout for a size the screen has already
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: any(a for a in layouts), "the layout at 80x24")
