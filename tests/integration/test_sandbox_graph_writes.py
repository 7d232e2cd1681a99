"""Graph writes on the sandbox with a plain httpx client doing the documented raw requests: the uniqueName
upsert, secrets, service principal, admin consent, delete and purge, and their effect on tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.delegated_helpers import private_sandbox
from tests.integration.graph_write_helpers import bearer, error_of, user_token
from wizard.sandbox import Sandbox
from wizard.sandbox.scenario import GRAPH_APP_ID
from wizard.sandbox.trust import httpx_client

USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"
UPSERT = {"Prefer": "create-if-missing"}


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "graph-writes")


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx_client(sb.ca_file, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(sb: Sandbox) -> str:
    return user_token(sb, "Global Administrator")


def graph_sp_id(sb: Sandbox, http: httpx.Client, token: str) -> str:
    r = http.get(f"{sb.graph_base_url}/servicePrincipals(appId='{GRAPH_APP_ID}')", headers=bearer(token))
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


def client_credentials(sb: Sandbox, http: httpx.Client, app_id: str, secret: str) -> httpx.Response:
    return http.post(
        f"{sb.authority('contoso')}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app_id,
            "client_secret": secret,
            "scope": "https://graph.microsoft.com/.default",
        },
    )


def test_raw_requests_register_a_daemon_end_to_end(sb: Sandbox, http: httpx.Client, admin: str) -> None:
    g = sb.graph_base_url
    body: dict[str, Any] = {
        "displayName": "Raw Daemon",
        "signInAudience": "AzureADMyOrg",
        "requiredResourceAccess": [
            {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": USER_READ_ALL, "type": "Role"}]}
        ],
        "notes": "managed by entra-daemon-wizard",
    }
    url = f"{g}/applications(uniqueName='edw-raw')"
    missing = http.patch(url, json=body, headers=bearer(admin))
    assert error_of(missing)[:2] == (404, "Request_ResourceNotFound")
    created = http.patch(url, json=body, headers=bearer(admin, **UPSERT))
    assert created.status_code == 201, created.text
    app = created.json()
    assert app["uniqueName"] == "edw-raw" and app["displayName"] == "Raw Daemon"
    assert app["requiredResourceAccess"] == body["requiredResourceAccess"]
    again = http.patch(url, json={**body, "displayName": "Raw Daemon 2"}, headers=bearer(admin, **UPSERT))
    assert again.status_code == 204 and again.content == b""
    read = http.get(url, headers=bearer(admin)).json()
    assert read["id"] == app["id"] and read["displayName"] == "Raw Daemon 2"

    added = http.post(
        f"{g}/applications/{app['id']}/addPassword",
        json={"passwordCredential": {"displayName": "edw 2026-12-01"}},
        headers=bearer(admin),
    )
    assert added.status_code == 200, added.text
    secret = added.json()
    assert secret["hint"] == secret["secretText"][:3] and secret["secretText"][3:6].endswith("Q~")
    assert secret["secretText"][3].isdigit() and len(secret["secretText"]) >= 37
    listed = http.get(f"{g}/applications/{app['id']}", headers=bearer(admin)).json()["passwordCredentials"]
    assert [(p["keyId"], p["secretText"], p["hint"]) for p in listed] == [
        (secret["keyId"], None, secret["hint"])
    ]
    # No service principal yet: Entra refuses the token (AADSTS7000229).
    early = client_credentials(sb, http, app["appId"], secret["secretText"])
    assert early.status_code == 401 and 7000229 in early.json()["error_codes"]

    sp = http.post(f"{g}/servicePrincipals", json={"appId": app["appId"]}, headers=bearer(admin))
    assert sp.status_code == 201, sp.text
    twice = http.patch(
        f"{g}/servicePrincipals(appId='{app['appId']}')",
        json={"accountEnabled": True},
        headers=bearer(admin, **UPSERT),
    )
    assert twice.status_code == 204
    token = client_credentials(sb, http, app["appId"], secret["secretText"])
    assert token.status_code == 200, token.text

    graph_sp = graph_sp_id(sb, http, admin)
    grant = {"principalId": sp.json()["id"], "resourceId": graph_sp, "appRoleId": USER_READ_ALL}
    assigned = http.post(
        f"{g}/servicePrincipals/{graph_sp}/appRoleAssignedTo", json=grant, headers=bearer(admin)
    )
    assert assigned.status_code == 201, assigned.text
    assert assigned.json()["principalType"] == "ServicePrincipal"
    dup = http.post(f"{g}/servicePrincipals/{graph_sp}/appRoleAssignedTo", json=grant, headers=bearer(admin))
    assert error_of(dup) == (
        400,
        "Request_BadRequest",
        "Permission being assigned already exists on the object",
    )
    token = client_credentials(sb, http, app["appId"], secret["secretText"])
    import jwt

    assert jwt.decode(token.json()["access_token"], options={"verify_signature": False})["roles"] == [
        "User.Read.All"
    ]
    users = http.get(f"{g}/users", headers=bearer(token.json()["access_token"]))
    assert users.status_code == 200

    removed = http.post(
        f"{g}/applications/{app['id']}/removePassword", json={"keyId": secret["keyId"]}, headers=bearer(admin)
    )
    assert removed.status_code == 204
    after = client_credentials(sb, http, app["appId"], secret["secretText"])
    assert after.status_code == 401 and 7000215 in after.json()["error_codes"]

    assert http.delete(f"{g}/applications/{app['id']}", headers=bearer(admin)).status_code == 204
    assert http.get(f"{g}/applications/{app['id']}", headers=bearer(admin)).status_code == 404
    binned = http.get(f"{g}/directory/deletedItems/microsoft.graph.application", headers=bearer(admin)).json()
    assert [d["id"] for d in binned["value"]] == [app["id"]] and binned["value"][0]["deletedDateTime"]
    deleted = f"{g}/directory/deletedItems/microsoft.graph.application"
    for unique, found in (("edw-raw", [app["id"]]), ("edw-other", [])):
        params = {"$filter": f"uniqueName eq '{unique}'", "$select": "id,uniqueName"}
        filtered = http.get(deleted, params=params, headers=bearer(admin)).json()["value"]
        assert [d["id"] for d in filtered] == found
    held = http.patch(url, json=body, headers=bearer(admin, **UPSERT))
    assert error_of(held) == (
        400,
        "Request_BadRequest",
        "Another object with the same value for property uniqueName already exists.",
    )
    assert http.delete(f"{g}/directory/deletedItems/{app['id']}", headers=bearer(admin)).status_code == 204
    assert http.get(f"{g}/directory/deletedItems/{app['id']}", headers=bearer(admin)).status_code == 404
    fresh = http.patch(url, json=body, headers=bearer(admin, **UPSERT))
    assert fresh.status_code == 201 and fresh.json()["id"] != app["id"]
