"""Unmodified msgraph-sdk, over the project's own httpx client trusting the sandbox CA, registers a daemon
on the sandbox as `register apply` will (uniqueName upsert, addPassword, service principal, admin consent,
delete and purge), and msal then gets a token with the new secret carrying the granted role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import msal
import pytest
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphServiceClient
from msgraph.generated.applications.item.add_password.add_password_post_request_body import (
    AddPasswordPostRequestBody,
)
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.application import Application
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.password_credential import PasswordCredential
from msgraph.generated.models.required_resource_access import RequiredResourceAccess
from msgraph.generated.models.resource_access import ResourceAccess
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph_core import GraphClientFactory

from tests.integration.delegated_helpers import private_sandbox
from tests.integration.graph_write_helpers import user_token
from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import httpx_async_client
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.sandbox.scenario import GRAPH_APP_ID
from wizard.sandbox.trust import requests_session

USER_READ_ALL = uuid.UUID("df021288-bdef-4463-88db-98f22de89214")


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "graph-writes-sdk")


class _Token(AccessTokenProvider):  # type: ignore[misc]
    def __init__(self, token: str) -> None:
        self.token = token

    async def get_authorization_token(self, uri: str, additional_authentication_context: Any = None) -> str:
        return self.token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return AllowedHostsValidator(["127.0.0.1"])


def graph_client(sb: Sandbox, token: str) -> GraphServiceClient:
    """GraphServiceClient with msgraph's default middleware over the project's traced httpx client."""
    settings = HttpSettings(ca_file=sb.ca_file, use_env_proxies=False)
    http = GraphClientFactory.create_with_default_middleware(client=httpx_async_client(settings, Trace()))
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(_Token(token)), client=http)
    adapter.base_url = sb.graph_base_url
    return GraphServiceClient(request_adapter=adapter)


def create_if_missing() -> RequestConfiguration[Any]:
    config: RequestConfiguration[Any] = RequestConfiguration()
    config.headers.add("Prefer", "create-if-missing")
    return config


def daemon_body(name: str) -> Application:
    return Application(
        display_name=name,
        sign_in_audience="AzureADMyOrg",
        notes="managed by entra-daemon-wizard",
        required_resource_access=[
            RequiredResourceAccess(
                resource_app_id=GRAPH_APP_ID, resource_access=[ResourceAccess(id=USER_READ_ALL, type="Role")]
            )
        ],
    )


async def test_msgraph_sdk_registers_consents_and_removes_a_daemon(sb: Sandbox) -> None:
    client = graph_client(sb, user_token(sb, "Global Administrator"))
    by_name = client.applications_with_unique_name("edw-sdk-daemon")
    created = await by_name.patch(daemon_body("SDK Daemon"), request_configuration=create_if_missing())
    assert created is not None and created.id and created.app_id and created.unique_name == "edw-sdk-daemon"
    assert await by_name.patch(daemon_body("SDK Daemon"), request_configuration=create_if_missing()) is None
    read = await by_name.get()
    assert read is not None and read.id == created.id

    secret = await client.applications.by_application_id(created.id).add_password.post(
        AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="edw"))
    )
    assert secret is not None and secret.secret_text and secret.hint == secret.secret_text[:3]
    sp = await client.service_principals.post(ServicePrincipal(app_id=created.app_id))
    assert sp is not None and sp.id
    graph_sp = await client.service_principals_with_app_id(GRAPH_APP_ID).get()
    assert graph_sp is not None and graph_sp.id
    grant = AppRoleAssignment(
        principal_id=uuid.UUID(sp.id), resource_id=uuid.UUID(graph_sp.id), app_role_id=USER_READ_ALL
    )
    granted = await client.service_principals.by_service_principal_id(graph_sp.id).app_role_assigned_to.post(
        grant
    )
    assert granted is not None and granted.app_role_id == USER_READ_ALL
    with pytest.raises(ODataError) as again:
        await client.service_principals.by_service_principal_id(graph_sp.id).app_role_assigned_to.post(grant)
    assert again.value.error is not None and again.value.error.message == (
        "Permission being assigned already exists on the object"
    )

    session = requests_session(sb.ca_file)
    cca = msal.ConfidentialClientApplication(
        created.app_id,
        client_credential=secret.secret_text,
        authority=sb.authority("contoso"),
        http_client=session,
        instance_discovery=False,
    )
    result = cca.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert "access_token" in result, result
    assert jwt.decode(result["access_token"], options={"verify_signature": False})["roles"] == [
        "User.Read.All"
    ]
    session.close()

    await client.applications.by_application_id(created.id).delete()
    deleted = await client.directory.deleted_items.graph_application.get()
    assert deleted is not None and [d.id for d in deleted.value or []] == [created.id]
    await client.directory.deleted_items.by_directory_object_id(created.id).delete()
    with pytest.raises(ODataError) as gone:
        await client.directory.deleted_items.by_directory_object_id(created.id).get()
    assert gone.value.response_status_code == 404
    # Purged: the unique name is free again.
    fresh = await by_name.patch(daemon_body("SDK Daemon"), request_configuration=create_if_missing())
    assert fresh is not None and fresh.id != created.id
