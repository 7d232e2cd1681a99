"""Helpers for the multi-tenant (ISV) tests: a saved profile of a sandbox app, and a customer admin's consent
given through the sandbox's pages as a person would in a browser."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from form_browser import FormBrowser

from wizard.cli.main import main
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.profile_store import save_profile
from wizard.sandbox import Sandbox
from wizard.sandbox.defaults_customers import NORTHWIND_ID
from wizard.sandbox.trust import httpx_client


def save_app_profile(sb: Sandbox, app: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's profile saved as `name` (its secret in the environment, as a CI job passes it)."""
    profile, secret = sandbox_app_profile(sb, app)
    save_profile(profile.with_(name=name))
    assert secret is not None
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", secret.reveal())


def run_cli(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> tuple[int, dict[str, object]]:
    code, out, err = run_cli(capsys, [*args, "--json"])
    assert out.strip(), err
    return code, json.loads(out)


def customer_admin(sb: Sandbox, tenant_id: str = NORTHWIND_ID) -> tuple[str, str]:
    """User name and password of the customer tenant's Global Administrator."""
    account = next(a for a in sb.state.delegated.users_of(tenant_id) if "Global Administrator" in a.roles)
    return account.upn, account.password


def consent_in_browser(sb: Sandbox, url: str, *, accept: bool = True, follow: bool = False) -> str:
    """Open the consent URL, sign in as the customer's admin, accept (or cancel); the redirect's Location
    (with `follow`, the browser goes on to it: a listener on localhost catches it)."""
    login, password = customer_admin(sb)
    with httpx_client(sb.ca_file, timeout=10) as http:
        browser = FormBrowser(http)
        page = browser.open(url)
        page = browser.submit(page, "signin", {"login": login, "passwd": password})
        form = page.form("consent")
        button = "accept" if accept else "cancel"
        response = http.post(form.action, data={**form.fields, "consent": button})
        assert response.status_code == 302, response.text[:400]
        location = response.headers["location"]
        if follow:
            http.get(location)
        return location
