"""Who may write what on the sandbox's Graph: the delegated scope, then the directory role or ownership
(Graph's app roles need Privileged Role Administrator or Global Administrator), app-only permissions;
and an own API registered through Graph whose app roles reach tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests.integration.delegated_helpers import private_sandbox
from tests.integration.graph_write_helpers import bearer, error_of, user_token
from tests.sandbox_tokens import secret_token
from wizard.sandbox import Sandbox
from wizard.sandbox.delegated_catalog import GRAPH_CLI_CLIENT_ID
from wizard.sandbox.scenario import GRAPH_APP_ID
from wizard.sandbox.trust import httpx_client

GA, PRA, AA, CAA, DEV = (
    "Global Administrator",
    "Privileged Role Administrator",
    "Application Administrator",
    "Cloud Application Administrator",
    "Application Developer",
)
USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"
OWNED_BY = "18a4783c-866b-4cc7-a460-3d5e5662c884"
DENIED = (403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
UPSERT = {"Prefer": "create-if-missing"}


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "graph-write-roles")


@pytest.fixture(scope="module")
def tokens(sb: Sandbox) -> dict[str | None, str]:
    return {role: user_token(sb, role) for role in (GA, PRA, AA, CAA, DEV, None)}


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx_client(sb.ca_file, timeout=30) as client:
        yield client


def slug(role: str | None) -> str:
    return (role or "none").replace(" ", "-").lower()


class Graph:
    """Raw Graph requests of one test."""

    def __init__(self, sb: Sandbox, http: httpx.Client) -> None:
        self.sb, self.http, self.g = sb, http, sb.graph_base_url

    def upsert(self, token: str, unique: str, **body: Any) -> httpx.Response:
        url = f"{self.g}/applications(uniqueName='{unique}')"
        return self.http.patch(url, json={"displayName": unique, **body}, headers=bearer(token, **UPSERT))

    def app(self, token: str, unique: str, **body: Any) -> dict[str, Any]:
        r = self.upsert(token, unique, **body)
        assert r.status_code == 201, r.text
        found: dict[str, Any] = r.json()
        return found

    def sp(self, token: str, app_id: str) -> dict[str, Any]:
        r = self.http.post(f"{self.g}/servicePrincipals", json={"appId": app_id}, headers=bearer(token))
        assert r.status_code == 201, r.text
        found: dict[str, Any] = r.json()
        return found

    def grant(self, token: str, resource_sp: str, principal_sp: str, role: str) -> httpx.Response:
        body = {"principalId": principal_sp, "resourceId": resource_sp, "appRoleId": role}
        return self.http.post(
            f"{self.g}/servicePrincipals/{resource_sp}/appRoleAssignedTo", json=body, headers=bearer(token)
        )

    def graph_sp(self, token: str) -> str:
        r = self.http.get(f"{self.g}/servicePrincipals(appId='{GRAPH_APP_ID}')", headers=bearer(token))
        return str(r.json()["id"])


def test_granting_graph_app_roles_needs_privileged_role_or_global_admin(
    sb: Sandbox, http: httpx.Client, tokens: dict[str | None, str]
) -> None:
    g = Graph(sb, http)
    graph_sp = g.graph_sp(tokens[GA])
    for role, allowed in ((AA, False), (CAA, False), (DEV, False), (None, False), (PRA, True), (GA, True)):
        app = g.app(tokens[GA], f"edw-consent-{slug(role)}")
        sp = g.sp(tokens[GA], app["appId"])
        r = g.grant(tokens[role], graph_sp, sp["id"], USER_READ_ALL)
        if allowed:
            assert r.status_code == 201, (role, r.text)
        else:
            assert error_of(r) == DENIED, role


def test_application_administrators_grant_other_apis_roles_and_owners_their_own(
    sb: Sandbox, http: httpx.Client, tokens: dict[str | None, str]
) -> None:
    g = Graph(sb, http)
    role_id = str(uuid.uuid4())
    roles = [
        {
            "id": role_id,
            "allowedMemberTypes": ["Application"],
            "value": "Data.Read.All",
            "displayName": "Read data",
            "description": "Read data",
            "isEnabled": True,
        }
    ]
    # A member without any role registers (Users can register applications is on) and owns the API.
    api = g.app(tokens[None], "edw-own-api", appRoles=roles, api={"requestedAccessTokenVersion": 2})
    api_sp = g.sp(tokens[None], api["appId"])
    uri = g.http.patch(
        f"{g.g}/applications/{api['id']}",
        json={"identifierUris": [f"api://{api['appId']}"]},
        headers=bearer(tokens[None]),
    )
    assert uri.status_code == 204, uri.text
    daemon = g.app(tokens[GA], "edw-api-daemon")
    daemon_sp = g.sp(tokens[GA], daemon["appId"])
    assert error_of(g.grant(tokens[DEV], api_sp["id"], daemon_sp["id"], role_id)) == DENIED
    assert g.grant(tokens[AA], api_sp["id"], daemon_sp["id"], role_id).status_code == 201
    other = g.sp(tokens[GA], g.app(tokens[GA], "edw-api-daemon-2")["appId"])
    assert g.grant(tokens[CAA], api_sp["id"], other["id"], role_id).status_code == 201
    third = g.sp(tokens[GA], g.app(tokens[GA], "edw-api-daemon-3")["appId"])
    assert g.grant(tokens[None], api_sp["id"], third["id"], role_id).status_code == 201  # the owner
    wrong = g.grant(tokens[GA], api_sp["id"], third["id"], str(uuid.uuid4()))
    assert error_of(wrong)[:2] == (400, "Request_BadRequest")
    swapped = g.grant(tokens[GA], api_sp["id"], daemon["appId"], role_id)
    assert error_of(swapped) == (400, "Request_BadRequest", "Not a valid reference update.")

    secret = g.http.post(
        f"{g.g}/applications/{daemon['id']}/addPassword", json={}, headers=bearer(tokens[GA])
    ).json()
    token = g.http.post(
        f"{sb.authority('contoso')}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": daemon["appId"],
            "client_secret": secret["secretText"],
            "scope": f"api://{api['appId']}/.default",
        },
    )
    assert token.status_code == 200, token.text
    claims = jwt.decode(token.json()["access_token"], options={"verify_signature": False})
    assert claims["aud"] == api["appId"] and claims["roles"] == ["Data.Read.All"] and claims["ver"] == "2.0"


def test_app_changes_need_ownership_or_an_application_administrator(
    sb: Sandbox, http: httpx.Client, tokens: dict[str | None, str]
) -> None:
    g = Graph(sb, http)
    mine = g.app(tokens[DEV], "edw-dev-own")
    assert g.upsert(tokens[DEV], "edw-dev-own", notes="mine").status_code == 204
    assert (
        g.http.post(
            f"{g.g}/applications/{mine['id']}/addPassword", json={}, headers=bearer(tokens[DEV])
        ).status_code
        == 200
    )
    theirs = g.app(tokens[GA], "edw-ga-own")
    for role in (DEV, None, PRA):
        assert error_of(g.upsert(tokens[role], "edw-ga-own", notes="not mine")) == DENIED, role
        r = g.http.post(
            f"{g.g}/applications/{theirs['id']}/addPassword", json={}, headers=bearer(tokens[role])
        )
        assert error_of(r) == DENIED, role
        assert (
            error_of(g.http.delete(f"{g.g}/applications/{theirs['id']}", headers=bearer(tokens[role])))
            == DENIED
        )
    for role in (AA, CAA):
        assert g.upsert(tokens[role], "edw-ga-own", notes=role).status_code == 204


def test_users_cannot_register_apps_when_the_tenant_says_so(
    sb: Sandbox, http: httpx.Client, tokens: dict[str | None, str]
) -> None:
    g = Graph(sb, http)
    settings = sb.state.writes.settings(sb.state.tenant("contoso.onmicrosoft.com").spec.id)  # type: ignore[union-attr]
    settings.update(users_can_register_apps=False)
    try:
        assert error_of(g.upsert(tokens[None], "edw-off-none")) == DENIED
        assert error_of(g.upsert(tokens[PRA], "edw-off-pra")) == DENIED
        for role in (DEV, CAA, AA, GA):
            assert g.upsert(tokens[role], f"edw-off-{slug(role)}").status_code == 201, role
    finally:
        settings.update(users_can_register_apps=True)
    assert g.upsert(tokens[None], "edw-on-none").status_code == 201


def test_writes_need_the_delegated_scope(sb: Sandbox, http: httpx.Client) -> None:
    # Microsoft Graph Command Line Tools, consented for reading only: its tokens carry no write scope.
    tenant = sb.state.tenant("contoso.onmicrosoft.com")
    assert tenant is not None
    admin = next(a for a in sb.state.delegated.users_of(tenant.spec.id) if GA in a.roles)
    sb.state.delegated.grant(
        tenant.spec.id, GRAPH_CLI_CLIENT_ID, admin, ["Application.Read.All"], for_tenant=True
    )
    read_only = user_token(sb, GA, scope="Application.Read.All openid", client="graph-command-line-tools")
    assert jwt.decode(read_only, options={"verify_signature": False})["scp"].startswith(
        "Application.Read.All "
    )
    g = Graph(sb, http)
    assert error_of(g.upsert(read_only, "edw-no-scope")) == DENIED
    assert (
        error_of(g.http.post(f"{g.g}/applications", json={"displayName": "x"}, headers=bearer(read_only)))
        == DENIED
    )


def test_app_only_writes_follow_the_apps_own_permissions(
    sb: Sandbox, http: httpx.Client, tokens: dict[str | None, str]
) -> None:
    g = Graph(sb, http)
    plain = secret_token(sb, http, "graph-daemon")
    assert (
        error_of(g.http.post(f"{g.g}/applications", json={"displayName": "x"}, headers=bearer(plain)))
        == DENIED
    )
    # An admin grants the daemon Application.ReadWrite.OwnedBy: it may create apps and manage those only.
    daemon = sb.app("graph-daemon")
    assert g.grant(tokens[GA], g.graph_sp(tokens[GA]), daemon.sp_object_id, OWNED_BY).status_code == 201
    owned_by = secret_token(sb, http, "graph-daemon")
    made = g.http.post(
        f"{g.g}/applications", json={"displayName": "Made by a daemon"}, headers=bearer(owned_by)
    )
    assert made.status_code == 201, made.text
    ok = g.http.post(f"{g.g}/applications/{made.json()['id']}/addPassword", json={}, headers=bearer(owned_by))
    assert ok.status_code == 200
    other = g.app(tokens[GA], "edw-not-the-daemons")
    r = g.http.post(f"{g.g}/applications/{other['id']}/addPassword", json={}, headers=bearer(owned_by))
    assert error_of(r) == DENIED
