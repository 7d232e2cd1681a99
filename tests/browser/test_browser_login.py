"""`daemon-wizard login` with a person at a real chromium: sign-in page, consent page, device-code page."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.browser.chromium import Person
from tests.integration.delegated_helpers import finish, public_client, start
from tests.integration.delegated_helpers import person as user_with
from wizard.sandbox import Sandbox


def login(sb: Sandbox, client: str, *extra: str) -> subprocess.Popen[str]:
    flags = ["--authority", sb.authority("contoso"), "--ca-file", sb.ca_file, "--client-id", client]
    return start(["login", "--json", "--allow-plaintext-cache", "--timeout", "120", *flags, *extra])


def printed_url(proc: subprocess.Popen[str]) -> str:
    """The sign-in URL the wizard prints for people whose browser does not open (here: none opens)."""
    assert proc.stderr is not None
    line = ""
    while "/oauth2/v2.0/authorize?" not in line:
        line = proc.stderr.readline()
        assert line, "the wizard printed no sign-in URL"
    return line.strip()


def no_secrets(text: str, who: dict[str, Any]) -> None:
    assert who["password"] not in text
    assert "eyJ0eXAi" not in text and "eyJhbGci" not in text


def test_browser_login_with_consent_for_the_organization(sb: Sandbox, chromium: Person) -> None:
    """A Global Administrator meets the not-yet-consented client: signs in, consents for the organization,
    and the wizard's loopback redirect catches the code from chromium's form_post."""
    admin = user_with(sb, "Global Administrator")
    proc = login(sb, public_client(sb, "wizard-admin-unconsented"), "--no-browser", "--step", "apply")
    url = printed_url(proc)
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2Flocalhost%3A" in url
    chromium.open(url)
    chromium.sign_in(admin)
    chromium.consent(accept=True, for_organization=True)
    chromium.heading("Signed in")
    assert chromium.driver.current_url.startswith("http://localhost:")
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["user"] == admin["user_principal_name"]
    assert result["roles"] == ["Global Administrator"]
    assert "Application.ReadWrite.All" in result["scopes"]
    no_secrets(stdout + stderr + chromium.text(), admin)


def test_browser_login_of_a_consented_client_asks_nothing_more(sb: Sandbox, chromium: Person) -> None:
    """The consented client: sign-in page, then straight back to the wizard (no consent page)."""
    dev = user_with(sb, "Application Developer")
    proc = login(sb, public_client(sb, "wizard-admin"), "--no-browser")
    chromium.open(printed_url(proc))
    chromium.sign_in(dev)
    chromium.heading("Signed in")
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    assert json.loads(stdout)["roles"] == ["Application Developer"]


def test_wrong_password_is_shown_on_the_page_and_a_retry_works(sb: Sandbox, chromium: Person) -> None:
    admin = user_with(sb, "Privileged Role Administrator")
    proc = login(sb, public_client(sb, "wizard-admin"), "--no-browser")
    chromium.open(printed_url(proc))
    chromium.sign_in({**admin, "password": "not-the-password"})
    assert "AADSTS50126" in chromium.element("error").text
    chromium.sign_in(admin)
    chromium.heading("Signed in")
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    assert json.loads(stdout)["roles"] == ["Privileged Role Administrator"]


def test_refused_consent_reaches_the_wizard_as_a_failure(sb: Sandbox, chromium: Person) -> None:
    """Cancel on the consent page: the loopback page says the sign-in did not complete, and the wizard exits 1
    with the refusal named, never a traceback."""
    admin = user_with(sb, "Global Administrator")
    proc = login(sb, public_client(sb, "wizard-admin-unconsented"), "--no-browser", "--step", "consent")
    chromium.open(printed_url(proc))
    chromium.sign_in(admin)
    chromium.consent(accept=False)
    chromium.heading("Sign-in did not complete")
    assert "declined" in chromium.text()
    code, stdout, stderr = finish(proc)
    assert code == 1
    result = json.loads(stdout)
    assert result["ok"] is False and "65004" in json.dumps(result["error"])
    assert "Traceback" not in stderr
    no_secrets(stdout + stderr, admin)


def test_non_admin_sees_need_admin_approval_and_returns(sb: Sandbox, chromium: Person) -> None:
    """A user without a role, for a client nobody consented: "Need admin approval", return to the app, and the
    wizard names who must approve."""
    nobody = user_with(sb, None)
    proc = login(sb, public_client(sb, "wizard-admin-unconsented"), "--no-browser")
    chromium.open(printed_url(proc))
    chromium.sign_in(nobody)
    chromium.heading("Need admin approval")
    chromium.click("return")
    chromium.heading("Sign-in did not complete")
    code, stdout, stderr = finish(proc)
    assert code == 1
    first = json.loads(stdout)["findings"][0]
    assert first["code"] == "admin-approval-required"
    assert "Traceback" not in stderr


def test_device_code_page_completed_in_chromium(sb: Sandbox, chromium: Person) -> None:
    admin = user_with(sb, "Cloud Application Administrator")
    proc = login(sb, public_client(sb, "wizard-admin"), "--device-code")
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert event["event"] == "device_code"
    chromium.open(event["verification_uri"])
    chromium.enter_device_code(event["user_code"], admin)
    chromium.element("done")
    assert "You have signed in" in chromium.text()
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["user"] == admin["user_principal_name"]
    assert result["roles"] == ["Cloud Application Administrator"]
    no_secrets(stdout + stderr, admin)


def test_device_code_mistyped_code_is_refused_on_the_page(sb: Sandbox, chromium: Person) -> None:
    admin = user_with(sb, "Global Administrator")
    proc = login(sb, public_client(sb, "wizard-admin"), "--device-code")
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    chromium.open(event["verification_uri"])
    chromium.enter_device_code("WRONGCODE", admin)
    chromium.element("error")
    chromium.enter_device_code(event["user_code"], admin)
    chromium.element("done")
    code, _, stderr = finish(proc)
    assert code == 0, stderr
