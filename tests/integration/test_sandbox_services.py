"""The imitated Storage, Service Bus, Power BI, Dataverse and Graph mail answer as the services: status,
headers (`x-ms-error-code`, `WWW-Authenticate`, `X-PowerBI-Error-Info`) and bodies (XML or JSON)."""

from __future__ import annotations

import httpx

from tests.sandbox_tokens import GRAPH, secret_token
from wizard.sandbox import Sandbox
from wizard.sandbox.defaults_services import ACCOUNT, BUS, OTHER_MAILBOX, WORKSPACE

STORAGE = "https://storage.azure.com/.default"
BLOB = f"/azure/storage/{ACCOUNT}/reports/q1.csv"
VERSION = {"x-ms-version": "2025-01-05"}


def _auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def test_storage_refuses_a_graph_token_with_its_xml_and_challenge(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    token = secret_token(sandbox, sandbox_http, "blob-daemon", GRAPH)
    r = sandbox_http.get(sandbox.base_url + BLOB, headers=_auth(token, **VERSION))
    assert r.status_code == 401
    assert r.headers["x-ms-error-code"] == "InvalidAuthenticationInfo"
    assert "resource_id=https://storage.azure.com" in r.headers["www-authenticate"]
    assert "<AuthenticationErrorDetail>Audience validation failed." in r.text
    assert r.headers["content-type"].startswith("application/xml")


def test_storage_wants_a_version_and_a_data_role(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = secret_token(sandbox, sandbox_http, "blob-daemon-no-role", STORAGE)
    r = sandbox_http.get(sandbox.base_url + BLOB, headers=_auth(token))
    assert r.status_code == 400 and r.headers["x-ms-error-code"] == "MissingRequiredHeader"
    r = sandbox_http.get(sandbox.base_url + BLOB, headers=_auth(token, **VERSION))
    assert r.status_code == 403 and r.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch"
    assert r.headers["server"].startswith("Windows-Azure-Blob/1.0")
    assert "<Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized" in r.text


def test_service_bus_says_which_claim_for_which_entity(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = secret_token(sandbox, sandbox_http, "sb-daemon", "https://servicebus.azure.net/.default")
    url = f"{sandbox.base_url}/azure/servicebus/{BUS}/orders/messages"
    assert sandbox_http.post(url, headers=_auth(token), content=b"{}").status_code == 201
    r = sandbox_http.post(url + "/head", headers=_auth(token))  # a sender may not receive
    assert r.status_code == 401
    assert (
        f"'Listen' claim(s) are required to perform this operation. Resource: 'sb://{BUS}.servicebus.windows.net/orders'"
        in r.text
    )
    r = sandbox_http.post(url, content=b"{}")
    assert r.status_code == 401 and "MissingToken" in r.text


def test_power_bi_error_header_and_body(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = secret_token(
        sandbox, sandbox_http, "pbi-daemon-no-workspace", "https://analysis.windows.net/powerbi/api/.default"
    )
    listed = sandbox_http.get(f"{sandbox.base_url}/powerbi/v1.0/myorg/groups", headers=_auth(token))
    assert listed.status_code == 200 and listed.json()["value"] == []
    r = sandbox_http.get(
        f"{sandbox.base_url}/powerbi/v1.0/myorg/groups/{WORKSPACE}/reports", headers=_auth(token)
    )
    assert r.status_code == 401 and r.headers["x-powerbi-error-info"] == "PowerBINotAuthorizedException"
    assert r.json()["error"]["pbi.error"]["code"] == "PowerBINotAuthorizedException"
    admin = sandbox_http.get(f"{sandbox.base_url}/powerbi/v1.0/myorg/admin/groups", headers=_auth(token))
    assert admin.status_code == 401 and admin.json() == {"Message": "API is not accessible for application"}


def test_dataverse_checks_the_environment_audience(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    other = secret_token(sandbox, sandbox_http, "dv-daemon", "https://fabrikam.crm.dynamics.com/.default")
    url = f"{sandbox.base_url}/dataverse/contoso/api/data/v9.2/accounts"
    r = sandbox_http.get(url, headers=_auth(other))
    assert (
        r.status_code == 401
        and "resource_id=https://contoso.crm.dynamics.com/" in r.headers["www-authenticate"]
    )
    token = secret_token(sandbox, sandbox_http, "dv-daemon", "https://contoso.crm.dynamics.com/.default")
    assert sandbox_http.get(url, headers=_auth(token)).status_code == 200


def test_graph_mail_without_a_mail_permission_is_exchanges_access_denied(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    token = secret_token(sandbox, sandbox_http, "graph-daemon", GRAPH)
    r = sandbox_http.get(f"{sandbox.base_url}/v1.0/users/{OTHER_MAILBOX}/messages", headers=_auth(token))
    assert r.status_code == 403
    error = r.json()["error"]
    assert (error["code"], error["message"]) == (
        "ErrorAccessDenied",
        "Access is denied. Check credentials and try again.",
    )
