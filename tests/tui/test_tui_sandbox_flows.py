"""End-to-end wizard flows on the sandbox tenant: real sandbox, real msal, real HTTPS on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import CANARY, make_app, screen_text, until, wait_for, wait_for_text

from screens.app import WizardApp
from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.export import ExportScreen
from screens.registration import RegistrationScreen
from screens.start import StartScreen
from screens.token_test import TokenTestScreen
from wizard.clouds import TenantType
from wizard.profile import CredentialKind

SIZE = (100, 40)


async def wait_for_test(pilot: Pilot[int]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, TokenTestScreen)
    await wait_for_text(pilot, "Press ctrl+n for the token", within="#test-status")
    assert screen.report is not None


async def start_on(pilot: Pilot[int], app_name: str) -> None:
    """Start screen: choose the sandbox and one of its apps, go on to the registration step."""
    await wait_for(pilot, StartScreen)
    screen = pilot.app.screen
    assert isinstance(screen, StartScreen)
    await pilot.press("down", "down", "down")
    await until(pilot, lambda: screen.query_one("#sandbox-app").value == "graph-daemon", "the sandbox's apps")  # type: ignore[attr-defined]
    screen.query_one("#sandbox-app").value = app_name  # type: ignore[attr-defined]
    await pilot.press("ctrl+n")
    await wait_for(pilot, RegistrationScreen)


async def run_test_to_diagnosis(pilot: Pilot[int]) -> DiagnosisScreen:
    await wait_for(pilot, TokenTestScreen)
    await wait_for_test(pilot)
    await pilot.press("ctrl+n")
    await wait_for(pilot, DiagnosisScreen)
    screen = pilot.app.screen
    assert isinstance(screen, DiagnosisScreen)
    return screen


async def credential_to_diagnosis(pilot: Pilot[int]) -> DiagnosisScreen:
    """From the credential step: Next, Next past consent, run the token test, open the diagnosis."""
    await pilot.press("ctrl+n")
    await wait_for(pilot, ConsentScreen)
    await pilot.press("ctrl+n")
    return await run_test_to_diagnosis(pilot)


@pytest.fixture
def app() -> Iterator[WizardApp]:
    wizard = make_app()
    yield wizard
    wizard.flow.close()


async def test_workforce_with_a_secret_passes(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_on(pilot, "graph-daemon")
        await pilot.press("ctrl+n")  # registration, prefilled from the sandbox
        await wait_for(pilot, CredentialScreen)
        assert app.state.secret is not None
        secret = app.state.secret.reveal()
        await pilot.press("ctrl+n")  # the secret tab, prefilled and masked
        await wait_for(pilot, ConsentScreen)
        assert "User.Read.All" in screen_text(app)
        await pilot.press("ctrl+n")
        diagnosis = await run_test_to_diagnosis(pilot)
        assert diagnosis.report.ok, diagnosis.report.findings
        text = screen_text(app)
        assert "The daemon works." in text
        assert secret not in text and secret[:8] not in text
        await pilot.press("ctrl+n")
        await wait_for(pilot, ExportScreen)


async def test_workforce_with_a_generated_certificate(app: WizardApp, tmp_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_on(pilot, "cert-daemon")
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        screen = app.screen
        assert isinstance(screen, CredentialScreen)
        screen.query_one("#out-dir").value = str(tmp_path)  # type: ignore[attr-defined]
        await pilot.press("ctrl+g")
        await wait_for_text(pilot, "SHA-1 thumbprint (portal)")
        assert screen.generated is not None
        assert (tmp_path / "sandbox-cert-daemon.key.pem").is_file()
        await pilot.press("ctrl+n")
        await wait_for(pilot, ConsentScreen)
        assert app.state.profile.credential is CredentialKind.CERTIFICATE
        assert app.state.profile.certificate.key_path == str(tmp_path / "sandbox-cert-daemon.key.pem")
        await pilot.press("ctrl+n")
        diagnosis = await run_test_to_diagnosis(pilot)
        # Not uploaded to the app registration yet: the token endpoint refuses the new certificate.
        assert not diagnosis.report.ok
        assert diagnosis.report.findings[0].code == "certificate-not-registered"
        # Back to the credential step, upload it as the portal would (ctrl+r on the sandbox), test again.
        for step in (TokenTestScreen, ConsentScreen, CredentialScreen):
            await pilot.press("escape")
            await wait_for(pilot, step)
        await wait_for_text(pilot, "Private key: matches")  # the chosen certificate is inspected on arrival
        await pilot.press("ctrl+r")
        await wait_for_text(pilot, "Uploaded to the sandbox app")
        diagnosis = await credential_to_diagnosis(pilot)
        assert diagnosis.report.ok, diagnosis.report.findings


async def test_workforce_with_the_registered_certificate_passes(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_on(pilot, "cert-daemon")
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        await pilot.press("ctrl+o")  # inspect the registered certificate the sandbox prefilled
        await wait_for_text(pilot, "Private key: matches")
        diagnosis = await credential_to_diagnosis(pilot)
        assert diagnosis.report.ok, diagnosis.report.findings


async def test_external_id_tenant_passes(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_on(pilot, "ext-graph-daemon")
        assert app.state.profile.tenant_type is TenantType.EXTERNAL
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        diagnosis = await credential_to_diagnosis(pilot)
        assert diagnosis.report.ok, diagnosis.report.findings


async def test_missing_consent_is_diagnosed_fixed_with_the_consent_key_and_passes(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_on(pilot, "unconsented-daemon")
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        await pilot.press("ctrl+n")
        await wait_for(pilot, ConsentScreen)
        await pilot.press("ctrl+n")  # skip consent: the test must find out
        diagnosis = await run_test_to_diagnosis(pilot)
        assert not diagnosis.report.ok
        assert diagnosis.report.findings[0].code == "roles-missing"
        assert "roles-missing" in screen_text(app)
        await pilot.press("f")  # go to the fix: the consent step
        await wait_for(pilot, ConsentScreen)
        await pilot.press("a")  # approve on the sandbox
        await wait_for_text(pilot, "Admin consent granted on the sandbox tenant")
        await pilot.press("ctrl+n")
        diagnosis = await run_test_to_diagnosis(pilot)
        assert diagnosis.report.ok, diagnosis.report.findings


async def test_sandbox_flag_opens_on_the_prefilled_registration_step() -> None:
    app = make_app(sandbox="default")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, RegistrationScreen)
            assert app.state.sandbox_app == "graph-daemon"
            assert app.state.profile.client_id
            assert "sandbox tenant · graph-daemon" in screen_text(app)
            await pilot.press("escape")
            await wait_for(pilot, StartScreen)
    finally:
        app.flow.close()


async def test_canary_secret_typed_in_never_reaches_the_screen_or_the_trace(app: WizardApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_on(pilot, "graph-daemon")
        await pilot.press("ctrl+n")
        await wait_for(pilot, CredentialScreen)
        field = app.screen.query_one("#secret")
        field.value = CANARY  # type: ignore[attr-defined]
        diagnosis = await credential_to_diagnosis(pilot)
        assert not diagnosis.report.ok  # wrong secret
        seen = [screen_text(app)]
        seen += [f"{s.url} {s.error}" for s in diagnosis.report.trace]
        seen += [f"{f.title} {f.explanation} {f.fix}" for f in diagnosis.report.findings]
        for text in seen:
            assert CANARY not in text and CANARY[:12] not in text


# --- --sandbox FILE: the scenario's own apps; --sandbox NAME / --sandbox-app NAME picks one ---------------

CUSTOM_APPS = (
    {
        "name": "billing-daemon",
        "client_id": "b111ee00-0001-4000-a000-00000000c11e",
        "consented": True,
        "permissions": [{"api": "graph", "value": "User.Read.All"}],
    },
    {
        "name": "old-secret-daemon",
        "client_id": "b111ee00-0002-4000-a000-00000000c11e",
        "consented": True,
        "secret_expired": True,
        "permissions": [{"api": "graph", "value": "User.Read.All"}],
    },
    {"name": "off-daemon", "client_id": "b111ee00-0003-4000-a000-00000000c11e", "disabled": True},
    {"name": "no-sp-daemon", "client_id": "b111ee00-0004-4000-a000-00000000c11e", "service_principal": False},
)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    import json

    tenant = {
        "name": "northwind",
        "id": "0a0b0c0d-0000-4000-a000-00000000a0a0",
        "domain": "northwind.onmicrosoft.com",
        "apps": list(CUSTOM_APPS),
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps({"tenants": [tenant]}), "utf-8")
    return path


async def test_a_custom_scenario_opens_on_its_own_first_app_and_lists_every_app(scenario_file: Path) -> None:
    """Was: a blank screen, "No sandbox app with client id graph-daemon"."""
    app = make_app(sandbox=str(scenario_file))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, RegistrationScreen)
            assert app.state.sandbox_app == "billing-daemon"
            assert app.state.profile.client_id == CUSTOM_APPS[0]["client_id"]
            await wait_for_text(pilot, "sandbox tenant · billing-daemon")
            await pilot.press("escape")
            await wait_for(pilot, StartScreen)
            select = app.screen.query_one("#sandbox-app")
            offered = [value for _, value in select._options if isinstance(value, str)]  # type: ignore[attr-defined]
            assert offered == [a["name"] for a in CUSTOM_APPS]
            labels = " ".join(str(label) for label, _ in select._options)  # type: ignore[attr-defined]
            for fact in ("secret expired", "disabled", "no service principal"):
                assert fact in labels
    finally:
        app.flow.close()


async def test_sandbox_app_picks_one_of_the_scenarios_apps(scenario_file: Path) -> None:
    app = make_app(sandbox=str(scenario_file), sandbox_app="off-daemon")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, RegistrationScreen)
            assert app.state.sandbox_app == "off-daemon"
            assert app.state.profile.client_id == CUSTOM_APPS[2]["client_id"]
    finally:
        app.flow.close()


def test_sandbox_name_or_file_is_resolved_before_anything_is_drawn(scenario_file: Path) -> None:
    from screens.services import sandbox_choice
    from wizard.errors import UsageError

    assert sandbox_choice("default") == ("default", None)
    assert sandbox_choice("cert-daemon") == ("default", "cert-daemon")  # --sandbox NAME
    assert sandbox_choice(str(scenario_file), "no-sp-daemon") == (str(scenario_file), "no-sp-daemon")
    with pytest.raises(UsageError, match="no app named 'graph-daemon'") as bad:
        sandbox_choice(str(scenario_file), "graph-daemon")
    assert "billing-daemon" in str(bad.value.hint)
    with pytest.raises(UsageError, match="No scenario file and no sandbox app"):
        sandbox_choice("no-such-thing")
