"""Contrast, measured: the step bar, the headings, the token test's steps and verdict, in both themes.

Each widget's rendered lines give the colours the terminal is sent for every character (the theme's
variables resolved, transparent backgrounds blended); the WCAG 2 contrast ratio of each foreground against its
background must be at least 4.5:1. No 3:1 allowance for bold headings: WCAG's "large text" is 14 pt bold
or more, and a terminal cell is ordinary body size.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widget import Widget
from tui_helpers import make_app, step_states, wait_for, wait_for_text

from screens.consent import ConsentScreen
from screens.diagnosis import DiagnosisScreen
from screens.export import ExportScreen
from screens.services import DoctorView
from screens.state import Step, StepStatus
from screens.token_test import TokenTestScreen
from screens.widgets.run_steps import RunSteps
from screens.widgets.stepbar import StepBar
from wizard.live.progress import StepState
from wizard.profile import CredentialKind, Profile

TEXT = 4.5
PROFILE = Profile(
    name="contrast",
    tenant="7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001",
    client_id="c0ffee00-0002-4000-a000-00000000c11e",
    credential=CredentialKind.SECRET,
)
THEMES = pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_is_wcags() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54  # the classic #767676 on white


def pairs(widget: Widget) -> Iterator[tuple[str, float]]:
    """(text, ratio) for every run of visible characters the widget renders."""
    for y in range(widget.region.height):
        for segment in widget.render_line(y):
            if not segment.text.strip() or segment.control:
                continue
            style = segment.style
            assert style is not None and style.color is not None and style.bgcolor is not None, segment
            fg, bg = style.color.get_truecolor(), style.bgcolor.get_truecolor()
            yield segment.text.strip(), contrast((fg.red, fg.green, fg.blue), (bg.red, bg.green, bg.blue))


def low(widgets: list[Widget]) -> list[str]:
    """The texts under 4.5:1, with their ratio; asserts something was measured."""
    measured = [(text, ratio) for widget in widgets for text, ratio in pairs(widget)]
    assert measured, "nothing rendered to measure"
    return [f"{text!r} {ratio:.2f}:1" for text, ratio in measured if ratio < TEXT]


def _progress(app: object) -> None:
    """One step of each kind in the step bar: done, failed, current, still to do."""
    state = app.state  # type: ignore[attr-defined]
    for step in Step:
        if step < Step.DIAGNOSIS:
            state.progress[step] = StepStatus.DONE
    state.progress[Step.TEST] = StepStatus.FAILED


@THEMES
@SIZES
async def test_step_bar_and_diagnosis_headings(theme: str, size: tuple[int, int]) -> None:
    app = make_app(flow=False)
    app.theme = theme
    async with app.run_test(size=size) as pilot:
        _progress(app)
        await app.push_screen(DiagnosisScreen(DoctorView(verdict="fail")))
        await wait_for_text(pilot, "API probe")
        screen = app.screen
        assert low([screen.query_one(StepBar)]) == []
        headings = list(screen.query(".heading"))
        assert len(headings) >= 2
        assert low(headings) == []


@THEMES
async def test_consent_and_export_headings(theme: str) -> None:
    app = make_app(flow=False)
    app.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ConsentScreen(PROFILE))
        await wait_for(pilot, ConsentScreen)
        assert low(list(app.screen.query(".heading"))) == []
        await app.push_screen(ExportScreen(PROFILE, secret=None, scrub=str))
        await wait_for(pilot, ExportScreen)
        assert low(list(app.screen.query(".heading"))) == []


@THEMES
@pytest.mark.parametrize("verdict", ["ok", "fail"])
async def test_token_test_steps_and_verdict(theme: str, verdict: str) -> None:
    """Every kind of step row (done, failed, skipped, pending, running) and the PASSED / FAILED line."""
    rows = step_states(
        ("token", StepState.FAILED, 0.048, "AADSTS7000215"),
        ("decode", StepState.SKIPPED, None, "not reached"),
        ("api", StepState.PENDING if verdict == "ok" else StepState.RUNNING, None, ""),
        others=StepState.DONE,
    )
    report = DoctorView(verdict=verdict, steps=rows)
    app = make_app(flow=False)
    app.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(TokenTestScreen(lambda *_: report, report=report))
        await wait_for_text(pilot, "PASSED" if verdict == "ok" else "FAILED", within="#test-status")
        screen = app.screen
        assert low([screen.query_one(RunSteps), screen.query_one("#test-status")]) == []
