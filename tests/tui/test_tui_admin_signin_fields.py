"""The admin sign-in screen's fields on the sandbox: cloud, tenant and public client chosen by the person, each
checked with a clear message; an empty client ID falls back to Microsoft's with its notice; the sign-in asks
for reading only (the write and consent scopes come when apply needs them)."""

from __future__ import annotations

import asyncio
from typing import Any

from test_tui_admin import _person, _to_the_sign_in
from test_tui_sandbox_flows import SIZE
from textual.widgets import Input, Select, Static
from tui_helpers import make_app, until, wait_for_text

from screens.app import WizardApp
from tests.form_browser import FormBrowser
from wizard.admin.clients import FALLBACK_CLIENT_ID
from wizard.sandbox.trust import httpx_client


def _sign_in_and_consent(url: str, ca_file: str, who: dict[str, Any]) -> str:
    """The person signs in at the shown URL; on the consent page they accept. Returns that page's text."""
    with httpx_client(ca_file, timeout=30) as http:
        browser = FormBrowser(http)
        page = browser.submit(
            browser.open(url), "signin", {"login": who["user_principal_name"], "passwd": who["password"]}
        )
        assert "Permissions requested" in page.text, page.text[:400]
        asked = page.text
        assert "Signed in" in browser.submit(page, "consent", button="accept").text
        return asked


async def test_fields_choose_the_cloud_tenant_and_client_and_say_what_is_wrong() -> None:
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app, WizardApp)
            screen = await _to_the_sign_in(pilot, app)
            assert app.flow.sandbox is not None
            sandbox = app.flow.sandbox
            cloud = screen.query_one("#signin-cloud", Select)
            tenant = screen.query_one("#signin-tenant", Input)
            client = screen.query_one("#signin-client-id", Input)
            about = "#signin-about"
            assert cloud.value == "sandbox" and client.value  # the sandbox's own public client, filled in

            client.value = "not-a-guid"
            await wait_for_text(pilot, "is not an application (client) ID", within=about)
            await pilot.click("#signin-browser")
            await wait_for_text(pilot, "Fix the field named above", within="#signin-status")
            assert screen.copyable == ""  # nothing started

            client.value = ""
            tenant.value = "contoso/../other"
            await wait_for_text(pilot, "is not a tenant ID or domain", within=about)

            cloud.value = "usgov"
            tenant.value = "contoso.onmicrosoft.us"
            await wait_for_text(
                pilot, "https://login.microsoftonline.us/contoso.onmicrosoft.us", within=about
            )

            # The sandbox as the cloud, its tenant by domain, no client ID: Microsoft's client, with the notice.
            cloud.value = "sandbox"
            tenant.value = "contoso.onmicrosoft.com"
            shown = await wait_for_text(pilot, FALLBACK_CLIENT_ID, within=about)
            assert "Microsoft Graph Command Line Tools" in shown and "login bootstrap" in shown
            await pilot.click("#signin-browser")
            await until(pilot, lambda: "/oauth2/v2.0/authorize?" in screen.copyable, "the sign-in URL")
            contoso_id = sandbox.sandbox.authority("contoso").rsplit("/", 1)[1]  # msal found it by discovery
            assert f"/{contoso_id}/oauth2/v2.0/authorize?client_id={FALLBACK_CLIENT_ID}" in screen.copyable
            asked = await asyncio.to_thread(
                _sign_in_and_consent, screen.copyable, sandbox.ca_file, _person(app, "Global Administrator")
            )
            # Reading only: User.Read (for /me and /organization) and Application.Read.All.
            assert "User.Read" in asked and "Application.Read.All" in asked
            assert "Application.ReadWrite.All" not in asked and "AppRoleAssignment.ReadWrite.All" not in asked
            await wait_for_text(pilot, "Signed in: ", within="#signin-status")
            session = screen.session
            assert session is not None
            assert session.target.client.client_id == FALLBACK_CLIENT_ID
            assert session.target.authority.endswith("/contoso.onmicrosoft.com")
            assert session.target.ca_file == sandbox.ca_file
            assert "Application.ReadWrite.All" not in session.token.identity.scopes
            assert str(screen.query_one("#signin-status", Static).content).startswith("Signed in")
    finally:
        app.flow.close()
