"""`register plan | apply | undo` in an External ID tenant (the sandbox's `fabrikamext`, tenantType "CIAM"):
the plan says so, apply registers a single-directory app, the proof token comes from the ciamlogin.com
issuer, the result names the `https://<subdomain>.ciamlogin.com/` authority, and undo removes it all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fake_clock import FakeClock
from tests.integration.apply_helpers import admin_of, options_for, read_plan, run_apply, tenant_of
from tests.integration.delegated_helpers import private_sandbox
from wizard.admin.identity import AdminToken
from wizard.admin.journal import Journal
from wizard.admin.plan_federated import STEP, FederatedRequest
from wizard.admin.registration import RegistrationRequest
from wizard.admin.undo import UndoOptions, undo
from wizard.admin.verify import daemon_profile
from wizard.clouds import TenantType
from wizard.live.http import HttpSettings
from wizard.live.msal_token import acquire_token
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client
from wizard.secret import Secret
from wizard.tokens.decode import decode_token

GA = "Global Administrator"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "applyext")


@pytest.fixture(scope="module")
def admin(sb: Sandbox) -> AdminToken:
    return admin_of(sb, "fabrikamext", GA)


def test_plan_apply_token_undo_in_an_external_id_tenant(
    sb: Sandbox, admin: AdminToken, tmp_path: Path
) -> None:
    tid = tenant_of(sb, "fabrikamext")["id"]
    assert admin.identity.tenant_id == tid
    # The External ID samples' daemon calls the team's own API (v2 tokens, from the ciamlogin.com issuer).
    request = RegistrationRequest(
        name="edw-ext-e2e", roles=("Orders.Read.All",), resource="edw-ext-orders-api"
    )
    plan = read_plan(sb, admin, request, Trace())
    assert plan.to_dict()["tenant"] == {
        "id": tid,
        "type": "CIAM",
        "kind": "external",
        "subdomain": "fabrikamext",
    }
    create = {s.action: s for s in plan.steps}["create application"]
    assert create.status == "todo" and "External ID tenant: sign-in audience AzureADMyOrg" in create.reason
    _, result = run_apply(sb, tmp_path, admin, request)
    assert result.ok, result.findings
    assert result.verified is True and result.doctor is not None and result.doctor["verdict"] == "skipped"
    assert result.tenant_type == "external"
    assert result.authority == "https://fabrikamext.ciamlogin.com/fabrikamext.onmicrosoft.com"
    assert result.to_dict()["authority"] == result.authority
    # The daemon's profile: External ID, its instance on ciamlogin.com; the token from the CIAM issuer.
    after = read_plan(sb, admin, request, Trace())
    assert (after.facts.app or {}).get("signInAudience") == "AzureADMyOrg"
    options = options_for(sb, tmp_path, trace=Trace(), clock=FakeClock())
    profile = daemon_profile(after, result, options)
    assert profile.tenant_type is TenantType.EXTERNAL
    assert profile.with_(authority_override=None).instance == "https://fabrikamext.ciamlogin.com/"
    secret = Secret(Path(str(result.secret_file)).read_text().strip())
    token = acquire_token(profile, secret=secret, settings=HttpSettings.bounded(30, ca_file=sb.ca_file))
    claims = decode_token(token.access_token.reveal()).claims
    assert claims["iss"] == f"https://{tid}.ciamlogin.com/{tid}/v2.0"
    assert claims["roles"] == ["Orders.Read.All"] and claims["aud"] == (after.api_app or {}).get("appId")
    # A second apply changes nothing; undo removes what the first created.
    _, again = run_apply(sb, tmp_path / "again", admin, request)
    assert again.ok and again.created == [] and again.changed == []
    done = undo(Journal.load(tmp_path / "journal.json"), admin, UndoOptions(ca_file=sb.ca_file, purge=True))
    assert done.ok and [e.kind for e in done.removed] == [
        "password",
        "app_role_assignment",
        "service_principal",
        "application",
        "service_principal",
        "application",
    ]
    assert read_plan(sb, admin, request, Trace()).facts.app is None


def test_federated_credential_in_an_external_id_tenant(
    sb: Sandbox, admin: AdminToken, tmp_path: Path
) -> None:
    fic = FederatedRequest(
        f"{sb.base_url}/issuers/kubernetes/",
        "system:serviceaccount:daemons:ext-reader",
        "api://AzureADTokenExchange",
    )
    request = RegistrationRequest(
        name="edw-ext-fed", roles=("User.Read.All",), credential="federated", federated=fic
    )
    assert {s.action: s.status for s in read_plan(sb, admin, request, Trace()).steps}[STEP] == "todo"
    _, result = run_apply(sb, tmp_path, admin, request)
    assert result.ok and result.verified is True, result.findings
    assert result.authority.startswith("https://fabrikamext.ciamlogin.com/")
    done = undo(Journal.load(tmp_path / "journal.json"), admin, UndoOptions(ca_file=sb.ca_file, purge=True))
    assert done.ok and [e.kind for e in done.removed][:1] == ["federated_credential"]


def test_an_app_for_other_directories_cannot_be_adopted_there(
    sb: Sandbox, admin: AdminToken, tmp_path: Path
) -> None:
    request = RegistrationRequest(name="edw-ext-multi")
    _, made = run_apply(sb, tmp_path, admin, request, verify=False)
    assert made.ok, made.findings
    with httpx_client(sb.ca_file, timeout=30) as http:
        answer: httpx.Response = http.patch(
            f"{sb.base_url}/v1.0/applications/{made.object_id}",
            headers={"Authorization": f"Bearer {admin.access_token.reveal()}"},
            json={"signInAudience": "AzureADMultipleOrgs"},
        )
    assert answer.status_code == 204, answer.text
    create = {s.action: s for s in read_plan(sb, admin, request, Trace()).steps}["create application"]
    assert create.status == "blocked" and "AzureADMultipleOrgs" in create.reason
