"""The API's own words decide: audience refusals worded many ways, the retired Azure AD Graph, and the fallbacks
(`api-refused`, `client-error`) that say what is known when nothing specific fits, each never firing on the
others' evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_data import DIAGNOSIS_CASES, load_json_list

from wizard.diagnosis import RULES, diagnose, explain_error
from wizard.diagnosis.evidence import parse_evidence
from wizard.diagnosis.signals import Signals

TID = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
APP = "5d6e7f80-1a2b-4c3d-9e8f-0a1b2c3d4e5f"


def _claims(aud: str, roles: list[str] | None = None) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "aud": aud,
        "iss": f"https://sts.windows.net/{TID}/",
        "tid": TID,
        "appid": APP,
        "oid": "0a0b0c0d-1e2f-4a5b-8c6d-7e8f9a0b1c2d",
        "idtyp": "app",
        "iat": 1700000000,
        "nbf": 1700000000,
        "exp": 1700003600,
    }
    if roles is not None:
        claims["roles"] = roles
    return claims


def _ev(api: dict[str, Any], claims: dict[str, Any] | None = None) -> dict[str, Any]:
    ev: dict[str, Any] = {"api": api, "now": 1700000100}
    if claims is not None:
        ev["token_claims"] = claims
    return ev


GRAPH_TOKEN = _claims("https://graph.microsoft.com", ["User.Read.All"])

#: An API saying "not my audience", worded by Graph, ARM, Key Vault, Storage, JwtBearer, PyJWT, node, Spring;
#: never with the request URL, so only the words can tell.
AUDIENCE = {
    "arm-json": _ev(
        {
            "status": 401,
            "body": {
                "error": {
                    "code": "InvalidAuthenticationTokenAudience",
                    "message": "The access token has been obtained for wrong audience or resource "
                    "'https://graph.microsoft.com'. It should exactly match with one of the allowed audiences "
                    "'https://management.core.windows.net/','https://management.azure.com/'.",
                }
            },
        },
        GRAPH_TOKEN,
    ),
    "arm-code-only": _ev(
        {"status": 401, "body": {"error": {"code": "InvalidAuthenticationTokenAudience", "message": ""}}},
        GRAPH_TOKEN,
    ),
    "graph-invalid-audience": _ev(
        {
            "status": 401,
            "body": {
                "error": {
                    "code": "InvalidAuthenticationToken",
                    "message": "Access token validation failure. Invalid audience.",
                }
            },
        },
        _claims("api://todo-api", ["ToDo.Read"]),
    ),
    "key-vault": _ev(
        {
            "status": 401,
            "body": {
                "error": {
                    "code": "Unauthorized",
                    "message": "AKV10022: Invalid audience. Expected https://vault.azure.net, found: "
                    "https://graph.microsoft.com.",
                }
            },
        },
        GRAPH_TOKEN,
    ),
    "jwtbearer-header": _ev(
        {
            "status": 401,
            "body": "",
            "www_authenticate": 'Bearer error="invalid_token", error_description="The audience '
            "'https://graph.microsoft.com' is invalid\"",
        },
        GRAPH_TOKEN,
    ),
    "idx10214": _ev(
        {
            "status": 401,
            "body": "IDX10214: Audience validation failed. Audiences: 'https://graph.microsoft.com'. Did not "
            "match: validationParameters.ValidAudience: 'api://todo'.",
        }
    ),
    "storage": _ev(
        {
            "status": 401,
            "body": "<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the "
            "request. Audience validation failed. Audience did not match.</Message></Error>",
        },
        GRAPH_TOKEN,
    ),
    "pyjwt": _ev({"status": 401, "body": {"detail": "Invalid audience"}}, GRAPH_TOKEN),
    "sentence": _ev(
        {"status": 401, "body": {"message": "The audience of the presented token is not valid for this API"}},
        GRAPH_TOKEN,
    ),
    "aud-not-accepted": _ev({"status": 403, "body": "aud value https://graph.microsoft.com not accepted"}),
    "node-jsonwebtoken": _ev(
        {"status": 401, "body": "UnauthorizedError: jwt audience invalid. expected: api://orders"}
    ),
    "spring": _ev(
        {
            "status": 401,
            "www_authenticate": 'Bearer error="invalid_token", error_description="The aud claim is not '
            'valid", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1"',
        },
        GRAPH_TOKEN,
    ),
    "aad-graph-uri-403": _ev(
        {
            "status": 403,
            "body": {
                "odata.error": {
                    "code": "Authorization_RequestDenied",
                    "message": {"lang": "en", "value": "Insufficient privileges to complete the operation."},
                }
            },
        },
        _claims("https://graph.windows.net", ["Directory.Read.All"]),
    ),
    "aad-graph-appid-401": _ev(
        {"status": 401, "body": ""}, _claims("00000002-0000-0000-c000-000000000000", [])
    ),
    "aad-graph-named-by-api": _ev(
        {
            "status": 401,
            "body": {
                "error": {
                    "code": "Unauthorized",
                    "message": "Tokens issued for https://graph.windows.net/ are not accepted.",
                }
            },
        },
    ),
}

#: Refusals no specific rule explains: the fallback says the API's code and message, aud and roles.
REFUSED = {
    "bare-invalid-token": _ev(
        {"status": 401, "body": "", "www_authenticate": 'Bearer error="invalid_token"'},
        _claims("api://orders", ["Orders.Read"]),
    ),
    "plain-unauthorized": _ev(
        {"status": 401, "body": "Unauthorized"}, _claims("api://orders", ["Orders.Read"])
    ),
    "custom-code": _ev(
        {
            "method": "GET",
            "url": "https://orders.contoso.example/api/orders",
            "status": 401,
            "body": {"error": "tenant_not_onboarded", "error_description": "Tenant is not onboarded."},
        },
        _claims("api://orders", ["Orders.Read"]),
    ),
    "problem-details": _ev(
        {"status": 401, "body": {"title": "Unauthorized", "detail": "Subscription key missing."}},
        _claims("api://orders", ["Orders.Read"]),
    ),
}

#: The client failed before any answer (or the token endpoint said something no rule knows).
CLIENT = {
    "key-error": {"client_error": "KeyError: 'access_token'"},
    "type-error": {
        "client_error": "TypeError: acquire_token_for_client() got an unexpected keyword argument 'scope'"
    },
    "unknown-aadsts": {"token_error": "AADSTS9999999: A brand new condition the rules have never seen."},
}


def _codes(ev: object) -> list[str]:
    return diagnose(ev, strict=True).codes


@pytest.mark.parametrize("name", sorted(AUDIENCE))
def test_the_apis_words_name_the_audience(name: str) -> None:
    codes = _codes(AUDIENCE[name])
    assert codes[0] == "audience-mismatch", codes
    assert "api-refused" not in codes


@pytest.mark.parametrize(
    "text",
    [
        "InvalidAuthenticationTokenAudience: The access token has been obtained for wrong audience or "
        "resource 'https://vault.azure.net'.",
        "The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'.",
        "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com/.",
        "Access token validation failure. Invalid audience.",
        "UnauthorizedError: jwt audience invalid. expected: api://orders",
    ],
)
def test_a_pasted_audience_refusal_is_the_apis_answer(text: str) -> None:
    result = explain_error(text)
    assert result.codes[0] == "audience-mismatch", result.codes


def test_the_retired_aad_graph_fix_names_microsoft_graph() -> None:
    first = diagnose(AUDIENCE["aad-graph-appid-401"]).findings[0]
    assert "https://graph.microsoft.com/.default" in first.fix
    assert "retired" in first.explanation


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_an_unexplained_refusal_says_what_is_known(name: str) -> None:
    result = diagnose(REFUSED[name], strict=True)
    assert result.verdict == "fail"
    assert result.codes == ["api-refused"], result.codes
    finding = result.findings[0]
    assert finding.title == RULES["api-refused"].title
    assert "`aud` is `api://orders`" in finding.explanation
    assert "401" in finding.explanation


def test_the_refusal_quotes_the_apis_code_and_message_and_the_roles() -> None:
    explanation = diagnose(REFUSED["custom-code"]).findings[0].explanation
    assert "`tenant_not_onboarded` Tenant is not onboarded." in explanation
    assert "GET https://orders.contoso.example/api/orders" in explanation
    assert "roles: Orders.Read" in explanation


def test_a_refusal_without_the_token_says_so() -> None:
    result = diagnose({"api": {"status": 401, "body": "Unauthorized"}})
    assert result.codes == ["api-refused"]
    assert "not in the evidence" in result.findings[0].explanation


@pytest.mark.parametrize("name", sorted(CLIENT))
def test_a_client_failure_says_what_it_was(name: str) -> None:
    result = diagnose(CLIENT[name], strict=True)
    assert result.codes == ["client-error"], result.codes
    assert result.verdict == "fail"


def test_the_fallbacks_rank_last_and_never_hide_a_specific_finding() -> None:
    # A specific rule that explains the refusal wins; the fallbacks do not even appear.
    expired = _ev(
        {
            "status": 401,
            "body": {"error": {"code": "InvalidAuthenticationToken", "message": "Token expired"}},
        },
        GRAPH_TOKEN,
    )
    assert "api-refused" not in _codes(expired)
    # A warning-level smell alone does not explain a refusal: the fallback comes, after it.
    for rule in (r for r in RULES if r.fallback):
        assert rule.code in {"api-refused", "client-error"}


@pytest.mark.parametrize(
    ("evidence", "code"),
    [(ev, "audience-mismatch") for ev in AUDIENCE.values()]
    + [(ev, "api-refused") for ev in REFUSED.values()]
    + [(ev, "client-error") for ev in CLIENT.values()],
)
def test_each_rule_stays_off_the_other_rules_evidence(evidence: dict[str, Any], code: str) -> None:
    codes = set(_codes(evidence))
    others = {"audience-mismatch", "api-refused", "client-error"} - {code}
    assert not codes & others, codes


def _reference_and_extra_cases() -> list[dict[str, Any]]:
    """The project's own reference cases and extra cases (tests/data), each required to be there."""
    extra = Path(__file__).resolve().parent / "data" / "diagnosis_extra_cases.json"
    return load_json_list(DIAGNOSIS_CASES) + load_json_list(extra)


def test_the_new_audience_detectors_stay_off_every_other_case() -> None:
    from wizard.diagnosis.rules_token import _audience_in_api_words, _retired_aad_graph

    for case in _reference_and_extra_cases():
        if "audience-mismatch" in case.get("expect", []):
            continue
        signals = Signals(parse_evidence(case["evidence"]))
        assert _audience_in_api_words(signals) is None, case.get("id")
        assert _retired_aad_graph(signals) is None, case.get("id")


def test_fallbacks_stay_off_every_case_a_specific_rule_explains() -> None:
    for case in _reference_and_extra_cases():
        expect = case.get("expect", [])
        if not expect or set(expect) & {"api-refused", "client-error"}:
            continue
        codes = diagnose(case["evidence"]).codes
        assert "api-refused" not in codes and "client-error" not in codes, (case.get("id"), codes)


@settings(max_examples=150, deadline=None)
@given(
    status=st.sampled_from([401, 403]),
    body=st.one_of(
        st.text(max_size=120),
        st.dictionaries(st.sampled_from(["error", "message", "code", "detail"]), st.text(max_size=40)),
    ),
    roles=st.one_of(st.none(), st.lists(st.sampled_from(["Orders.Read", "User.Read.All"]), max_size=2)),
    aud=st.sampled_from(
        ["api://orders", "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]
    ),
)
def test_a_refusal_with_a_token_always_gets_a_finding(
    status: int, body: object, roles: list[str] | None, aud: str
) -> None:
    result = diagnose(_ev({"status": status, "body": body}, _claims(aud, roles)), strict=True)
    assert result.verdict == "fail"
    assert result.findings, "an API refusal with a token must never end with no finding"
    assert any(f.severity == "error" for f in result.findings)
