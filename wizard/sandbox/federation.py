"""Federated client assertions checked as Entra checks them: issuer keys, RS256, time, exact FIC match."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import jwt

from wizard.sandbox import entra_errors as E
from wizard.sandbox.assertion import SKEW
from wizard.sandbox.oidc_issuers import OidcIssuer, find_issuer
from wizard.sandbox.scenario import FederatedCredentialSpec
from wizard.sandbox.state import AppState

#: Hosts of Entra's own issuers: a token from them is never an external assertion (AADSTS700222).
_ENTRA_HOSTS = ("login.microsoftonline.com", "sts.windows.net", ".ciamlogin.com", "login.windows.net")


def is_federated(header: dict[str, Any], claims: dict[str, Any], app: AppState) -> bool:
    """An assertion whose `iss` is not the client id is an external token, not the app's own JWT.

    One that names a certificate (`x5t`, `x5t#S256`) for an app without federated credentials is taken
    as the app's own JWT with a wrong issuer (AADSTS700021), as before federation existed here.
    """
    iss = claims.get("iss")
    if isinstance(iss, str) and iss.lower() == app.client_id.lower():
        return False
    return bool(app.spec.federated_credentials) or not ({"x5t", "x5t#S256"} & header.keys())


def _is_entra(iss: str, entra_issuers: set[str]) -> bool:
    low = iss.lower().rstrip("/")
    return low in entra_issuers or any(h in low for h in _ENTRA_HOSTS)


def _utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc)


def _check_signature(assertion: str, header: dict[str, Any], issuer: OidcIssuer, iss: str) -> None:
    if header.get("alg") != "RS256":
        raise E.federated_not_rs256()
    kid = header.get("kid")
    if kid != issuer.key.kid:
        raise E.federated_key_unknown(str(kid or ""), iss)
    try:
        jwt.decode(
            assertion,
            issuer.key.key.public_key(),
            algorithms=["RS256"],
            options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise E.assertion_malformed("The signature of the federated token is not valid") from None


def _check_time(claims: dict[str, Any], now: float) -> None:
    exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat", 0))
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise E.assertion_malformed("The exp claim is missing")
    if isinstance(nbf, bool) or not isinstance(nbf, (int, float)):
        nbf = 0
    if now > exp + SKEW or now < nbf - SKEW:
        raise E.assertion_time(_utc(now), _utc(nbf), _utc(exp))


def match_credentials(
    fics: tuple[FederatedCredentialSpec, ...], base_url: str, *, iss: str, sub: str, aud: list[str]
) -> FederatedCredentialSpec:
    """The FIC matching `iss`, `sub` and one `aud` exactly (case-sensitive), or Entra's error for the miss."""
    by_issuer = [f for f in fics if f.issuer_at(base_url) == iss]
    if not by_issuer:
        raise E.federated_issuer_mismatch(iss)
    by_subject = [f for f in by_issuer if f.subject == sub]
    if not by_subject:
        if any(f.subject.lower() == sub.lower() for f in by_issuer):
            raise E.federated_subject_case(sub)
        raise E.federated_subject_mismatch(sub)
    found = next((f for f in by_subject if any(a in f.audiences for a in aud)), None)
    if found is None:
        raise E.federated_audience_mismatch(aud[0] if aud else "")
    return found


def verify_federated(
    assertion: str,
    *,
    app: AppState,
    base_url: str,
    issuers: dict[str, OidcIssuer],
    known_hosts: set[str],
    entra_issuers: set[str],
    now: float | None = None,
) -> FederatedCredentialSpec:
    """Raise the EntraError Entra answers an external assertion with, or return the FIC it matched."""
    try:
        header = jwt.get_unverified_header(assertion)
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise E.assertion_malformed(type(exc).__name__) from None
    iss, sub, aud = claims.get("iss"), claims.get("sub"), claims.get("aud")
    if not isinstance(iss, str) or not iss:
        raise E.assertion_malformed("The iss claim is missing")
    if _is_entra(iss, entra_issuers):
        raise E.federated_entra_token()
    fics = app.spec.federated_credentials
    if not fics:
        raise E.federated_no_credentials(app.client_id)
    issuer = find_issuer(issuers, iss, known_hosts)
    if issuer is None:
        raise E.federated_issuer_unreachable()
    _check_signature(assertion, header, issuer, iss)
    _check_time(claims, time.time() if now is None else now)
    if not isinstance(sub, str) or not sub:
        raise E.assertion_malformed("The sub claim is missing")
    auds = [a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str)]
    return match_credentials(fics, base_url, iss=iss, sub=sub, aud=auds)
