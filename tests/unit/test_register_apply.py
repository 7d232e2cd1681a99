"""`register apply` / `undo` against an in-memory Graph (mock transport): idempotence, journal, retries by
class, findings for refusals, and the secret only in its 0600 file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pytest

from tests.fake_clock import FakeClock
from tests.unit.fake_graph import GRAPH_SP_ID, SECRET_VALUE, USER_READ_ALL, FakeGraph, graph_error
from wizard.admin.apply import ApplyOptions, ApplyResult, ProgressEvent, apply
from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.admin.journal import Journal
from wizard.admin.registration import Predictions, RegistrationPlan, RegistrationRequest
from wizard.admin.retry import RetryPolicy
from wizard.admin.tenant_reads import TenantFacts
from wizard.admin.undo import UndoOptions, undo
from wizard.errors import FileExistsRefusal, FileWriteError, UsageError
from wizard.live.trace import Trace
from wizard.secret import Secret

GRAPH = "https://graph.test"
TENANT = "aaaaaaaa-0000-0000-0000-000000000001"
PRA = "Privileged Role Administrator"


def token(*roles: str) -> AdminToken:
    ident = AdminIdentity("admin@contoso.test", "oid", TENANT, "client", roles, (), (), 0)
    return AdminToken(Secret("eyJADMIN.TOKEN.value"), ident, "cache")


def plan_for(graph: FakeGraph, request: RegistrationRequest, *roles: str) -> RegistrationPlan:
    """What make_plan would read from the fake tenant (without its HTTP)."""
    app = next((a for a in graph.apps.values() if a.get("uniqueName") == request.name), None)
    sp = next((s for s in graph.sps.values() if app and s["appId"] == app["appId"]), None)
    grants = [a for a in graph.assignments.values() if sp and a["principalId"] == sp["id"]]
    facts = TenantFacts(
        {"id": "me"}, {"id": TENANT, "tenantType": "AAD"}, app, sp, grants, graph.sps[GRAPH_SP_ID]
    )
    signed_in = {"roles": list(roles)}
    return RegistrationPlan(request, facts, None, [], Predictions(), "fp", TENANT, GRAPH, signed_in)


def options(tmp_path: Path, graph: FakeGraph, clock: FakeClock, trace: Trace | None = None) -> ApplyOptions:
    return ApplyOptions(
        journal_path=tmp_path / "journal.json",
        secret_out=tmp_path / "out" / "daemon.secret",
        verify=False,
        clock=clock,
        retry=RetryPolicy(clock=clock),
        transport=graph.transport(),
        trace=trace or Trace(),
    )


REQUEST = RegistrationRequest(name="edw-orders", roles=("User.Read.All",))


def run(
    tmp_path: Path,
    graph: FakeGraph,
    *roles: str,
    request: RegistrationRequest = REQUEST,
    clock: FakeClock | None = None,
    trace: Trace | None = None,
) -> tuple[ApplyResult, list[ProgressEvent]]:
    events: list[ProgressEvent] = []
    opts = options(tmp_path, graph, clock or FakeClock(), trace)
    result = apply(
        plan_for(graph, request, *roles), token(*roles), opts, progress=events.append, check_stale=False
    )
    return result, events


def test_apply_creates_app_sp_permission_consent_and_secret_then_changes_nothing(tmp_path: Path) -> None:
    graph = FakeGraph()
    trace = Trace()
    result, events = run(tmp_path, graph, PRA, trace=trace)
    assert result.ok, result.findings
    assert [e.kind for e in result.created] == [
        "application",
        "service_principal",
        "app_role_assignment",
        "password",
    ]
    app = graph.apps[result.object_id]
    assert app["requiredResourceAccess"] == [
        {
            "resourceAppId": "00000003-0000-0000-c000-000000000000",
            "resourceAccess": [{"id": USER_READ_ALL, "type": "Role"}],
        }
    ]
    assert [a["appRoleId"] for a in graph.assignments.values()] == [USER_READ_ALL]
    secret_file = Path(str(result.secret_file))
    assert secret_file.read_text().strip() == SECRET_VALUE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert result.secret_masked == "Zq1…HIJ"
    journal = tmp_path / "journal.json"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    # The secret value appears nowhere but its file: not in the journal, the result, the trace, the events.
    shown = journal.read_text() + json.dumps(result.to_dict()) + json.dumps(trace.to_list()) + repr(events)
    assert SECRET_VALUE not in shown
    assert "PATCH" in {m for m, _ in graph.writes()}
    # A second apply on the tenant as it is now: no write at all, nothing created.
    graph.calls.clear()
    (tmp_path / "out" / "daemon.secret").rename(tmp_path / "kept.secret")
    again, _ = run(tmp_path, graph, PRA)
    assert again.ok and again.created == [] and again.changed == []
    assert graph.writes() == []


def test_undo_removes_what_the_journal_says_newest_first(tmp_path: Path) -> None:
    graph = FakeGraph()
    other = graph.apps.setdefault("keep", {"id": "keep", "appId": "keep-app", "uniqueName": "not-ours"})
    result, _ = run(tmp_path, graph, PRA)
    graph.calls.clear()
    journal = Journal.load(tmp_path / "journal.json")
    done = undo(journal, token(PRA), UndoOptions(transport=graph.transport(), clock=FakeClock(), purge=True))
    assert done.ok, done.findings
    ids = {e.kind: e.object_id for e in result.created}
    assert [c for c in graph.calls if c[0] != "GET"] == [
        ("POST", f"/applications/{result.object_id}/removePassword"),
        ("DELETE", f"/servicePrincipals/{GRAPH_SP_ID}/appRoleAssignedTo/{ids['app_role_assignment']}"),
        ("DELETE", f"/servicePrincipals/{ids['service_principal']}"),
        ("DELETE", f"/applications/{result.object_id}"),
        ("DELETE", f"/directory/deletedItems/{result.object_id}"),
    ]
    assert graph.apps == {"keep": other} and graph.deleted == {} and graph.assignments == {}
    assert Journal.load(tmp_path / "journal.json").pending() == []
    # Undo again: nothing left to do, nothing sent.
    graph.calls.clear()
    undo(Journal.load(tmp_path / "journal.json"), token(PRA), UndoOptions(transport=graph.transport()))
    assert graph.calls == []


def test_replication_lag_on_a_fresh_object_is_retried_with_backoff(tmp_path: Path) -> None:
    graph = FakeGraph(lag=3)
    clock = FakeClock()
    result, events = run(tmp_path, graph, PRA, clock=clock)
    assert result.ok, result.findings
    assert {r["class"] for r in result.retries} == {"replication"}
    assert clock.sleeps[:3] == [1.0, 2.0, 4.0]
    assert any(e.status == "waiting" for e in events)


def test_lag_is_not_retried_for_an_object_this_run_did_not_create(tmp_path: Path) -> None:
    graph = FakeGraph()
    run(tmp_path, graph, PRA)
    app = next(iter(graph.apps.values()))
    app["passwordCredentials"] = []
    graph.refuse.append(
        ("POST", r"/addPassword$", lambda: graph_error(404, "Request_ResourceNotFound", "gone"))
    )
    (tmp_path / "out" / "daemon.secret").unlink()
    result, _ = run(tmp_path, graph, PRA)
    assert result.retries == [] and [f.code for f in result.findings]


def test_throttling_honours_retry_after(tmp_path: Path) -> None:
    graph = FakeGraph(throttle=2)
    clock = FakeClock()
    result, _ = run(tmp_path, graph, PRA, clock=clock)
    assert result.ok
    assert clock.sleeps[:2] == [7.0, 7.0]
    assert [r["class"] for r in result.retries] == ["throttle", "throttle"]


def test_add_password_is_reconciled_not_repeated_blindly(tmp_path: Path) -> None:
    graph = FakeGraph()

    def lost() -> httpx.Response:
        # Graph added the password, then the answer was lost (503).
        app = next(iter(graph.apps.values()))
        name = json.loads(graph.bodies[-1])["passwordCredential"]["displayName"]
        app["passwordCredentials"].append(
            {"keyId": "0b9f7b4e-0000-4000-8000-000000000001", "displayName": name}
        )
        return graph_error(503, "ServiceUnavailable", "try later")

    graph.refuse.append(("POST", r"/addPassword$", lost))
    result, _ = run(tmp_path, graph, PRA)
    assert result.ok, result.findings
    posts = [p for m, p in graph.calls if m == "POST"]
    assert sum(p.endswith("/addPassword") for p in posts) == 2
    assert sum(p.endswith("/removePassword") for p in posts) == 1  # the orphan whose value was lost
    app = next(iter(graph.apps.values()))
    assert len(app["passwordCredentials"]) == 1


def test_application_administrator_gets_a_finding_for_graph_consent(tmp_path: Path) -> None:
    graph = FakeGraph()
    graph.refuse.append(
        (
            "POST",
            r"/appRoleAssignedTo$",
            lambda: graph_error(
                403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
            ),
        )
    )
    result, events = run(tmp_path, graph, "Application Administrator")
    codes = [f.code for f in result.findings]
    assert codes == ["role-cannot-consent-graph"]
    assert "You are Application Administrator" in result.findings[0].explanation
    assert [e.kind for e in result.created] == ["application", "service_principal", "password"]
    assert any(e.status == "failed" and e.step == "grant admin consent" for e in events)


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            "CredentialTypeNotAllowedAsPerAppPolicy",
            "Credential type not allowed as per assigned policy.",
            "policy-blocks-secret",
        ),
        (
            "CredentialInvalidLifetimeAsPerAppPolicy",
            "Credential lifetime exceeds the max value allowed as per assigned policy 'x'.",
            "policy-blocks-secret",
        ),
    ],
)
def test_secret_policy_refusals_become_findings(
    tmp_path: Path, code: str, message: str, expected: str
) -> None:
    graph = FakeGraph()
    graph.refuse.append(("POST", r"/addPassword$", lambda: graph_error(400, code, message)))
    result, _ = run(tmp_path, graph, PRA)
    assert [f.code for f in result.findings] == [expected]
    assert result.secret_file is None


def test_unique_name_held_by_a_deleted_app(tmp_path: Path) -> None:
    graph = FakeGraph()
    graph.refuse.append(
        (
            "PATCH",
            r"uniqueName",
            lambda: graph_error(
                400,
                "Request_BadRequest",
                "Another object with the same value for property uniqueName already exists.",
            ),
        )
    )
    result, _ = run(tmp_path, graph)
    assert [f.code for f in result.findings] == ["unique-name-taken"]
    assert result.created == []


def test_creating_apps_refused_names_the_role(tmp_path: Path) -> None:
    graph = FakeGraph()
    graph.refuse.append(
        (
            "PATCH",
            r"uniqueName",
            lambda: graph_error(
                403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
            ),
        )
    )
    result, _ = run(tmp_path, graph)
    assert [f.code for f in result.findings] == ["role-cannot-register"]


def test_an_unknown_role_is_refused_before_any_write(tmp_path: Path) -> None:
    graph = FakeGraph()
    with pytest.raises(UsageError, match=r"No\.Such"):
        run(tmp_path, graph, PRA, request=RegistrationRequest(name="edw-x", roles=("No.Such",)))
    assert graph.writes() == []


def test_the_secret_file_is_never_overwritten(tmp_path: Path) -> None:
    graph = FakeGraph()
    target = tmp_path / "out" / "daemon.secret"
    target.parent.mkdir()
    target.write_text("precious")
    with pytest.raises(FileExistsRefusal):
        run(tmp_path, graph, PRA)
    assert target.read_text() == "precious"
    assert graph.calls == []


def test_a_secret_that_cannot_be_saved_is_taken_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wizard.safe_write

    def full(*args: object, **kwargs: object) -> None:
        raise FileWriteError("No space left to write the secret", path="x")

    monkeypatch.setattr(wizard.safe_write, "write_atomic", full)
    graph = FakeGraph()
    with pytest.raises(FileWriteError):
        run(tmp_path, graph, PRA)
    assert next(iter(graph.apps.values()))["passwordCredentials"] == []
    entries = Journal.load(tmp_path / "journal.json").entries
    assert [(e.kind, e.removed) for e in entries if e.kind == "password"] == [("password", True)]
