"""What an app is already granted, read against the sandbox over HTTPS with real msal: with the admin's
delegated token (its appRoleAssignments, resolved through the resource's appRoles), with the app's own token,
from a fresh token's roles claim, and nothing hidden when none of them answers."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.grants import GrantReport, GrantSource, Need
from wizard.live.granted import AdminGraph, granted_report
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.sandbox import Sandbox
from wizard.sandbox.delegated_tokens import access_token
from wizard.secret import Secret

USERS = (Need("GET /users", ("User.Read.All",)),)


@dataclass(frozen=True)
class _AdminToken:
    access_token: Secret


def _admin(sb: Sandbox) -> AdminGraph:
    """The Global Administrator's delegated Graph token (Application.Read.All), as the sandbox signs one."""
    state = sb.state
    tenant = next(t for t in state.tenants.values() if t.spec.name == "contoso")
    account = next(a for a in state.delegated.users_of(tenant.spec.id) if "Global Administrator" in a.roles)
    public = next(c for c in sb.describe()["tenants"][0]["public_clients"] if c["name"] == "wizard-admin")
    client = state.delegated.client(tenant.spec.id, public["client_id"])
    assert client is not None
    token, _ = access_token(
        tenant=tenant, client=client, account=account, scopes={"Application.Read.All"}, key=state.signing_key
    )
    return AdminGraph(_AdminToken(Secret(token)), sb.graph_base_url, sb.ca_file)


def _report(
    sb: Sandbox, name: str, *, admin: AdminGraph | None = None, secret: str | None = None
) -> GrantReport:
    profile, given = sandbox_app_profile(sb, name)
    return granted_report(
        profile,
        secret=Secret(secret) if secret else given,
        needs=USERS,
        graph_url=sb.graph_base_url,
        ca_file=sb.ca_file,
        admin=admin,
    )


def test_the_admin_reads_the_assignments_of_any_app(sandbox: Sandbox) -> None:
    report = _report(sandbox, "fic-blind-daemon", admin=_admin(sandbox))
    assert report.source is GrantSource.ADMIN
    assert report.resource == "Microsoft Graph"
    assert report.granted == ("User.Read.All",) and report.complete


def test_the_admin_read_resolves_an_own_apis_roles(sandbox: Sandbox) -> None:
    report = _report(sandbox, "todo-daemon", admin=_admin(sandbox))
    assert report.source is GrantSource.ADMIN
    assert report.resource == "ToDo List API"
    assert report.granted == ("ToDoList.ReadWrite.All",)


def test_an_app_that_may_read_uses_its_own_token(sandbox: Sandbox) -> None:
    report = _report(sandbox, "graph-daemon")
    assert report.source is GrantSource.APP_GRAPH
    assert set(report.granted) == {"User.Read.All", "Application.Read.All"}


def test_an_app_that_may_not_read_shows_its_tokens_roles_and_why(sandbox: Sandbox) -> None:
    report = _report(sandbox, "fic-blind-daemon")
    assert report.source is GrantSource.TOKEN_ROLES
    assert report.granted == ("User.Read.All",)
    assert any("needs Application.Read.All" in n for n in report.notes)


def test_an_own_api_falls_back_to_a_token_for_that_api(sandbox: Sandbox) -> None:
    report = _report(sandbox, "todo-reader-daemon")
    assert report.source is GrantSource.TOKEN_ROLES
    assert report.granted == ("ToDoList.Read.All",)


def test_a_wrong_secret_is_said_not_hidden_and_never_shown(sandbox: Sandbox) -> None:
    wrong = "Wr0ng8Q~not-the-apps-secret-0123456789abcd"
    report = _report(sandbox, "graph-daemon", secret=wrong)
    assert report.source is GrantSource.NONE and not report.readable
    text = "\n".join(report.lines())
    assert "7000215" in text  # Entra's invalid client secret
    assert wrong not in text and wrong[:12] not in text


def test_without_a_credential_nothing_is_sent_and_the_reason_is_shown(sandbox: Sandbox) -> None:
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    report = granted_report(profile, secret=None, needs=USERS, graph_url=sandbox.graph_base_url)
    assert report.source is GrantSource.NONE
    assert report.notes == ("the app's own credential cannot be used: no client secret was given",)
