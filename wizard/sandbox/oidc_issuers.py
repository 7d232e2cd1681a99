"""The sandbox's own external OIDC issuers (GitHub-Actions-like, Kubernetes-like): discovery, JWKS, mint."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wizard.sandbox.records import Record
from wizard.sandbox.scenario import EXCHANGE_AUDIENCE
from wizard.sandbox.signing import SigningKey, new_signing_key
from wizard.sandbox.tls import new_key
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

PREFIX = "/issuers"
#: Longest lifetime a minted token may ask for (GitHub's are 5-10 minutes, projected k8s ones up to a day).
MAX_LIFETIME = 86400


class OidcIssuer(Record, frozen=True):
    """One issuer: its name, kind, whether its issuer URL ends in '/' (as AKS's does), and its signing key."""

    name: str
    kind: str
    trailing_slash: bool
    key: SigningKey

    def issuer(self, base_url: str) -> str:
        return f"{base_url}{PREFIX}/{self.name}" + ("/" if self.trailing_slash else "")

    def mint_url(self, base_url: str) -> str:
        return f"{base_url}{PREFIX}/{self.name}/mint"


def new_issuers(signing_key: Callable[[str], SigningKey] | None = None) -> dict[str, OidcIssuer]:
    """The two issuers every sandbox serves, each with its signing key: `signing_key(purpose)` (the
    sandbox's keystore, which makes a key and its certificate once per user and reuses them, as for the
    token-signing keys), else a fresh one."""
    make = signing_key or (lambda _purpose: new_signing_key(new_key()))
    return {
        i.name: i
        for i in (
            OidcIssuer("github-actions", "github", False, make("issuer:github-actions")),
            OidcIssuer("kubernetes", "kubernetes", True, make("issuer:kubernetes")),
        )
    }


def find_issuer(issuers: dict[str, OidcIssuer], iss: str, known_hosts: set[str]) -> OidcIssuer | None:
    """The sandbox issuer an `iss` URL reaches (as Entra would fetch its discovery), or None.

    Only the path decides: `…/issuers/kubernetes` and `…/issuers/kubernetes/` both reach the Kubernetes
    issuer, as an HTTP fetch of `{iss}/.well-known/openid-configuration` would; the exact string is then
    matched against the FICs, which is where a trailing slash matters.
    """
    try:
        parts = urlsplit(iss)
    except ValueError:
        return None
    if parts.scheme != "https" or parts.netloc.lower() not in known_hosts:
        return None
    path = parts.path.rstrip("/")
    if not path.startswith(PREFIX + "/"):
        return None
    return issuers.get(path[len(PREFIX) + 1 :])


def _base(request: Request) -> str:
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"https://{host}"


def _issuer_of(request: Request) -> OidcIssuer | None:
    issuers: dict[str, OidcIssuer] = request.app.state.sandbox_state.oidc_issuers
    return issuers.get(request.path_params["name"])


def _not_found() -> JSONResponse:
    return JSONResponse({"error": "not_found", "error_description": "No such issuer"}, status_code=404)


async def openid_configuration(request: Request) -> Response:
    found = _issuer_of(request)
    if found is None:
        return _not_found()
    base = _base(request)
    return JSONResponse(
        {
            "issuer": found.issuer(base),
            "jwks_uri": f"{base}{PREFIX}/{found.name}/keys",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
        }
    )


async def keys(request: Request) -> Response:
    # Imported here: wizard.sandbox.tokens imports the state, which builds these issuers.
    from wizard.sandbox.tokens import jwks

    found = _issuer_of(request)
    return _not_found() if found is None else JSONResponse(jwks([found.key]))


def _claims(found: OidcIssuer, base: str, body: dict[str, Any], now: int) -> dict[str, Any]:
    sub, aud, lifetime = body.get("sub"), body.get("aud", EXCHANGE_AUDIENCE), body.get("lifetime", 600)
    if not isinstance(sub, str) or not sub:
        raise ValueError("'sub' must be a non-empty string")
    if not (isinstance(aud, str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        raise ValueError("'aud' must be a string or a list of strings")
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or abs(lifetime) > MAX_LIFETIME:
        raise ValueError(f"'lifetime' must be whole seconds, at most {MAX_LIFETIME} (negative: expired)")
    # A negative lifetime gives a token that expired that long ago, for the 700024 case.
    start = now if lifetime > 0 else now + lifetime - 600
    claims: dict[str, Any] = {
        "iss": found.issuer(base),
        "sub": sub,
        "aud": aud,
        "iat": start,
        "nbf": start,
        "exp": now + lifetime,
        "jti": str(uuid.uuid4()),
    }
    if found.kind == "github" and sub.startswith("repo:"):
        repository = sub[5:].split(":", 1)[0]
        claims.update(repository=repository, repository_owner=repository.split("/", 1)[0])
    if found.kind == "kubernetes" and sub.startswith("system:serviceaccount:"):
        ns, _, sa = sub[len("system:serviceaccount:") :].partition(":")
        claims["kubernetes.io"] = {"namespace": ns, "serviceaccount": {"name": sa}}
    return claims


def mint_token(found: OidcIssuer, base: str, body: dict[str, Any], *, now: int | None = None) -> str:
    """A token of `found` for the body's `sub`, `aud` and `lifetime` (and `kid`, to fake a rotated key)."""
    claims = _claims(found, base, body, int(time.time()) if now is None else now)
    kid = body.get("kid", found.key.kid)
    if not isinstance(kid, str):
        raise ValueError("'kid' must be a string")
    import jwt  # only to mint: PyJWT brings cryptography's x509 package, which a start does without

    private: rsa.RSAPrivateKey = found.key.key
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


async def mint(request: Request) -> Response:
    found = _issuer_of(request)
    if found is None:
        return _not_found()
    if request.method != "POST":
        return JSONResponse({"error": "invalid_request", "error_description": "POST a JSON body"}, 405)
    try:
        body = json.loads(await request.body())
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        token = mint_token(found, _base(request), body)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return JSONResponse({"error": "invalid_request", "error_description": str(exc)}, status_code=400)
    return JSONResponse({"token": token, "issuer": found.issuer(_base(request))})


def describe_issuers(issuers: dict[str, OidcIssuer], base_url: str) -> list[dict[str, str]]:
    """The ready line's `issuers`."""
    return [
        {"name": i.name, "kind": i.kind, "issuer": i.issuer(base_url), "mint_url": i.mint_url(base_url)}
        for i in issuers.values()
    ]


ROUTES = [
    Route(PREFIX + "/{name}/.well-known/openid-configuration", openid_configuration),
    Route(PREFIX + "/{name}/keys", keys),
    Route(PREFIX + "/{name}/mint", mint, methods=["GET", "POST"]),
]
