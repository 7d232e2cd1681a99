"""`register plan | apply | undo --credential federated` on the sandbox: the FIC step planned, upserted by name
through msgraph-sdk, proven by msal with an external token minted by the sandbox's issuer, a second apply
that writes nothing, undo that removes the credential, and Graph's refusals as findings."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.integration.apply_helpers import admin_of, read_plan, run_apply
from tests.integration.delegated_helpers import private_sandbox
from wizard.admin.identity import AdminToken
from wizard.admin.journal import Journal
from wizard.admin.plan_federated import STEP, FederatedRequest
from wizard.admin.registration import RegistrationRequest
from wizard.admin.undo import UndoOptions, undo
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

GA = "Global Administrator"
AUDIENCE = "api://AzureADTokenExchange"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "applyfed")


@pytest.fixture(scope="module")
def ga(sb: Sandbox) -> AdminToken:
    return admin_of(sb, "contoso", GA)


def fic(sb: Sandbox, subject: str, name: str = "") -> FederatedRequest:
    return FederatedRequest(f"{sb.base_url}/issuers/github-actions", subject, AUDIENCE, name)


def request(sb: Sandbox, name: str, subject: str, fic_name: str = "") -> RegistrationRequest:
    return RegistrationRequest(
        name=name, roles=("User.Read.All",), credential="federated", federated=fic(sb, subject, fic_name)
    )


def fics_of(sb: Sandbox, token: AdminToken, object_id: str) -> list[dict[str, object]]:
    with httpx_client(sb.ca_file, timeout=30) as http:
        answer = http.get(
            f"{sb.base_url}/v1.0/applications/{object_id}/federatedIdentityCredentials",
            headers={"Authorization": f"Bearer {token.access_token.reveal()}"},
        )
    assert answer.status_code == 200, answer.text
    value: list[dict[str, object]] = answer.json()["value"]
    return value


def test_plan_apply_prove_noop_then_undo_removes_the_credential(
    sb: Sandbox, ga: AdminToken, tmp_path: Path
) -> None:
    req = request(sb, "edw-fed-e2e", "repo:contoso/edw-fed:environment:production")
    before = {s.action: s for s in read_plan(sb, ga, req, Trace()).steps}[STEP]
    assert before.status == "todo" and "1 of at most 20" in before.reason
    assert (before.scope, before.role) == (
        "Application.ReadWrite.All",
        "owner or Cloud Application Administrator",
    )
    trace = Trace()
    _, result = run_apply(sb, tmp_path, ga, req, trace=trace)
    assert result.ok, result.findings
    assert result.verified is True and result.doctor == {"verdict": "ok", "codes": ["ok"]}
    assert [e.kind for e in result.created] == [
        "application",
        "service_principal",
        "app_role_assignment",
        "federated_credential",
    ]
    assert result.secret_file is None and result.prove_with is None
    # The upsert went through msgraph-sdk by name, with Prefer: create-if-missing.
    upserts = [x for x in trace.exchanges if x.method == "PATCH" and "federatedIdentityCredentials" in x.url]
    assert len(upserts) == 1 and "(name='repo-contoso-edw-fed-environment-production')" in upserts[0].url
    # The external token the proof presented: minted by the sandbox's issuer, 0600, never in the journal.
    token_file = Path(str(result.federated_token_file))
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    journal_text = (tmp_path / "journal.json").read_text()
    assert token_file.read_text() not in journal_text + json.dumps(trace.to_list())
    assert [f["subject"] for f in fics_of(sb, ga, result.object_id)] == [
        "repo:contoso/edw-fed:environment:production"
    ]
    # Second apply: the plan says done, and nothing is written.
    assert {s.action: s.status for s in read_plan(sb, ga, req, Trace()).steps}[STEP] == "done"
    again_trace = Trace()
    _, again = run_apply(sb, tmp_path / "again", ga, req, trace=again_trace)
    assert again.ok and again.created == [] and again.changed == [], again.findings
    assert [x for x in again_trace.exchanges if x.step == "graph-write" and x.method != "GET"] == []
    # Undo: the credential first (newest), then the rest; the app is gone with it.
    done = undo(Journal.load(tmp_path / "journal.json"), ga, UndoOptions(ca_file=sb.ca_file, purge=True))
    assert done.ok and [e.kind for e in done.removed] == [
        "federated_credential",
        "app_role_assignment",
        "service_principal",
        "application",
    ]
    assert read_plan(sb, ga, req, Trace()).facts.app is None


def test_adopted_app_gets_only_the_credential_and_undo_removes_only_it(
    sb: Sandbox, ga: AdminToken, tmp_path: Path
) -> None:
    base = RegistrationRequest(name="edw-fed-adopt", roles=("User.Read.All",))
    _, first = run_apply(sb, tmp_path / "secret", ga, base)
    assert first.ok, first.findings
    req = request(sb, "edw-fed-adopt", "repo:contoso/adopt:ref:refs/heads/main", "adopt-main")
    _, result = run_apply(sb, tmp_path / "fed", ga, req)
    assert result.ok and result.verified is True, result.findings
    assert [e.kind for e in result.created] == ["federated_credential"]
    assert [f["name"] for f in fics_of(sb, ga, result.object_id)] == ["adopt-main"]
    done = undo(Journal.load(tmp_path / "fed" / "journal.json"), ga, UndoOptions(ca_file=sb.ca_file))
    assert done.ok and [e.kind for e in done.removed] == ["federated_credential"]
    assert fics_of(sb, ga, result.object_id) == []
    assert read_plan(sb, ga, base, Trace()).facts.app is not None  # the app was not this run's: kept


def test_refusals_are_predicted_by_the_plan_and_become_findings(
    sb: Sandbox, ga: AdminToken, tmp_path: Path
) -> None:
    subject = "repo:contoso/dup:environment:production"
    _, first = run_apply(sb, tmp_path / "one", ga, request(sb, "edw-fed-rules", subject, "first"))
    assert first.ok, first.findings
    # The same issuer and subject under another name: Entra allows the pair once per app.
    dup = request(sb, "edw-fed-rules", subject, "second")
    step = {s.action: s for s in read_plan(sb, ga, dup, Trace()).steps}[STEP]
    assert step.status == "blocked" and "--federated-name first" in step.reason
    _, refused = run_apply(sb, tmp_path / "dup", ga, dup)
    assert [f.code for f in refused.findings] == ["fic-duplicate"]
    assert "Traceback" not in refused.findings[0].explanation
    # A name Graph rejects.
    bad = request(sb, "edw-fed-rules", "repo:contoso/dup:pull_request", "x!")
    step = {s.action: s for s in read_plan(sb, ga, bad, Trace()).steps}[STEP]
    assert step.status == "blocked" and "3 to 120 characters" in step.reason
    _, refused = run_apply(sb, tmp_path / "bad", ga, bad)
    assert [f.code for f in refused.findings] == ["fic-name-invalid"]
    # Twenty credentials: the 21st is refused.
    with httpx_client(sb.ca_file, timeout=30) as http:
        for n in range(19):
            answer = http.patch(
                f"{sb.base_url}/v1.0/applications/{first.object_id}/federatedIdentityCredentials(name='n{n:02d}')",
                headers={
                    "Authorization": f"Bearer {ga.access_token.reveal()}",
                    "Prefer": "create-if-missing",
                },
                json={"issuer": "https://issuer.example", "subject": f"s{n}", "audiences": [AUDIENCE]},
            )
            assert answer.status_code == 201, answer.text
    full = request(sb, "edw-fed-rules", "repo:contoso/dup:ref:refs/heads/dev", "twenty-first")
    step = {s.action: s for s in read_plan(sb, ga, full, Trace()).steps}[STEP]
    assert step.status == "blocked" and "limit of 20" in step.reason
    _, refused = run_apply(sb, tmp_path / "full", ga, full)
    assert [f.code for f in refused.findings] == ["fic-limit"]
    assert refused.verified is None


def test_without_a_token_here_apply_says_what_to_run(sb: Sandbox, ga: AdminToken, tmp_path: Path) -> None:
    req = RegistrationRequest(
        name="edw-fed-elsewhere",
        credential="federated",
        federated=FederatedRequest(
            "https://token.actions.githubusercontent.com", "repo:contoso/x:environment:prod", AUDIENCE
        ),
    )
    _, result = run_apply(sb, tmp_path, ga, req)
    assert result.ok and result.verified is None, result.findings
    assert "--federated-token-file" in str(result.prove_with)
    assert result.client_id in str(result.prove_with)


def test_a_credential_not_live_yet_is_replication_pending(
    sb: Sandbox, ga: AdminToken, tmp_path: Path
) -> None:
    settings = sb.state.writes.settings(ga.identity.tenant_id)
    settings.update(token_lag=1000)
    try:
        clock = FakeClock()
        _, result = run_apply(
            sb,
            tmp_path,
            ga,
            request(sb, "edw-fed-lag", "repo:contoso/lag:environment:production"),
            clock=clock,
        )
    finally:
        settings.update(token_lag=0)
    assert result.verified is False
    assert [f.code for f in result.findings] == ["replication-pending"]
    assert "AADSTS70021" in result.findings[0].explanation
    assert clock.sleeps[:2] == [1.0, 2.0]


def test_the_proof_uses_the_users_token_file(sb: Sandbox, ga: AdminToken, tmp_path: Path) -> None:
    subject = "repo:contoso/own-token:environment:production"
    with httpx_client(sb.ca_file, timeout=30) as http:
        minted = http.post(
            f"{sb.base_url}/issuers/github-actions/mint", json={"sub": subject, "aud": AUDIENCE}
        ).json()["token"]
    token_file = tmp_path / "token.jwt"
    token_file.write_text(minted)
    _, result = run_apply(
        sb, tmp_path, ga, request(sb, "edw-fed-own", subject), federated_token_file=str(token_file)
    )
    assert result.ok and result.verified is True, result.findings
    assert result.federated_token_file is None  # nothing minted: the user's file was presented
    wrong = tmp_path / "wrong.jwt"
    with httpx_client(sb.ca_file, timeout=30) as http:
        wrong.write_text(
            http.post(
                f"{sb.base_url}/issuers/github-actions/mint", json={"sub": subject + "x", "aud": AUDIENCE}
            ).json()["token"]
        )
    _, refused = run_apply(
        sb, tmp_path / "wrong", ga, request(sb, "edw-fed-own", subject), federated_token_file=str(wrong)
    )
    # Entra named the differing subject: that, with its fix, comes first; waiting is only the second guess.
    assert refused.verified is False
    assert [f.code for f in refused.findings] == ["federated-subject-mismatch", "replication-pending"]
    assert subject + "x" in refused.findings[0].explanation
