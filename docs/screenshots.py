"""Save SVG screenshots of the wizard's main screens into docs/ (`make screenshots`), from a real sandbox run."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from screens.app import WizardApp, build_app
from screens.diagnosis import DiagnosisScreen
from screens.registration import RegistrationScreen
from screens.start import StartScreen
from screens.token_test import TokenTestScreen

DOCS = Path(__file__).resolve().parent
SIZE = (100, 32)


async def _until(pilot: Pilot[int], check: object, what: str) -> None:
    for _ in range(600):
        if callable(check) and check():
            await pilot.pause(0.2)
            return
        await pilot.pause(0.05)
    raise SystemExit(f"screenshots: timed out waiting for {what}")


def _save(app: WizardApp, name: str) -> None:
    app.save_screenshot(filename=f"{name}.svg", path=str(DOCS))
    print(f"wrote docs/{name}.svg")


async def _test_and_diagnose(pilot: Pilot[int], app: WizardApp, shot: str | None) -> None:
    await _until(pilot, lambda: isinstance(app.screen, TokenTestScreen), "the token test")
    screen = app.screen
    assert isinstance(screen, TokenTestScreen)
    await _until(pilot, lambda: screen.report is not None, "the token test to finish")
    if shot:
        _save(app, shot)
    await pilot.press("ctrl+n")
    await _until(pilot, lambda: isinstance(app.screen, DiagnosisScreen), "the diagnosis")


async def main() -> None:
    app = build_app(preload=False, still=True)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
        _save(app, "tui-start")
        await pilot.press("down", "down", "down")
        app.screen.query_one("#sandbox-app").value = "unconsented-daemon"  # type: ignore[attr-defined]
        await pilot.press("ctrl+n")
        await _until(pilot, lambda: isinstance(app.screen, RegistrationScreen), "the registration step")
        _save(app, "tui-registration")
        await pilot.press("ctrl+n", "ctrl+n")  # registration, credential (prefilled by the sandbox)
        await pilot.pause(0.3)
        _save(app, "tui-consent")
        await pilot.press("ctrl+n")
        await _test_and_diagnose(pilot, app, "tui-token-test")
        _save(app, "tui-diagnosis")
        await pilot.press("f")  # go to the fix (consent), approve on the sandbox, test again
        await pilot.pause(0.3)
        await pilot.press("a")
        await pilot.pause(0.5)
        await pilot.press("ctrl+n")
        await _test_and_diagnose(pilot, app, None)
        _save(app, "tui-diagnosis-ok")
        app.flow.close()


if __name__ == "__main__":
    # Keep the sandbox's CA and data away from the developer's own profiles.
    os.environ.setdefault("DAEMON_WIZARD_HOME", tempfile.mkdtemp(prefix="daemon-wizard-shots-"))
    sys.exit(asyncio.run(main()))
