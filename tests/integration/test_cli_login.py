"""`daemon-wizard login`, `login status`, `logout` end to end against the sandbox, as a person would sign in."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.form_browser import FormBrowser
from tests.integration.delegated_helpers import (
    ROOT,
    enter_code,
    finish,
    person,
    private_sandbox,
    public_client,
    start,
)
from wizard.admin.token_cache import encrypted_persistence
from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "login")


def client(sb: Sandbox, name: str = "wizard-admin") -> str:
    return public_client(sb, name)


def sign_in_flags(sb: Sandbox, name: str = "wizard-admin") -> list[str]:
    return ["--authority", sb.authority("contoso"), "--ca-file", sb.ca_file, "--client-id", client(sb, name)]


def assert_no_secrets(text: str, who: dict[str, Any]) -> None:
    assert who["password"] not in text
    assert "eyJ0eXAi" not in text and "eyJhbGci" not in text  # no JWT, whatever its header order


def test_device_code_login_status_logout(sb: Sandbox) -> None:
    admin = person(sb, "Privileged Role Administrator")
    proc = start(["login", "--device-code", "--json", "--allow-plaintext-cache", *sign_in_flags(sb)])
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert set(event) == {"event", "verification_uri", "user_code", "expires_in"}
    assert event["event"] == "device_code"
    assert 'id="done"' in enter_code(sb, event, admin)
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["user"] == admin["user_principal_name"]
    assert result["roles"] == ["Privileged Role Administrator"]
    assert "Application.Read.All" in result["scopes"]
    assert result["cache"] in ("encrypted", "plaintext")
    assert_no_secrets(stdout + stderr, admin)
    home = Path(os.environ["DAEMON_WIZARD_HOME"])
    if result["cache"] == "plaintext":
        cache_file = home / "data" / "login" / "token_cache.json"
        assert stat.S_IMODE(cache_file.stat().st_mode) == 0o600
        assert "plaintext" in stderr
    status = start(["login", "status", "--json"])
    code, stdout, stderr = finish(status)
    assert code == 0, stderr
    shown = json.loads(stdout)
    assert shown["signed_in"] and shown["user"] == admin["user_principal_name"]
    assert shown["roles"] == ["Privileged Role Administrator"] and shown["expires_in"] > 0
    assert_no_secrets(stdout + stderr, admin)
    code, stdout, _ = finish(start(["logout", "--json"]))
    assert code == 0 and json.loads(stdout)["removed"]
    assert not (home / "data" / "login").exists()
    code, stdout, _ = finish(start(["login", "status", "--json"]))
    assert code == 1 and json.loads(stdout) == {"signed_in": False}


def test_browser_login_with_the_system_browser(sb: Sandbox, tmp_path: Path) -> None:
    dev = person(sb, "Application Developer")
    browser = f"{sys.executable} {ROOT / 'tests' / 'fake_browser.py'} %s"
    proc = start(
        ["login", "--json", "--allow-plaintext-cache", *sign_in_flags(sb)],
        BROWSER=browser,
        FAKE_BROWSER_CA=sb.ca_file,
        FAKE_BROWSER_LOGIN=dev["user_principal_name"],
        FAKE_BROWSER_PASSWORD=dev["password"],
    )
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    assert json.loads(stdout)["roles"] == ["Application Developer"]
    # The URL is printed too, for people on SSH.
    assert f"{sb.authority('contoso')}/oauth2/v2.0/authorize?" in stderr
    assert "code_challenge_method=S256" in stderr


def test_browser_login_over_ssh_opens_the_printed_url(sb: Sandbox) -> None:
    admin = person(sb, "Global Administrator")
    proc = start(["login", "--no-browser", "--json", "--allow-plaintext-cache", *sign_in_flags(sb)])
    assert proc.stderr is not None
    line = ""
    while "/oauth2/v2.0/authorize?" not in line:
        line = proc.stderr.readline()
        assert line, "no sign-in URL printed"
    with httpx_client(sb.ca_file, timeout=30) as http:
        browser = FormBrowser(http)
        page = browser.open(line.strip())
        done = browser.submit(
            page, "signin", {"login": admin["user_principal_name"], "passwd": admin["password"]}
        )
    assert "Signed in" in done.text
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    assert json.loads(stdout)["roles"] == ["Global Administrator"]


def test_device_code_blocked_by_conditional_access_is_a_finding(sb: Sandbox) -> None:
    tenant_id = sb.app("graph-daemon").tenant_id
    sb.state.delegated.block_device_code(tenant_id)
    try:
        proc = start(["login", "--device-code", "--json", "--allow-plaintext-cache", *sign_in_flags(sb)])
        assert proc.stdout is not None
        event = json.loads(proc.stdout.readline())
        assert "AADSTS53003" in enter_code(sb, event, person(sb, "Global Administrator"))
        code, stdout, stderr = finish(proc)
    finally:
        sb.state.delegated.block_device_code(tenant_id, False)
    assert code == 1
    result = json.loads(stdout)
    assert result["findings"][0]["code"] == "sign-in-blocked"
    assert "device code" in result["findings"][0]["explanation"]
    assert "Traceback" not in stderr


def test_non_admin_without_consent_is_told_who_must_approve(sb: Sandbox) -> None:
    nobody = person(sb, None)
    proc = start(
        [
            "login",
            "--device-code",
            "--json",
            "--allow-plaintext-cache",
            *sign_in_flags(sb, "wizard-admin-unconsented"),
        ]
    )
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert "Need admin approval" in enter_code(sb, event, nobody)
    code, stdout, stderr = finish(proc)
    assert code == 1
    first = json.loads(stdout)["findings"][0]
    assert first["code"] == "admin-approval-required"
    assert "Global Administrator" in first["explanation"]
    assert "Traceback" not in stderr


def test_fallback_client_shows_a_notice(sb: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    # The bad --authority stops the run after the notice; no network is needed to see it.
    code = main(["login", "--no-browser", "--authority", "http://insecure.example/x"])
    assert code == 2
    code = main(
        [
            "login",
            "--no-browser",
            "--allow-plaintext-cache",
            "--authority",
            sb.authority("contoso"),
            "--ca-file",
            sb.ca_file,
            "--timeout",
            "0.5",
        ]
    )
    err = capsys.readouterr().err
    assert "Microsoft Graph Command Line Tools" in err and "--client-id" in err
    assert code != 0 and "Traceback" not in err


def test_login_refuses_a_plaintext_cache_unless_asked(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if encrypted_persistence(tmp_path / "probe.bin") is not None:
        pytest.skip("an encrypted store exists on this machine; the refusal cannot happen here")
    code = main(["login", "--device-code", *sign_in_flags(sb)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Refusing to cache admin tokens in plaintext" in err and "--allow-plaintext-cache" in err
    assert "libsecret" in err


def test_use_az_without_az_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code = main(["login", "--use-az", "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert "`az` is not on PATH" in captured.err
    assert json.loads(captured.out)["error"]["type"] == "UsageError"


def test_use_az_reads_the_azure_cli_token(sb: Sandbox, tmp_path: Path) -> None:
    """`az` stands in for the Azure CLI (not installable offline): it prints what `az account get-access-token`
    prints, with a token the sandbox issued to a person who signed in."""
    import msal

    from wizard.sandbox.trust import requests_session

    admin = person(sb, "Cloud Application Administrator")
    app = msal.PublicClientApplication(
        client(sb),
        authority=sb.authority("contoso"),
        http_client=requests_session(sb.ca_file),
        instance_discovery=False,
    )
    flow = app.initiate_device_flow(scopes=["Application.Read.All"])
    assert 'id="done"' in enter_code(sb, flow, admin)
    token = app.acquire_token_by_device_flow(flow)["access_token"]
    az = tmp_path / "az"
    az.write_text(
        "#!/bin/sh\n"
        'printf \'{"accessToken": "%s", "expires_on": %s, "tokenType": "Bearer"}\' "$FAKE_AZ_TOKEN" 4102444800\n'
    )
    az.chmod(0o755)
    proc = start(
        ["login", "--use-az", "--json"],
        PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        FAKE_AZ_TOKEN=token,
    )
    code, stdout, stderr = finish(proc)
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["flow"] == "azure_cli" and result["cache"] is None
    assert result["user"] == admin["user_principal_name"]
    assert result["roles"] == ["Cloud Application Administrator"]
    assert token not in stdout + stderr
