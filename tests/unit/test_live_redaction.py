"""The step trace never holds a secret, an assertion or a token in clear."""

from __future__ import annotations

import json

from wizard.live.trace import Exchange, Note, Trace, step_for_url

CANARY = "CANARY-s3cr3t-0123456789abcdef"
JWT = "eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOiJodHRwczovL2xvZ2luIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU"


def _record(trace: Trace, **kw: object) -> Exchange:
    base: dict[str, object] = {"step": "token", "method": "POST", "url": "https://x/t", "status": 200}
    base.update(kw)
    return trace.record(duration_ms=1.0, **base)  # type: ignore[arg-type]


def test_form_body_secret_and_assertion_are_masked() -> None:
    trace = Trace()
    body = f"client_id=abc&client_secret={CANARY}&client_assertion={JWT}&grant_type=client_credentials"
    ex = _record(trace, request_body=body.encode())
    assert ex.request_body is not None
    assert CANARY not in ex.request_body
    assert JWT not in ex.request_body
    assert "client_id=abc" in ex.request_body
    assert "grant_type=client_credentials" in ex.request_body


def test_json_tokens_are_masked_and_other_keys_kept() -> None:
    trace = Trace()
    body = json.dumps({"access_token": "opaque-token-value-xyz", "token_type": "Bearer", "expires_in": 3599})
    ex = _record(trace, response_body=body)
    assert ex.response_body is not None
    assert "opaque-token-value-xyz" not in ex.response_body
    data = json.loads(ex.response_body)
    assert data["token_type"] == "Bearer"
    assert data["access_token"] == "opa…xyz"


def test_authorization_header_is_masked() -> None:
    trace = Trace()
    ex = _record(trace, request_headers={"Authorization": f"Bearer {JWT}", "Accept": "application/json"})
    assert ex.request_headers["Authorization"].startswith("Bearer ")
    assert JWT not in ex.request_headers["Authorization"]
    assert ex.request_headers["Accept"] == "application/json"


def test_known_secret_is_masked_anywhere_even_in_notes_and_errors() -> None:
    trace = Trace([CANARY])
    trace.note("setup", f"weird text {CANARY} here")
    ex = _record(trace, error=f"failed with {CANARY}", response_body=f"<html>{CANARY}</html>")
    dumped = json.dumps(trace.to_list())
    assert CANARY not in dumped
    assert ex.error is not None
    assert "CAN…def" in ex.error


def test_url_query_secrets_are_masked() -> None:
    trace = Trace()
    ex = _record(trace, url=f"https://h/cb?code=abcdefghijklmnop&state=s1&client_secret={CANARY}")
    assert CANARY not in ex.url
    assert "abcdefghijklmnop" not in ex.url
    assert "state=s1" in ex.url


def test_long_bodies_are_cut() -> None:
    trace = Trace()
    ex = _record(trace, response_body="x" * 10_000)
    assert ex.response_body is not None
    assert len(ex.response_body) < 4100
    assert ex.response_body.endswith("(10000 characters)")


def test_observers_see_events_and_can_unsubscribe() -> None:
    trace = Trace()
    seen: list[object] = []
    unsubscribe = trace.subscribe(seen.append)
    trace.note("token", "one")
    unsubscribe()
    trace.note("token", "two")
    assert len(seen) == 1
    assert isinstance(seen[0], Note)
    assert len(trace.events) == 2


def test_step_names_follow_the_protocol() -> None:
    assert step_for_url("https://h/t/v2.0/.well-known/openid-configuration") == "discovery"
    assert step_for_url("https://h/t/oauth2/v2.0/token") == "token"
    assert step_for_url("https://login.microsoftonline.com/common/discovery/instance?x=1") == "instance"
