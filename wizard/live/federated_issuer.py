"""The external token's issuer checked as Entra checks it, before any token request.

Entra fetches `{iss}/.well-known/openid-configuration` and its `jwks_uri`, accepts only RS256, and looks
the token's `kid` up among the published keys (AADSTS50166/90061 when it cannot fetch them, 7000272 when the
key is unknown). This does the same from here, through the project's httpx client, and verifies the
signature with the key it finds. Reaching the issuer from this machine is not proof Entra can (and a private
issuer that only this machine reaches is exactly what Entra cannot fetch): the verdict says which check failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.errors import WizardError
from wizard.federated.external import ExternalToken
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace

DISCOVERY = "/.well-known/openid-configuration"
#: The result codes, each a finding code of the diagnosis (none for "ok").
CODES = {
    "unreachable": "federated-issuer-unreachable",
    "key-unknown": "federated-key-unknown",
    "not-rs256": "federated-token-invalid",
    "bad-signature": "federated-token-invalid",
}


@dataclass(frozen=True)
class Check:
    """One step: discovery, keys, algorithm, key id, signature."""

    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class IssuerCheck:
    """Every step taken and the outcome: ok, unreachable, key-unknown, not-rs256 or bad-signature."""

    issuer: str
    result: str
    checks: tuple[Check, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.result == "ok"

    @property
    def code(self) -> str | None:
        return CODES.get(self.result)

    def to_dict(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "result": self.result,
            "code": self.code,
            "checks": [c.to_dict() for c in self.checks],
        }


def _json(client: Any, url: str) -> tuple[dict[str, Any] | None, str]:
    """The JSON object at `url`, or None and why not."""
    try:
        response = client.get(url, headers={"Accept": "application/json"})
    except WizardError as exc:  # the transport's typed network errors (DNS, TLS, refused, timeout)
        return None, exc.title
    if response.status_code != 200:
        return None, f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return None, "not JSON"
    return (body, "") if isinstance(body, dict) else (None, "not a JSON object")


def check_issuer(token: ExternalToken, raw: str, *, settings: HttpSettings, trace: Trace) -> IssuerCheck:
    """Discovery and keys reachable, RS256, the `kid` published, the signature valid: Entra's order."""
    from wizard.live.httpx_transport import httpx_client

    iss = token.issuer
    checks: list[Check] = []

    def done(result: str) -> IssuerCheck:
        return IssuerCheck(iss, result, tuple(checks))

    if token.alg != "RS256":
        checks.append(Check("algorithm", False, f"{token.alg or 'no alg'}: Entra accepts RS256 only"))
        return done("not-rs256")
    checks.append(Check("algorithm", True, "RS256"))
    if not iss.startswith("https://"):
        checks.append(Check("discovery", False, f"the issuer {iss!r} is not an https:// URL"))
        return done("unreachable")
    client = httpx_client(settings, trace, step="issuer")
    try:
        config, why = _json(client, iss.rstrip("/") + DISCOVERY)
        if config is None:
            checks.append(Check("discovery", False, f"{iss.rstrip('/')}{DISCOVERY}: {why}"))
            return done("unreachable")
        jwks_uri = config.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith("https://"):
            checks.append(Check("discovery", False, "the discovery document names no https jwks_uri"))
            return done("unreachable")
        checks.append(Check("discovery", True, f"jwks_uri {jwks_uri}"))
        jwks, why = _json(client, jwks_uri)
        keys = jwks.get("keys") if jwks is not None else None
        if not isinstance(keys, list):
            checks.append(Check("keys", False, f"{jwks_uri}: {why or 'no keys'}"))
            return done("unreachable")
        checks.append(Check("keys", True, f"{len(keys)} key(s) published"))
    finally:
        client.close()
    key = next((k for k in keys if isinstance(k, dict) and k.get("kid") == token.kid), None)
    if key is None:
        published = ", ".join(str(k.get("kid")) for k in keys if isinstance(k, dict)) or "none"
        checks.append(Check("key id", False, f"kid {token.kid or '(none)'} is not published ({published})"))
        return done("key-unknown")
    checks.append(Check("key id", True, f"kid {token.kid}"))
    return _signature(raw, key, checks, iss)


def _signature(raw: str, key: dict[str, Any], checks: list[Check], iss: str) -> IssuerCheck:
    import jwt

    try:
        jwt.decode(
            raw,
            jwt.PyJWK(key).key,
            algorithms=["RS256"],
            options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        checks.append(
            Check("signature", False, f"does not verify with the published key ({type(exc).__name__})")
        )
        return IssuerCheck(iss, "bad-signature", tuple(checks))
    checks.append(Check("signature", True, "verifies with the published key"))
    return IssuerCheck(iss, "ok", tuple(checks))
