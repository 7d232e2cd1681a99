"""The TUI's admin path on the sandbox: "Create the registration for me", sign-in in a worker (a person completes
the shown URL), the plan, Apply after confirmation, progress per step, then the token test already configured."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from test_tui_sandbox_flows import SIZE, start_on
from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import make_app, screen_text, until, wait_for, wait_for_text

from screens.admin_plan import AdminPlanScreen
from screens.admin_progress import AdminProgressScreen
from screens.admin_signin import AdminSignInScreen
from screens.app import WizardApp
from screens.diagnosis import DiagnosisScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.start import StartScreen
from screens.token_test import TokenTestScreen
from tests.form_browser import FormBrowser
from wizard.sandbox.trust import httpx_client


def _person(app: WizardApp, role: str | None) -> dict[str, Any]:
    """The sandbox user holding `role` (from the ready line's users, passwords included)."""
    assert app.flow.sandbox is not None
    described = app.flow.sandbox.sandbox._sandbox.describe()
    tenant = next(t for t in described["tenants"] if t["name"] == "contoso")
    return dict(next(u for u in tenant["users"] if (role in u["roles"]) or (role is None and not u["roles"])))


def _sign_in_in_browser(url: str, ca_file: str, who: dict[str, Any]) -> str:
    """A person opens the URL the screen shows and signs in (the form_post reaches the wizard's loopback)."""
    with httpx_client(ca_file, timeout=30) as http:
        browser = FormBrowser(http)
        page = browser.open(url)
        return browser.submit(
            page, "signin", {"login": who["user_principal_name"], "passwd": who["password"]}
        ).text


async def _to_the_sign_in(pilot: Pilot[int], app: WizardApp) -> AdminSignInScreen:
    """From a started sandbox back to the start screen, then the admin path's sign-in screen."""
    app.flow.admin_opener = lambda url: False  # no browser on this machine: the person uses the shown URL
    await start_on(pilot, "graph-daemon")  # starts the sandbox
    await pilot.press("escape")
    await wait_for(pilot, StartScreen)
    await pilot.press("end", "enter")  # the last choice: the admin path
    await wait_for(pilot, AdminSignInScreen)
    screen = app.screen
    assert isinstance(screen, AdminSignInScreen)
    return screen


async def admin_signed_in(pilot: Pilot[int], role: str) -> None:
    """From the start screen (sandbox running) to the plan screen, signed in with the browser as `role`."""
    app = pilot.app
    assert isinstance(app, WizardApp)
    screen = await _to_the_sign_in(pilot, app)
    await wait_for_text(pilot, "Public client: ")
    await pilot.press("b")
    await until(pilot, lambda: "/oauth2/v2.0/authorize?" in screen.copyable, "the sign-in URL")
    prompt = screen.query_one("#signin-prompt", Static)  # shown for people on SSH, whole (it may wrap)
    assert prompt.region.height > 1 and screen.copyable in str(prompt.content)
    assert "/oauth2/v2.0/authorize?" in screen.copyable
    assert app.flow.sandbox is not None
    page = await asyncio.to_thread(
        _sign_in_in_browser, screen.copyable, app.flow.sandbox.ca_file, _person(app, role)
    )
    assert "Signed in" in page
    await wait_for_text(pilot, "Signed in: ", within="#signin-status")
    await pilot.press("ctrl+n")
    await wait_for(pilot, AdminPlanScreen)


async def plan(pilot: Pilot[int], name: str) -> AdminPlanScreen:
    screen = pilot.app.screen
    assert isinstance(screen, AdminPlanScreen)
    screen.query_one("#plan-name").value = name  # type: ignore[attr-defined]
    await pilot.press("ctrl+r")
    await until(pilot, lambda: screen.plan is not None, "the plan")
    return screen


async def test_admin_creates_the_registration_then_the_token_test_passes(tmp_path: Path) -> None:
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await admin_signed_in(pilot, "Global Administrator")
            await plan(pilot, "edw-tui-daemon")
            shown = await wait_for_text(pilot, "to do")
            assert "create application" in shown and "grant admin consent" in shown
            # The highlighted step's Graph request is shown, and every request to send can be copied.
            await wait_for_text(pilot, "create application sends: PATCH", within="#plan-status")
            screen = app.screen
            assert isinstance(screen, AdminPlanScreen)
            copyable = dict(screen.copy_items())
            assert "PATCH /v1.0/applications(uniqueName='edw-tui-daemon') + Prefer: create-if-missing" in (
                copyable.values()
            )
            assert any(v.endswith("/appRoleAssignedTo") for v in copyable.values())
            await pilot.press("ctrl+g")
            await wait_for(pilot, ConfirmDialog)
            assert "Apply" in screen_text(app) and "edw-tui-daemon" in screen_text(app)
            await pilot.press("y")
            await wait_for(pilot, AdminProgressScreen)
            progress = app.screen
            assert isinstance(progress, AdminProgressScreen)
            await until(pilot, lambda: progress.outcome is not None, "apply's end", seconds=180)
            assert progress.outcome is not None and progress.outcome.ok, progress.outcome.findings
            assert progress.outcome.secret_file
            secret = Path(progress.outcome.secret_file).read_text().strip()
            shown = await wait_for_text(pilot, "ctrl+n runs the token test", within="#progress-status")
            assert secret not in shown and secret not in screen_text(app)
            assert progress.query_one("#progress-steps").row_count >= 3  # type: ignore[attr-defined]
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            test = app.screen
            assert isinstance(test, TokenTestScreen)
            await until(pilot, lambda: test.report is not None, "the token test's end", seconds=120)
            assert test.report is not None and test.report.verdict == "ok", test.report.findings
            assert app.state.profile.client_id == progress.outcome.client_id
            assert secret not in screen_text(app)
    finally:
        app.flow.close()


async def test_application_administrator_sees_graph_consent_not_allowed() -> None:
    app = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await admin_signed_in(pilot, "Application Administrator")
            await plan(pilot, "edw-tui-appadmin")
            status = await wait_for_text(pilot, "not allowed for your role", within="#plan-status")
            assert "grant admin consent" in status and "Privileged Role Administrator" in status
            # Apply anyway: what it may do is done, the refused consent is a finding on the screen.
            await pilot.press("ctrl+g")
            await wait_for(pilot, ConfirmDialog)
            assert "will be refused" in screen_text(app)
            await pilot.press("y")
            await wait_for(pilot, AdminProgressScreen)
            progress = app.screen
            assert isinstance(progress, AdminProgressScreen)
            await until(pilot, lambda: not progress.running, "apply's end", seconds=180)
            shown = str(progress.query_one("#progress-status").content)  # type: ignore[attr-defined]
            assert "Traceback" not in shown
            assert progress.outcome is not None and progress.outcome.findings, shown
    finally:
        app.flow.close()


async def test_d_shows_a_device_code_and_c_copies_it() -> None:
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _to_the_sign_in(pilot, app)
            await wait_for_text(pilot, "Public client: ")
            await pilot.press("d")
            await until(pilot, lambda: bool(screen.copyable), "the device code")
            code = screen.copyable
            assert "/oauth2" not in code  # the code itself, not a URL
            await wait_for_text(pilot, code, within="#signin-prompt")
            await pilot.press("c")
            await until(pilot, lambda: app.clipboard == code, "the code on the clipboard")
    finally:
        app.flow.close()


async def test_back_from_the_sign_in_returns_to_the_start() -> None:
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _to_the_sign_in(pilot, app)
            await pilot.press("escape")
            await wait_for(pilot, StartScreen)
    finally:
        app.flow.close()


async def test_quitting_while_the_sign_in_waits_ends_the_wait() -> None:
    """The wizard closed mid sign-in: the waiting worker is told to stop (it held the exit for minutes)."""
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _to_the_sign_in(pilot, app)
            await pilot.press("b")
            await until(pilot, lambda: "/oauth2/v2.0/authorize?" in screen.copyable, "the sign-in URL")
            waiting = screen._cancel
            assert not waiting.is_set()
            app.exit()
        assert waiting.is_set()
    finally:
        app.flow.close()


async def test_fix_it_now_grants_the_missing_permission() -> None:
    """The admin made the app without any permission: the token test finds roles-missing, and "Fix it now"
    (same plan and confirmation) grants it; the test then passes."""
    app = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await admin_signed_in(pilot, "Global Administrator")
            app.screen.query_one("#plan-roles").value = ""  # type: ignore[attr-defined]
            await plan(pilot, "edw-tui-fixme")
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
            assert test.report is not None and "roles-missing" in [f.code for f in test.report.findings]
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            await wait_for_text(pilot, "Fix it now")
            await pilot.press("n")
            await wait_for(pilot, AdminPlanScreen)
            fixing = app.screen
            assert isinstance(fixing, AdminPlanScreen)
            await until(pilot, lambda: fixing.plan is not None, "the fix's plan")
            shown = await wait_for_text(pilot, "grant admin consent")
            assert "User.Read.All" in shown
            await pilot.press("ctrl+g")
            await wait_for(pilot, ConfirmDialog)
            await pilot.press("y")
            await wait_for(pilot, AdminProgressScreen)
            progress = app.screen
            assert isinstance(progress, AdminProgressScreen)
            await until(pilot, lambda: progress.outcome is not None, "the fix's end", seconds=180)
            assert progress.outcome is not None and progress.outcome.ok, progress.outcome.findings
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            test = app.screen
            assert isinstance(test, TokenTestScreen)
            await until(pilot, lambda: test.report is not None, "the second token test", seconds=120)
            assert test.report is not None and test.report.verdict == "ok", test.report.findings
    finally:
        app.flow.close()


async def test_no_fix_it_now_without_an_admin() -> None:
    """A sandbox app with a finding, nobody signed in as admin: no "Fix it now"."""
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start_on(pilot, "unconsented-daemon")
            for _ in range(3):
                await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            test = app.screen
            assert isinstance(test, TokenTestScreen)
            await until(pilot, lambda: test.report is not None, "the token test's end", seconds=120)
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            diagnosis = app.screen
            assert isinstance(diagnosis, DiagnosisScreen)
            assert "roles-missing" in [f.code for f in diagnosis.report.findings]
            assert "Fix it now" not in screen_text(app)
            assert diagnosis.fixable is None
    finally:
        app.flow.close()
