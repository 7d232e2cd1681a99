"""The decoder: any input gives a result or a TokenFormatError, and every claim is explained."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from wizard.errors import TokenFormatError
from wizard.tokens import decode_token, known_api
from wizard.tokens.claims import relative
from wizard.tokens.report import GRAPH_NOT_VERIFIABLE, NOT_VERIFIED, build_report

NOW = 1_730_000_000
CLAIMS = {
    "aud": "https://graph.microsoft.com",
    "iss": "https://sts.windows.net/9f8e7d6c-5b4a-4321-8fed-cba987654321/",
    "iat": NOW - 60,
    "nbf": NOW - 60,
    "exp": NOW + 52 * 60 + 30,
    "appid": "1a2b3c4d-0000-4111-8222-333344445555",
    "appidacr": "2",
    "idtyp": "app",
    "roles": ["User.Read.All"],
    "tid": "9f8e7d6c-5b4a-4321-8fed-cba987654321",
    "ver": "1.0",
}


def _b64(data: object) -> str:
    raw = json.dumps(data).encode() if not isinstance(data, bytes) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token(claims: dict[str, object], header: dict[str, object] | None = None) -> str:
    return jwt.encode(claims, "k" * 32, algorithm="HS256", headers=header or {"kid": "k1"})


def test_decode_and_explain_app_only_v1_graph_token() -> None:
    token = _token(CLAIMS, {"kid": "k1", "nonce": "abc"})
    decoded = decode_token(f"  Bearer {token}\n")
    report = build_report(decoded, now=NOW)
    summary = report.summary
    assert summary["version"] == "1.0"
    assert summary["kind"] is not None
    assert summary["kind"].startswith("app-only")
    assert summary["audience_name"] == "Microsoft Graph"
    assert summary["credential"] is not None
    assert "certificate" in summary["credential"]
    assert summary["expires"] is not None
    assert "expires in 52 min" in summary["expires"]
    assert "UTC" in summary["expires"]
    lines = {c.name: c for c in report.claim_lines}
    assert set(lines) == set(CLAIMS)
    assert all(c.meaning for c in report.claim_lines)
    assert "issued 1 min ago" in lines["iat"].value
    assert GRAPH_NOT_VERIFIABLE in report.warnings
    assert report.signature["label"] == NOT_VERIFIED


def test_delegated_v2_token() -> None:
    claims = {
        "aud": "api://x",
        "iss": "https://login.microsoftonline.com/t/v2.0",
        "scp": "access_as_user",
        "azpacr": "0",
    }
    report = build_report(decode_token(_token(claims)), now=NOW)
    assert report.summary["version"] == "2.0"
    assert report.summary["kind"] is not None
    assert report.summary["kind"].startswith("delegated")
    assert report.summary["credential"] is not None
    assert report.summary["credential"].startswith("public client")


def test_app_token_without_roles_and_expired_are_flagged() -> None:
    claims = {**CLAIMS, "exp": NOW - 10}
    del claims["roles"]
    warnings = " ".join(build_report(decode_token(_token(claims)), now=NOW).warnings)
    assert "without roles" in warnings
    assert "expired" in warnings


def test_alg_none_is_flagged() -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(CLAIMS)}."
    decoded = decode_token(token)
    assert decoded.alg_none
    assert any("unsigned" in w for w in build_report(decoded, now=NOW).warnings)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "No token"),
        ("   ", "No token"),
        ("abc", "three"),
        ("a.b", "three"),
        ("a.b.c.d.e", "encrypted"),
        ("!!!.abc.def", "base64url"),
        (f"{_b64(b'not json')}.{_b64(CLAIMS)}.sig", "not JSON"),
        (f"{_b64([1, 2])}.{_b64(CLAIMS)}.sig", "not a JSON object"),
        (f"{_b64({'alg': 'RS256'})}..sig", "payload is empty"),
        ("x" * 70000, "too long"),
    ],
)
def test_malformed_input_gives_a_clear_typed_error(text: str, needle: str) -> None:
    with pytest.raises(TokenFormatError) as info:
        decode_token(text)
    assert needle in str(info.value)
    assert text.strip()[:20] not in str(info.value) or not text.strip()


def test_non_text_input() -> None:
    with pytest.raises(TokenFormatError):
        decode_token(None)
    with pytest.raises(TokenFormatError):
        decode_token(b"\xff\xfe")
    assert decode_token(_token(CLAIMS).encode()).claims["aud"] == CLAIMS["aud"]


@pytest.mark.parametrize(
    ("aud", "name"),
    [
        ("00000003-0000-0000-c000-000000000000", "Microsoft Graph"),
        ("https://graph.microsoft.us/", "Microsoft Graph"),
        ("https://microsoftgraph.chinacloudapi.cn", "Microsoft Graph"),
        ("https://management.azure.com/", "Azure Resource Manager"),
        ("https://management.core.windows.net/", "Azure Resource Manager"),
        ("https://vault.azure.net", "Azure Key Vault"),
        ("https://database.windows.net/", "Azure SQL Database"),
        ("https://storage.azure.com/", "Azure Storage"),
        ("https://servicebus.azure.net", "Azure Service Bus"),
        ("https://eventhubs.azure.net", "Azure Event Hubs"),
        ("https://cosmos.azure.com", "Azure Cosmos DB"),
        ("499b84ac-1321-427f-aa17-267ca6975798", "Azure DevOps"),
        ("https://contoso.sharepoint.com", "SharePoint Online"),
    ],
)
def test_known_audiences(aud: str, name: str) -> None:
    api = known_api(aud)
    assert api is not None
    assert api.name == name


def test_unknown_audience_and_relative_times() -> None:
    assert known_api("api://contoso") is None
    assert relative(52 * 60 + 5) == "in 52 min"
    assert relative(-3 * 3600) == "3 h ago"
    assert relative(5) == "in 5 s"
    assert relative(-5 * 86400) == "5 days ago"


def test_malformed_time_claim_does_not_crash() -> None:
    report = build_report(decode_token(_token({**CLAIMS, "exp": "soon", "iat": 1e300})), now=time.time())
    lines = {c.name: c.value for c in report.claim_lines}
    assert "malformed" in lines["exp"]
    assert "not a valid time" in lines["iat"]
