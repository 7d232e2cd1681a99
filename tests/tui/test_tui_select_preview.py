"""The start screen's cloud field: painted by a `SelectPreview` for the first frame, then the real Select.

The preview must draw exactly the cells the collapsed Select draws, or the swap after the first frame would
show; the frame with it and the frame after the swap are compared whole, in both themes and both widths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.screen import Screen
from textual.widgets import Select
from tui_helpers import make_app, until, wait_for

from screens.app import DARK, LIGHT
from screens.start import StartScreen
from screens.widgets.select_preview import SelectPreview
from wizard.clouds import Cloud


def cells(screen: Screen[Any]) -> list[tuple[str, Style | None]]:
    """Every cell of the screen as the user sees it: its character and style, without the mouse's meta data
    (it names the widget under the cell) and, on a blank, without the foreground colour nothing shows."""
    drawn: list[tuple[str, Style | None]] = []
    for strip in screen._compositor.render_strips():
        for segment in strip:
            style = segment.style.clear_meta_and_links() if segment.style else None
            for char in segment.text:
                shows_colour = style is None or style.underline or style.strike or style.reverse
                if char == " " and style is not None and not (shows_colour or style.overline):
                    drawn.append((char, Style(bgcolor=style.bgcolor)))
                else:
                    drawn.append((char, style))
    return drawn


@pytest.mark.parametrize(("theme", "size"), [(DARK, (100, 30)), (LIGHT, (100, 30)), (DARK, (80, 24))])
async def test_the_preview_draws_the_cells_of_the_select_it_stands_for(
    monkeypatch: pytest.MonkeyPatch, theme: str, size: tuple[int, int]
) -> None:
    frames: list[list[tuple[str, Style | None]]] = []
    real = StartScreen.on_step_screen_shown

    def shown_then_swapped(self: StartScreen, message: StartScreen.Shown) -> None:
        assert self.query(SelectPreview) and not self.query(Select)  # the first frame has the preview
        frames.append(cells(self))
        real(self, message)

    monkeypatch.setattr(StartScreen, "on_step_screen_shown", shown_then_swapped)
    app = make_app()
    app.theme = theme
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, StartScreen)
        await until(pilot, lambda: bool(app.screen.query("#cloud")), "the cloud's Select swapped in")
        await pilot.pause()
        assert not app.screen.query(SelectPreview)
        select = app.screen.query_one("#cloud", Select)
        assert select.value is Cloud.GLOBAL
        assert frames and cells(app.screen) == frames[0]


async def test_the_swapped_in_select_opens_and_its_choice_is_the_result() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, StartScreen)
        await until(pilot, lambda: bool(app.screen.query("#cloud")), "the cloud's Select swapped in")
        screen = app.screen
        assert isinstance(screen, StartScreen)
        screen.query_one("#cloud", Select).value = Cloud.USGOV
        result = screen.result()
        assert result is not None and result.cloud is Cloud.USGOV


async def test_no_select_is_mounted_once_the_app_is_closing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal right after the first frame: Textual would mount the Select without composing its parts
    (its own mount then fails); the preview stays, and the exit keeps the signal's code."""
    after: list[int] = []
    real = StartScreen.on_step_screen_shown

    async def closing(self: StartScreen, message: StartScreen.Shown) -> None:
        real(self, message)
        self.app.exit(return_code=129)  # what the SIGHUP handler does, before the swap's turn
        await self._swap_previews()
        after.append(len(self.query(Select)))

    monkeypatch.setattr(StartScreen, "on_step_screen_shown", closing)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: bool(after), "the first frame's handler")
    assert after == [0] and app.return_code == 129


async def test_a_failure_while_the_app_closes_is_logged_and_keeps_the_exit_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_HOME", str(tmp_path))
    app = make_app()

    async def fail_while_closing() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, StartScreen)
            app.exit(return_code=143)
            app._handle_exception(RuntimeError("broke while closing"))

    with pytest.raises(RuntimeError, match="broke while closing"):  # run_test re-raises it for tests
        await fail_while_closing()
    assert app.return_code == 143
    logs = list((tmp_path / "log").iterdir())
    assert len(logs) == 1 and "broke while closing" in logs[0].read_text()
