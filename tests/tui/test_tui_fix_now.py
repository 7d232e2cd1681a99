""" "Fix it now" with an admin signed in, on the sandbox over real HTTPS: a new secret beside the expired one
(or rotation), the federated credential the presented token needs (the claim diff read through Graph), and the
settings' proxy reaching the token test."""

from __future__ import annotations

import asyncio
import stat
import threading
from pathlib import Path

from test_tui_admin import _person, _sign_in_in_browser
from test_tui_sandbox_flows import start_on
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input
from tui_helpers import make_app, screen_text, until, wait_for, wait_for_text

from screens.admin_fic_fix import FicFixScreen
from screens.admin_plan import AdminPlanScreen
from screens.admin_progress import AdminProgressScreen
from screens.admin_services import AdminSession, AdminTarget, sign_in
from screens.app import WizardApp
from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.settings import SettingsDialog, parse_proxy, parse_settings, without_credentials
from screens.services import DoctorView
from screens.token_test import TokenTestScreen
from tests.connect_proxy import ConnectProxy
from tests.federated_tokens import mint
from wizard.sandbox.trust import httpx_client

SIZE = (120, 40)
GA = "Global Administrator"
WRONG_SUBJECT = "repo:contoso/daemon:ref:refs/heads/main"


def _signed_in(app: WizardApp, role: str) -> AdminSession:
    """The admin signs in as the admin path does (browser, auth code + PKCE, loopback): blocking."""
    assert app.flow.sandbox is not None
    target = AdminTarget.sandbox(app.flow.sandbox.sandbox)
    assert target.ca_file is not None
    ca_file, who = target.ca_file, _person(app, role)
    failed: list[BaseException] = []

    def on_url(url: str) -> None:  # a person opens the URL and signs in, while the wizard waits
        def person() -> None:
            try:
                _sign_in_in_browser(url, ca_file, who)
            except BaseException as exc:
                failed.append(exc)

        threading.Thread(target=person, daemon=True).start()

    session = sign_in(
        target,
        device_code=False,
        on_url=on_url,
        on_code=lambda prompt: None,
        cancel=threading.Event(),
        opener=lambda url: False,
    )
    assert not failed, failed
    return session


async def _admin_on(pilot: Pilot[int], app_name: str) -> WizardApp:
    """The sandbox app chosen on the start screen (registration step shown) and an admin signed in."""
    app = pilot.app
    assert isinstance(app, WizardApp)
    await start_on(pilot, app_name)
    app.flow.admin_session = await asyncio.to_thread(_signed_in, app, GA)
    return app


async def _token_test(pilot: Pilot[int], *, label: str = "the token test") -> DoctorView:
    await wait_for(pilot, TokenTestScreen)
    test = pilot.app.screen
    assert isinstance(test, TokenTestScreen)
    await until(pilot, lambda: test.report is not None, label, seconds=120)
    assert test.report is not None
    return test.report


async def _to_the_test(pilot: Pilot[int]) -> DoctorView:
    """From the registration step: Next past the credential and consent steps, then the test's result."""
    for screen in (CredentialScreen, ConsentScreen, TokenTestScreen):
        await pilot.press("ctrl+n")
        await wait_for(pilot, screen)
    return await _token_test(pilot)


async def _fix_it_now(pilot: Pilot[int]) -> None:
    await pilot.press("ctrl+n")
    await wait_for(pilot, DiagnosisScreen)
    await wait_for_text(pilot, "Fix it now")
    await pilot.press("n")


async def _apply(pilot: Pilot[int]) -> AdminProgressScreen:
    """Apply on the fix's plan screen, confirmed; the progress screen once apply ended."""
    await pilot.press("ctrl+g")
    await wait_for(pilot, ConfirmDialog)
    await pilot.press("y")
    await wait_for(pilot, AdminProgressScreen)
    progress = pilot.app.screen
    assert isinstance(progress, AdminProgressScreen)
    await until(pilot, lambda: progress.outcome is not None, "the fix's end", seconds=180)
    return progress


def _password_ids(app: WizardApp) -> list[str]:
    assert app.flow.sandbox is not None
    registration = app.flow.sandbox.sandbox.registration(app.state.profile.client_id)
    return [str(p["keyId"]) for p in registration.get("passwordCredentials") or []]


async def _secret_fix_plan(pilot: Pilot[int]) -> AdminPlanScreen:
    """The token test finds the expired secret; "Fix it now" opens its plan, read."""
    report = await _to_the_test(pilot)
    assert "secret-expired" in [f.code for f in report.findings]
    await _fix_it_now(pilot)
    await wait_for(pilot, AdminPlanScreen)
    fixing = pilot.app.screen
    assert isinstance(fixing, AdminPlanScreen)
    await until(pilot, lambda: fixing.plan is not None, "the fix's plan")
    return fixing


async def test_fix_it_now_adds_a_secret_beside_the_expired_one_and_the_test_passes() -> None:
    """secret-expired: the app has a secret (the failing one), and the fix still adds one; the old is kept."""
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _admin_on(pilot, "expired-secret-daemon")
            before = _password_ids(app)
            assert before
            fixing = await _secret_fix_plan(pilot)
            assert fixing.plan is not None
            step = next(s for s in fixing.plan.steps if s.action == "add client secret")
            assert step.status == "todo", step
            assert "existing kept" in step.reason
            assert not fixing.query_one("#plan-rotate", Checkbox).value  # add-only unless asked
            progress = await _apply(pilot)
            outcome = progress.outcome
            assert outcome is not None and outcome.ok, outcome.findings
            assert outcome.secret_file and outcome.secret_masked
            assert stat.S_IMODE(Path(outcome.secret_file).stat().st_mode) == 0o600
            new = Path(outcome.secret_file).read_text().strip()
            shown = await wait_for_text(pilot, "New secret:", within="#progress-status")
            assert outcome.secret_masked in shown and new not in screen_text(app)
            after = _password_ids(app)
            assert set(before) < set(after) and len(after) == len(before) + 1  # added, the old one kept
            await pilot.press("ctrl+n")
            report = await _token_test(pilot, label="the token test after the fix")
            assert report.verdict == "ok", report.findings
            assert app.state.secret is not None and app.state.secret.reveal() == new
            assert new not in screen_text(app)
    finally:
        app.flow.close()


async def test_fix_it_now_with_rotation_adds_proves_then_removes_the_old_secret() -> None:
    """The person ticks rotation on the fix's plan: add, prove a token with the new secret, remove the old."""
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _admin_on(pilot, "expired-secret-daemon")
            before = _password_ids(app)
            fixing = await _secret_fix_plan(pilot)
            fixing.query_one("#plan-rotate", Checkbox).value = True
            await until(
                pilot, lambda: fixing.plan is not None and fixing.plan.request.rotate, "the rotation's plan"
            )
            assert fixing.plan is not None
            step = next(s for s in fixing.plan.steps if s.action == "add client secret")
            assert step.status == "todo" and "then the old secrets are removed" in step.reason
            progress = await _apply(pilot)
            outcome = progress.outcome
            assert outcome is not None and outcome.ok, outcome.findings
            assert f"removed {len(before)} old credential(s)" in outcome.changed
            after = _password_ids(app)
            assert len(after) == 1 and not set(after) & set(before)
            await pilot.press("ctrl+n")
            assert (await _token_test(pilot, label="the token test after rotation")).verdict == "ok"
    finally:
        app.flow.close()


def _mint(app: WizardApp, subject: str) -> str:
    assert app.flow.sandbox is not None
    sb = app.flow.sandbox.sandbox._sandbox
    with httpx_client(app.flow.sandbox.ca_file, timeout=30) as http:
        return mint(sb, http, "github-actions", subject)


async def test_federated_mismatch_diff_read_through_graph_then_fix_it_now_writes_the_credential() -> None:
    """The workload presents another subject: the diagnosis diffs it against the FICs Graph holds (the admin's
    read), and "Fix it now" upserts the credential that matches; the token test then passes."""
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _admin_on(pilot, "federated-daemon")
            token_file = app.state.profile.federated_token_file
            assert token_file is not None
            Path(token_file).write_text(await asyncio.to_thread(_mint, app, WRONG_SUBJECT))
            report = await _to_the_test(pilot)
            assert "federated-subject-mismatch" in [f.code for f in report.findings]
            subjects = {(r.claim, r.expected) for r in report.fic_diff}
            assert ("sub", "repo:contoso/daemon:environment:production") in subjects
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            shown = await wait_for_text(pilot, "Federated credentials, claim by claim")
            assert WRONG_SUBJECT in shown and "github-production" in shown
            await wait_for_text(pilot, "Fix it now")
            await pilot.press("n")
            await wait_for(pilot, FicFixScreen)
            fixing = app.screen
            assert isinstance(fixing, FicFixScreen)
            await until(pilot, lambda: fixing.plan is not None, "the credential to write")
            await wait_for_text(pilot, "create federated credential")
            assert fixing.plan is not None and fixing.plan.wanted.subject == WRONG_SUBJECT
            await pilot.press("ctrl+g")
            await wait_for(pilot, ConfirmDialog)
            await pilot.press("y")
            await until(pilot, lambda: fixing.outcome is not None, "the write", seconds=120)
            assert fixing.outcome is not None and fixing.outcome.written.created and fixing.outcome.matched
            await wait_for_text(pilot, "the token now matches it", within="#fic-fix-status")
            await pilot.press("ctrl+n")
            report = await _token_test(pilot, label="the token test after the fix")
            assert report.verdict == "ok", report.findings
    finally:
        app.flow.close()


async def test_the_proxy_url_setting_reaches_the_token_test() -> None:
    """F2, a proxy URL: its credentials are taken out at once, and the token test goes through that proxy."""
    app = make_app()
    with ConnectProxy() as proxy:
        try:
            async with app.run_test(size=SIZE) as pilot:
                await start_on(pilot, "graph-daemon")
                await pilot.press("f2")
                await wait_for(pilot, SettingsDialog)
                field = app.screen.query_one("#proxy-url", Input)
                field.value = f"http://edw-user:edw-proxy-pw@127.0.0.1:{proxy.port}"
                field.focus()
                await pilot.press("enter")
                await wait_for_text(pilot, "user name and password were removed", within="#settings-message")
                assert field.value == f"http://127.0.0.1:{proxy.port}"
                assert "edw-proxy-pw" not in screen_text(app)
                await pilot.press("enter")  # saved, without the credentials
                await until(pilot, lambda: not isinstance(app.screen, SettingsDialog), "the dialog closed")
                assert app.state.settings.proxy == f"http://127.0.0.1:{proxy.port}"
                report = await _to_the_test(pilot)
                assert report.verdict == "ok", report.findings
                assert app.flow.sandbox is not None
                sandbox_host = app.flow.sandbox.sandbox.base_url.split("://", 1)[1].rstrip("/")
                # The token (msal, requests) and the Graph call (httpx): two clients, each through the proxy.
                assert proxy.targets.count(sandbox_host) >= 2, proxy.targets
        finally:
            app.flow.close()


def test_a_proxy_url_is_host_and_port_and_never_keeps_credentials() -> None:
    assert parse_proxy("http://proxy.example.com:8080") is None
    assert parse_proxy("") is None
    for bad in ("http://u:secret-pw@proxy:8080", "u:secret-pw@proxy:8080"):
        problem = parse_proxy(bad)
        assert problem is not None and "were removed" in problem and "secret-pw" not in problem
        assert "secret-pw" not in without_credentials(bad)
    assert "host:port" in (parse_proxy("http://proxy") or "")
    assert "no path" in (parse_proxy("http://proxy:8080/x") or "")
    assert "http://host:port" in (parse_proxy("socks5://proxy:1080") or "")
    saved = parse_settings("30", "", True, "http://proxy:3128/")
    assert not isinstance(saved, str) and saved.proxy == "http://proxy:3128"
