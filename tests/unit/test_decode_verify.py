"""Signature verification against the issuer's JWKS (mock transport: a pure unit test, no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from wizard.errors import (
    ConnectError,
    NetworkError,
    ServiceUnavailable,
    TimeoutError_,
    TokenFormatError,
    UsageError,
)
from wizard.tokens.verify import metadata_url_for, verify_token

TENANT = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
METADATA = f"{ISSUER}/.well-known/openid-configuration"
JWKS_URI = f"https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(kid: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    data.update({"kid": kid, "use": "sig"})
    return data


def _token(key: rsa.RSAPrivateKey = KEY, kid: str = "k1", **claims: object) -> str:
    body = {"aud": "api://contoso", "iss": ISSUER, "tid": TENANT, "roles": ["Orders.Read"], **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _transport(handler: Callable[[httpx.Request], httpx.Response] | None = None) -> httpx.MockTransport:
    def default(request: httpx.Request) -> httpx.Response:
        if str(request.url) == METADATA:
            return httpx.Response(200, json={"issuer": ISSUER, "jwks_uri": JWKS_URI})
        if str(request.url) == JWKS_URI:
            return httpx.Response(200, json={"keys": [_jwk("k1")]})
        return httpx.Response(404)

    return httpx.MockTransport(handler or default)


def test_valid_signature_is_verified() -> None:
    result = verify_token(_token(), transport=_transport())
    assert result.verified
    assert result.label == "signature verified"
    assert result.metadata_url == METADATA
    assert result.kid == "k1"


def test_signature_from_another_key_is_invalid() -> None:
    result = verify_token(_token(key=OTHER), transport=_transport())
    assert not result.verified
    assert result.label == "signature invalid"


def test_unknown_kid_is_explained() -> None:
    result = verify_token(_token(kid="other"), transport=_transport())
    assert not result.verified
    assert "No key with kid" in result.reason


def test_graph_token_is_not_fetched() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise AssertionError("must not fetch keys for a Graph token")

    token = jwt.encode({"aud": "https://graph.microsoft.com", "iss": ISSUER}, KEY, algorithm="RS256")
    result = verify_token(token, transport=_transport(fail))
    assert not result.verified
    assert "Graph" in result.reason


def test_alg_none_is_unsigned() -> None:
    token = jwt.encode({"aud": "api://x", "iss": ISSUER}, None, algorithm="none")
    result = verify_token(token, transport=_transport())
    assert result.label == "unsigned"


def test_metadata_url_for_v1_and_v2_issuers() -> None:
    assert metadata_url_for(f"https://sts.windows.net/{TENANT}/") == (
        f"https://login.microsoftonline.com/{TENANT}/.well-known/openid-configuration"
    )
    assert metadata_url_for(ISSUER) == METADATA
    with pytest.raises(TokenFormatError):
        metadata_url_for("http://evil.example/")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("connection refused"), ConnectError),
        (httpx.ReadTimeout("slow"), TimeoutError_),
    ],
)
def test_network_failures_become_typed_errors(exc: Exception, expected: type[NetworkError]) -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(expected):
        verify_token(_token(), transport=_transport(boom))


def test_server_errors_become_typed_errors() -> None:
    with pytest.raises(ServiceUnavailable):
        verify_token(_token(), transport=_transport(lambda r: httpx.Response(503)))
    with pytest.raises(NetworkError):
        verify_token(_token(), transport=_transport(lambda r: httpx.Response(200, text="not json")))


def test_unreadable_ca_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(UsageError):
        verify_token(_token(), verify=str(bad), transport=_transport())
