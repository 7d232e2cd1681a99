"""The msal boundary: acquire an app-only token exactly as a daemon using msal would."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from wizard.clouds import CIAM_SUFFIX, KNOWN_LOGIN_HOSTS
from wizard.errors import CertificateError, TokenError
from wizard.live.credential import ThumbprintMode, msal_credential
from wizard.live.http import HttpSettings, MsalHttpClient, WizardSession
from wizard.live.results import TokenResult, TokenSource
from wizard.live.trace import Trace
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret

_AADSTS = re.compile(r"AADSTS(\d+)")


def is_microsoft_host(authority: str) -> bool:
    """Hosts msal can validate itself; anything else gets instance discovery switched off."""
    host = (urlsplit(authority).hostname or "").lower()
    return host in KNOWN_LOGIN_HOSTS or host.endswith(CIAM_SUFFIX)


def first_line(description: str) -> str:
    """The human part of an Entra error_description (before Trace ID / Correlation ID lines)."""
    text = description.replace("\r\n", "\n").split("\n", 1)[0]
    return re.split(r"\s+Trace ID:", text, maxsplit=1)[0].strip()


def token_error_from(body: dict[str, Any]) -> TokenError:
    """Our TokenError for an OAuth error answer (msal's result dict or the endpoint's JSON body)."""
    error = str(body.get("error") or "error")
    description = str(body.get("error_description") or "")
    codes = body.get("error_codes") or []
    aadsts = str(codes[0]) if isinstance(codes, list) and codes else None
    if aadsts is None and (m := _AADSTS.search(description)):
        aadsts = m.group(1)
    clean: dict[str, object] = {
        k: body[k] for k in ("error", "error_description", "error_codes", "correlation_id") if k in body
    }
    return TokenError(
        f"The token endpoint refused the request ({error}" + (f", AADSTS{aadsts})" if aadsts else ")"),
        hint=first_line(description) or None,
        aadsts=aadsts,
        correlation_id=str(body["correlation_id"]) if body.get("correlation_id") else None,
        error=error,
        body=clean,
    )


def _authority_error(exc: ValueError, trace: Trace, authority: str) -> TokenError:
    exchange = trace.last("discovery")
    body: dict[str, Any] = {}
    if exchange is not None and exchange.response_body:
        try:
            parsed = json.loads(exchange.response_body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            body = parsed
    status = f" (HTTP {exchange.status})" if exchange is not None and exchange.status else ""
    error = TokenError(
        f"The authority {authority} could not be discovered{status}",
        hint=(
            first_line(str(body.get("error_description") or ""))
            or "Check the tenant ID or domain and the authority host (External ID tenants use "
            "https://<subdomain>.ciamlogin.com/)."
        ),
        error=str(body.get("error") or "invalid_authority"),
        body={
            "error": body.get("error") or "invalid_authority",
            "error_description": body.get("error_description") or trace.redact(str(exc))[:500],
            **({"error_codes": body["error_codes"]} if "error_codes" in body else {}),
        },
    )
    if codes := body.get("error_codes"):
        error.aadsts = str(codes[0])
    return error


class MsalTokenClient:
    """One msal ConfidentialClientApplication; build a new one per run (msal replays a cached 400
    for 60 s), reuse it within a run to see its token cache answer."""

    def __init__(
        self,
        profile: Profile,
        *,
        secret: Secret | None,
        settings: HttpSettings,
        trace: Trace | None = None,
        thumbprint: ThumbprintMode = "sha256",
    ) -> None:
        import msal

        self.profile = profile
        self.trace = trace or Trace()
        if secret:
            self.trace.add_secret(secret.reveal())
        credential: Any
        if profile.credential is CredentialKind.FEDERATED:
            from wizard.live.federated_token import msal_federated_credential

            credential, self.credential_label = msal_federated_credential(profile, self.trace)
        else:
            credential, self.credential_label = msal_credential(profile, secret, mode=thumbprint)
        if isinstance(credential, str):
            self.trace.add_secret(credential)
        self.session = WizardSession(settings, self.trace)
        authority = profile.authority
        known = is_microsoft_host(authority)
        self.trace.note(
            "setup",
            f"msal {msal.__version__}, authority {authority}, {self.credential_label}"
            + ("" if known else ", instance discovery off (not a Microsoft host)"),
        )
        try:
            self.app = msal.ConfidentialClientApplication(
                profile.client_id,
                client_credential=credential,
                authority=authority,
                validate_authority=known,
                instance_discovery=None if known else False,
                http_client=MsalHttpClient(self.session),
                token_cache=msal.TokenCache(),
            )
        except ValueError as exc:
            self.session.close()
            message = str(exc)
            if "authority" in message.lower() or "invalid_instance" in message or "OIDC" in message:
                raise _authority_error(exc, self.trace, authority) from None
            if profile.credential is CredentialKind.CERTIFICATE:
                raise CertificateError(
                    "msal could not use the certificate credential",
                    hint="Check that the key is an unencrypted RSA key matching the certificate.",
                ) from None
            raise TokenError(f"msal refused the configuration: {self.trace.redact(message)[:300]}") from None

    def acquire(self) -> TokenResult:
        """acquire_token_for_client: msal answers from its cache when it holds a valid token."""
        scope = self.profile.scope
        result: dict[str, Any] = self.app.acquire_token_for_client(scopes=[scope])
        if "access_token" not in result:
            raise token_error_from(result)
        token = str(result["access_token"])
        self.trace.add_secret(token)
        source: TokenSource = "cache" if result.get("token_source") == "cache" else "identity_provider"
        if source == "cache":
            self.trace.note("token", "msal answered from its token cache (no request sent)")
        expires = result.get("expires_in")
        return TokenResult(
            access_token=Secret(token),
            expires_in=int(expires) if expires is not None else None,
            source=source,
            token_type=str(result.get("token_type") or "Bearer"),
            scope=scope,
            via="msal",
            trace=self.trace,
            credential=self.credential_label,
        )

    def close(self) -> None:
        self.session.close()


def acquire_token(
    profile: Profile,
    *,
    secret: Secret | None,
    settings: HttpSettings,
    trace: Trace | None = None,
    thumbprint: ThumbprintMode = "sha256",
) -> TokenResult:
    """A fresh msal application, one token request."""
    client = MsalTokenClient(profile, secret=secret, settings=settings, trace=trace, thumbprint=thumbprint)
    try:
        return client.acquire()
    finally:
        client.close()
