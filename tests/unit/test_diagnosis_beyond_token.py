"""Rules beyond the token (Azure RBAC, service grants, SharePoint, Exchange, directory roles, B2C, request
errors): several differently worded cases each, and none of them fires on another's evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.diagnosis import diagnose

DATA = Path(__file__).resolve().parent / "data" / "diagnosis_beyond_token_cases.json"
CASES: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))
CODES = {
    "azure-rbac-missing",
    "service-side-grant-missing",
    "sharepoint-certificate-required",
    "exchange-app-access-denied",
    "directory-role-required",
    "b2c-client-credentials-limit",
    "api-error-not-auth",
}


def test_the_cases_cover_every_code_at_least_twice() -> None:
    seen: dict[str, int] = {}
    for case in CASES:
        seen[case["expect"][0]] = seen.get(case["expect"][0], 0) + 1
    assert set(seen) == CODES
    assert min(seen.values()) >= 2, seen


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_case_gives_its_code_first_with_the_fix(case: dict[str, Any]) -> None:
    result = diagnose(case["evidence"], strict=True)
    assert result.verdict == "fail"
    assert result.codes[:1] == case["expect"][:1], result.codes
    for needle in case.get("fix_has", []):
        assert needle in result.findings[0].fix, result.findings[0].fix


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_no_other_beyond_token_code_outranks_or_joins_it(case: dict[str, Any]) -> None:
    codes = diagnose(case["evidence"], strict=True).codes
    others = (CODES - {case["expect"][0]}) & set(codes)
    assert not others, f"{case['id']}: also {sorted(others)} in {codes}"


def test_a_good_call_to_an_rbac_service_is_ok() -> None:
    result = diagnose(
        {
            "token_claims": {"aud": "https://vault.azure.net", "idtyp": "app"},
            "api": {"request": "GET https://kv.vault.azure.net/secrets/s", "status": 200},
            "now": 1,
        }
    )
    assert result.verdict == "ok"
    assert not CODES & set(result.codes)


def test_graph_403_without_the_permission_stays_a_permission_finding() -> None:
    """directory-role-required needs the app permission to be there already."""
    result = diagnose(
        {
            "token_claims": {
                "aud": "https://graph.microsoft.com",
                "idtyp": "app",
                "roles": ["User.Read.All"],
            },
            "api": {
                "request": "PATCH https://graph.microsoft.com/v1.0/users/alex@contoso.com",
                "status": 403,
                "body": {
                    "error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges"}
                },
            },
        }
    )
    assert result.codes[0] == "permission-wrong"
    assert "directory-role-required" not in result.codes


def test_default_azure_credential_reads_the_environment_credential_part() -> None:
    text = (
        "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
        "Attempted credentials:\n"
        "\tEnvironmentCredential: Authentication failed: AADSTS7000215: Invalid client secret provided. "
        "Ensure the secret being sent in the request is the client secret value, not the client secret ID.\n"
        "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response from "
        "the IMDS endpoint. Connection refused\n"
        "\tAzureCliCredential: Azure CLI not found on path\n"
    )
    result = diagnose(text)
    assert result.codes[0] == "secret-invalid"
    assert "network-connect" not in result.codes


@pytest.mark.parametrize(
    ("evidence", "not_code"),
    [
        pytest.param(
            "pyodbc.InterfaceError: ('28000', \"[28000] [Microsoft][ODBC Driver 17 for SQL Server][SQL Server]"
            "Login failed for user ''. (18456) (SQLDriverConnect)\")",
            "service-side-grant-missing",
            id="sql-empty-user-is-token-packing",
        ),
        pytest.param(
            {
                "token_claims": {"aud": "https://storage.azure.com", "idtyp": "app"},
                "api": {
                    "request": "GET https://contosodata.blob.core.windows.net/reports/q1.csv",
                    "status": 403,
                    "body": '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code>'
                    "<Message>This request is not authorized to perform this operation.\nRequestId:eac8\n"
                    "Time:2023-11-13T14:13:17.7458151Z</Message></Error>",
                },
            },
            "azure-rbac-missing",
            id="storage-authorization-failure-is-network-rules",
        ),
        pytest.param(
            {
                "token_claims": {
                    "aud": "https://graph.microsoft.com",
                    "idtyp": "app",
                    "roles": ["User.Read.All"],
                },
                "api": {
                    "request": "GET https://graph.microsoft.com/v1.0/users/alexw@contoso.com/messages",
                    "status": 403,
                    "body": {
                        "error": {
                            "code": "ErrorAccessDenied",
                            "message": "Access is denied. Check credentials and try again.",
                        }
                    },
                },
            },
            "exchange-app-access-denied",
            id="mail-without-a-mail-permission-is-not-a-policy",
        ),
        pytest.param(
            {
                "token_claims": {"aud": "https://contoso.crm.dynamics.com", "idtyp": "app"},
                "api": {
                    "request": "GET https://contoso.crm.dynamics.com/api/data/v9.2/accounts",
                    "status": 403,
                    "body": {
                        "error": {
                            "code": "0x80072560",
                            "message": "The user is not a member of the organization.",
                        }
                    },
                },
            },
            "roles-missing",
            id="dataverse-token-without-roles-is-normal",
        ),
    ],
)
def test_lookalike_evidence_does_not_get_the_code(evidence: object, not_code: str) -> None:
    """Each rule rests on its own signals: the same service's other failures do not trigger it."""
    assert not_code not in diagnose(evidence, strict=True).codes


def test_power_bi_token_without_roles_is_not_a_missing_permission() -> None:
    result = diagnose(
        {
            "token_claims": {"aud": "https://analysis.windows.net/powerbi/api", "idtyp": "app"},
            "api": {
                "request": "GET https://api.powerbi.com/v1.0/myorg/groups",
                "status": 401,
                "body": {"error": {"code": "PowerBINotAuthorizedException"}},
            },
        },
        strict=True,
    )
    assert result.codes[0] == "service-side-grant-missing"
    assert "roles-missing" not in result.codes


def test_sql_server_not_configured_for_the_token_names_the_entra_admin_and_the_scope() -> None:
    """Pasted alone (no scope to blame), the text itself says the server refused the token."""
    result = diagnose(
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user '<token-identified "
        "principal>'. The server is not currently configured to accept this token. (18456)",
        strict=True,
    )
    assert result.codes[0] == "service-side-grant-missing"
    assert "az sql server ad-admin create" in result.findings[0].fix
    assert "https://database.windows.net//.default" in result.findings[0].fix


def test_sql_token_refused_with_a_slashless_scope_blames_the_scope_first() -> None:
    result = diagnose(
        {
            "config": {"credential_type": "secret", "scopes": ["https://database.windows.net/.default"]},
            "client_error": "pyodbc.InterfaceError: ('28000', \"[28000] [Microsoft][ODBC Driver 18 for SQL "
            "Server][SQL Server]Login failed for user '<token-identified principal>'. The server is not "
            'currently configured to accept this token. (18456) (SQLDriverConnect)")',
        },
        strict=True,
    )
    assert result.codes[0] == "scope-v1-trailing-slash"
