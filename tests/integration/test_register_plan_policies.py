"""`register plan` reads the tenant's policies on the sandbox and predicts before any write: app creation off
for users, secrets forbidden, a capped secret lifetime (which apply then requests); and says "unknown" when the
token cannot read them (the wizard does not request Policy.Read.All)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.integration.delegated_helpers import contoso, private_sandbox
from tests.integration.graph_write_helpers import POLICY_CLIENT, bearer, grant_policy_read, user_token
from wizard.admin.apply import ApplyOptions, apply
from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.admin.registration import RegistrationPlan, RegistrationRequest, make_plan
from wizard.admin.retry import RetryPolicy
from wizard.admin.tenant_reads import GraphReader
from wizard.live.http import HttpSettings
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client
from wizard.secret import Secret
from wizard.tokens.decode import decode_token

GA = "Global Administrator"
WIZARD_SCOPES = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All openid offline_access"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    for box in private_sandbox(tmp_path_factory, "plan-policies"):
        grant_policy_read(box)  # the admin consented Policy.Read.All for this one client only
        yield box


def admin(sb: Sandbox, role: str | None, *, policy_read: bool = True) -> AdminToken:
    """The wizard's scopes; through the client whose consent includes Policy.Read.All, or not."""
    raw = user_token(sb, role, scope=WIZARD_SCOPES, client=POLICY_CLIENT if policy_read else "wizard-admin")
    return AdminToken(Secret(raw), AdminIdentity.from_claims(decode_token(raw).claims), "test")


def plan(sb: Sandbox, token: AdminToken, request: RegistrationRequest) -> RegistrationPlan:
    settings = HttpSettings.bounded(60, ca_file=sb.ca_file)
    reader = GraphReader(token, graph_url=sb.base_url, settings=settings, trace=Trace())
    try:
        return make_plan(reader, token.identity, request, graph_url=sb.base_url)
    finally:
        reader.close()


def step(result: RegistrationPlan, action: str) -> tuple[str, str]:
    found = next(s for s in result.steps if s.action == action)
    return found.status, found.reason


def test_without_policy_read_the_plan_says_unknown(sb: Sandbox) -> None:
    token = admin(sb, None, policy_read=False)
    assert "Policy.Read.All" not in token.identity.scopes
    settings = sb.state.writes.settings(str(contoso(sb)["id"]))
    settings.update(users_can_register_apps=False, password_credentials=False)
    try:
        result = plan(sb, token, RegistrationRequest(name="edw-pol-unknown"))
    finally:
        settings.update(users_can_register_apps=True, password_credentials=True)
    status, reason = step(result, "create application")
    assert status == "todo"
    assert "'Users can register applications' is unknown" in reason and "Policy.Read.All" in reason
    status, reason = step(result, "add client secret")
    assert status == "todo" and "secret policy is unknown" in reason


def test_a_plain_user_is_blocked_when_users_may_not_register_apps(sb: Sandbox) -> None:
    token = admin(sb, None)
    settings = sb.state.writes.settings(str(contoso(sb)["id"]))
    settings.update(users_can_register_apps=False)
    try:
        result = plan(sb, token, RegistrationRequest(name="edw-pol-noreg"))
    finally:
        settings.update(users_can_register_apps=True)
    status, reason = step(result, "create application")
    assert status == "blocked"
    assert "'Users can register applications' is off" in reason and "Application Developer" in reason
    # An Application Developer may: the same plan is not blocked for them.
    settings.update(users_can_register_apps=False)
    try:
        developer = plan(sb, admin(sb, "Application Developer"), RegistrationRequest(name="edw-pol-noreg"))
    finally:
        settings.update(users_can_register_apps=True)
    assert step(developer, "create application")[0] == "todo"


def test_secrets_forbidden_blocks_the_secret_and_names_the_alternatives(sb: Sandbox) -> None:
    settings = sb.state.writes.settings(str(contoso(sb)["id"]))
    settings.update(password_credentials=False)
    try:
        result = plan(sb, admin(sb, GA), RegistrationRequest(name="edw-pol-nosecret"))
    finally:
        settings.update(password_credentials=True)
    status, reason = step(result, "add client secret")
    assert status == "blocked"
    assert "--credential certificate" in reason and "--credential federated" in reason


def test_a_capped_lifetime_is_planned_and_then_requested(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    settings = sb.state.writes.settings(token.identity.tenant_id)
    settings.update(max_password_lifetime_days=30)
    try:
        request = RegistrationRequest(name="edw-pol-capped", roles=("User.Read.All",))
        result = plan(sb, token, request)
        status, reason = step(result, "add client secret")
        assert status == "todo" and "30 days, capped by tenant policy" in reason
        clock = FakeClock()
        options = ApplyOptions(
            journal_path=tmp_path / "journal.json",
            secret_out=tmp_path / "s.secret",
            authority_host=sb.base_url,
            ca_file=sb.ca_file,
            verify=False,
            clock=clock,
            retry=RetryPolicy(clock=clock),
        )
        applied = apply(result, token, options)
    finally:
        settings.update(max_password_lifetime_days=0)
    assert applied.ok, applied.findings
    with httpx_client(sb.ca_file, timeout=30) as http:
        app = http.get(
            f"{sb.graph_base_url}/applications/{applied.object_id}",
            headers=bearer(token.access_token.reveal()),
        )
    (secret,) = app.json()["passwordCredentials"]
    start = dt.datetime.fromisoformat(secret["startDateTime"].replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(secret["endDateTime"].replace("Z", "+00:00"))
    assert dt.timedelta(days=29) < end - start <= dt.timedelta(days=30)
