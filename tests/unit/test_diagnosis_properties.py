"""Property tests: arbitrary input never crashes the decoder (only TokenFormatError) or the engine."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.diagnosis import RULES, diagnose
from wizard.diagnosis.aadsts import parse_aadsts
from wizard.errors import TokenFormatError
from wizard.tokens.decode import decode_token
from wizard.tokens.report import build_report

CODES = {r.code for r in RULES}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = [
    "config",
    "token_error",
    "token_status",
    "client_error",
    "access_token",
    "token_claims",
    "api",
    "app_registration",
    "service_principal",
    "client_assertion",
    "now",
]
SUBKEYS = [
    "authority",
    "tenant",
    "client_id",
    "scopes",
    "credential_type",
    "tenant_type",
    "api_url",
    "request",
    "status",
    "body",
    "www_authenticate",
    "roles",
    "aud",
    "iss",
    "exp",
    "nbf",
    "idtyp",
    "passwordCredentials",
    "requiredResourceAccess",
    "header",
    "x5t",
]
shaped = st.dictionaries(
    st.sampled_from(KEYS),
    json_values | st.dictionaries(st.sampled_from(SUBKEYS), json_values, max_size=6),
    max_size=8,
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(result: Any) -> None:
    assert result.verdict in {"ok", "fail"}
    for finding in result.findings:
        assert finding.code in CODES
        assert finding.severity in {"error", "warning", "info"}
        assert isinstance(finding.explanation, str)
        assert isinstance(finding.fix, str)
    json.dumps(result.to_dict())


@SETTINGS
@given(shaped)
def test_diagnose_never_raises_on_shaped_evidence(evidence: dict[str, Any]) -> None:
    _check(diagnose(evidence, strict=True))


@SETTINGS
@given(json_values | st.binary(max_size=64))
def test_diagnose_never_raises_on_anything(value: object) -> None:
    _check(diagnose(value, strict=True))


@SETTINGS
@given(st.text(max_size=300))
def test_pasted_text_never_crashes(text: str) -> None:
    _check(diagnose({"token_error": text, "client_error": text}, strict=True))
    parsed = parse_aadsts(text)
    assert all(isinstance(code, int) for code in parsed.codes)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@SETTINGS
@given(st.text(max_size=200) | st.binary(max_size=200) | st.none() | st.integers())
def test_decode_raises_only_token_format_error(value: object) -> None:
    try:
        decoded = decode_token(value)
    except TokenFormatError as exc:
        message = str(exc)
    else:
        message = ""
        build_report(decoded, now=0)
    assert message or decoded.claims is not None


@SETTINGS
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6), st.binary(max_size=40))
def test_decode_arbitrary_json_segments(claims: dict[str, Any], header_raw: bytes) -> None:
    payload = _b64(json.dumps(claims).encode())
    for header in (_b64(header_raw), _b64(b'{"alg":"RS256"}')):
        try:
            decoded = decode_token(f"{header}.{payload}.sig")
        except TokenFormatError:
            continue
        report = build_report(decoded, now=1_700_000_000)
        assert report.claims == decoded.claims
        json.dumps(report.to_dict(), default=str)
