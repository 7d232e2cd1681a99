"""Client-assertion JWTs checked for real: thumbprint lookup, signature, audience, issuer, time window."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import time
from typing import Any

import jwt
from cryptography import x509

from wizard.sandbox import entra_errors as E
from wizard.sandbox.state import AppState, KeyCredential
from wizard.sandbox.tokens import b64url_decode

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SKEW = 300
_ALGS = {"RS256": "x5t", "PS256": "x5t#S256"}
#: 9999-12-31T23:59:59Z: the last instant .NET's DateTime (and so Entra) can represent.
_MAX_EPOCH = 253402300799


def _epoch(value: object) -> float | None:
    """A NumericDate as Entra reads it: a finite number within DateTime's range, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 <= value <= _MAX_EPOCH:
        return None
    return float(value)


def _x5c_certificate(header: dict[str, Any]) -> x509.Certificate | None:
    """The first certificate of an `x5c` header (sent by WithSendX5C / SNI apps), when it parses."""
    chain = header.get("x5c")
    first = chain[0] if isinstance(chain, list) and chain else None
    if not isinstance(first, str):
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode(first, validate=True))
    except (binascii.Error, ValueError):
        return None


def _check_validity(
    key: KeyCredential, header: dict[str, Any], *, client_id: str, thumb: str, now: float
) -> None:
    """Entra refuses a registered certificate, or the one the header carries, outside its validity."""
    when = dt.datetime.fromtimestamp(now, dt.timezone.utc)
    certs = [key.certificate.cert]
    sent = _x5c_certificate(header)
    if sent is not None:
        certs.append(sent)
    for cert in certs:
        start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
        if not start <= when <= end:
            raise E.key_expired(client_id, thumb, start, end)


def thumbprint_hex(value: object) -> str:
    """Header x5t (base64url of the digest) as the upper-case hex the portal shows."""
    if not isinstance(value, str):
        return ""
    try:
        return binascii.hexlify(b64url_decode(value)).decode().upper()
    except (binascii.Error, ValueError):
        return ""


def assertion_client_id(assertion: str) -> str | None:
    """The `iss` of an unverified assertion (used when client_id is not sent)."""
    try:
        iss = jwt.decode(assertion, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return iss if isinstance(iss, str) else None


def _find_key(app: AppState, header: dict[str, Any]) -> tuple[KeyCredential | None, str]:
    """The uploaded certificate the header names (by x5t#S256 or x5t), and the thumbprint shown in errors."""
    alg = header.get("alg")
    s256 = thumbprint_hex(header.get("x5t#S256"))
    sha1 = thumbprint_hex(header.get("x5t"))
    if alg == "PS256" and s256:
        found = next((k for k in app.certificates if k.certificate.thumbprint_sha256 == s256), None)
        return found, s256
    if sha1:
        found = next((k for k in app.certificates if k.certificate.thumbprint_sha1 == sha1), None)
        return found, sha1
    if s256:
        found = next((k for k in app.certificates if k.certificate.thumbprint_sha256 == s256), None)
        return found, s256
    return None, ""


def verify_assertion(
    assertion: str, *, app: AppState, client_id: str, audiences: set[str], now: float | None = None
) -> None:
    """Raise the EntraError Entra would answer with, or return when the assertion is good."""
    try:
        header = jwt.get_unverified_header(assertion)
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise E.assertion_malformed(type(exc).__name__) from None
    alg = header.get("alg")
    if alg not in _ALGS:
        raise E.assertion_malformed(f"Unsupported algorithm '{alg}'")
    key, thumb = _find_key(app, header)
    if not thumb:
        raise E.assertion_malformed(f"The {_ALGS[str(alg)]} header is missing")
    if key is None:
        raise E.key_not_found(client_id, thumb)
    t = time.time() if now is None else now
    _check_validity(key, header, client_id=client_id, thumb=thumb, now=t)
    try:
        jwt.decode(
            assertion,
            key.certificate.cert.public_key(),  # type: ignore[arg-type]
            algorithms=[str(alg)],
            options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        raise E.bad_signature(thumb) from None
    except jwt.PyJWTError as exc:
        raise E.assertion_malformed(type(exc).__name__) from None
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise E.assertion_client_mismatch()
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and a.rstrip("/").lower() in audiences for a in auds):
        raise E.assertion_malformed(f"Invalid audience '{aud}', expected the token endpoint")
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise E.assertion_malformed("The jti claim is missing")
    if "exp" not in claims:
        raise E.assertion_malformed("The exp claim is missing")
    exp, nbf = _epoch(claims["exp"]), _epoch(claims.get("nbf", claims.get("iat", 0)))
    if exp is None or nbf is None:
        # NaN, Infinity, 1e30 or a string: not a NumericDate Entra can read.
        raise E.assertion_malformed("The exp or nbf claim is not a valid NumericDate")
    if t > exp + SKEW or t < nbf - SKEW:
        utc = dt.timezone.utc
        raise E.assertion_time(
            dt.datetime.fromtimestamp(t, utc),
            dt.datetime.fromtimestamp(nbf, utc),
            dt.datetime.fromtimestamp(exp, utc),
        )
