"""TUI test helpers: the screen as text (from the SVG export), the app factory, typing, the canary."""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from screens.app import WizardApp, build_app
from wizard.live.progress import LABELS, StepProgress, StepState, plan

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


#: Fixed step durations for snapshots (seconds).
STEP_SECONDS = {"checks": 0.001, "discovery": 0.012, "token": 0.048, "decode": 0.0, "api": 1.25}
Given = tuple[str, StepState, float | None, str]


def step_states(*given: Given, others: StepState = StepState.PENDING) -> tuple[StepProgress, ...]:
    """Every step of a run, in order: the `given` ones (step, state, seconds, detail), the others in the
    state `others` (done ones with a fixed duration). For snapshots, and for runners that stand in for the
    core's progress callbacks."""
    states = {g[0]: g[1:] for g in given}
    default = STEP_SECONDS if others is StepState.DONE else {}
    return tuple(
        StepProgress(step, LABELS[step], *states.get(step, (others, default.get(step), "")))
        for step in plan(federated_issuer_check=False)
    )


# --- app and pilot helpers ------------------------------------------------------------------------------

#: A recognisable fake secret: it must never appear on screen, in a snapshot, or in an error text.
CANARY = "Cnry8Q~canary-SECRET-do-not-show-0123456789"


def make_app(*, sandbox: str | None = None, sandbox_app: str | None = None, flow: bool = True) -> WizardApp:
    """The program's app, with cursor blink frozen and no background preloading (stable and fast)."""
    return build_app(sandbox=sandbox, sandbox_app=sandbox_app, preload=False, flow=flow, still=True)


async def burst(pilot: Pilot[int], *keys: str) -> None:
    """Keys as a hurried user sends them (or a held key repeats): queued at once, none waiting for the last.

    Returns once the app has handled all of them: a last ctrl+t toggles the theme, and keys are handled in
    order, so the theme's change says every key before it was handled.
    """
    app = pilot.app
    assert app._driver is not None
    theme = app.theme
    for key in (*keys, "ctrl+t"):
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)
    await until(pilot, lambda: app.theme != theme, f"the burst {keys!r} handled")


async def type_text(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])


def screen_text(app: WizardApp) -> str:
    return svg_to_text(app.export_screenshot())


async def until(
    pilot: Pilot[int], condition: Callable[[], object], what: str, *, seconds: float = 60.0
) -> None:
    """Wait until `condition()` is true: what the user would see (a screen, a text, a file), never a time.

    The bound is only a failure report for a condition that never comes; a loaded machine just takes longer.
    """
    deadline = time.monotonic() + seconds
    while True:
        await pilot.pause()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what} (on {type(pilot.app.screen).__name__})")
        # Yield to the app's loop and its workers' threads; the condition is checked again right after.
        await asyncio.sleep(0.02)


async def wait_for(pilot: Pilot[int], screen_type: type, *, seconds: float = 60.0) -> None:
    """Wait until the app shows `screen_type`, mounted (the flow moves on from workers)."""
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, screen_type) and pilot.app.screen.is_mounted,
        f"the {screen_type.__name__}",
        seconds=seconds,
    )


async def wait_for_text(
    pilot: Pilot[int], text: str, *, within: str | None = None, seconds: float = 60.0
) -> str:
    """Wait until `text` is on the screen, or in the `within` widget's text (long output the user scrolls,
    long paths the screen wraps); returns that text."""
    shown = ""

    def visible() -> bool:
        nonlocal shown
        if within is None:
            shown = screen_text(pilot.app)  # type: ignore[arg-type]
        else:
            widget = pilot.app.screen.query_one(within, Static)
            shown = str(widget.content)
        return text in shown

    await until(pilot, visible, repr(text), seconds=seconds)
    return shown
