"""The sandbox's tenant policies read as Graph serves them: unmodified msgraph-sdk reads
`/policies/authorizationPolicy` and `/policies/defaultAppManagementPolicy` (drawn from the tenant's write
settings), and Graph's permission checks hold: Policy.Read.All, and a role for the app management policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from tests.integration.delegated_helpers import contoso, private_sandbox
from tests.integration.graph_write_helpers import (
    POLICY_CLIENT,
    bearer,
    error_of,
    grant_policy_read,
    user_token,
)
from tests.integration.test_sandbox_graph_writes_sdk import graph_client
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

POLICY_SCOPES = "Application.Read.All Policy.Read.All openid"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    for box in private_sandbox(tmp_path_factory, "graph-policies"):
        grant_policy_read(box)
        yield box


def policy_token(sb: Sandbox, role: str | None) -> str:
    return user_token(sb, role, scope=POLICY_SCOPES, client=POLICY_CLIENT)


async def test_msgraph_sdk_reads_users_can_register_applications(sb: Sandbox) -> None:
    client = graph_client(sb, policy_token(sb, None))
    settings = sb.state.writes.settings(str(contoso(sb)["id"]))
    before = await client.policies.authorization_policy.get()
    settings.update(users_can_register_apps=False)
    try:
        after = await client.policies.authorization_policy.get()
    finally:
        settings.update(users_can_register_apps=True)
    assert before is not None and before.default_user_role_permissions is not None
    assert before.id == "authorizationPolicy"
    assert before.default_user_role_permissions.allowed_to_create_apps is True
    assert after is not None and after.default_user_role_permissions is not None
    assert after.default_user_role_permissions.allowed_to_create_apps is False


async def test_msgraph_sdk_reads_the_secret_restrictions(sb: Sandbox) -> None:
    client = graph_client(sb, policy_token(sb, "Application Administrator"))
    settings = sb.state.writes.settings(str(contoso(sb)["id"]))
    open_policy = await client.policies.default_app_management_policy.get()
    settings.update(password_credentials=False, max_password_lifetime_days=30)
    try:
        policy = await client.policies.default_app_management_policy.get()
    finally:
        settings.update(password_credentials=True, max_password_lifetime_days=0)
    assert open_policy is not None and open_policy.is_enabled is False
    assert policy is not None and policy.is_enabled is True
    assert policy.id == "00000000-0000-0000-0000-000000000000"
    restrictions = policy.application_restrictions
    assert restrictions is not None and restrictions.password_credentials is not None
    kinds = {
        str(r.restriction_type.value if r.restriction_type else ""): r
        for r in restrictions.password_credentials
    }
    assert set(kinds) == {"passwordAddition", "passwordLifetime"}
    assert kinds["passwordLifetime"].max_lifetime == dt.timedelta(days=30)


def test_reading_policies_needs_policy_read_all(sb: Sandbox) -> None:
    token = user_token(sb, "Global Administrator")  # the wizard's own scopes: Application.*, no Policy.*
    with httpx_client(sb.ca_file, timeout=30) as http:
        for path in ("authorizationPolicy", "defaultAppManagementPolicy"):
            answer = http.get(f"{sb.graph_base_url}/policies/{path}", headers=bearer(token))
            assert error_of(answer) == (
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
            ), path


async def test_the_app_management_policy_also_needs_an_application_role(sb: Sandbox) -> None:
    client = graph_client(sb, policy_token(sb, None))
    with pytest.raises(ODataError) as refused:
        await client.policies.default_app_management_policy.get()
    assert refused.value.response_status_code == 403
    assert refused.value.error is not None and refused.value.error.code == "Authorization_RequestDenied"
