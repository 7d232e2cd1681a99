"""`register apply` / `undo` end to end on the sandbox: msgraph-sdk over the traced httpx client, each
directory role, the token proof and doctor on the new app, idempotence, lag and throttling retried, undo."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.integration.apply_helpers import read_plan as plan
from tests.integration.delegated_helpers import (
    enter_code,
    finish,
    person,
    private_sandbox,
    public_client,
    start,
)
from tests.integration.graph_write_helpers import user_token
from wizard.admin.apply import ApplyOptions, ApplyResult, ProgressEvent, apply
from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.admin.journal import Journal
from wizard.admin.registration import RegistrationRequest
from wizard.admin.retry import RetryPolicy
from wizard.admin.undo import UndoOptions, undo
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox
from wizard.secret import Secret
from wizard.tokens.decode import decode_token

GA = "Global Administrator"
PRA = "Privileged Role Administrator"
APP_ADMIN = "Application Administrator"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "apply")


def admin(sb: Sandbox, role: str | None) -> AdminToken:
    raw = user_token(sb, role)
    return AdminToken(Secret(raw), AdminIdentity.from_claims(decode_token(raw).claims), "test")


def run(
    sb: Sandbox,
    tmp: Path,
    token: AdminToken,
    request: RegistrationRequest,
    *,
    clock: FakeClock | None = None,
    trace: Trace | None = None,
    progress: list[ProgressEvent] | None = None,
    secret: str = "s.secret",
    on_event: object = None,
) -> ApplyResult:
    trace = trace or Trace()
    events = progress if progress is not None else []
    clock = clock or FakeClock()

    def report(event: ProgressEvent) -> None:
        events.append(event)
        if callable(on_event):
            on_event(event)

    options = ApplyOptions(
        journal_path=tmp / "journal.json",
        secret_out=tmp / secret,
        authority_host=sb.base_url,
        ca_file=sb.ca_file,
        trace=trace,
        clock=clock,
        retry=RetryPolicy(clock=clock),
        verify_timeout=60,
    )
    return apply(plan(sb, token, request, trace), token, options, progress=report)


@pytest.mark.parametrize(
    ("role", "consent"),
    [
        (GA, "todo"),
        (PRA, "todo"),
        (APP_ADMIN, "blocked"),
        ("Cloud Application Administrator", "blocked"),
        ("Application Developer", "blocked"),
        (None, "blocked"),
    ],
)
def test_each_role_plans_graph_consent_as_entra_allows(sb: Sandbox, role: str | None, consent: str) -> None:
    token = admin(sb, role)
    steps = plan(
        sb, token, RegistrationRequest(name="edw-plan-only", roles=("User.Read.All",)), Trace()
    ).steps
    assert {s.action: s.status for s in steps}["grant admin consent"] == consent
    assert {s.action: s.status for s in steps}["create application"] == "todo"


def test_apply_proves_the_app_then_changes_nothing_then_undo_removes_it(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, PRA)
    trace = Trace()
    request = RegistrationRequest(name="edw-e2e-pra", roles=("User.Read.All",))
    result = run(sb, tmp_path, token, request, trace=trace)
    assert result.ok, result.findings
    assert result.verified is True and result.doctor == {"verdict": "ok", "codes": ["ok"]}
    assert [e.kind for e in result.created] == [
        "application",
        "service_principal",
        "app_role_assignment",
        "password",
    ]
    secret_file = Path(str(result.secret_file))
    value = secret_file.read_text().strip()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # Every Graph write went through msgraph-sdk on the traced client; the secret is in none of it.
    writes = [x for x in trace.exchanges if x.step == "graph-write"]
    assert {x.method for x in writes} == {"PATCH", "POST"}
    assert value not in json.dumps(trace.to_list()) + (tmp_path / "journal.json").read_text()
    assert value not in json.dumps(result.to_dict())
    # Second apply: nothing written, nothing created.
    again_trace = Trace()
    again = run(sb, tmp_path, token, request, trace=again_trace, secret="second.secret")
    assert again.ok and again.created == [] and again.changed == []
    assert [x for x in again_trace.exchanges if x.method != "GET"] == []
    # Undo: everything the journal lists, newest first, then the app is gone (and its name free: --purge).
    done = undo(Journal.load(tmp_path / "journal.json"), token, UndoOptions(ca_file=sb.ca_file, purge=True))
    assert done.ok and len(done.removed) == 4
    assert plan(sb, token, request, Trace()).facts.app is None
    recreated = run(sb, tmp_path / "again", token, request)
    assert recreated.ok and recreated.created[0].kind == "application"


def test_application_administrator_gets_a_finding_not_a_traceback(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, APP_ADMIN)
    result = run(sb, tmp_path, token, RegistrationRequest(name="edw-e2e-appadmin", roles=("User.Read.All",)))
    assert [f.code for f in result.findings] == ["role-cannot-consent-graph"]
    assert "Application Administrator" in result.findings[0].explanation
    assert result.verified is None  # not proven: the grant is missing


def test_replication_lag_is_retried_for_new_objects(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    settings = sb.state.writes.settings(token.identity.tenant_id)
    settings.update(replication_lag=2)
    try:
        clock = FakeClock()
        result = run(
            sb,
            tmp_path,
            token,
            RegistrationRequest(name="edw-e2e-lag", roles=("User.Read.All",), credential="certificate"),
            clock=clock,
        )
    finally:
        settings.update(replication_lag=0)
    assert result.ok, result.findings
    assert {r["class"] for r in result.retries} == {"replication"}
    assert clock.sleeps[:2] == [1.0, 2.0]


@pytest.mark.parametrize(("status", "wait", "kind"), [("429", 4.0, "throttle"), ("503", 7.0, "transient")])
def test_throttled_or_unavailable_writes_honour_retry_after(
    sb: Sandbox, tmp_path: Path, status: str, wait: float, kind: str
) -> None:
    token = admin(sb, GA)
    clock = FakeClock()

    def refuse_twice_writing(event: ProgressEvent) -> None:
        if event.step == "create application" and event.status == "start":
            sb.faults.inject("graph", status, retry_after=wait, times=2)

    result = run(
        sb,
        tmp_path,
        token,
        RegistrationRequest(name=f"edw-e2e-{status}", roles=("User.Read.All",)),
        clock=clock,
        on_event=refuse_twice_writing,
    )
    assert result.ok, result.findings
    assert [r["class"] for r in result.retries[:2]] == [kind, kind]
    assert wait in clock.sleeps


def _cli(sb: Sandbox, role: str, *args: str) -> tuple[int, dict[str, object], str, str]:
    flags = [
        "--authority",
        sb.authority("contoso"),
        "--ca-file",
        sb.ca_file,
        "--client-id",
        public_client(sb),
    ]
    proc = start(["register", *args, "--device-code", "--json", "--graph-url", sb.base_url, *flags])
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert 'id="done"' in enter_code(sb, event, person(sb, role))
    code, stdout, stderr = finish(proc)
    assert "Traceback" not in stderr
    return code, json.loads(stdout), stdout, stderr


def test_cli_apply_and_undo_keep_the_secret_in_its_file(sb: Sandbox, tmp_path: Path) -> None:
    journal, secret = tmp_path / "j.json", tmp_path / "daemon.secret"
    code, result, out, err = _cli(
        sb,
        GA,
        "apply",
        "--yes",
        "--name",
        "edw-e2e-cli",
        "--role",
        "User.Read.All",
        "--secret-out",
        str(secret),
        "--journal",
        str(journal),
    )
    assert code == 0, err
    assert set(result) >= {"client_id", "tenant_id", "object_id", "secret_file", "created", "findings"}
    assert result["secret_file"] == str(secret) and result["findings"] == []
    value = secret.read_text().strip()
    assert value not in out + err + journal.read_text()
    code, undone, out2, err2 = _cli(sb, GA, "undo", "--yes", "--journal", str(journal))
    assert code == 0, err2
    assert len(undone["removed"]) == 4  # type: ignore[arg-type]
    assert value not in out2 + err2
    # Nor in any file the runs left (logs, journal, caches), in the tool's home or beside the secret.
    home = Path(os.environ["DAEMON_WIZARD_HOME"])
    for path in [*home.rglob("*"), *tmp_path.rglob("*")]:
        if path.is_file() and path != secret:
            assert value.encode() not in path.read_bytes(), path


def test_own_api_registration_roles_and_consent_by_an_application_administrator(
    sb: Sandbox, tmp_path: Path
) -> None:
    token = admin(sb, APP_ADMIN)
    request = RegistrationRequest(
        name="edw-e2e-own", roles=("Orders.Read.All",), resource="edw-e2e-orders-api"
    )
    steps = {s.action: s for s in plan(sb, token, request, Trace()).steps}
    assert steps["grant admin consent"].status == "todo"  # other APIs' roles: Application Administrator may
    assert steps["create API registration"].status == "todo"
    result = run(sb, tmp_path, token, request)
    assert result.ok, result.findings
    assert result.verified is True
    assert str(result.api_resource).startswith("api://")
    kinds = [e.kind for e in result.created]
    assert kinds == [
        "application",
        "service_principal",
        "application",
        "service_principal",
        "app_role_assignment",
        "password",
    ]
    again = run(sb, tmp_path, token, request, secret="again.secret")
    assert again.created == [] and again.changed == []


def test_rotate_adds_proves_then_removes_the_old_secret(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    request = RegistrationRequest(name="edw-e2e-rotate", roles=("User.Read.All",))
    first = run(sb, tmp_path, token, request, secret="one.secret")
    assert first.ok, first.findings
    rotated = run(
        sb,
        tmp_path,
        token,
        RegistrationRequest(name="edw-e2e-rotate", roles=("User.Read.All",), rotate=True),
        secret="two.secret",
    )
    assert rotated.ok, rotated.findings
    assert "removed 1 old credential(s)" in rotated.changed
    app = plan(sb, token, request, Trace()).facts.app or {}
    new_key = next(e.key_id for e in rotated.created if e.kind == "password")
    assert [p["keyId"] for p in app.get("passwordCredentials", [])] == [new_key]


def test_tenant_policy_refusals_become_findings(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    settings = sb.state.writes.settings(token.identity.tenant_id)
    settings.update(password_credentials=False)
    try:
        result = run(
            sb, tmp_path, token, RegistrationRequest(name="edw-e2e-nosecret", roles=("User.Read.All",))
        )
    finally:
        settings.update(password_credentials=True)
    assert [f.code for f in result.findings] == ["policy-blocks-secret"]
    assert "--credential certificate" in result.findings[0].fix
    assert result.secret_file is None and not (tmp_path / "s.secret").exists()


def test_creating_an_app_without_the_role_when_users_may_not(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, None)
    settings = sb.state.writes.settings(token.identity.tenant_id)
    settings.update(users_can_register_apps=False)
    try:
        result = run(sb, tmp_path, token, RegistrationRequest(name="edw-e2e-noreg"))
    finally:
        settings.update(users_can_register_apps=True)
    assert [f.code for f in result.findings] == ["role-cannot-register"]
    assert result.created == []


def test_plan_predicts_a_unique_name_held_by_a_deleted_app(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    request = RegistrationRequest(name="edw-e2e-deleted", roles=("User.Read.All",))
    assert run(sb, tmp_path, token, request).ok
    undo(Journal.load(tmp_path / "journal.json"), token, UndoOptions(ca_file=sb.ca_file))  # soft delete
    create = {s.action: s for s in plan(sb, token, request, Trace()).steps}["create application"]
    assert create.status == "blocked" and "deleted app" in create.reason
    result = run(sb, tmp_path / "again", token, request)
    assert [f.code for f in result.findings] == ["unique-name-taken"]


def test_the_proof_waits_for_the_token_side_then_says_replication_pending(
    sb: Sandbox, tmp_path: Path
) -> None:
    token = admin(sb, GA)
    settings = sb.state.writes.settings(token.identity.tenant_id)
    settings.update(token_lag=2)
    try:
        clock = FakeClock()
        late = run(
            sb,
            tmp_path,
            token,
            RegistrationRequest(name="edw-e2e-lagged", roles=("User.Read.All",)),
            clock=clock,
        )
        assert late.ok and late.verified is True, late.findings
        assert clock.sleeps[:2] == [1.0, 2.0]  # two refused token requests, then the token
        settings.update(token_lag=1000)
        never = run(
            sb, tmp_path / "never", token, RegistrationRequest(name="edw-e2e-never", roles=("User.Read.All",))
        )
    finally:
        settings.update(token_lag=0)
    assert never.verified is False
    assert [f.code for f in never.findings] == ["replication-pending"]
    assert "5 minutes" in never.findings[0].explanation
