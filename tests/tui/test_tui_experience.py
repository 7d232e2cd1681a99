"""Issue 16, driven as a user would: where am I (the step list), what happened, what next (copy, admin
center, settings, saved profiles, summary), one Pilot test per new key binding."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.command import CommandPalette
from tui_helpers import CANARY, make_app, screen_text, type_text, until, wait_for, wait_for_text

from screens.commands import WizardCommands
from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.dialogs.copy import CopyDialog
from screens.dialogs.save_profile import SaveProfileDialog
from screens.dialogs.settings import SettingsDialog, parse_settings
from screens.export import ExportScreen
from screens.registration import RegistrationScreen
from screens.services import DoctorView, TraceStep
from screens.start import StartScreen
from screens.state import Settings, Step, StepStatus, WizardState
from screens.token_test import TokenTestScreen
from wizard.diagnosis.model import Finding
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.profile_store import load_profile, profile_path, save_profile
from wizard.secret import Secret

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"
PROFILE = Profile(name="mydaemon", tenant=TENANT, client_id=CLIENT)
CORRELATION = "0f1e2d3c-4b5a-4678-9abc-def012345678"
REFUSED = DoctorView(
    verdict="fail",
    findings=(
        Finding(
            code="secret-invalid",
            severity="error",
            title="The client secret is wrong",
            explanation="Entra refused the secret: `AADSTS7000215`.",
            fix="Paste the secret's **Value**, not its ID.",
            links=("https://learn.microsoft.com/entra/identity-platform/reference-error-codes",),
        ),
    ),
    aadsts="7000215",
    correlation_id=CORRELATION,
)


def _runner(report: DoctorView, calls: list[int]) -> Callable[..., DoctorView]:
    def run(on_step: Callable[[TraceStep], None], cancel: threading.Event) -> DoctorView:
        calls.append(1)
        return report

    return run


# --- where am I -----------------------------------------------------------------------------------------


async def test_the_step_list_marks_done_and_current_as_a_bar_at_80_columns() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        bar = screen_text(app).splitlines()[1]
        assert "✓Start" in bar and "❯Registration" in bar and "·Export" in bar
        assert app.state.status(Step.START) is StepStatus.DONE


async def test_the_step_list_is_a_list_beside_the_step_on_a_wide_terminal() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, StartScreen)
        text = screen_text(app)
        assert "❯ 1. Start" in text and "· 7. Export" in text and "Step 1 of 7" in text


async def test_a_failed_test_is_marked_and_back_from_the_diagnosis_does_not_run_it_again() -> None:
    app = make_app(flow=False)
    calls: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.progress[Step.TEST] = StepStatus.FAILED
        await app.push_screen(TokenTestScreen(_runner(REFUSED, calls), report=REFUSED))
        await wait_for_text(pilot, "the last run; r runs it again", within="#test-status")
        assert calls == []  # shown, not run
        assert "✗Test" in screen_text(app)
        await pilot.press("r")
        await until(pilot, lambda: calls == [1], "the test run again on r")


async def test_the_palette_lists_the_wizard_actions_not_the_widgets() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)  # an Input has the focus, with its ~30 bindings
        titles = [title for title, *_ in WizardCommands(app.screen)._commands()]
        assert "Wizard: Back" in titles and "Wizard: Open in the admin center" in titles
        assert "Wizard: Settings" in titles and "Wizard: Quit" in titles
        assert not [t for t in titles if "Scroll" in t or "cursor" in t.lower() or "Delete" in t]
        await pilot.press("ctrl+p")
        await wait_for(pilot, CommandPalette)
        await type_text(pilot, "Wizard: Settings")
        await pilot.press("enter")
        await wait_for(pilot, SettingsDialog)


async def test_quit_is_in_the_footer_and_works_from_a_text_field() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        assert "^q Quit" in screen_text(app).splitlines()[-1]
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app._exit_renderables is not None or not app.is_running, "the app quit")
    assert app.return_code in (0, None)


async def test_the_start_screen_says_what_each_tenant_is_and_what_you_need() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await wait_for_text(pilot, "You need an app registration", within="#start-about")
        await pilot.press("down")
        await wait_for_text(pilot, "holds your customers' accounts", within="#start-about")


async def test_a_saved_profile_is_offered_first_and_continues_with_it() -> None:
    save_profile(PROFILE)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await wait_for_text(pilot, "Continue with mydaemon")
        await pilot.press("enter")  # the first option: the saved profile
        await wait_for(pilot, RegistrationScreen)
        assert app.state.profile.client_id == CLIENT
        assert app.state.secret is None


# --- what happened --------------------------------------------------------------------------------------


async def test_the_running_test_shows_the_time_against_the_timeout_and_x_cancels_it() -> None:
    release = threading.Event()
    seen: list[bool] = []

    def runner(on_step: Callable[[TraceStep], None], cancel: threading.Event) -> DoctorView:
        cancel.wait(30)
        seen.append(cancel.is_set())
        release.set()
        return REFUSED

    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(TokenTestScreen(runner, timeout=12))
        await wait_for_text(pilot, "of 12 s · x cancels", within="#test-status")
        await pilot.press("x")
        await wait_for_text(pilot, "Cancelled. Press r", within="#test-status")
        assert seen == [True]
        assert isinstance(app.screen, TokenTestScreen) and app.screen.result() is None


async def test_findings_show_the_aadsts_code_the_correlation_id_and_the_links() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(DiagnosisScreen(REFUSED))
        await wait_for(pilot, DiagnosisScreen)
        text = await wait_for_text(pilot, "AADSTS7000215")
        assert CORRELATION in text
        # The link stays on one line (cut at the edge, the whole URL in ctrl+y), never folded mid-token.
        assert "See: https://learn.microsoft.com/entra/identity-platform/reference-error" in text
        assert "`" not in text and "**" not in text


async def test_the_claims_table_wraps_its_meanings_at_80_columns() -> None:
    from screens.services import ClaimView

    meaning = "The application permissions granted to the app by an admin, as app role values (`roles`)"
    report = DoctorView(verdict="ok", claims=(ClaimView("roles", "User.Read.All", meaning),))
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(DiagnosisScreen(report))
        text = await wait_for_text(pilot, "User.Read.All")
        flat = " ".join(line.strip() for line in text.splitlines())
        for word in ("application permissions", "app role values", "(roles)"):
            assert word in flat  # wrapped onto further lines, never cut off with an ellipsis
        assert "…" not in text


async def test_checkboxes_are_empty_when_unticked() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ExportScreen(PROFILE, secret=None, scrub=str)
        await app.push_screen(screen)
        await wait_for_text(pilot, "▐ ▌ Replace existing files")
        screen.query_one("#force").value = True  # type: ignore[attr-defined]
        await wait_for_text(pilot, "▐X▌ Replace existing files")


# --- what next ------------------------------------------------------------------------------------------


async def test_ctrl_y_copies_the_aadsts_code_and_the_correlation_id() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(DiagnosisScreen(REFUSED))
        await wait_for(pilot, DiagnosisScreen)
        await pilot.press("ctrl+y")
        await wait_for(pilot, CopyDialog)
        await wait_for_text(pilot, f"Correlation ID: {CORRELATION}")
        await pilot.press("enter")  # the first: the AADSTS code
        await until(pilot, lambda: app.clipboard == "AADSTS7000215", "the code on the clipboard")
        await wait_for(pilot, DiagnosisScreen)
        await pilot.press("ctrl+y")
        await wait_for(pilot, CopyDialog)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.clipboard == CORRELATION, "the correlation id on the clipboard")


async def test_ctrl_b_opens_this_steps_blade_in_the_admin_center(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CredentialScreen(PROFILE))
        await wait_for(pilot, CredentialScreen)
        await pilot.press("ctrl+b")
        await until(pilot, lambda: bool(opened), "the browser opened")
    assert opened == [
        f"https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/{CLIENT}"
    ]


async def test_f2_settings_feed_the_token_test_and_refuse_bad_values(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await pilot.press("f2")
        await wait_for(pilot, SettingsDialog)
        field = app.screen.query_one("#timeout")
        field.value = "abc"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for_text(pilot, "The timeout must be a number of seconds", within="#settings-message")
        field.value = "7"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, StartScreen)
        assert app.state.settings == Settings(timeout=7.0)
    captured: dict[str, object] = {}

    import screens.services as services

    def fake_doctor(profile: Profile, **kw: object) -> DoctorView:
        captured.update(kw)
        return REFUSED

    app.state.settings = Settings(timeout=7.0, ca_file=str(tmp_path / "ca.pem"), use_env_proxies=False)
    original = services.run_doctor
    services.run_doctor = fake_doctor  # type: ignore[assignment]
    try:
        app.flow._runner()(lambda _s: None, threading.Event())
    finally:
        services.run_doctor = original
    assert captured["timeout"] == 7.0 and captured["use_env_proxies"] is False
    assert captured["ca_file"] == str(tmp_path / "ca.pem")


def test_settings_are_checked() -> None:
    assert parse_settings("0", "", True) == "The timeout must be between 1 and 600 seconds."
    assert "There is no file" in str(parse_settings("30", "/nowhere/ca.pem", True))
    assert parse_settings(" 45 ", "", False) == Settings(timeout=45.0, use_env_proxies=False)


async def test_f3_saves_the_profile_as_typed_without_the_secret() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        app.state.secret = Secret(CANARY)
        await type_text(pilot, TENANT)
        await pilot.press("tab")
        await type_text(pilot, CLIENT)
        await pilot.press("f3")
        await wait_for(pilot, SaveProfileDialog)
        name = app.screen.query_one("#profile-name")
        name.value = "bad name!"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for_text(pilot, "is not a valid profile name", within="#save-message")
        name.value = "mydaemon"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: profile_path("mydaemon").is_file(), "the profile written")
    assert load_profile("mydaemon").client_id == CLIENT
    assert CANARY not in profile_path("mydaemon").read_text("utf-8")


async def test_ctrl_l_reveals_the_secret_only_when_asked() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CredentialScreen(PROFILE))
        await wait_for(pilot, CredentialScreen)
        app.screen.query_one("#secret").focus()
        await type_text(pilot, CANARY)
        assert CANARY not in screen_text(app)
        await pilot.press("ctrl+l")
        await wait_for_text(pilot, CANARY[:30])
        await pilot.press("ctrl+l")
        await until(pilot, lambda: CANARY[:30] not in screen_text(app), "the secret masked again")


async def test_a_key_and_thumbprint_config_goes_on_without_a_certificate_file() -> None:
    cert = CertificateRef(key_path="server.pem", thumbprint_sha1="AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12")
    profile = PROFILE.with_(credential=CredentialKind.CERTIFICATE, certificate=cert)
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CredentialScreen(profile)
        await app.push_screen(screen)
        await wait_for_text(pilot, "no certificate file is needed", within="#inspect-summary")
        result = screen.result()
        assert result is not None and result.profile.certificate == cert


async def test_the_last_step_ends_with_a_summary(tmp_path: Path) -> None:
    app = make_app(flow=False)
    profile = PROFILE.with_(credential=CredentialKind.SECRET)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ExportScreen(
            profile,
            secret=Secret(CANARY),
            scrub=WizardState(secret=Secret(CANARY)).scrub,
            out_dir=tmp_path,
            works="the token test PASSED.",
        )
        await app.push_screen(screen)
        await wait_for(pilot, ExportScreen)
        await pilot.press("ctrl+s")
        text = await wait_for_text(pilot, "Files written:", within="#export-output")
        assert "What works: the token test PASSED." in text
        assert "mode 600" in text
        assert "Next, for each sample" in text
        assert CANARY not in text
        await pilot.press("ctrl+y")
        await wait_for(pilot, CopyDialog)
        await wait_for_text(pilot, "Command (python-secret): pip install")


# --- the whole sandbox flow at 80x24 --------------------------------------------------------------------


async def test_the_whole_sandbox_flow_at_80x24(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Start to summary on the sandbox (real HTTPS, real msal), with the step list and Back kept honest."""
    from test_tui_sandbox_flows import start_on, wait_for_test

    from screens.consent import ConsentScreen

    monkeypatch.chdir(tmp_path)
    app = make_app()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await start_on(pilot, "graph-daemon")
            await pilot.press("ctrl+n")
            await wait_for(pilot, CredentialScreen)
            await pilot.press("ctrl+n")
            await wait_for(pilot, ConsentScreen)
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            await wait_for_test(pilot)
            await wait_for_text(pilot, "PASSED", within="#test-status")
            first = app.screen.report  # type: ignore[attr-defined]
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            assert "✓Test" in screen_text(app).splitlines()[1]
            await pilot.press("escape")  # back to the test: shown as it ran, not run again
            await wait_for(pilot, TokenTestScreen)
            await wait_for_text(pilot, "the last run", within="#test-status")
            assert app.screen.report is first  # type: ignore[attr-defined]
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            await pilot.press("ctrl+n")
            await wait_for(pilot, ExportScreen)
            bar = screen_text(app).splitlines()[1]
            assert all(
                f"✓{name}" in bar for name in ("Start", "Registration", "Credential", "Consent", "Test")
            )
            await pilot.press("ctrl+s")
            text = await wait_for_text(pilot, "Files written:", within="#export-output")
            assert "What works: the token test PASSED." in text
            secret = app.state.secret
            assert secret is not None and secret.reveal() not in screen_text(app)
            await pilot.press("ctrl+n")
            await until(pilot, lambda: not app.is_running, "the wizard finished")
    finally:
        app.flow.close()
    assert app.return_code in (0, None)
    assert (tmp_path / "daemon-config-sandbox").is_dir()


async def test_f3_can_keep_the_secret_in_the_os_keyring_and_continue_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from fake_keyring import MemoryKeyring

    store = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: store)
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.state.profile, app.state.secret = PROFILE.with_(credential=CredentialKind.SECRET), Secret(CANARY)
        await app.push_screen(CredentialScreen(app.state.profile))
        await wait_for(pilot, CredentialScreen)
        await pilot.press("f3")
        await wait_for(pilot, SaveProfileDialog)
        app.screen.query_one("#keyring").value = True  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: bool(store.items), "the secret in the keyring")
        assert CANARY not in screen_text(app)
    assert CANARY not in profile_path("mydaemon").read_text("utf-8")
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Continue with mydaemon")
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        assert again.state.secret == Secret(CANARY)


async def test_the_secret_expiry_is_recorded_and_reminded_on_continue() -> None:
    from datetime import date, timedelta

    from screens.flow import expiry_reminder

    app = make_app(flow=False)
    soon = (date.today() + timedelta(days=10)).isoformat()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CredentialScreen(PROFILE)
        await app.push_screen(screen)
        await wait_for(pilot, CredentialScreen)
        screen.query_one("#secret").value = CANARY  # type: ignore[attr-defined]
        screen.query_one("#secret-expires").value = "31/12/2026"  # type: ignore[attr-defined]
        assert screen.result() is None  # not a date: refused with the format
        screen.query_one("#secret-expires").value = soon  # type: ignore[attr-defined]
        result = screen.result()
        assert result is not None and result.profile.secret_expires == soon
    save_profile(result.profile)
    assert load_profile("mydaemon").secret_expires == soon
    assert (
        expiry_reminder(soon, date.today())
        == f"The client secret expires on {soon} (10 days): rotate it before then."
    )
    assert "expired on" in str(expiry_reminder("2020-01-01", date.today()))
    assert expiry_reminder((date.today() + timedelta(days=90)).isoformat(), date.today()) is None
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Continue with mydaemon")
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        await until(
            pilot,
            lambda: any("rotate it before then" in n.message for n in again._notifications),
            "the expiry reminder",
        )


@pytest.mark.parametrize(("key", "step"), [("c", Step.CONSENT), ("r", Step.TEST)])
async def test_diagnosis_keys_go_to_consent_or_run_the_test_again(key: str, step: Step) -> None:
    from screens.state import GoTo

    app = make_app(flow=False)
    chosen: list[GoTo | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(DiagnosisScreen(REFUSED), callback=chosen.append)
        await wait_for_text(pilot, "AADSTS7000215")
        await pilot.press(key)
        await until(pilot, lambda: chosen == [GoTo(step)], f"the diagnosis leaving for {step.name}")


async def test_the_token_test_offers_its_code_correlation_id_and_urls_to_copy() -> None:
    token_url = "https://127.0.0.1:8443/contoso/oauth2/v2.0/token"
    trace = (
        TraceStep(
            "discovery", "GET", "https://127.0.0.1:8443/contoso/v2.0/.well-known/openid-configuration", 200, 9
        ),
        TraceStep("token", "POST", token_url, 401, 30),
        TraceStep("token", "POST", token_url, 401, 31),
    )
    report = replace(REFUSED, trace=trace)
    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(TokenTestScreen(_runner(report, []), report=report))
        screen = app.screen
        assert isinstance(screen, TokenTestScreen)
        items = dict(screen.copy_items())
        assert items["AADSTS code"] == "AADSTS7000215" and items["Correlation ID"] == CORRELATION
        urls = [v for k, v in items.items() if k.startswith("URL (")]
        assert urls == [trace[0].url, token_url]  # each once
        await pilot.press("ctrl+y")
        await wait_for(pilot, CopyDialog)
