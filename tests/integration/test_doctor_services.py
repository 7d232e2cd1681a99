"""Storage, Service Bus, Event Hubs, Power BI, Dataverse and Exchange (Graph mail) in the sandbox: `doctor
--sandbox --sandbox-app NAME` gets the token with msal over HTTPS, the imitation refuses as the service does,
the finding names the fix, and the granted twin passes. Real host names reach the imitations too."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.sandbox_tokens import secret_token
from wizard.cli.main import main
from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import TracingTransport
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox


def _doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["doctor", *argv, "--json"])
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return code, data


def _first(report: dict[str, object]) -> dict[str, str]:
    findings = report["findings"]
    assert isinstance(findings, list) and findings, report
    first: dict[str, str] = findings[0]
    return first


@pytest.mark.parametrize(
    ("refused", "granted", "status", "code", "fix_has", "body_has"),
    [
        (
            "blob-daemon-no-role",
            "blob-daemon",
            403,
            "azure-rbac-missing",
            '--role "Storage Blob Data Reader"',
            "<Code>AuthorizationPermissionMismatch</Code>",
        ),
        (
            "sb-daemon-no-role",
            "sb-daemon",
            401,
            "azure-rbac-missing",
            '--role "Azure Service Bus Data Sender"',
            "'Send' claim(s) are required",
        ),
        (
            "eh-daemon-no-role",
            "eh-daemon",
            401,
            "azure-rbac-missing",
            '--role "Azure Event Hubs Data Sender"',
            "'Send' claim(s) are required",
        ),
        (
            "pbi-daemon-no-setting",
            "pbi-daemon",
            401,
            "service-side-grant-missing",
            "Service principals can use",
            "PowerBINotAuthorizedException",
        ),
        (
            "dv-daemon-no-user",
            "dv-daemon",
            403,
            "service-side-grant-missing",
            "Application users",
            "The user is not a member of the organization.",
        ),
        (
            "mail-daemon-restricted",
            "mail-daemon",
            403,
            "exchange-app-access-denied",
            "Test-ApplicationAccessPolicy -Identity alexw@contoso.onmicrosoft.com",
            "[RAOP]",
        ),
    ],
)
def test_service_refusal_is_named_and_the_granted_twin_passes(
    capsys: pytest.CaptureFixture[str],
    refused: str,
    granted: str,
    status: int,
    code: str,
    fix_has: str,
    body_has: str,
) -> None:
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", refused)
    first = _first(report)
    assert exit_code == 1
    assert first["code"] == code, report["findings"]
    assert fix_has in first["fix"], first["fix"]
    api = report["api"]
    assert isinstance(api, list) and api[-1]["status"] == status
    assert body_has in json.dumps(api[-1]["body"]) or body_has in str(api[-1]["body"])
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", granted)
    assert exit_code == 0, report["findings"]


@pytest.mark.parametrize(
    ("app", "fix_has"),
    [("pbi-daemon-no-workspace", "Manage access"), ("dv-daemon-no-role", "Edit security roles")],
)
def test_the_second_grant_of_the_service_is_named_too(
    capsys: pytest.CaptureFixture[str], app: str, fix_has: str
) -> None:
    """Allowed by the tenant setting but not in the workspace; an application user without a role."""
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", app)
    first = _first(report)
    assert exit_code == 1 and first["code"] == "service-side-grant-missing", report["findings"]
    assert fix_has in first["fix"]
    findings = report["findings"]
    assert isinstance(findings, list)
    assert "roles-missing" not in [f["code"] for f in findings]


def test_api_url_with_the_real_storage_host_reaches_the_imitation_with_the_storage_audience(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No --scope: the audience follows from the host name; the sandbox answers for that host."""
    url = "https://contosodata.blob.core.windows.net/reports/q1.csv"
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", "blob-daemon-no-role", "--api-url", url)
    token = report["token"]
    assert isinstance(token, dict) and token["aud"] == "https://storage.azure.com", token
    api = report["api"]
    assert isinstance(api, list) and api[-1]["url"] == url and api[-1]["status"] == 403, api
    assert exit_code == 1 and _first(report)["code"] == "azure-rbac-missing"


def test_api_url_with_a_real_vault_host(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://contoso-kv-policies.vault.azure.net/secrets/db-password?api-version=7.4"
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", "kv-daemon", "--api-url", url)
    assert exit_code == 0, report["findings"]
    token = report["token"]
    assert isinstance(token, dict) and token["aud"] == "https://vault.azure.net"


def test_tls_names_the_real_host_and_the_sandbox_certificate_covers_it(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    """httpx over real TLS: SNI and certificate check for the service's name, the bytes to loopback."""
    token = secret_token(sandbox, sandbox_http, "blob-daemon", "https://storage.azure.com/.default")
    settings = HttpSettings(ca_file=sandbox.ca_file, use_env_proxies=False, connect_to=sandbox.address)
    with httpx.Client(transport=TracingTransport(settings, Trace([token]), "api"), trust_env=False) as client:  # type: ignore[arg-type]
        r = client.get(
            "https://contosodata.blob.core.windows.net/reports/q1.csv",
            headers={"Authorization": f"Bearer {token}", "x-ms-version": "2025-01-05"},
        )
        assert r.status_code == 200 and r.text.startswith("report,reports/q1.csv")
        r = client.get(
            "https://contosodata.blob.core.windows.net/reports/q1.csv", headers={"x-ms-version": "2025-01-05"}
        )
        assert r.status_code == 404 and r.headers["x-ms-error-code"] == "ResourceNotFound"
    assert sandbox.wait_for_request(
        lambda log: any(e.path == "/azure/storage/contosodata/reports/q1.csv" for e in log), timeout=10
    )
