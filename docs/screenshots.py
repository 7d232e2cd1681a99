"""Save SVG screenshots of the wizard's main screens into docs/ (`make screenshots`), from a real sandbox run."""

from __future__ import annotations

import asyncio
import html
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Select

from screens.app import WizardApp, build_app
from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.registration import RegistrationScreen
from screens.start import StartScreen
from screens.token_test import TokenTestScreen

DOCS = Path(__file__).resolve().parent
SIZE = (100, 32)


async def _until(pilot: Pilot[int], check: object, what: str) -> None:
    """Wait for what the screenshot shows (a screen, a text), never for a time; the bound only reports."""
    deadline = time.monotonic() + 180
    while not (callable(check) and check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        await pilot.pause(0.05)
    await pilot.pause()


def _on(app: WizardApp, screen: type, text: str = "") -> Callable[[], bool]:
    """The step `screen` is mounted and acting, and `text` is on it."""

    def shown() -> bool:
        current = app.screen
        if not (isinstance(current, screen) and getattr(current, "acting", True)):
            return False
        # The SVG writes each space as &#160;: compare with the text as shown.
        return not text or text in html.unescape(app.export_screenshot()).replace("\xa0", " ")

    return shown


def _save(app: WizardApp, name: str) -> None:
    app.save_screenshot(filename=f"{name}.svg", path=str(DOCS))
    print(f"wrote docs/{name}.svg")


async def _test_and_diagnose(pilot: Pilot[int], app: WizardApp, shot: str | None) -> None:
    await _until(pilot, _on(app, TokenTestScreen), "the token test")
    screen = app.screen
    assert isinstance(screen, TokenTestScreen)
    await _until(pilot, lambda: screen.report is not None, "the token test to finish")
    if shot:
        _save(app, shot)
    await pilot.press("ctrl+n")
    await _until(pilot, _on(app, DiagnosisScreen), "the diagnosis")


async def main() -> None:
    app = build_app(preload=False, still=True)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, _on(app, StartScreen), "the start screen")
        _save(app, "tui-start")
        await pilot.press("down", "down", "down")
        # The sandbox's option is mounted when its choice is first highlighted.
        await _until(pilot, lambda: bool(app.screen.query("#sandbox-app")), "the sandbox's option")
        select = app.screen.query_one("#sandbox-app", Select)
        await _until(pilot, lambda: select.value == "graph-daemon", "the sandbox's apps")
        select.value = "unconsented-daemon"
        await pilot.press("ctrl+n")
        await _until(pilot, _on(app, RegistrationScreen), "the registration step")
        _save(app, "tui-registration")
        await pilot.press("ctrl+n")  # registration, then the credential (prefilled by the sandbox)
        await _until(pilot, _on(app, CredentialScreen), "the credential step")
        await pilot.press("ctrl+n")
        await _until(pilot, _on(app, ConsentScreen), "the consent step")
        _save(app, "tui-consent")
        await pilot.press("ctrl+n")
        await _test_and_diagnose(pilot, app, "tui-token-test")
        _save(app, "tui-diagnosis")
        await pilot.press("f")  # go to the fix (consent), approve on the sandbox, test again
        await _until(pilot, _on(app, ConsentScreen), "the consent step again")
        await pilot.press("a")
        await _until(pilot, _on(app, ConsentScreen, "Admin consent granted"), "the consent granted")
        await pilot.press("ctrl+n")
        await _test_and_diagnose(pilot, app, None)
        _save(app, "tui-diagnosis-ok")
        app.flow.close()


if __name__ == "__main__":
    # Keep the sandbox's CA and data away from the developer's own profiles.
    os.environ.setdefault("DAEMON_WIZARD_HOME", tempfile.mkdtemp(prefix="daemon-wizard-shots-"))
    sys.exit(asyncio.run(main()))
