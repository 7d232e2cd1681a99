"""Shared by the delegated sign-in tests: a private sandbox with fast device code polling, and its people."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.form_browser import FormBrowser
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

ROOT = Path(__file__).resolve().parents[2]


def private_sandbox(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Sandbox]:
    """A sandbox of one's own (consent given in a test must not reach others); device code polls each second."""
    box = Sandbox(data_dir=tmp_path_factory.mktemp(name))
    box.start()
    box.state.delegated.settings.device_code_interval = 1
    yield box
    box.stop()


def contoso(sb: Sandbox) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in sb.describe()["tenants"] if t["name"] == "contoso")
    return found


def person(sb: Sandbox, role: str | None) -> dict[str, Any]:
    """The ready line's user holding this directory role (None: a user without any)."""
    found: dict[str, Any] = next(
        u for u in contoso(sb)["users"] if (role in u["roles"]) or (role is None and not u["roles"])
    )
    return found


def public_client(sb: Sandbox, name: str = "wizard-admin") -> str:
    return str(next(c["client_id"] for c in contoso(sb)["public_clients"] if c["name"] == name))


def start(args: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wizard", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = proc.communicate(timeout=120)
    return proc.returncode, stdout, stderr


def enter_code(sb: Sandbox, event: dict[str, Any], who: dict[str, Any]) -> str:
    with httpx_client(sb.ca_file, timeout=30) as http:
        browser = FormBrowser(http)
        page = browser.open(event["verification_uri"])
        fields = {"otc": event["user_code"], "login": who["user_principal_name"], "passwd": who["password"]}
        return browser.submit(page, "devicelogin", fields).text


def sign_in_with_code(sb: Sandbox, event: dict[str, Any], who: dict[str, Any]) -> str:
    """The person enters the code; on a consent page they accept for themselves. Returns the consent page's
    text ('' when none was shown): the scopes Entra asked them to approve."""
    with httpx_client(sb.ca_file, timeout=30) as http:
        browser = FormBrowser(http)
        page = browser.open(event["verification_uri"])
        fields = {"otc": event["user_code"], "login": who["user_principal_name"], "passwd": who["password"]}
        page = browser.submit(page, "devicelogin", fields)
        if "Permissions requested" not in page.text:
            assert 'id="done"' in page.text, page.text[:500]
            return ""
        asked = page.text
        done = browser.submit(page, "consent", button="accept")
        assert 'id="done"' in done.text, done.text[:500]
        return asked
