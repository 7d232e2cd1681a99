"""The TUI's admin path with a federated credential: the plan screen takes the credential step's Federated
tab (issuer, subject from its parts), plans the FIC step, applies it through the same core as the CLI, and the
token test then passes with an external token the sandbox's issuer minted."""

from __future__ import annotations

from test_tui_admin import admin_signed_in, plan
from test_tui_sandbox_flows import SIZE
from textual.widgets import Input, Select
from tui_helpers import make_app, until, wait_for, wait_for_text

from screens.admin_plan import AdminPlanScreen
from screens.admin_progress import AdminProgressScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.federated_tab import FederatedPane
from screens.token_test import TokenTestScreen
from wizard.profile import CredentialKind


async def test_admin_applies_a_federated_credential_then_the_token_test_passes() -> None:
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await admin_signed_in(pilot, "Global Administrator")
            screen = app.screen
            assert isinstance(screen, AdminPlanScreen)
            assert not screen.query_one(FederatedPane).display  # a secret unless Federated is chosen
            screen.query_one("#plan-credential", Select).value = "federated"
            await until(pilot, lambda: bool(screen.query_one(FederatedPane).display), "the Federated tab")
            assert app.flow.sandbox is not None
            issuer = f"{app.flow.sandbox.sandbox.base_url}/issuers/github-actions"
            screen.query_one("#fic-issuer", Input).value = issuer
            screen.query_one("#fic-repository", Input).value = "contoso/edw-tui-fed"
            await plan(pilot, "edw-tui-fed")
            shown = await wait_for_text(pilot, "add federated credential")
            assert "create application" in shown
            assert screen.plan is not None and screen.plan.request.federated is not None
            assert screen.plan.request.federated.subject == "repo:contoso/edw-tui-fed:environment:production"
            await pilot.press("ctrl+g")
            await wait_for(pilot, ConfirmDialog)
            await pilot.press("y")
            await wait_for(pilot, AdminProgressScreen)
            progress = app.screen
            assert isinstance(progress, AdminProgressScreen)
            await until(pilot, lambda: progress.outcome is not None, "apply's end", seconds=180)
            outcome = progress.outcome
            assert outcome is not None and outcome.ok and outcome.verified is True, outcome.findings
            assert outcome.secret_file is None and outcome.federated_credential is not None
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            test = app.screen
            assert isinstance(test, TokenTestScreen)
            await until(pilot, lambda: test.report is not None, "the token test's end", seconds=120)
            assert test.report is not None and test.report.verdict == "ok", test.report.findings
            profile = app.state.profile
            assert profile.credential is CredentialKind.FEDERATED and profile.client_id == outcome.client_id
            assert profile.federated_subject == "repo:contoso/edw-tui-fed:environment:production"
    finally:
        app.flow.close()


async def test_the_credential_steps_federated_choice_starts_the_plan() -> None:
    """Federated chosen in the credential step: the plan screen opens on it, its subject as typed there."""
    from textual.app import App

    from screens.admin_services import AdminSession, AdminTarget
    from wizard.admin.clients import ClientChoice
    from wizard.admin.identity import AdminIdentity, AdminToken
    from wizard.profile import Profile
    from wizard.secret import Secret

    identity = AdminIdentity("a@contoso", "o", "t", "c", (), (), (), 0)
    target = AdminTarget(
        "https://login.microsoftonline.com/t", ClientChoice("c", own=True), "https://graph.microsoft.us"
    )
    session = AdminSession(target, AdminToken(Secret("x.y.z"), identity, "test"))
    chosen = Profile(
        credential=CredentialKind.FEDERATED,
        federated_issuer="https://token.actions.githubusercontent.com",
        federated_subject="repo:contoso/app:pull_request",
        federated_token_file="/run/token.jwt",
    )
    screen = AdminPlanScreen(session, name="edw-x", federated=chosen)
    app: App[None] = App()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(screen)
        await until(
            pilot, lambda: screen.is_mounted and bool(screen.query_one(FederatedPane).display), "the tab"
        )
        assert screen.credential == "federated"
        wanted = screen.federated_choice()
        assert wanted is not None
        assert (wanted.subject, wanted.audience) == (
            "repo:contoso/app:pull_request",
            "api://AzureADTokenExchangeUSGov",
        )
        assert screen.token_source.file == "/run/token.jwt"


def test_the_applied_profile_of_an_external_id_tenant_uses_its_ciamlogin_authority() -> None:
    """Off the sandbox, the token test and the exports get `https://<subdomain>.ciamlogin.com/`."""
    from screens.admin_services import AdminSession, AdminTarget, applied_profile
    from wizard.admin.apply import ApplyResult
    from wizard.admin.clients import ClientChoice
    from wizard.admin.identity import AdminIdentity, AdminToken
    from wizard.clouds import TenantType
    from wizard.secret import Secret

    identity = AdminIdentity("a@fabrikamext", "o", "t", "c", (), (), (), 0)
    target = AdminTarget(
        "https://login.microsoftonline.com/t", ClientChoice("c", own=True), "https://graph.microsoft.com"
    )
    session = AdminSession(target, AdminToken(Secret("x.y.z"), identity, "test"))
    result = ApplyResult(
        client_id="c",
        tenant_id="5e1f2a7b-8c9d-4e3f-a1b2-0c0ffee00002",
        tenant_type="external",
        authority="https://fabrikamext.ciamlogin.com/fabrikamext.onmicrosoft.com",
        federated_credential={"issuer": "https://i", "subject": "s"},
    )
    profile, secret = applied_profile(session, result, name="edw-x")
    assert secret is None and profile.tenant_type is TenantType.EXTERNAL
    assert profile.instance == "https://fabrikamext.ciamlogin.com/" and profile.authority_override is None
    assert profile.credential is CredentialKind.FEDERATED and profile.federated_subject == "s"
