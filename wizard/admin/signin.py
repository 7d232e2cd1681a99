"""The msal boundary for admin sign-in: PublicClientApplication with browser (auth code + PKCE) or device code."""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.admin.clients import ClientChoice
from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.admin.loopback import LoopbackReceiver
from wizard.errors import TimeoutError_, TokenError, TokenFormatError
from wizard.live.http import HttpSettings, MsalHttpClient, WizardSession
from wizard.live.msal_token import is_microsoft_host, token_error_from
from wizard.live.trace import Trace
from wizard.secret import Secret
from wizard.tokens.decode import decode_token

Opener = Callable[[str], bool]


@dataclass(frozen=True)
class DeviceCodePrompt:
    """What the person has to do on another device."""

    verification_uri: str
    user_code: str
    expires_in: int
    message: str

    def to_event(self) -> dict[str, Any]:
        return {
            "event": "device_code",
            "verification_uri": self.verification_uri,
            "user_code": self.user_code,
            "expires_in": self.expires_in,
        }


class AdminSignIn:
    """One public client application; its token cache is memory unless one is passed (see token_cache)."""

    def __init__(
        self,
        *,
        authority: str,
        client: ClientChoice,
        settings: HttpSettings,
        cache: Any = None,
        trace: Trace | None = None,
    ) -> None:
        import msal

        self.authority = authority
        self.client = client
        self.trace = trace or Trace()
        self.session = WizardSession(settings, self.trace)
        known = is_microsoft_host(authority)
        #: msal's token cache (memory unless one was passed): hand it to a later AdminSignIn for more scopes.
        self.cache = cache if cache is not None else msal.TokenCache()
        try:
            self.app = msal.PublicClientApplication(
                client.client_id,
                authority=authority,
                validate_authority=known,
                instance_discovery=None if known else False,
                http_client=MsalHttpClient(self.session),
                token_cache=self.cache,
            )
        except ValueError as exc:
            self.session.close()
            raise TokenError(
                f"The authority {authority} could not be used for sign-in",
                hint=self.trace.redact(str(exc))[:300] or "Check --tenant or --authority.",
            ) from None

    def close(self) -> None:
        self.session.close()

    # -- results ------------------------------------------------------------------------------------
    def _token(self, result: dict[str, Any] | None, source: str) -> AdminToken:
        if not result or "access_token" not in result:
            raise token_error_from(result or {"error": "no_token"})
        raw = str(result["access_token"])
        self.trace.add_secret(raw)
        for key in ("refresh_token", "id_token"):
            if result.get(key):
                self.trace.add_secret(str(result[key]))
        try:
            claims = decode_token(raw).claims
        except TokenFormatError:
            claims = {}
        identity = AdminIdentity.from_claims(claims, client_id=self.client.client_id)
        return AdminToken(Secret(raw), identity, source)

    # -- flows ----------------------------------------------------------------------------------------
    def silent(self, scopes: Sequence[str]) -> AdminToken | None:
        """From the cache (or its refresh token) when someone is signed in; None otherwise."""
        accounts = self.app.get_accounts()
        if not accounts:
            return None
        result = self.app.acquire_token_silent(list(scopes), account=accounts[0])
        if not result:
            return None
        source = "cache" if result.get("token_source") == "cache" else "refresh_token"
        return self._token(result, source)

    def more(self, scopes: Sequence[str], *, again: Callable[[], AdminToken]) -> AdminToken:
        """Scopes beyond the first sign-in's, step by step: silently for the signed-in account (its refresh
        token), and only when Entra wants the person back (consent, MFA) through `again`, the same surface."""
        try:
            token = self.silent(scopes)
        except TokenError:  # invalid_grant / interaction_required: consent or a new sign-in is needed
            token = None
        return token if token is not None else again()

    def interactive(
        self,
        scopes: Sequence[str],
        *,
        on_url: Callable[[str], None],
        opener: Opener | None = None,
        timeout: float = 300.0,
        cancel: threading.Event | None = None,
        login_hint: str | None = None,
    ) -> AdminToken:
        """Auth code + PKCE with a loopback redirect; the URL also goes to `on_url` (for SSH users)."""
        open_url = opener or webbrowser.open
        with LoopbackReceiver() as receiver:
            flow = self.app.initiate_auth_code_flow(
                list(scopes),
                redirect_uri=receiver.redirect_uri,
                response_mode="form_post",
                login_hint=login_hint,
            )
            url = str(flow["auth_uri"])
            on_url(url)
            # A browser command may block until it exits (webbrowser's GenericBrowser): never wait for it.
            threading.Thread(
                target=_open_quietly, args=(open_url, url), name="open-browser", daemon=True
            ).start()
            answer = receiver.wait(timeout, cancel)
        if answer is None:
            raise TimeoutError_(
                "The browser sign-in was not completed",
                hint="Open the printed URL on this machine, or use --device-code (for example over SSH).",
            )
        try:
            result = self.app.acquire_token_by_auth_code_flow(flow, answer, scopes=list(scopes))
        except ValueError:  # state mismatch: an answer that is not the one this sign-in asked for
            raise TokenError(
                "The sign-in answer did not match this sign-in (state mismatch)", hint="Sign in again."
            ) from None
        return self._token(result, "interactive")

    def device_code(
        self,
        scopes: Sequence[str],
        *,
        on_code: Callable[[DeviceCodePrompt], None],
        cancel: threading.Event | None = None,
    ) -> AdminToken:
        """Device code: `on_code` shows the code; then msal polls until the person finishes or it expires."""
        flow = self.app.initiate_device_flow(scopes=list(scopes))
        if "user_code" not in flow:
            raise token_error_from(flow)
        on_code(
            DeviceCodePrompt(
                verification_uri=str(flow.get("verification_uri", "")),
                user_code=str(flow["user_code"]),
                expires_in=int(flow.get("expires_in", 0)),
                message=str(flow.get("message", "")),
            )
        )

        def stop(f: dict[str, Any]) -> bool:
            return bool(cancel is not None and cancel.is_set()) or time.time() > float(f.get("expires_at", 0))

        result = self.app.acquire_token_by_device_flow(flow, exit_condition=stop)
        return self._token(result, "device_code")

    def sign_out(self) -> None:
        for account in self.app.get_accounts():
            self.app.remove_account(account)


def _open_quietly(open_url: Opener, url: str) -> None:
    try:
        open_url(url)
    except Exception:  # no browser here: the URL was printed, the person can open it elsewhere
        return
