"""Requests the sandbox tests make again and again: a secret-based token, the ToDo scope, a client assertion."""

from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from wizard.sandbox import Sandbox
from wizard.sandbox.tokens import b64url

GRAPH = "https://graph.microsoft.com/.default"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def token_request(
    sb: Sandbox, http: httpx.Client, name: str, *, endpoint: str = "oauth2/v2.0/token", **data: str | None
) -> httpx.Response:
    """A client-credentials POST for the app `name` with its secret (pass `client_secret=None` for none)."""
    app = sb.app(name)
    form = {
        "grant_type": "client_credentials",
        "client_id": app.client_id,
        "client_secret": app.secret,
        **data,
    }
    return http.post(f"{app.authority}/{endpoint}", data={k: v for k, v in form.items() if v is not None})


def secret_token(sb: Sandbox, http: httpx.Client, name: str, scope: str = GRAPH) -> str:
    """An access token for the app `name` with its secret, by a plain client-credentials POST."""
    r = token_request(sb, http, name, scope=scope)
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def todo_scope(sb: Sandbox, tenant: str = "contoso") -> str:
    t = next(t for t in sb.describe()["tenants"] if t["name"] == tenant)
    scope: str = next(a["scope"] for a in t["apis"] if a["name"] == "todo-api")
    return scope


def client_assertion(
    sb: Sandbox, name: str, *, alg: str = "RS256", header: dict[str, Any] | None = None, **claims: Any
) -> str:
    """An assertion signed with the app's own certificate key; claims are JSON as given (NaN stays NaN)."""
    app = sb.app(name)
    assert app.cert_key_path
    assert app.cert_path
    cert = x509.load_pem_x509_certificate(Path(app.cert_path).read_bytes())
    der = cert.public_bytes(Encoding.DER)
    head: dict[str, Any] = {"typ": "JWT"}
    if alg == "PS256":
        head["x5t#S256"] = b64url(hashlib.sha256(der).digest())
    else:
        head["x5t"] = b64url(hashlib.sha1(der).digest())
    now = int(time.time())
    payload = {
        "aud": f"{app.authority}/oauth2/v2.0/token",
        "iss": app.client_id,
        "sub": app.client_id,
        "jti": str(uuid.uuid4()),
        "nbf": now,
        "exp": now + 600,
        **claims,
    }
    return jwt.encode(
        payload, Path(app.cert_key_path).read_text(), algorithm=alg, headers={**head, **(header or {})}
    )


def post_assertion(
    sb: Sandbox, http: httpx.Client, assertion: str, *, name: str = "cert-daemon"
) -> httpx.Response:
    app = sb.app(name)
    return http.post(
        f"{app.authority}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion,
            "scope": GRAPH,
        },
    )
