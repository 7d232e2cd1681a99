"""TUI test helpers: the screen as text (from the SVG export), the app factory, typing, the canary."""

from __future__ import annotations

import html
import re

from textual.pilot import Pilot

from screens.app import WizardApp, build_app

_TEXT = re.compile(r'<text class="[^"]*-r\d+" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')
CELL_WIDTH = 12.2


def svg_to_text(svg: str) -> str:
    rows: dict[float, dict[int, str]] = {}
    for x, y, content in _TEXT.findall(svg):
        col = round(float(x) / CELL_WIDTH)
        rows.setdefault(float(y), {})[col] = html.unescape(content).replace("\xa0", " ")
    lines = []
    for y in sorted(rows):
        line = ""
        for col, text in sorted(rows[y].items()):
            line = line.ljust(col) + text
        lines.append(line.rstrip())
    return "\n".join(lines)


# --- app and pilot helpers ------------------------------------------------------------------------------

#: A recognisable fake secret: it must never appear on screen, in a snapshot, or in an error text.
CANARY = "Cnry8Q~canary-SECRET-do-not-show-0123456789"


def make_app(*, sandbox: str | None = None, flow: bool = True) -> WizardApp:
    """The program's app, with cursor blink frozen and no background preloading (stable and fast)."""
    return build_app(sandbox=sandbox, preload=False, flow=flow, still=True)


async def type_text(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])


def screen_text(app: WizardApp) -> str:
    return svg_to_text(app.export_screenshot())


async def wait_for(pilot: Pilot[int], screen_type: type, *, seconds: float = 30.0) -> None:
    """Wait until the app shows `screen_type` (the flow moves on from workers)."""
    for _ in range(int(seconds / 0.05)):
        if isinstance(pilot.app.screen, screen_type):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still on {type(pilot.app.screen).__name__}, expected {screen_type.__name__}")


async def settle(pilot: Pilot[int], group: str, *, seconds: float = 30.0) -> None:
    """Wait for one worker group (the flow's own worker runs for the whole session, so not for all)."""
    for _ in range(int(seconds / 0.05)):
        if not any(w.group == group and not w.is_finished for w in pilot.app.workers):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the {group} worker did not finish")
