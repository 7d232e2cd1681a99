"""The admin sign-in's pure parts: which client, which scopes, identity from claims, and its diagnosis rules."""

from __future__ import annotations

import pytest

from wizard.admin.clients import FALLBACK_CLIENT_ID, choose_client, scopes_for
from wizard.admin.identity import AdminIdentity
from wizard.diagnosis.engine import diagnose
from wizard.errors import ValidationError

BLOCKED = {
    "error": "invalid_grant",
    "error_codes": [53003],
    "error_description": "AADSTS53003: Access has been blocked by Conditional Access policies.",
}


def test_own_client_or_the_documented_fallback_with_a_notice() -> None:
    own = choose_client("C0C0A000-0101-4000-A000-00000000C11E")
    assert own.own and own.notice is None and own.client_id == "c0c0a000-0101-4000-a000-00000000c11e"
    fallback = choose_client(None)
    assert not fallback.own and fallback.client_id == FALLBACK_CLIENT_ID
    assert fallback.notice and "Microsoft Graph Command Line Tools" in fallback.notice
    with pytest.raises(ValidationError):
        choose_client("my-app")


def test_scopes_step_by_step() -> None:
    # Reading needs User.Read too: Graph answers /me and /organization only with it (or more).
    assert scopes_for(None) == (
        "https://graph.microsoft.com/User.Read",
        "https://graph.microsoft.com/Application.Read.All",
    )
    assert scopes_for(["read", "apply"], ["Mail.Send"]) == (
        "https://graph.microsoft.com/User.Read",
        "https://graph.microsoft.com/Application.Read.All",
        "https://graph.microsoft.com/Application.ReadWrite.All",
        "https://graph.microsoft.com/Mail.Send",
    )
    with pytest.raises(ValidationError):
        scopes_for(["everything"])


def test_identity_names_roles_from_wids() -> None:
    claims = {
        "upn": "adelev@contoso.onmicrosoft.com",
        "tid": "t",
        "oid": "o",
        "appid": "c",
        "scp": "Application.Read.All User.Read",
        "wids": ["62e90394-69f5-4237-9190-012177145e10", "b79fbf4d-3ef9-4689-8143-76b194e85509"],
        "exp": 2000000000,
    }
    identity = AdminIdentity.from_claims(claims)
    assert identity.roles == ("Global Administrator",)
    assert identity.role_ids == ("62e90394-69f5-4237-9190-012177145e10",)
    assert identity.scopes == ("Application.Read.All", "User.Read")
    assert "token" not in " ".join(identity.to_dict())


def test_conditional_access_on_a_person_sign_in_is_sign_in_blocked() -> None:
    person = diagnose({"token_error": BLOCKED, "config": {"credential_type": "device_code"}}, strict=True)
    assert person.findings[0].code == "sign-in-blocked"
    assert "device code" in person.findings[0].explanation
    daemon = diagnose({"token_error": BLOCKED, "config": {"credential_type": "secret"}}, strict=True)
    assert daemon.findings[0].code == "conditional-access"
    assert "sign-in-blocked" not in daemon.codes


def test_admin_approval_says_who_must_approve() -> None:
    evidence = {
        "token_error": {
            "error": "invalid_grant",
            "error_codes": [65001],
            "error_description": "AADSTS65001: x",
        },
        "config": {"credential_type": "interactive", "client_id": "abc", "scopes": ["Application.Read.All"]},
    }
    first = diagnose(evidence, strict=True).findings[0]
    assert first.code == "admin-approval-required"
    assert "Global Administrator" in first.explanation and "abc" in first.explanation
    # The same code for a daemon stays a consent problem of the daemon.
    daemon = diagnose({**evidence, "config": {"credential_type": "secret"}}, strict=True)
    assert daemon.findings[0].code != "admin-approval-required"
