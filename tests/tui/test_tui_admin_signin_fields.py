"""The admin sign-in screen's fields on the sandbox: cloud, tenant and public client chosen by the person, each
checked with a clear message; an empty client ID falls back to Microsoft's with its notice; the sign-in asks
for reading only (the write and consent scopes come when apply needs them)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_tui_admin import _person, _to_the_sign_in
from test_tui_sandbox_flows import SIZE
from textual.widgets import Input, Select, Static
from tui_helpers import make_app, until, wait_for_text

from screens.admin_services import AdminTarget, apply_plan, make_plan, sign_in
from screens.app import WizardApp
from tests.form_browser import FormBrowser
from tests.integration.delegated_helpers import person, private_sandbox, public_client, sign_in_with_code
from wizard.admin.admin_cloud import SignInPlace
from wizard.admin.apply import ProgressEvent
from wizard.admin.clients import FALLBACK_CLIENT_ID
from wizard.admin.signin import DeviceCodePrompt
from wizard.sandbox import Sandbox
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


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "tui-steps")


def test_the_tuis_apply_asks_for_the_write_scope_then_and_never_for_consent(
    sb: Sandbox, tmp_path: Path
) -> None:
    """What the admin path's screens run (no Textual): sign in for reading; apply of a plan without a role
    asks Entra for Application.ReadWrite.All only, through the same device code, shown as a progress row."""
    place = SignInPlace("sandbox", "sandbox tenant", sb.base_url, sb.graph_base_url, sb.ca_file)
    tenant = sb.app("graph-daemon").tenant_id
    target = AdminTarget.choose(place, tenant=tenant, client_id=public_client(sb, "wizard-admin-unconsented"))
    admin = person(sb, "Global Administrator")
    pages: list[str] = []

    def enter(prompt: DeviceCodePrompt) -> None:
        pages.append(sign_in_with_code(sb, prompt.to_event(), admin))

    session = sign_in(
        target, device_code=True, on_url=lambda url: None, on_code=enter, cancel=threading.Event()
    )
    plan = make_plan(session, name="edw-tui-steps")
    rows: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        rows.append(event)
        if event.step == "sign in for more permissions":
            found = re.fullmatch(r"open (\S+) and enter the code (\S+)", event.detail)
            assert found is not None, event.detail
            pages.append(sign_in_with_code(sb, {"verification_uri": found[1], "user_code": found[2]}, admin))

    result = apply_plan(session, plan, folder=tmp_path, progress=progress)
    assert result.ok and result.client_id, result.findings
    assert len(pages) == 2, pages
    assert "Application.Read.All" in pages[0] and "Application.ReadWrite.All" not in pages[0]
    assert "Application.ReadWrite.All" in pages[1]
    assert all("AppRoleAssignment.ReadWrite.All" not in page for page in pages)
    assert "AppRoleAssignment.ReadWrite.All" not in session.token.identity.scopes
    assert any(r.step == "sign in for more permissions" for r in rows)
    # "Fix it now: add a secret" for the same app, twice: each run writes its own 0600 file.
    from wizard.admin.registration import RegistrationRequest

    again = RegistrationRequest(name="edw-tui-steps", add_new=True)
    files = [result.secret_file]
    for _ in range(2):
        fixed = apply_plan(session, make_plan(session, request=again), folder=tmp_path, progress=progress)
        assert fixed.ok and fixed.secret_file, fixed.findings
        files.append(fixed.secret_file)  # within the same second too
    assert len(set(files)) == 3 and all(Path(str(f)).exists() for f in files)
