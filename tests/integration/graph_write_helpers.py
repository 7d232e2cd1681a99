"""Shared by the Graph write tests: a delegated Graph token for a person holding a directory role, signed
in by authorization code + PKCE through the sandbox's real sign-in form, and small request helpers."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.form_browser import FormBrowser
from tests.integration.delegated_helpers import contoso, person, public_client
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

REDIRECT = "http://localhost:53117/"
SCOPES = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All openid offline_access"
#: A consented public client the policy tests give Policy.Read.All (the wizard itself never asks for it).
POLICY_CLIENT = "wizard-admin-browser-only"


def user_token(sb: Sandbox, role: str | None, *, scope: str = SCOPES, client: str = "wizard-admin") -> str:
    """The Graph access token of the contoso user holding `role` (None: a user without a role)."""
    who = person(sb, role)
    return sign_in(
        sb.ca_file,
        sb.authority("contoso"),
        public_client(sb, client),
        who["user_principal_name"],
        who["password"],
        scope,
    )


def sign_in(
    ca_file: str, authority: str, client_id: str, login: str, password: str, scope: str = SCOPES
) -> str:
    """Authorization code + PKCE through the sign-in form, as a person in a browser; the access token."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    with httpx_client(ca_file, timeout=30) as http:
        page = FormBrowser(http).open(f"{authority}/oauth2/v2.0/authorize?{urlencode(params)}")
        form = page.form("signin")
        answer = http.post(form.action, data={**form.fields, "login": login, "passwd": password})
        assert answer.status_code == 302, answer.text
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        token = http.post(
            f"{authority}/oauth2/v2.0/token",
            data={
                "grant_type": "authorization_code",
                "client_id": client_id,
                "redirect_uri": REDIRECT,
                "code": code,
                "code_verifier": verifier,
            },
        )
    assert token.status_code == 200, token.text
    value: str = token.json()["access_token"]
    return value


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    body: dict[str, Any] = response.json()["error"]
    return response.status_code, str(body["code"]), str(body["message"])


def grant_policy_read(sb: Sandbox, client: str = POLICY_CLIENT) -> None:
    """An administrator consents Policy.Read.All for this public client, tenant-wide (as in the portal)."""
    tenant_id = str(contoso(sb)["id"])
    account = sb.state.delegated.accounts[person(sb, "Global Administrator")["user_principal_name"].lower()]
    sb.state.delegated.grant(
        tenant_id, public_client(sb, client), account, ["Policy.Read.All"], for_tenant=True
    )
