"""Pilot tests of the wizard's screens that need no network: validation, Back, certificates, palette, themes."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input
from tui_helpers import CANARY, make_app, screen_text, type_text, until, wait_for, wait_for_text

from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.registration import RegistrationScreen
from screens.start import StartScreen
from screens.state import Step
from wizard.profile import CredentialKind, Profile

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0001-4000-a000-00000000c11e"


async def _to_registration(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, StartScreen)
    await pilot.press("enter")  # the highlighted choice: new workforce setup
    await wait_for(pilot, RegistrationScreen)


async def test_start_screen_is_painted_first_with_every_choice() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        text = screen_text(app)
        for choice in ("workforce tenant", "External ID tenant", "Import an existing", "sandbox tenant"):
            assert choice in text
        assert "❯Start" in text  # the step list, as a bar at 80 columns


async def test_invalid_client_id_shows_the_core_fix_as_you_type() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_registration(pilot, app)
        await type_text(pilot, "common")
        await pilot.press("tab")
        await type_text(pilot, "api://my-api")
        text = await wait_for_text(pilot, "That is an App ID URI")
        assert "cannot issue app-only tokens" in text


async def test_next_is_refused_with_errors_and_accepted_when_fixed() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_registration(pilot, app)
        await pilot.press("ctrl+n")
        await wait_for_text(pilot, "The tenant is empty")
        assert isinstance(app.screen, RegistrationScreen)
        await type_text(pilot, TENANT)
        await pilot.press("tab")
        await type_text(pilot, CLIENT)
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        assert app.state.profile.tenant == TENANT
        assert app.state.profile.client_id == CLIENT


async def test_back_returns_to_the_previous_step_with_values_kept() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_registration(pilot, app)
        await type_text(pilot, TENANT)
        await pilot.press("tab")
        await type_text(pilot, CLIENT)
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        await pilot.press("escape")
        await wait_for(pilot, RegistrationScreen)
        assert app.screen.candidate().client_id == CLIENT
        await pilot.press("escape")
        await wait_for(pilot, StartScreen)


async def test_secret_id_pasted_as_secret_is_refused_and_never_shown() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(CredentialScreen(Profile(tenant=TENANT, client_id=CLIENT)))
        app.screen.query_one("#secret").focus()
        await type_text(pilot, "0a1b2c3d-0000-4000-8000-123456789abc")
        await wait_for_text(pilot, "Secret ID")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CredentialScreen)
        app.screen.query_one("#secret").value = ""
        await type_text(pilot, CANARY)
        text = await wait_for_text(pilot, "24 months")
        assert CANARY not in text and CANARY[:12] not in text
        assert "24 months" in text


async def test_a_masked_secret_is_never_copied_or_cut_to_the_clipboard() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(CredentialScreen(Profile(tenant=TENANT, client_id=CLIENT)))
        secret = app.screen.query_one("#secret", Input)
        secret.focus()
        await type_text(pilot, CANARY)
        secret.select_all()
        await pilot.press("ctrl+c")
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert CANARY not in app.clipboard
        assert secret.value == CANARY  # cut refused: nothing was removed either
        plain = app.screen.query_one("#subject", Input)  # an unmasked field still copies
        plain.select_all()
        plain.action_copy()
        assert app.clipboard == plain.value


async def test_certificate_generation_writes_files_and_shows_thumbprints(tmp_path: Path) -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = CredentialScreen(Profile(name="tui-test", tenant=TENANT, client_id=CLIENT))
        await app.push_screen(screen)
        screen.query_one("#out-dir").value = str(tmp_path)
        await pilot.press("ctrl+g")
        await wait_for_text(pilot, "SHA-1 thumbprint (portal)")
        assert screen.generated is not None
        written = {p.name for p in tmp_path.iterdir()}
        assert {"tui-test.key.pem", "tui-test.cer", "tui-test.pem", "tui-test.pfx"} <= written
        assert (tmp_path / "tui-test.key.pem").stat().st_mode & 0o077 == 0
        assert screen.generated.thumbprints.sha1_hex in screen_text(app)
        result = screen.result()
        assert result is not None
        assert result.profile.credential is CredentialKind.CERTIFICATE
        assert result.profile.certificate.thumbprint_sha1 == screen.generated.thumbprints.sha1_hex


async def test_existing_certificate_is_inspected_with_key_match(tmp_path: Path) -> None:
    from wizard.certs.generate import generate_certificate

    made = generate_certificate(subject="CN=existing", out_dir=tmp_path, name="existing")
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = CredentialScreen(Profile(tenant=TENANT, client_id=CLIENT))
        await app.push_screen(screen)
        screen.query_one("#cert-path").value = made.files["cert_pem"].path
        screen.query_one("#key-path").value = made.files["key"].path
        await pilot.press("ctrl+o")
        await wait_for_text(pilot, "Private key: matches the certificate")
        assert screen.inspected is not None and screen.inspected.key_matches is True


async def test_consent_screen_copies_the_url_and_hides_approve_off_sandbox() -> None:
    app = make_app(flow=False)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        profile = Profile(tenant=TENANT, client_id=CLIENT)
        await app.push_screen(ConsentScreen(profile))
        await pilot.press("c")
        await pilot.pause()
        assert copied and copied[0].startswith(
            f"https://login.microsoftonline.com/{TENANT}/v2.0/adminconsent"
        )
        assert "Approve" not in screen_text(app)
        assert "Global Administrator" in screen_text(app)


async def test_consent_approve_key_calls_the_approver() -> None:
    app = make_app(flow=False)
    approved: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(
            ConsentScreen(Profile(tenant=TENANT, client_id=CLIENT), approve=approved.append)
        )
        await pilot.press("a")
        await wait_for_text(pilot, "Admin consent granted on the sandbox tenant")
        assert approved == [CLIENT]


async def test_command_palette_lists_the_wizard_actions() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_registration(pilot, app)
        await pilot.press("ctrl+p")
        await wait_for(pilot, CommandPalette)
        await type_text(pilot, "Wizard: Back")
        await wait_for_text(pilot, "Key: escape")  # the hit, with its help line
        await pilot.press("enter")
        await wait_for(pilot, StartScreen)


async def test_theme_toggles_between_light_and_dark() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before
        assert {before, app.theme} == {"textual-dark", "textual-light"}


def test_steps_are_seven_and_ordered() -> None:
    assert [s.value for s in Step] == list(range(7))


async def test_leaving_a_running_token_test_cancels_it() -> None:
    import threading

    from screens.services import DoctorView
    from screens.token_test import TokenTestScreen

    started, cancelled = threading.Event(), threading.Event()

    def runner(on_step: object, cancel: threading.Event) -> DoctorView:
        started.set()
        if cancel.wait(10):
            cancelled.set()
        return DoctorView(verdict="fail")

    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(TokenTestScreen(runner))
        await until(pilot, started.is_set, "the test started")
        await pilot.press("escape")
        await until(pilot, cancelled.is_set, "the test cancelled")
        assert not isinstance(app.screen, TokenTestScreen)
