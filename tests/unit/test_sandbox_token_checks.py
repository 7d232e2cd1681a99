"""The sandbox checks bearer tokens as a resource does, RS256 over cryptography directly (no PyJWT)."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest

from wizard.sandbox.keystore import new_key
from wizard.sandbox.signing import SigningKey, new_signing_key
from wizard.sandbox.tokens import TokenInvalid, b64url, sign, validate


@pytest.fixture(scope="module")
def keys() -> list[SigningKey]:
    return [new_signing_key(new_key()), new_signing_key(new_key())]


def _claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"aud": "api://x", "iss": "https://issuer/v2.0", "nbf": now - 10, "exp": now + 600, **extra}


def _token(key: SigningKey, claims: dict[str, Any], **header: Any) -> str:
    return sign({"typ": "JWT", "alg": "RS256", "kid": key.kid, **header}, claims, key.key)


def _reason(token: str, keys: list[SigningKey]) -> str:
    with pytest.raises(TokenInvalid) as caught:
        validate(token, keys=keys, audiences=None, issuers=None)
    return caught.value.reason


def test_a_token_signed_by_either_key_is_accepted(keys: list[SigningKey]) -> None:
    for key in keys:
        claims = validate(_token(key, _claims()), keys=keys, audiences={"api://x"}, issuers=None)
        assert claims["aud"] == "api://x"


def test_pyjwt_agrees_with_the_signature_check(keys: list[SigningKey]) -> None:
    token = _token(keys[0], _claims())
    decoded = jwt.decode(token, keys[0].key.public_key(), algorithms=["RS256"], audience="api://x")
    assert decoded == validate(token, keys=keys, audiences=None, issuers=None)


def test_a_graph_token_with_a_nonce_is_checked_over_the_hashed_nonce(keys: list[SigningKey]) -> None:
    token = _token(keys[0], _claims(), nonce="abc")
    assert validate(token, keys=keys, audiences=None, issuers=None)["aud"] == "api://x"
    with pytest.raises(jwt.InvalidSignatureError):  # as for Entra's own: standard tools cannot verify it
        jwt.decode(token, keys[0].key.public_key(), algorithms=["RS256"], audience="api://x")


def test_tampering_is_a_signature_failure(keys: list[SigningKey]) -> None:
    head, _, sig = _token(keys[0], _claims()).split(".")
    forged = b64url(json.dumps(_claims(roles=["Everything"])).encode())
    assert _reason(f"{head}.{forged}.{sig}", keys) == "signature"
    assert _reason(_token(keys[0], _claims())[:-4] + "AAAA", keys) == "signature"
    assert _reason(f"{head}.{forged}.", keys) == "signature"
    other = new_signing_key(new_key())
    assert _reason(_token(other, _claims()), keys) == "signature"  # kid not found
    lying = sign({"alg": "RS256", "kid": keys[0].kid}, _claims(), other.key)  # right kid, other key
    assert _reason(lying, keys) == "signature"


def test_only_rs256_is_accepted(keys: list[SigningKey]) -> None:
    none = f"{b64url(json.dumps({'alg': 'none', 'kid': keys[0].kid}).encode())}.{b64url(b'{}')}."
    assert _reason(none, keys) in {"signature", "malformed"}
    hs = jwt.encode(
        _claims(), "secret-of-32-bytes-at-the-least!!", algorithm="HS256", headers={"kid": keys[0].kid}
    )
    assert _reason(hs, keys) == "signature"


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "a.b",
        "a.b.c.d",
        "!!!.e30.",
        f"{b64url(b'[1]')}.e30.",
        f"{b64url(b'{}')}.{b64url(b'not json')}.",
    ],
)
def test_malformed_tokens(token: str, keys: list[SigningKey]) -> None:
    assert _reason(token, keys) == "malformed"


def test_lifetime_audience_and_issuer_are_checked_after_the_signature(keys: list[SigningKey]) -> None:
    now = int(time.time())
    assert _reason(_token(keys[0], _claims(exp=now - 1)), keys) == "expired"
    with pytest.raises(TokenInvalid) as caught:
        validate(_token(keys[0], _claims()), keys=keys, audiences={"api://other"}, issuers=None)
    assert caught.value.reason == "audience"
    with pytest.raises(TokenInvalid) as caught:
        validate(_token(keys[0], _claims()), keys=keys, audiences=None, issuers={"https://other/v2.0"})
    assert caught.value.reason == "issuer"
