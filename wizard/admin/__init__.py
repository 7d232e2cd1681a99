"""Acting on the tenant as a signed-in person: delegated sign-in (msal public client), token cache, identity."""

from __future__ import annotations

from wizard.admin.clients import APPLY_SCOPES, CONSENT_SCOPES, READ_SCOPES, ClientChoice, choose_client
from wizard.admin.identity import AdminIdentity, AdminToken

__all__ = [
    "APPLY_SCOPES",
    "CONSENT_SCOPES",
    "READ_SCOPES",
    "AdminIdentity",
    "AdminToken",
    "ClientChoice",
    "choose_client",
]
