"""Verify a token's signature against its issuer's published keys (OpenID configuration -> JWKS)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.errors import (
    ConnectError,
    DnsError,
    NetworkError,
    ServiceUnavailable,
    TimeoutError_,
    TlsError,
    TokenFormatError,
    UsageError,
)
from wizard.tokens.decode import DecodedToken, decode_token
from wizard.tokens.report import GRAPH_NOT_VERIFIABLE
from wizard.urls import split_url

if TYPE_CHECKING:  # httpx is imported lazily: importing it loads rich (its CLI) when rich is installed
    import httpx

_ALLOWED_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


@dataclass(frozen=True)
class Verification:
    """Outcome of a signature check: verified, or why not."""

    verified: bool
    label: str
    reason: str = ""
    metadata_url: str | None = None
    kid: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "verified": self.verified,
            "label": self.label,
            "reason": self.reason,
            "metadata_url": self.metadata_url,
            "kid": self.kid,
        }


def metadata_url_for(issuer: str) -> str:
    """The OpenID configuration URL of a token's issuer (v1 `sts.windows.net` maps to its login host)."""
    parts = split_url(issuer)  # a token's iss can be anything (`https://[::1`): never raises
    if parts.scheme != "https" and parts.host not in {"127.0.0.1", "localhost"}:
        raise TokenFormatError(
            "The token's issuer is not a valid https URL", hint="Only Entra-issued tokens can be verified."
        )
    if parts.netloc.lower() == "sts.windows.net":
        tenant = parts.path.strip("/").split("/")[0]
        return f"https://login.microsoftonline.com/{tenant}/.well-known/openid-configuration"
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """httpx's `verify`: True/False, or a context trusting the system CAs plus an extra CA file."""
    if not isinstance(verify, str):
        return verify
    context = ssl.create_default_context()
    try:
        context.load_verify_locations(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(
            f"The CA file {verify} cannot be read as PEM certificates", hint="Check --ca-file."
        ) from exc
    return context


def _get_json(client: httpx.Client, url: str) -> dict[str, Any]:
    import httpx

    try:
        response = client.get(url)
    except httpx.TimeoutException as exc:
        raise TimeoutError_(f"Timed out fetching {url}", url=url) from exc
    except httpx.ConnectError as exc:
        text = str(exc).lower()
        if isinstance(exc.__cause__, ssl.SSLError) or "certificate" in text or "ssl" in text:
            raise TlsError(
                f"TLS failed fetching {url}",
                url=url,
                hint="Pass --ca-file with the CA that signed the server.",
            ) from exc
        if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
            raise DnsError(f"Cannot resolve the host of {url}", url=url) from exc
        raise ConnectError(f"Cannot connect to {url}", url=url) from exc
    except httpx.HTTPError as exc:
        raise NetworkError(f"Fetching {url} failed", url=url) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise ServiceUnavailable(
            f"{url} answered {response.status_code}", url=url, status=response.status_code
        )
    if response.status_code != 200:
        raise NetworkError(f"{url} answered {response.status_code}", url=url, status=response.status_code)
    try:
        data = response.json()
    except ValueError as exc:
        raise NetworkError(f"{url} did not answer JSON", url=url) from exc
    if not isinstance(data, dict):
        raise NetworkError(f"{url} did not answer a JSON object", url=url)
    return data


def verify_token(
    token: str | DecodedToken,
    *,
    raw: str | None = None,
    verify: bool | str = True,
    timeout: float = 10.0,
    metadata_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Verification:
    """Check the signature with the issuer's JWKS. Graph tokens and `alg: none` are reported, not fetched.

    `verify` is httpx's: True, or a CA bundle path (`--ca-file`). Network problems raise wizard.errors
    NetworkError subclasses; a bad signature is a result (verified=False), not an exception.
    """
    import httpx
    import jwt  # lazy: PyJWT + cryptography are only needed here

    decoded = token if isinstance(token, DecodedToken) else decode_token(token)
    compact = raw if raw is not None else (token if isinstance(token, str) else None)
    if decoded.alg_none:
        return Verification(False, "unsigned", "alg is 'none': there is no signature to verify.")
    if decoded.is_graph or "nonce" in decoded.header:
        return Verification(False, "not verifiable by the client", GRAPH_NOT_VERIFIABLE)
    if compact is None:
        raise TokenFormatError("The raw token is needed to verify its signature")
    alg = decoded.header.get("alg")
    if not isinstance(alg, str) or alg not in _ALLOWED_ALGS:
        return Verification(False, "signature not verified", f"Unsupported or unexpected algorithm {alg!r}.")
    issuer = decoded.claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise TokenFormatError("The token has no issuer (iss) to fetch keys from")
    url = metadata_url or metadata_url_for(issuer)
    kid = decoded.header.get("kid")
    with httpx.Client(
        verify=_ssl_verify(verify), timeout=timeout, transport=transport, follow_redirects=False
    ) as client:
        metadata = _get_json(client, url)
        jwks_uri = metadata.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise NetworkError(f"{url} has no jwks_uri", url=url)
        jwks = _get_json(client, jwks_uri)
    keys = jwks.get("keys")
    candidates = [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []
    if isinstance(kid, str):
        candidates = [k for k in candidates if k.get("kid") == kid]
    if not candidates:
        return Verification(
            False,
            "signature not verified",
            f"No key with kid {kid!r} in the issuer's JWKS: wrong issuer metadata (e.g. External ID vs "
            "workforce), or the API's own signing key (custom signing keys need ?appid= on the metadata "
            "URL).",
            url,
            kid if isinstance(kid, str) else None,
        )
    for key_data in candidates:
        try:
            key = jwt.PyJWK(key_data, algorithm=alg)
            jwt.decode(
                compact,
                key=key.key,
                algorithms=[alg],
                options={
                    "verify_signature": True,
                    "verify_aud": False,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_iss": False,
                },
            )
        except (jwt.PyJWKError, jwt.InvalidTokenError):
            continue
        return Verification(True, "signature verified", "", url, kid if isinstance(kid, str) else None)
    return Verification(
        False,
        "signature invalid",
        "The signature does not match the issuer's published key: the token was altered or not issued by "
        f"{issuer}.",
        url,
        kid if isinstance(kid, str) else None,
    )
