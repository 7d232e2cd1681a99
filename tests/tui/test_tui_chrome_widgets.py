"""The one-widget footer and header (screens/widgets/) behave as Textual's: a click on a key runs its action,
the palette key opens the palette, a disabled key only rings, the key under the mouse shows its binding's
tooltip and is highlighted; the header's icon opens the palette, its title follows the screen's."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from tui_helpers import make_app, until, wait_for

from screens.start import StartScreen
from screens.widgets.footer import Footer
from screens.widgets.header import Header
from screens.widgets.stepbar import StepBar


class Keys(Screen[None]):
    """Three keys: one with a tooltip, one disabled, one that only the focused input shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "count", "Count", tooltip="Counts one more"),
        Binding("f6", "never", "Never"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.never = 0

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield Footer()

    def action_count(self) -> None:
        self.count += 1

    def action_never(self) -> None:
        self.never += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "never" else True  # shown, disabled (dim)


class KeysApp(App[int]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


async def _footer(pilot: Pilot[Any]) -> Footer:
    """The screen's footer once its keys are drawn."""
    footer = pilot.app.screen.query_one(Footer)
    await until(pilot, lambda: bool(footer.keys), "the footer's keys")
    return footer


async def _on_start(pilot: Pilot[Any]) -> Header:
    """The start screen's header, once the start screen is shown."""
    await wait_for(pilot, StartScreen)
    return pilot.app.screen.query_one(Header)


def _key(footer: Footer, action: str) -> tuple[int, int]:
    """The middle column of a key, and its width."""
    key = next(k for k in footer.keys if k.action == action)
    return key.x + key.width // 2, key.width


async def test_a_click_on_a_key_runs_its_action_and_a_disabled_one_does_not() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Keys), "the screen")
        screen = app.screen
        assert isinstance(screen, Keys)
        footer = screen.query_one(Footer)
        await until(pilot, lambda: bool(footer.keys), "the footer's keys")
        x, _ = _key(footer, "count")
        await pilot.click(Footer, offset=(x, 0))
        await until(pilot, lambda: screen.count == 1, "the click on Count")
        x, _ = _key(footer, "never")
        await pilot.click(Footer, offset=(x, 0))
        await pilot.pause()
        assert screen.never == 0
        assert "Count" in footer.render_line(0).text and "Never" in footer.render_line(0).text


async def test_the_key_under_the_mouse_shows_its_tooltip_and_is_highlighted() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Keys), "the screen")
        footer = await _footer(pilot)
        plain = footer.render_line(0)
        x, _ = _key(footer, "count")
        await pilot.hover(Footer, offset=(x, 0))
        await until(pilot, lambda: footer.tooltip == "Counts one more", "the tooltip of Count")
        assert footer.render_line(0) != plain  # the hovered key's background
        x, _ = _key(footer, "never")
        await pilot.hover(Footer, offset=(x, 0))
        await until(pilot, lambda: footer.tooltip is None, "no tooltip over Never (it has none)")


async def test_the_palette_key_opens_the_palette() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _on_start(pilot)
        footer = await _footer(pilot)
        palette = footer.keys[-1]
        assert palette.palette and palette.x + palette.width == footer.size.width
        await pilot.click(Footer, offset=(palette.x + 2, 0))
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")


async def test_the_start_screens_keys_run_from_the_footer() -> None:
    """ctrl+t (Theme) from a click, as the key itself does."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _on_start(pilot)
        footer = await _footer(pilot)
        theme = app.theme
        x, _ = _key(footer, "toggle_theme")
        await pilot.click(Footer, offset=(x, 0))
        await until(pilot, lambda: app.theme != theme, "the theme toggled")


# -- the one-widget header (screens/widgets/header.py) ------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_header_icon_opens_the_palette_and_says_so_and_the_title_follows_the_screen(
    size: tuple[int, int],
) -> None:
    app = make_app()
    # At 120 columns the step list docks down the left side below the header (it used to cover its icon).
    async with app.run_test(size=size) as pilot:
        header = await _on_start(pilot)
        assert "Entra daemon wizard" in header.render_line(0).text
        app.screen.sub_title = "sandbox tenant · cert-daemon"
        await until(pilot, lambda: "— sandbox tenant" in header.render_line(0).text, "the sub-title")
        await pilot.hover(Header, offset=(1, 0))
        await until(pilot, lambda: header.tooltip == "Open the command palette", "the icon's tooltip")
        if size[0] >= 100:
            bar = app.screen.query_one(StepBar)
            assert bar.region.y >= header.region.bottom  # the whole header row is the header's
        await pilot.click(Header, offset=(1, 0))
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")


async def test_a_click_on_the_header_makes_it_tall() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        header = await _on_start(pilot)
        await pilot.click(Header, offset=(40, 0))
        await until(pilot, lambda: header.size.height == 3, "the tall header")
        assert "Entra daemon wizard" in header.render_line(1).text
