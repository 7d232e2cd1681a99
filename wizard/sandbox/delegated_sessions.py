"""Short-lived delegated sign-in state: pending sign-in pages, authorization codes, device codes, refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import threading
import time

from wizard.sandbox.records import Record, field

_USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone


class Grant(Record):
    """Who signed in, through which client, for which Graph scopes (what a code or refresh token stands for)."""

    tenant_id: str
    client_id: str
    user_upn: str
    scopes: tuple[str, ...]  # Graph scope names requested
    oidc: tuple[str, ...] = ()  # openid, profile, offline_access, email
    nonce: str | None = None
    resource: str = "https://graph.microsoft.com"  # the cloud's Graph the scopes named: the token's `aud`


class PendingAuthorization(Record):
    """An /authorize request between its pages (sign-in, consent), keyed by an unguessable context id."""

    tenant_id: str | None  # None for /organizations and /common until the user is known
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    oidc: tuple[str, ...]
    state: str | None
    nonce: str | None
    response_mode: str
    code_challenge: str | None
    code_challenge_method: str | None
    user_upn: str | None = None
    #: The signed-in user may not consent to what is asked (Need admin approval was shown).
    needs_admin: bool = False
    #: Set when the consent page belongs to a device code sign-in rather than a redirect.
    device_code: str | None = None
    resource: str = "https://graph.microsoft.com"
    created: float = field(default_factory=time.monotonic)


class AuthorizationCode(Record):
    grant: Grant
    redirect_uri: str
    code_challenge: str | None
    code_challenge_method: str | None
    expires: float
    redeemed: bool = False


class DeviceCode(Record):
    """A device code: `pending` until the user finishes the page, then approved, blocked or declined."""

    grant: Grant  # user_upn is empty until someone signs in
    user_code: str
    device_code: str
    interval: int
    expires: float
    status: str = "pending"  # pending | approved | blocked | needs_admin | declined | redeemed
    last_poll: float | None = None


def pkce_matches(verifier: str, challenge: str, method: str | None) -> bool:
    """RFC 7636: S256 compares BASE64URL(SHA256(verifier)); plain compares as is."""
    if (method or "plain").upper() == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        computed = verifier
    return hmac.compare_digest(computed.encode(), challenge.encode())


def _user_code() -> str:
    return "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(9))


class DelegatedSessions:
    """Thread-safe stores; every value handed out is random and single-purpose."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.pending: dict[str, PendingAuthorization] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.device_codes: dict[str, DeviceCode] = {}  # by device_code
        self.refresh_tokens: dict[str, Grant] = {}

    def begin(self, pending: PendingAuthorization) -> str:
        ctx = secrets.token_urlsafe(24)
        with self.lock:
            self.pending[ctx] = pending
        return ctx

    def pending_for(self, ctx: str) -> PendingAuthorization | None:
        with self.lock:
            found = self.pending.get(ctx)
        # A sign-in page left open for an hour is stale, as Entra's session context is.
        if found is not None and time.monotonic() - found.created > 3600:
            return None
        return found

    def finish(self, ctx: str) -> None:
        with self.lock:
            self.pending.pop(ctx, None)

    def new_code(self, grant: Grant, pending: PendingAuthorization, lifetime: int) -> str:
        code = "1.A" + secrets.token_urlsafe(96)
        with self.lock:
            self.codes[code] = AuthorizationCode(
                grant=grant,
                redirect_uri=pending.redirect_uri,
                code_challenge=pending.code_challenge,
                code_challenge_method=pending.code_challenge_method,
                expires=time.monotonic() + lifetime,
            )
        return code

    def code(self, code: str) -> AuthorizationCode | None:
        with self.lock:
            return self.codes.get(code)

    def new_device_code(self, grant: Grant, *, interval: int, lifetime: int) -> DeviceCode:
        with self.lock:
            codes = {d.user_code for d in self.device_codes.values()}
            user_code = _user_code()
            while user_code in codes:
                user_code = _user_code()
            device = DeviceCode(
                grant=grant,
                user_code=user_code,
                device_code="DAQABIQEAAAB" + secrets.token_urlsafe(120),
                interval=interval,
                expires=time.monotonic() + lifetime,
            )
            self.device_codes[device.device_code] = device
            return device

    def device_by_user_code(self, user_code: str) -> DeviceCode | None:
        wanted = "".join(ch for ch in user_code.upper() if ch in string.ascii_uppercase + string.digits)
        with self.lock:
            return next((d for d in self.device_codes.values() if d.user_code == wanted), None)

    def device(self, device_code: str) -> DeviceCode | None:
        with self.lock:
            return self.device_codes.get(device_code)

    def new_refresh_token(self, grant: Grant) -> str:
        token = "1.AR" + secrets.token_urlsafe(180)
        with self.lock:
            self.refresh_tokens[token] = grant
        return token

    def refresh(self, token: str) -> Grant | None:
        with self.lock:
            return self.refresh_tokens.get(token)
