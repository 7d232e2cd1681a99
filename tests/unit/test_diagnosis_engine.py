"""Engine behaviour: parsing, tolerance to wrong types, ordering, fixes with consent URLs, the Graph table."""

from __future__ import annotations

import pytest

from wizard.diagnosis import diagnose, explain_error, parse_evidence
from wizard.diagnosis.aadsts import parse_aadsts
from wizard.diagnosis.graph_permissions import graph_path, is_me_path, permissions_for

TENANT = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
CLIENT = "1a2b3c4d-0000-4111-8222-333344445555"


def test_parse_aadsts_from_json_body() -> None:
    err = parse_aadsts(
        {
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: "
            "6f6c4645-0202-4486-b625-fa957dfc4700\r\nCorrelation ID: 5fc87507-4086-4e77-b415-cee677eb232e",
            "error_codes": [7000215],
            "timestamp": "2023-05-06 06:03:00Z",
        }
    )
    assert err.codes == (7000215,)
    assert err.error == "invalid_client"
    assert err.trace_id == "6f6c4645-0202-4486-b625-fa957dfc4700"
    assert err.correlation_id == "5fc87507-4086-4e77-b415-cee677eb232e"
    assert err.timestamp == "2023-05-06 06:03:00Z"


def test_parse_aadsts_from_text_and_escaped_json_string() -> None:
    text = (
        'Error: {"error":"invalid_tenant",'
        '"error_description":"AADSTS90002: Tenant \\u0027x\\u0027 not found.\\r\\nTrace'
    )
    err = parse_aadsts(text)
    assert err.codes == (90002,)
    assert err.error == "invalid_tenant"
    assert "tenant 'x' not found" in err.text.lower()
    chained = parse_aadsts("AADSTS70002: Error validating credentials. AADSTS50012: Invalid client secret")
    assert chained.codes == (70002, 50012)
    assert parse_aadsts(None).codes == ()
    assert parse_aadsts(b"\xff\xfe AADSTS53003").codes == (53003,)


def test_evidence_tolerates_wrong_types() -> None:
    ev = parse_evidence(
        {"config": "not a dict", "api": "HTTP 403 Forbidden", "now": "yesterday", "token_claims": 5}
    )
    assert ev.config.authority is None
    assert ev.api is not None
    assert "403" in ev.api.body_text
    assert ev.token_claims is None
    assert "config" in ev.oddities
    assert not ev.now_given
    scoped = parse_evidence({"config": {"scopes": "https://graph.microsoft.com/.default"}})
    assert scoped.config.scopes_is_string
    assert scoped.config.scopes == ("https://graph.microsoft.com/.default",)
    assert parse_evidence("AADSTS7000215: x").token_error == "AADSTS7000215: x"
    assert parse_evidence([1, 2]).token_error == "[1, 2]"


def test_scopes_string_alone_is_evidence() -> None:
    result = diagnose({"config": {"scopes": "https://graph.microsoft.com/.default"}, "client_error": "boom"})
    assert result.findings[0].code == "scopes-not-list"


def test_hard_token_error_outranks_config_hints() -> None:
    result = diagnose(
        {
            "config": {"authority": "https://login.microsoftonline.com/common", "scopes": ["User.Read"]},
            "token_error": "AADSTS7000215: Invalid client secret provided.",
        }
    )
    assert result.codes[0] == "secret-invalid"
    assert {"tenant-common", "scope-not-default"} <= set(result.codes[1:])
    assert all(f.severity == "error" for f in result.findings[:1])


def test_config_only_hints_name_the_exact_scope() -> None:
    result = diagnose({"config": {"scopes": ["https://graph.microsoft.com/User.Read.All"]}})
    first = result.findings[0]
    assert first.code == "scope-not-default"
    assert "https://graph.microsoft.com/.default" in first.fix
    assert result.verdict == "fail"


def test_tenant_equal_to_client_id_from_config() -> None:
    result = diagnose(
        {"config": {"authority": f"https://login.microsoftonline.com/{TENANT}", "client_id": TENANT}}
    )
    assert result.findings[0].code == "client-id-is-tenant-id"


def test_roles_missing_fix_has_admin_consent_url_and_blade() -> None:
    result = diagnose(
        {
            "config": {"authority": f"https://login.microsoftonline.com/{TENANT}"},
            "token_claims": {
                "aud": "https://graph.microsoft.com",
                "idtyp": "app",
                "appid": CLIENT,
                "tid": TENANT,
            },
            "api": {"request": "GET https://graph.microsoft.com/v1.0/users", "status": 403},
            "now": 1,
        }
    )
    first = result.findings[0]
    assert first.code == "roles-missing"
    assert f"https://login.microsoftonline.com/{TENANT}/adminconsent?client_id={CLIENT}" in first.fix
    assert f"CallAnAPI/appId/{CLIENT}" in first.fix
    assert "User.Read.All" in first.explanation


def test_client_id_taken_from_aadsts_text_for_consent() -> None:
    result = explain_error(
        f"AADSTS7000229: The client application {CLIENT} is missing service principal in the tenant {TENANT}."
    )
    assert result.findings[0].code == "service-principal-missing"
    assert f"client_id={CLIENT}" in result.findings[0].fix


def test_ok_verdict_and_to_dict_shape() -> None:
    result = diagnose(
        {
            "token_claims": {
                "aud": "https://graph.microsoft.com",
                "idtyp": "app",
                "roles": ["User.Read.All"],
            },
            "api": {"request": "GET https://graph.microsoft.com/v1.0/users", "status": 200},
        }
    )
    data = result.to_dict()
    assert data["verdict"] == "ok"
    findings = data["findings"]
    assert isinstance(findings, list)
    assert findings[0]["code"] == "ok"
    assert set(findings[0]) == {"code", "severity", "title", "explanation", "fix", "links"}


def test_successful_call_downgrades_config_hints_to_warnings() -> None:
    result = diagnose(
        {
            "config": {"authority": "https://login.microsoftonline.com/organizations"},
            "token_claims": {
                "aud": "https://graph.microsoft.com",
                "idtyp": "app",
                "roles": ["User.Read.All"],
            },
            "api": {"status": 204},
        }
    )
    assert result.verdict == "ok"
    assert result.codes[0] == "ok"
    assert [f.severity for f in result.findings if f.code == "tenant-common"] == ["warning"]


def test_empty_evidence_has_no_findings_and_fails() -> None:
    result = diagnose({})
    assert result.findings == ()
    assert result.verdict == "fail"


def test_expiry_without_observation_time_is_only_a_warning() -> None:
    claims = {
        "aud": "https://graph.microsoft.com",
        "idtyp": "app",
        "oid": "o",
        "roles": ["X.Read.All"],
        "exp": 1000,
    }
    no_now = diagnose({"token_claims": claims})
    assert [(f.code, f.severity) for f in no_now.findings if f.code != "ok"] == [("token-expired", "warning")]
    with_now = diagnose({"token_claims": claims, "now": 2000})
    assert (with_now.findings[0].code, with_now.findings[0].severity) == ("token-expired", "error")
    assert with_now.verdict == "fail"


def test_assertion_header_with_sha256_in_x5t() -> None:
    header = {"alg": "RS256", "x5t": "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"}
    result = diagnose(
        {"client_assertion": {"header": header}, "token_error": "AADSTS700027: invalid signature"}
    )
    assert result.codes[0] == "certificate-thumbprint-hash"


@pytest.mark.parametrize(
    ("method", "url", "first"),
    [
        ("GET", "https://graph.microsoft.com/v1.0/users?$top=1", "User.Read.All"),
        ("GET", "https://graph.microsoft.com/v1.0/users/abc", "User.Read.All"),
        ("GET", "/v1.0/applications", "Application.Read.All"),
        ("GET", "https://graph.microsoft.com/beta/groups", "Group.Read.All"),
        ("POST", "https://graph.microsoft.com/v1.0/users/a@b.c/sendMail", "Mail.Send"),
        ("GET", "https://graph.microsoft.com/v1.0/users/x/messages", "Mail.ReadBasic.All"),
        ("GET", "https://graph.microsoft.com/v1.0/users/x/events", "Calendars.ReadBasic.All"),
        ("GET", "https://graph.microsoft.com/v1.0/drives/b!x/root/children", "Files.Read.All"),
        ("GET", "https://graph.microsoft.com/v1.0/sites/root", "Sites.Selected"),
        ("GET", "https://graph.microsoft.com/v1.0/teams/t/channels", "Channel.ReadBasic.All"),
        ("GET", "https://graph.microsoft.com/v1.0/users('x')/todo/lists", "Tasks.Read.All"),
    ],
)
def test_graph_permission_table(method: str, url: str, first: str) -> None:
    perms = permissions_for(method, url)
    assert perms is not None
    assert perms[0] == first


def test_graph_paths() -> None:
    assert graph_path("https://graph.microsoft.com/v1.0/users?$top=1") == "/users"
    assert is_me_path("https://graph.microsoft.com/beta/me/messages")
    assert not is_me_path("/v1.0/members")
    assert permissions_for("GET", "/unknownThing") is None


@pytest.mark.parametrize(
    ("evidence", "code"),
    [
        (
            {
                "token_error": "AADSTS70011: The provided value for the input parameter 'scope' is not "
                "valid. "
                "The scope https://graph.microsoft.com is not valid."
            },
            "scope-not-default",
        ),
        (
            {
                "client_error": "ValueError: API does not accept {'openid', 'profile', 'offline_access'} "
                "value as "
                "user-provided scopes"
            },
            "scope-oidc",
        ),
        ({"client_error": "TypeError: request.scopes.map is not a function"}, "scopes-not-list"),
        (
            {
                "client_error": "ClientConfigurationError: untrustedAuthority: The provided authority is "
                "not a trusted "
                "authority. Please include this authority in the knownAuthorities config parameter."
            },
            "authority-unknown-host",
        ),
        (
            {
                "token_claims": {
                    "aud": "api://x",
                    "iss": "https://sts.windows.net/t/",
                    "idtyp": "app",
                    "roles": ["A.B"],
                },
                "api": {
                    "status": 401,
                    "body": "IDX40001: Issuer: 'https://sts.windows.net/t/', does not match any of "
                    "the valid issuers provided for this application.",
                },
                "now": 1,
            },
            "token-version-mismatch",
        ),
        (
            {
                "token_claims": {"aud": "api://x", "idtyp": "app", "roles": ["A.B"], "nbf": 100, "exp": 4000},
                "api": {"status": 401, "body": "NotBeforeError: jwt not active"},
                "now": 200,
            },
            "clock-skew",
        ),
        (
            {
                "token_claims": {"aud": "api://x", "idtyp": "app", "roles": ["A.B"], "nbf": 100, "exp": 4000},
                "api": {"status": 401, "body": "TokenExpiredError: jwt expired"},
                "now": 5000,
            },
            "token-expired",
        ),
        (
            {
                "token_claims": {"aud": "api://other", "idtyp": "app", "roles": ["A.B"]},
                "api": {
                    "status": 401,
                    "body": "JsonWebTokenError: jwt audience invalid. expected: api://mine",
                },
            },
            "audience-mismatch",
        ),
        (
            {"service_principal": {"accountEnabled": False}, "token_error": {"error": "unauthorized_client"}},
            "app-disabled",
        ),
        (
            {"app_registration": {"isFallbackPublicClient": True}, "token_error": "invalid_client"},
            "public-client",
        ),
        ({"config": {"authority": "https://login.microsoftonline.com/<your-tenant-id>"}}, "tenant-invalid"),
        ({"config": {"client_id": "<client-id>"}}, "app-not-in-tenant"),
        (
            {
                "config": {
                    "tenant_type": "external",
                    "authority": "https://login.microsoftonline.com/t.onmicrosoft.com",
                }
            },
            "tenant-not-found",
        ),
        ({"config": {"api_url": "https://graph.microsoft.com/v1.0/me"}}, "me-endpoint-app-token"),
        (
            {
                "config": {"authority": "https://login.microsoftonline.com/nowhere.onmicrosoft.com"},
                "client_error": "ValueError: Unable to get authority configuration for "
                "https://login.microsoftonline.com/nowhere.onmicrosoft.com. Authority would typically be "
                "in a "
                "format of https://login.microsoftonline.com/your_tenant Also please double check your "
                "tenant name "
                "or GUID is correct.",
            },
            "tenant-not-found",
        ),
        (
            {
                "client_error": "ValueError: Unable to get authority configuration for https://login.contoso.com/x."
            },
            "authority-unknown-host",
        ),
        (
            {
                "config": {"authority": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"},
                "client_error": "Unable to get authority configuration for "
                f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token",
            },
            "tenant-invalid",
        ),
        (
            {
                "client_error": "EnvironmentCredential authentication unavailable. Environment variables are not "
                "fully configured."
            },
            "credential-missing",
        ),
        (
            {"client_error": "java.lang.IllegalArgumentException: clientSecret is null or empty"},
            "credential-missing",
        ),
        (
            {
                "token_claims": {
                    "aud": "https://graph.microsoft.com",
                    "idtyp": "app",
                    "roles": ["User.Read.All"],
                },
                "api": {
                    "request": "GET https://localhost:5001/api/orders",
                    "status": 401,
                    "www_authenticate": 'Bearer error="invalid_token", error_description="The signature is invalid"',
                },
            },
            "audience-mismatch",
        ),
    ],
)
def test_wording_and_signal_variants(evidence: dict[str, object], code: str) -> None:
    result = diagnose(evidence, strict=True)
    assert result.codes[:1] == [code], result.codes


def test_azure_rbac_apis_get_a_role_assignment_fix_not_app_roles() -> None:
    forbidden = diagnose(
        {
            "token_claims": {"aud": "https://vault.azure.net", "idtyp": "app", "oid": "o1", "tid": "t"},
            "api": {
                "request": "GET https://kv1.vault.azure.net/secrets/s",
                "status": 403,
                "body": "ForbiddenByRbac",
            },
            "now": 1,
        },
        strict=True,
    )
    assert forbidden.codes == ["azure-rbac-missing"]
    assert "Key Vault Secrets User" in forbidden.findings[0].fix
    issued = diagnose(
        {"token_claims": {"aud": "https://storage.azure.com", "idtyp": "app", "oid": "o"}, "now": 1}
    )
    assert issued.verdict == "ok"
    wrong_api = diagnose(
        {
            "token_claims": {
                "aud": "https://graph.microsoft.com",
                "idtyp": "app",
                "roles": ["User.Read.All"],
            },
            "api": {"request": "GET https://kv1.vault.azure.net/secrets/s", "status": 401},
        }
    )
    assert wrong_api.codes[0] == "audience-mismatch"
