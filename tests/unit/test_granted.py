"""The consent step's core: what is granted on the resource, against what the call needs, from which source;
the Graph reads through a fake `get` (pure), the whole path against the sandbox in the integration tests."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.grants import (
    GRAPH_APP_ID,
    GrantReport,
    GrantSource,
    Need,
    check_needs,
    matches_resource,
    roles_on,
)
from wizard.live.app_graph import usable_credential
from wizard.live.granted import read_assigned
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

USERS = Need("GET /users", ("User.Read.All", "User.ReadWrite.All", "Directory.Read.All"))
GRAPH_SP = {
    "id": "sp-graph",
    "appId": GRAPH_APP_ID,
    "displayName": "Microsoft Graph",
    "appRoles": [
        {"id": "r-users", "value": "User.Read.All"},
        {"id": "r-apps", "value": "Application.Read.All"},
    ],
}
API_SP = {
    "id": "sp-api",
    "appId": "b1b1b1b1-0000-4000-8000-000000000001",
    "displayName": "Orders API",
    "servicePrincipalNames": [
        "https://contoso.onmicrosoft.com/orders",
        "b1b1b1b1-0000-4000-8000-000000000001",
    ],
    "appRoles": [{"id": "r-orders", "value": "Orders.Read.All"}],
}
ASSIGNMENTS = [
    {"appRoleId": "r-users", "resourceId": "sp-graph"},
    {"appRoleId": "r-orders", "resourceId": "sp-api"},
    {"appRoleId": "r-apps", "resourceId": "SP-GRAPH"},
]


def test_a_need_is_met_by_its_least_privileged_granted_role() -> None:
    (check,) = check_needs([USERS], ["Directory.Read.All", "User.ReadWrite.All"])
    assert check.ok and check.granted_as == "User.ReadWrite.All"
    (missing,) = check_needs([USERS], ["Mail.Send"])
    assert not missing.ok
    assert (
        missing.line()
        == "✗ User.Read.All missing (GET /users; also accepted: User.ReadWrite.All, Directory.Read.All)"
    )


@pytest.mark.parametrize(
    ("resource", "sp", "matches"),
    [
        ("https://graph.microsoft.com", GRAPH_SP, True),
        ("https://graph.microsoft.us/", GRAPH_SP, True),
        ("https://graph.microsoft.com", API_SP, False),
        ("https://contoso.onmicrosoft.com/orders/", API_SP, True),
        ("api://b1b1b1b1-0000-4000-8000-000000000001", API_SP, True),
        ("B1B1B1B1-0000-4000-8000-000000000001", API_SP, True),
        ("https://contoso.onmicrosoft.com/other", API_SP, False),
    ],
)
def test_the_resource_is_found_by_app_id_uri_app_id_or_graph(
    resource: str, sp: dict[str, Any], matches: bool
) -> None:
    assert matches_resource(sp, resource) is matches


def test_role_ids_become_role_values_of_that_resource_only() -> None:
    assert roles_on(ASSIGNMENTS, GRAPH_SP) == ("User.Read.All", "Application.Read.All")
    assert roles_on(ASSIGNMENTS, API_SP) == ("Orders.Read.All",)


def test_read_assigned_asks_graph_for_the_assignments_and_each_resource() -> None:
    asked: list[str] = []

    def get(path: str) -> dict[str, Any] | None:
        asked.append(path)
        if path.startswith("/servicePrincipals(appId='daemon')/appRoleAssignments"):
            return {"value": ASSIGNMENTS}
        if "sp-graph" in path:
            return {"value": [GRAPH_SP]}
        return {"value": [API_SP]}

    assert read_assigned(get, "daemon", "https://contoso.onmicrosoft.com/orders") == (
        "Orders API",
        ("Orders.Read.All",),
    )
    assert asked[0] == "/servicePrincipals(appId='daemon')/appRoleAssignments"
    assert any("$filter=id%20eq%20%27sp-graph%27" in p for p in asked)


def test_an_app_without_a_service_principal_has_nothing_granted() -> None:
    assert read_assigned(lambda _path: None, "daemon", "https://graph.microsoft.com") == (
        "Microsoft Graph",
        (),
    )


def test_the_report_says_its_source_and_hides_nothing() -> None:
    granted = GrantReport(
        GrantSource.TOKEN_ROLES,
        "Microsoft Graph",
        ("User.Read.All", "Mail.Send"),
        check_needs([USERS], ("User.Read.All", "Mail.Send")),
        ("could not read: needs Application.Read.All (its Graph token holds: User.Read.All)",),
    )
    assert granted.complete
    assert granted.lines() == [
        "On Microsoft Graph, from the roles claim of a fresh token (the effective grant):",
        "✓ User.Read.All granted (GET /users)",
        "also granted: Mail.Send",
        "- could not read: needs Application.Read.All (its Graph token holds: User.Read.All)",
    ]
    unread = GrantReport(GrantSource.NONE, "Microsoft Graph", notes=("no token: AADSTS7000215",))
    assert not unread.readable and not unread.complete
    assert unread.lines() == [
        "What Microsoft Graph has granted could not be read:",
        "- no token: AADSTS7000215",
    ]
    nothing = GrantReport(GrantSource.ADMIN, "Orders API")
    assert nothing.lines()[-1] == "no application permission granted"


def test_which_credentials_can_get_a_token_here() -> None:
    base = Profile(tenant="contoso.onmicrosoft.com", client_id="c")
    assert usable_credential(base, Secret("s3cr3t-value")) is None
    assert usable_credential(base, None) == "no client secret was given"
    assert usable_credential(Profile(), Secret("x")) == "the profile has no tenant or client ID"
    cert = base.with_(credential=CredentialKind.CERTIFICATE, certificate=CertificateRef(key_path="k.pem"))
    assert usable_credential(cert, None) is None
    fed = base.with_(credential=CredentialKind.FEDERATED, federated_token_file="/var/run/token")
    assert usable_credential(fed, None) == "its credential is the federated one being checked"
    assert usable_credential(fed, None, federated=True) is None
