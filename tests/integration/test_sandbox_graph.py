"""The sandbox's Graph slice through msgraph-sdk and plain httpx: data, permissions, Graph's errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest
from azure.identity.aio import ClientSecretCredential as AioClientSecretCredential
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphServiceClient
from msgraph.generated.models.application import Application
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.user import User
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph_core import GraphClientFactory
from msgraph_core.tasks.page_iterator import PageIterator
from sandbox_tokens import secret_token as _token

from wizard.sandbox import Sandbox
from wizard.sandbox.tokens import sign, unnonce
from wizard.sandbox.trust import httpx_async_client

GRAPH = "https://graph.microsoft.com/.default"


def _graph_client(sb: Sandbox, name: str) -> tuple[GraphServiceClient, AioClientSecretCredential]:
    app = sb.app(name)
    assert app.secret
    cred = AioClientSecretCredential(
        app.tenant_id,
        app.client_id,
        app.secret,
        authority=sb.base_url,
        disable_instance_discovery=True,
        connection_verify=sb.ca_file,
    )
    auth = AzureIdentityAuthenticationProvider(cred, scopes=[GRAPH], allowed_hosts=["127.0.0.1"])
    http = GraphClientFactory.create_with_default_middleware(client=httpx_async_client(sb.ca_file))
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = sb.graph_base_url
    return GraphServiceClient(request_adapter=adapter), cred


async def test_msgraph_sdk_lists_users(sandbox: Sandbox) -> None:
    client, cred = _graph_client(sandbox, "graph-daemon")
    async with cred:
        users = await client.users.get()
    assert users is not None
    assert users.value is not None
    assert [u.display_name for u in users.value][:2] == ["Adele Vance", "Alex Wilber"]


async def test_msgraph_sdk_page_iterator_walks_every_page(sandbox: Sandbox) -> None:
    client, cred = _graph_client(sandbox, "graph-daemon")
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(top=1, select=["displayName", "id"])
    async with cred:
        first = await client.users.get(request_configuration=RequestConfiguration(query_parameters=query))
        assert first is not None
        assert first.value is not None
        assert len(first.value) == 1
        seen: list[str] = []

        def collect(user: User) -> bool:
            seen.append(str(user.display_name))
            return True

        await PageIterator(first, client.request_adapter).iterate(collect)
        apps = await client.applications.get()
    assert seen == [u.display_name for u in sandbox.state.scenario.tenants[0].users]
    assert len(seen) > 1
    assert apps is not None
    assert apps.value is not None
    assert all(isinstance(a, Application) for a in apps.value)


async def test_msgraph_sdk_reads_own_application(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    client, cred = _graph_client(sandbox, "graph-daemon")
    async with cred:
        reg = await client.applications_with_app_id(app.client_id).get()
    assert reg is not None
    assert reg.app_id == app.client_id
    assert reg.password_credentials
    assert reg.password_credentials[0].secret_text is None
    assert reg.password_credentials[0].end_date_time is not None
    assert reg.required_resource_access
    assert reg.required_resource_access[0].resource_app_id == "00000003-0000-0000-c000-000000000000"


async def test_msgraph_sdk_403_for_unconsented_app(sandbox: Sandbox) -> None:
    client, cred = _graph_client(sandbox, "unconsented-daemon")
    async with cred:
        with pytest.raises(ODataError) as info:
            await client.users.get()
    assert info.value.response_status_code == 403
    assert info.value.error is not None
    assert info.value.error.code == "Authorization_RequestDenied"
    assert info.value.error.message == "Insufficient privileges to complete the operation."


def test_delegated_permission_gives_no_roles_and_403(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = _token(sandbox, sandbox_http, "delegated-daemon")
    assert "roles" not in jwt.decode(token, options={"verify_signature": False})
    r = sandbox_http.get(f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    body = r.json()["error"]
    assert body["code"] == "Authorization_RequestDenied"
    assert set(body["innerError"]) == {"date", "request-id", "client-request-id"}


def test_me_is_400_for_app_only(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = _token(sandbox, sandbox_http, "graph-daemon")
    r = sandbox_http.get(f"{sandbox.graph_base_url}/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "/me request is only valid with delegated authentication flow."


def test_wrong_audience_is_401_invalid_audience(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    todo = sandbox.describe()["tenants"][0]["apis"][1]
    assert todo["name"] == "todo-api"
    token = _token(sandbox, sandbox_http, "todo-daemon", todo["scope"])
    r = sandbox_http.get(f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json()["error"] == {
        "code": "InvalidAuthenticationToken",
        "message": "Access token validation failure. Invalid audience.",
        "innerError": r.json()["error"]["innerError"],
    }
    assert r.headers["www-authenticate"].startswith('Bearer realm=""')


def _resign(sb: Sandbox, token: str, **changes: Any) -> str:
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(changes)
    return sign(header, claims, sb.state.signing_key.key)


def test_expired_token_is_401(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = _token(sandbox, sandbox_http, "graph-daemon")
    old = _resign(sandbox, token, exp=int(time.time()) - 60)
    r = sandbox_http.get(f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {old}"})
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "Access token has expired or is not yet valid."


def test_graph_tokens_do_not_verify_as_is_but_do_after_unnonce(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    token = _token(sandbox, sandbox_http, "graph-daemon")
    key = sandbox.state.signing_key.key.public_key()
    opts = {"verify_aud": False}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, key, algorithms=["RS256"], options=opts)
    assert jwt.decode(unnonce(token), key, algorithms=["RS256"], options=opts)["appid"]


def test_tampered_signature_is_401(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = _token(sandbox, sandbox_http, "graph-daemon")
    head, body, _ = token.split(".")
    bad = f"{head}.{body}.AAAA"
    r = sandbox_http.get(f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {bad}"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_app_role_assignments_and_service_principal(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    app = sandbox.app("todo-daemon")
    token = _token(sandbox, sandbox_http, "graph-daemon")
    h = {"Authorization": f"Bearer {token}"}
    r = sandbox_http.get(
        f"{sandbox.graph_base_url}/servicePrincipals(appId='{app.client_id}')/appRoleAssignments", headers=h
    )
    assert r.status_code == 200
    rows = r.json()["value"]
    assert [row["resourceDisplayName"] for row in rows] == ["ToDo List API"]
    assert rows[0]["principalId"] == app.sp_object_id
    r = sandbox_http.get(f"{sandbox.graph_base_url}/applications/{app.object_id}", headers=h)
    assert r.status_code == 200
    assert r.json()["appId"] == app.client_id
    assert app.secret not in r.text
    r = sandbox_http.get(
        f"{sandbox.graph_base_url}/applications/00000000-0000-0000-0000-000000000000", headers=h
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "Request_ResourceNotFound"


def test_missing_token_is_401(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    r = sandbox_http.get(f"{sandbox.graph_base_url}/users")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "InvalidAuthenticationToken"
