"""After `login bootstrap`, `daemon-wizard login` signs in through the new client in chromium: the consent page
for the new registration, then the wizard's loopback redirect."""

from __future__ import annotations

import json
from pathlib import Path

from test_browser_login import printed_url

from tests.browser.chromium import Person
from tests.integration.delegated_helpers import enter_code, finish, public_client, start
from tests.integration.delegated_helpers import person as user_with
from wizard.sandbox import Sandbox


def test_bootstrapped_client_signs_in_in_chromium(sb: Sandbox, chromium: Person, tmp_path: Path) -> None:
    where = ["--authority", sb.authority("contoso"), "--ca-file", sb.ca_file]
    admin = user_with(sb, "Global Administrator")
    flags = [*where, "--client-id", public_client(sb, "wizard-admin"), "--graph-url", sb.base_url]
    boot = start(["login", "bootstrap", "--device-code", "--json", *flags], DAEMON_WIZARD_HOME=str(tmp_path))
    assert boot.stdout is not None
    assert 'id="done"' in enter_code(sb, json.loads(boot.stdout.readline()), admin)
    code, stdout, stderr = finish(boot)
    assert code == 0, stderr
    client_id = json.loads(stdout)["client_id"]

    proc = start(
        ["login", "--no-browser", "--json", "--allow-plaintext-cache", *where],
        DAEMON_WIZARD_HOME=str(tmp_path),
    )
    url = printed_url(proc)
    assert f"client_id={client_id}" in url
    chromium.open(url)
    chromium.sign_in(admin)
    chromium.consent(accept=True, for_organization=True)
    chromium.heading("Signed in")
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    assert json.loads(stdout)["client_id"] == client_id
