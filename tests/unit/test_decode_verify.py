"""Signature verification against a trusted issuer's JWKS (mock transport under the core's real HTTP
client: a pure unit test, no network)."""

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
    UsageError,
)
from wizard.live.http import HttpSettings
from wizard.live.token_keys import verify_token
from wizard.tokens.issuers import UntrustedIssuer, entra_issuer

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
    assert entra_issuer(f"https://sts.windows.net/{TENANT}/", TENANT).metadata_url == (
        f"https://login.microsoftonline.com/{TENANT}/.well-known/openid-configuration"
    )
    assert entra_issuer(ISSUER, TENANT).metadata_url == METADATA
    with pytest.raises(UntrustedIssuer):
        entra_issuer("http://evil.example/", TENANT)


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
    no_retry = HttpSettings.bounded(10, max_retries=0)
    with pytest.raises(ServiceUnavailable):
        verify_token(_token(), transport=_transport(lambda r: httpx.Response(503)), settings=no_retry)
    with pytest.raises(NetworkError):
        verify_token(_token(), transport=_transport(lambda r: httpx.Response(200, text="not json")))


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request may be made for an untrusted issuer: {request.url}")


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://attacker.example/keys"},  # any URL at all
        {"iss": "https://127.0.0.1:8443/" + TENANT + "/v2.0"},  # our own key, served on loopback
        {"iss": "https://login.microsoftonline.com.attacker.example/" + TENANT + "/v2.0"},
        {"iss": "https://login.microsoftonline.com:8443/" + TENANT + "/v2.0"},
        {"iss": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"},  # not tid
        {"iss": ISSUER + "/../../evil"},
        {"iss": ISSUER, "tid": None},
        {"iss": "http://login.microsoftonline.com/" + TENANT + "/v2.0"},
    ],
)
def test_untrusted_issuers_are_reported_and_nothing_is_fetched(claims: dict[str, object]) -> None:
    body = {k: v for k, v in claims.items() if v is not None}
    token = (
        _token(**body)
        if "tid" not in claims
        else jwt.encode({"aud": "api://x", **body}, KEY, algorithm="RS256", headers={"kid": "k1"})
    )
    result = verify_token(token, transport=httpx.MockTransport(_never))
    assert not result.verified
    assert result.label == "untrusted issuer", result


@pytest.mark.parametrize(
    "iss",
    [
        f"https://login.microsoftonline.us/{TENANT}/v2.0",
        f"https://login.chinacloudapi.cn/{TENANT}/v2.0",
        f"https://sts.windows.net/{TENANT}/",
        f"https://sts.chinacloudapi.cn/{TENANT}/",
        f"https://{TENANT}.ciamlogin.com/{TENANT}/v2.0",
        f"https://contoso.ciamlogin.com/{TENANT}/v2.0",
    ],
)
def test_every_cloud_and_external_id_issuer_is_trusted_for_its_own_tid(iss: str) -> None:
    trusted = entra_issuer(iss, TENANT.upper())
    assert trusted.metadata_url.startswith("https://")
    assert TENANT in trusted.metadata_url
    assert not trusted.named_by_user


def test_a_named_issuer_is_used_and_must_match_the_token() -> None:
    local = f"https://idp.test/{TENANT}/v2.0"
    seen: list[str] = []

    def idp(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if str(request.url) == f"{local}/.well-known/openid-configuration":
            return httpx.Response(200, json={"issuer": local, "jwks_uri": "https://idp.test/keys"})
        if str(request.url) == "https://idp.test/keys":
            return httpx.Response(200, json={"keys": [_jwk("k1")]})
        return httpx.Response(404)

    ok = verify_token(_token(iss=local), issuer=local, transport=httpx.MockTransport(idp))
    assert ok.verified, ok
    other = verify_token(_token(iss="https://other.test/x"), issuer=local, transport=httpx.MockTransport(idp))
    assert not other.verified
    assert other.label == "untrusted issuer"
    assert "https://idp.test/keys" not in seen[2:]  # the mismatching token's keys were never fetched


def test_unreadable_ca_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(UsageError):
        verify_token(_token(), verify=str(bad), transport=_transport())
