"""The consent step shows what the app is already granted, read in a worker against the real sandbox (real msal,
real HTTPS): from Graph with the app's own token when it may read it, else from a fresh token's roles claim,
and the ✓/✗ against what the call needs; approving and g read it again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_tui_sandbox_flows import start_on
from textual.pilot import Pilot
from tui_helpers import make_app, screen_text, until, wait_for, wait_for_text

from screens.app import WizardApp
from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from wizard.grants import GrantReport

SIZE = (100, 40)


@pytest.fixture
def app() -> Iterator[WizardApp]:
    wizard = make_app()
    yield wizard
    wizard.flow.close()


async def _to_consent(pilot: Pilot[int], name: str) -> ConsentScreen:
    await start_on(pilot, name)
    await pilot.press("ctrl+n")
    await wait_for(pilot, CredentialScreen)
    await pilot.press("ctrl+n")
    await wait_for(pilot, ConsentScreen)
    screen = pilot.app.screen
    assert isinstance(screen, ConsentScreen)
    return screen


async def test_an_app_that_may_read_its_grants_shows_them_from_graph(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_consent(pilot, "graph-daemon")
        text = await wait_for_text(pilot, "✓ User.Read.All granted", within="#granted")
        assert "read from Graph with the app's own token" in text
        assert "also granted: Application.Read.All" in text
        assert screen.grant_report is not None and screen.grant_report.complete
        secret = app.state.secret
        assert secret is not None and secret.reveal() not in screen_text(app)


async def test_an_app_that_may_not_falls_back_to_the_token_and_says_why(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await _to_consent(pilot, "fic-blind-daemon")
        text = await wait_for_text(pilot, "✓ User.Read.All granted", within="#granted")
        assert "from the roles claim of a fresh token (the effective grant)" in text
        assert "could not read: needs Application.Read.All" in text


async def test_approving_reads_again_and_the_missing_role_turns_granted(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_consent(pilot, "unconsented-daemon")
        await wait_for_text(pilot, "✗ User.Read.All missing", within="#granted")
        assert screen.grant_report is not None and not screen.grant_report.complete
        await pilot.press("a")
        await wait_for_text(pilot, "✓ User.Read.All granted", within="#granted")
        assert screen.grant_report.complete


async def test_g_reads_what_is_granted_again(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await _to_consent(pilot, "graph-daemon")
        await wait_for_text(pilot, "✓ User.Read.All granted", within="#granted")
        first = screen.grant_report
        await pilot.press("g")
        await until(pilot, lambda: screen.grant_report is not first, "a second read")
        assert screen.grant_report is not None and screen.grant_report.complete


async def test_a_reader_that_breaks_is_shown_in_place_not_hidden() -> None:
    from screens.dialogs.error import ErrorDialog
    from wizard.profile import Profile

    def broken() -> GrantReport:
        raise RuntimeError("Graph went away")

    app = make_app(flow=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = ConsentScreen(
            Profile(tenant="contoso.onmicrosoft.com", client_id="c"), grants=broken, read_now=True
        )
        await app.push_screen(screen)
        text = await wait_for_text(pilot, "could not be read: Graph went away", within="#granted")
        assert "What is already granted" in text
        assert not isinstance(app.screen, ErrorDialog)


async def test_with_the_admin_signed_in_the_grants_come_from_the_admins_read() -> None:
    """The admin path: create the registration, run the test, go back to consent: the admin's Graph read."""
    from test_tui_admin import admin_signed_in, plan

    from screens.admin_progress import AdminProgressScreen
    from screens.dialogs.confirm import ConfirmDialog
    from screens.token_test import TokenTestScreen

    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await admin_signed_in(pilot, "Global Administrator")
            await plan(pilot, "edw-grants-daemon")
            await pilot.press("ctrl+g")
            await wait_for(pilot, ConfirmDialog)
            await pilot.press("y")
            await wait_for(pilot, AdminProgressScreen)
            progress = app.screen
            assert isinstance(progress, AdminProgressScreen)
            await until(pilot, lambda: progress.outcome is not None, "apply's end", seconds=180)
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            test = app.screen
            assert isinstance(test, TokenTestScreen)
            await until(pilot, lambda: test.report is not None, "the token test's end", seconds=120)
            await pilot.press("escape")  # Back: the consent step, with the admin still signed in
            await wait_for(pilot, ConsentScreen)
            text = await wait_for_text(pilot, "✓ User.Read.All granted", within="#granted")
            assert "read from Graph with the admin sign-in" in text
    finally:
        app.flow.close()
