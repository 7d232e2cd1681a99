"""The token test's steps on the real sandbox: a hung token endpoint shows the token step running, x cancels
it (the worker ends, the step shows ✗ cancelled), r runs it again to ✓ on every step."""

from __future__ import annotations

import pytest
from tui_helpers import make_app, screen_text, until, wait_for, wait_for_text

from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.registration import RegistrationScreen
from screens.token_test import TokenTestScreen
from screens.widgets.run_steps import SPINNER, RunSteps
from wizard.live.progress import StepState


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_each_step_shows_its_state_and_x_cancels_the_hung_one(size: tuple[int, int]) -> None:
    app = make_app(sandbox="default")
    try:
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, RegistrationScreen, seconds=120)
            await pilot.press("ctrl+n")
            await wait_for(pilot, CredentialScreen)
            await pilot.press("ctrl+n")
            await wait_for(pilot, ConsentScreen)
            assert app.flow.sandbox is not None
            faults = app.flow.sandbox.sandbox.faults
            faults.inject("token", "hang")  # the token endpoint answers only once the fault is cleared
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            screen = app.screen
            assert isinstance(screen, TokenTestScreen)
            steps = screen.query_one(RunSteps)
            await until(
                pilot, lambda: steps.state_of("token") is StepState.RUNNING, "the token request running"
            )
            text = await wait_for_text(pilot, "Request a token")
            assert f"{SPINNER[0]} Request a token" in text  # the running step spins
            assert "✓ Discover the authority" in text  # the step before it is done, with its duration
            assert "· Call the API" in text and "waiting" in text  # still to come
            assert "of 30 s · x cancels" in text
            assert steps.state_of("checks") is steps.state_of("discovery") is StepState.DONE

            await pilot.press("x")
            await wait_for_text(pilot, "Cancelled. Press r", within="#test-status")
            assert not screen.running  # the worker really ended, the request still hanging
            assert steps.state_of("token") is StepState.FAILED
            text = screen_text(app)
            assert "✗ Request a token" in text and "cancelled" in text
            assert "– Call the API" in text  # skipped: never reached

            faults.clear()
            await pilot.press("r")
            await wait_for_text(pilot, "PASSED", within="#test-status")
            assert {s.state for s in steps.steps} == {StepState.DONE}
            assert "✓ Call the API" in screen_text(app)
            assert screen.report is not None and [s.step for s in screen.report.steps] == [
                s.step for s in steps.steps
            ]
    finally:
        app.flow.close()
