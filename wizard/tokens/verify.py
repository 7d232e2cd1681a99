"""Check a token's signature with a trusted issuer's published keys (OpenID configuration -> JWKS).

Pure: the documents are fetched by whoever calls (`fetch_json`), so this module never reaches the
network itself; wizard.live.token_keys fetches them through the core's one HTTP client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wizard.errors import NetworkError, TokenFormatError
from wizard.tokens.decode import DecodedToken, decode_token
from wizard.tokens.issuers import (
    UNTRUSTED,
    TrustedIssuer,
    UntrustedIssuer,
    entra_issuer,
    matches_named,
    named_issuer,
)
from wizard.tokens.report import GRAPH_NOT_VERIFIABLE

#: GET an https URL and return its JSON object (raising wizard.errors.NetworkError subclasses).
FetchJson = Callable[[str], dict[str, Any]]

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


def _trusted(decoded: DecodedToken, issuer: str | None) -> TrustedIssuer | Verification:
    iss = decoded.claims.get("iss")
    if not isinstance(iss, str) or not iss:
        raise TokenFormatError("The token has no issuer (iss) to fetch keys from")
    try:
        urlsplit(iss).port  # noqa: B018 - raises ValueError for `https://[::1` or a bad port
    except ValueError:
        raise TokenFormatError(
            "The token's issuer is not a valid https URL", hint="Only Entra-issued tokens can be verified."
        ) from None
    if issuer is not None:
        return named_issuer(issuer)
    tid = decoded.claims.get("tid")
    try:
        return entra_issuer(iss, tid if isinstance(tid, str) else None)
    except UntrustedIssuer as exc:
        return Verification(False, UNTRUSTED, exc.reason)


def check_signature(
    token: str | DecodedToken,
    *,
    fetch_json: FetchJson,
    raw: str | None = None,
    issuer: str | None = None,
) -> Verification:
    """Check the signature with the keys of a trusted issuer. Graph tokens and `alg: none` are reported,
    not fetched; a token whose `iss` is not Entra's (for its `tid`) nor the `issuer` named is reported
    "untrusted issuer", and `fetch_json` is never called. A bad signature is a result (verified=False),
    not an exception.
    """
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
    trusted = _trusted(decoded, issuer)
    if isinstance(trusted, Verification):
        return trusted
    iss = str(decoded.claims.get("iss"))
    tid = decoded.claims.get("tid")
    url = trusted.metadata_url
    kid = decoded.header.get("kid")
    kid_text = kid if isinstance(kid, str) else None
    metadata = fetch_json(url)
    if trusted.named_by_user and not matches_named(
        iss, tid if isinstance(tid, str) else None, trusted, metadata.get("issuer")
    ):
        return Verification(
            False,
            UNTRUSTED,
            f"The token's issuer {iss} is not the issuer you named ({trusted.issuer}), nor the issuer "
            "its metadata declares.",
            url,
            kid_text,
        )
    jwks_uri = metadata.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri.startswith("https://"):
        raise NetworkError(f"{url} has no https jwks_uri", url=url)
    jwks = fetch_json(jwks_uri)
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
            kid_text,
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
        return Verification(True, "signature verified", "", url, kid_text)
    return Verification(
        False,
        "signature invalid",
        "The signature does not match the issuer's published key: the token was altered or not issued by "
        f"{iss}.",
        url,
        kid_text,
    )
