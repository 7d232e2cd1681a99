"""The TUI never crashes and never fails silently: fast keys, unexpected errors, screens' workers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import CANARY, burst, make_app, screen_text, type_text, until, wait_for, wait_for_text

from screens import services
from screens.app import WizardApp
from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.dialogs.error import ErrorDialog
from screens.registration import RegistrationScreen
from screens.services import DoctorView
from screens.start import StartScreen
from screens.step import StepScreen
from screens.token_test import TokenTestScreen
from wizard.profile import Profile
from wizard.secret import Secret

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0001-4000-a000-00000000c11e"
PROFILE = Profile(name="hardening", tenant=TENANT, client_id=CLIENT)


@pytest.fixture
def instant_doctor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token test passes at once: these tests are about keys and screens, not the network."""

    def run_doctor(profile: Profile, **_: object) -> DoctorView:
        return DoctorView(verdict="ok")

    monkeypatch.setattr(services, "run_doctor", run_doctor)


async def _to_registration_filled(pilot: Pilot[int]) -> None:
    await wait_for(pilot, StartScreen)
    await pilot.press("enter")
    await wait_for(pilot, RegistrationScreen)
    await type_text(pilot, TENANT)
    await pilot.press("tab")
    await type_text(pilot, CLIENT)


async def _to_passed_test(pilot: Pilot[int]) -> None:
    """Start, registration, a secret, consent, the token test: PASSED on screen."""
    await _to_registration_filled(pilot)
    await pilot.press("ctrl+n")
    await wait_for(pilot, CredentialScreen)
    pilot.app.screen.query_one("#secret").value = CANARY  # type: ignore[attr-defined]
    await pilot.press("ctrl+n")
    await wait_for(pilot, ConsentScreen)
    await pilot.press("ctrl+n")
    await wait_for(pilot, TokenTestScreen)
    await wait_for_text(pilot, "PASSED")


def _steady(app: WizardApp) -> bool:
    """One step on screen, mounted and able to act: the flow went on, nothing half torn down."""
    return isinstance(app.screen, StepScreen) and app.screen.acting and app._exception is None


async def test_escape_four_times_fast_after_passed_never_crashes(instant_doctor: None) -> None:
    """Was: ValueError: No Tab with id '--content-tab-tab-secret' (the second Esc popped the next step)."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_passed_test(pilot)
        await burst(pilot, *["escape"] * 4)
        await until(pilot, lambda: _steady(app), "a steady step")
        assert isinstance(app.screen, (ConsentScreen, CredentialScreen, RegistrationScreen, StartScreen))


async def test_holding_escape_walks_back_to_the_start_without_a_crash(instant_doctor: None) -> None:
    """Was: NoMatches: 'SelectOverlay' (keys handled by a screen already popped)."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_passed_test(pilot)
        for _ in range(6):  # a held key repeats until the user sees the first step
            await burst(pilot, *["escape"] * 8)
            await until(pilot, lambda: _steady(app), "a steady step")
            if isinstance(app.screen, StartScreen):
                break
        assert isinstance(app.screen, StartScreen)
        assert app.return_code is None  # still running


async def test_next_three_times_fast_on_registration_goes_one_step_at_a_time() -> None:
    """Was: NoMatches: 'HeaderTitle' (ctrl+n reached the credential step before it was composed)."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_registration_filled(pilot)
        await burst(pilot, "ctrl+n", "ctrl+n", "ctrl+n")
        await until(pilot, lambda: _steady(app), "a steady step")
        # The credential step has no secret yet: its own Next refuses, so the flow stops there.
        assert isinstance(app.screen, CredentialScreen)


async def test_dismiss_twice_leaves_only_once() -> None:
    """The mechanism: a step's second dismiss (a repeated key before the pop) does nothing."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_registration_filled(pilot)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        screen.action_back()
        screen.action_back()
        screen.action_next()
        await wait_for(pilot, StartScreen)
        await until(pilot, lambda: _steady(app), "the start step")
        assert len(app.screen_stack) == 1  # the start step (the app's first screen): nothing popped twice


async def test_an_unexpected_error_shows_the_dialog_logs_redacted_and_exits_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: RegistrationScreen) -> Profile:
        raise RuntimeError(f"bug while reading {CANARY}")

    monkeypatch.setattr(RegistrationScreen, "result", broken)
    app = make_app()
    with pytest.raises(RuntimeError, match="bug while reading"):  # run_test re-raises it, as Textual does
        await _crash_then_close(app)
    assert app.return_code == 1


async def _crash_then_close(app: WizardApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        app.state.secret = Secret(CANARY)
        await _to_registration_filled(pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, ErrorDialog)
        text = await wait_for_text(pilot, "The details are in")
        assert "Unexpected error" in text and "The wizard will close" in text
        logs = list((Path(_home()) / "log").glob("tui-error-*.log"))
        assert len(logs) == 1
        log = logs[0].read_text("utf-8")
        assert "RuntimeError: bug while reading" in log and "Traceback" in log
        assert CANARY not in log and CANARY[:12] not in log and CANARY not in text
        assert logs[0].stat().st_mode & 0o077 == 0
        await pilot.press("escape")
        await until(pilot, lambda: app.return_code is not None, "the app to exit")


def _home() -> str:
    import os

    return os.environ["DAEMON_WIZARD_HOME"]


# --- workers started by a screen: each failure is reported (Worker.StateChanged reaches the screen) ------


def _boom(*_: object) -> None:
    raise RuntimeError("the worker broke")


async def _shows_failure(pilot: Pilot[int]) -> None:
    await wait_for(pilot, ErrorDialog)
    await wait_for_text(pilot, "the worker broke")
    await wait_for_text(pilot, "The details are in")
    await pilot.press("escape")
    await until(pilot, lambda: _steady(pilot.app), "the step again")  # type: ignore[arg-type]


async def test_a_failing_consent_approval_is_reported() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.push_screen(ConsentScreen(PROFILE, approve=_boom))
        await pilot.press("a")
        await _shows_failure(pilot)
        assert isinstance(app.screen, ConsentScreen)


async def test_a_failing_certificate_upload_is_reported(tmp_path: Path) -> None:
    cert = tmp_path / "app.pem"
    cert.write_text("not needed: the uploader fails first", "utf-8")
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = CredentialScreen(PROFILE, register=_boom)
        await app.push_screen(screen)
        screen.query_one("#cert-path").value = str(cert)  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await _shows_failure(pilot)
        assert isinstance(app.screen, CredentialScreen)


async def test_a_failing_browser_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webbrowser.open", _boom)
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.push_screen(ConsentScreen(PROFILE))
        await pilot.press("o")
        await _shows_failure(pilot)


async def test_open_with_no_browser_says_so_and_shows_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def no_browser(url: str, *_: object, **__: object) -> bool:
        asked.append(url)
        return False  # what webbrowser.open answers on a server, over SSH, in a container

    monkeypatch.setattr("webbrowser.open", no_browser)
    app = make_app(flow=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = ConsentScreen(PROFILE)
        await app.push_screen(screen)
        await pilot.press("o")
        text = await wait_for_text(pilot, "No browser could be opened here")
        assert asked == [screen.links.v2]
        assert f"https://login.microsoftonline.com/{TENANT}/v2.0/adminconsent" in text


# --- the credential step: a paste lands in the secret field ----------------------------------------------


async def test_a_paste_on_the_credential_step_lands_in_the_secret_field() -> None:
    from textual import events
    from textual.widgets import Input

    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = CredentialScreen(PROFILE)
        await app.push_screen(screen)
        assert not isinstance(app.focused, Input)  # the focus is not in a field (the tabs, or nothing)
        app.post_message(events.Paste(f"  {CANARY}\n"))
        secret = screen.query_one("#secret", Input)
        await until(pilot, lambda: secret.value == CANARY, "the pasted secret in its field")
        assert app.focused is secret
        assert CANARY not in screen_text(app) and CANARY[:12] not in screen_text(app)
        screen.query_one("#subject", Input).focus()  # a paste into another field stays there
        await pilot.pause()
        app.post_message(events.Paste("CN=pasted"))
        await until(pilot, lambda: "CN=pasted" in screen.query_one("#subject", Input).value, "the subject")
        assert secret.value == CANARY


def test_flow_close_stops_a_sandbox_that_finishes_starting_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A signal while the sandbox starts: the flow is closed; the sandbox, once up, is stopped at once."""
    stopped = threading.Event()

    class Session:
        def stop(self) -> None:
            stopped.set()

    monkeypatch.setattr(services, "start_sandbox", lambda scenario=None: Session())
    app = make_app(flow=False)
    app.flow.close()
    with pytest.raises(Exception, match="closed while the sandbox was starting"):
        app.flow._open_sandbox()
    assert stopped.is_set() and app.flow.sandbox is None
