"""Access tokens as Entra issues them for app-only callers: claims, signing, JWKS, validation.

Signing and checking are RS256 over cryptography's RSA directly: PyJWT would bring cryptography's x509
package and its other algorithms into every sandbox start (~20% of a warm `doctor --sandbox`), for the one
algorithm used here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from wizard.sandbox.records import Record
from wizard.sandbox.scenario import GRAPH_APP_ID, ApiSpec
from wizard.sandbox.signing import SigningKey
from wizard.sandbox.state import AppState, TenantState

LIFETIME = 3599
SKEW = 300


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _int_b64(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def issuer_v2(tenant: TenantState, base_url: str) -> str:
    """`<base>/<tid>/v2.0`, or `https://<tid>.ciamlogin.com/<tid>/v2.0` for external tenants."""
    tid = tenant.spec.id
    if tenant.external:
        return f"https://{tid}.ciamlogin.com/{tid}/v2.0"
    return f"{base_url}/{tid}/v2.0"


def issuer_v1(tenant: TenantState) -> str:
    return f"https://sts.windows.net/{tenant.spec.id}/"


def jwks(keys: list[SigningKey], *, issuer: str | None = None) -> dict[str, Any]:
    """The JWKS document as Entra's: each key with `x5t`, its certificate in `x5c` and, on v2, `issuer`."""
    out = []
    for k in keys:
        pub = k.key.public_key().public_numbers()
        entry: dict[str, Any] = {
            "kty": "RSA",
            "use": "sig",
            "kid": k.kid,
            "x5t": k.kid,
            "n": _int_b64(pub.n),
            "e": _int_b64(pub.e),
            "x5c": [k.x5c],
            "cloud_instance_name": "microsoftonline.com",
        }
        if issuer is not None:
            entry["issuer"] = issuer
        out.append(entry)
    return {"keys": out}


def sign(header: dict[str, Any], claims: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    """A compact RS256 JWS; with a header `nonce`, signed as Graph tokens are (over the nonce's SHA-256).

    Like real Graph tokens, such a token does not verify against the JWKS as it stands: only the
    resource (here, the sandbox's Graph) knows to hash the nonce back before checking the signature.
    """
    signed_header = dict(header)
    if "nonce" in header:
        signed_header["nonce"] = hashlib.sha256(str(header["nonce"]).encode()).hexdigest()
    signing_input = f"{b64url(_dumps(signed_header))}.{b64url(_dumps(claims))}"
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{b64url(_dumps(header))}.{b64url(_dumps(claims))}.{b64url(sig)}"


def unnonce(token: str) -> str:
    """Undo the Graph nonce trick so the signature can be checked with standard tools."""
    head, _, rest = token.partition(".")
    header = json.loads(b64url_decode(head))
    if "nonce" not in header:
        return token
    header["nonce"] = hashlib.sha256(str(header["nonce"]).encode()).hexdigest()
    return f"{b64url(_dumps(header))}.{rest}"


class IssuedToken(Record, frozen=True):
    access_token: str
    expires_in: int
    claims: dict[str, Any]


def issue(
    *,
    tenant: TenantState,
    app: AppState,
    api: ApiSpec,
    audience: str,
    roles: list[str],
    key: SigningKey,
    base_url: str,
    cert_auth: bool,
) -> IssuedToken:
    """An app-only access token for `api`, in the version its registration accepts."""
    now = int(time.time())
    tid = tenant.spec.id
    sp_oid = app.spec.sp_object_id
    claims: dict[str, Any] = {"aud": audience}
    v1 = api.access_token_version == 1
    claims["iss"] = issuer_v1(tenant) if v1 else issuer_v2(tenant, base_url)
    claims.update({"iat": now - SKEW, "nbf": now - SKEW, "exp": now + LIFETIME})
    claims["aio"] = b64url(secrets.token_bytes(48))
    if v1:
        claims.update(
            {
                "app_displayname": app.spec.display_name,
                "appid": app.client_id,
                "appidacr": "2" if cert_auth else "1",
                "idp": issuer_v1(tenant),
            }
        )
    else:
        claims.update({"azp": app.client_id, "azpacr": "2" if cert_auth else "1"})
    claims["idtyp"] = "app"
    claims["oid"] = sp_oid
    claims["rh"] = f"1.{b64url(secrets.token_bytes(40))}."
    if roles:
        claims["roles"] = roles
    claims["sub"] = sp_oid
    claims["tid"] = tid
    claims["uti"] = b64url(uuid.uuid4().bytes)[:22]
    claims["ver"] = "1.0" if v1 else "2.0"
    if api.app_id == GRAPH_APP_ID:
        claims["xms_tcdt"] = now - 86400 * 400
        claims["xms_idrel"] = "7 16"
    header: dict[str, Any] = {"typ": "JWT"}
    if api.app_id == GRAPH_APP_ID:
        header["nonce"] = b64url(secrets.token_bytes(32))
    header.update({"alg": "RS256", "x5t": key.kid, "kid": key.kid})
    return IssuedToken(sign(header, claims, key.key), LIFETIME, claims)


def _segment(token: str, index: int, name: str) -> dict[str, Any]:
    """The JSON object of a token's header (0) or payload (1); "malformed" when it is not one."""
    try:
        value = json.loads(b64url_decode(token.split(".")[index]))
    except (ValueError, TypeError):  # bad base64 (binascii.Error), bad UTF-8 or JSON
        value = None
    if not isinstance(value, dict):
        raise TokenInvalid("malformed", f"Invalid {name} segment")
    return value


def _signature_ok(token: str, public: rsa.RSAPublicKey) -> bool:
    """Whether the third segment is the RS256 signature of the first two (as PyJWT checks it)."""
    head, payload, signature = token.split(".")
    try:
        public.verify(
            b64url_decode(signature), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


class TokenInvalid(Exception):
    """Why a bearer token was refused; `reason` is one of audience/lifetime/signature/issuer/malformed."""

    def __init__(self, reason: str, detail: str = "", claims: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.claims = claims or {}


def validate(
    token: str,
    *,
    keys: list[SigningKey],
    audiences: set[str] | None,
    issuers: set[str] | None,
    now: float | None = None,
) -> dict[str, Any]:
    """Check signature, audience, issuer and lifetime (no skew beyond Entra's), like a resource does."""
    if token.count(".") != 2:
        raise TokenInvalid("malformed", "no dots" if "." not in token else "wrong number of parts")
    header, claims = _segment(token, 0, "header"), _segment(token, 1, "payload")
    key = next((k for k in keys if k.kid == header.get("kid")), None)
    if key is None:
        raise TokenInvalid("signature", "kid not found", claims)
    if header.get("alg") != "RS256" or not _signature_ok(unnonce(token), key.key.public_key()):
        raise TokenInvalid("signature", "signature", claims)
    # Microsoft.IdentityModel's order: signature, lifetime, audience, issuer.
    t = time.time() if now is None else now
    if not isinstance(claims.get("exp"), int) or t > claims["exp"]:
        raise TokenInvalid("expired", str(claims.get("exp")), claims)
    if isinstance(claims.get("nbf"), int) and t < claims["nbf"] - SKEW:
        raise TokenInvalid("not_yet_valid", str(claims.get("nbf")), claims)
    wanted = None if audiences is None else {a.rstrip("/").lower() for a in audiences}
    if wanted is not None and str(claims.get("aud", "")).rstrip("/").lower() not in wanted:
        raise TokenInvalid("audience", str(claims.get("aud")), claims)
    if issuers is not None and claims.get("iss") not in issuers:
        raise TokenInvalid("issuer", str(claims.get("iss")), claims)
    return claims
