"""`register apply` cases beyond the main path, end to end on the sandbox over real HTTPS: a stale plan is
refused, the user's own certificate is uploaded beside the existing keys and rotation keeps only the new
one, an "already exists" consent answer is success, and the roles that may not grant Graph consent still
get a working registration, proven by a token, then undone."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.fake_clock import FakeClock
from tests.integration.apply_helpers import admin_of, options_for, read_plan, run_apply
from tests.integration.delegated_helpers import private_sandbox
from wizard.admin.apply import ApplyOptions, ApplyResult, ProgressEvent, StalePlan, apply
from wizard.admin.identity import AdminToken
from wizard.admin.journal import Journal
from wizard.admin.registration import RegistrationPlan, RegistrationRequest
from wizard.admin.undo import UndoOptions, undo
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox

GA = "Global Administrator"


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "apply-cases")


def admin(sb: Sandbox, role: str) -> AdminToken:
    return admin_of(sb, "contoso", role)


def plan_now(sb: Sandbox, token: AdminToken, request: RegistrationRequest) -> RegistrationPlan:
    return read_plan(sb, token, request, Trace())


def options(sb: Sandbox, folder: Path) -> ApplyOptions:
    return options_for(sb, folder, trace=Trace(), clock=FakeClock(), certificate_dir=folder / "certs")


def run(
    sb: Sandbox,
    folder: Path,
    token: AdminToken,
    request: RegistrationRequest,
    *,
    clock: FakeClock | None = None,
    on_event: Callable[[ProgressEvent], None] | None = None,
) -> ApplyResult:
    return run_apply(
        sb, folder, token, request, clock=clock, on_event=on_event, certificate_dir=folder / "certs"
    )[1]


def graph(sb: Sandbox, token: AdminToken) -> httpx.Client:
    return httpx.Client(
        base_url=sb.base_url + "/v1.0",
        verify=ssl.create_default_context(cafile=sb.ca_file),
        headers={"Authorization": f"Bearer {token.access_token.reveal()}"},
        timeout=30,
    )


def key_ids(sb: Sandbox, token: AdminToken, request: RegistrationRequest) -> list[str]:
    app = plan_now(sb, token, request).facts.app or {}
    return [str(k["keyId"]) for k in app.get("keyCredentials", [])]


def test_a_plan_read_before_the_app_changed_is_refused(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    request = RegistrationRequest(name="edw-case-stale", roles=("User.Read.All",))
    assert run(sb, tmp_path / "first", token, request).ok
    stale = plan_now(sb, token, request)
    object_id = str((stale.facts.app or {})["id"])
    with graph(sb, token) as client:  # someone else adds a secret between plan and apply
        added = client.post(f"/applications/{object_id}/addPassword", json={"passwordCredential": {}})
        assert added.status_code == 200, added.text
    with pytest.raises(StalePlan) as refused:
        apply(stale, token, options(sb, tmp_path / "second"))
    assert "register plan" in str(refused.value.hint)
    assert not (tmp_path / "second" / "s.secret").exists()
    fresh = run(sb, tmp_path / "third", token, request)  # a plan read now applies, and changes nothing
    assert fresh.ok and fresh.created == []


def test_the_users_certificate_is_uploaded_beside_the_existing_keys_then_rotation_keeps_the_new_one(
    sb: Sandbox, tmp_path: Path
) -> None:
    from wizard.certs.generate import generate_certificate

    token = admin(sb, GA)
    request = RegistrationRequest(name="edw-case-cert", roles=("User.Read.All",), credential="certificate")
    first = run(sb, tmp_path / "first", token, request)
    assert first.ok and first.verified is True, first.findings
    (generated,) = key_ids(sb, token, request)
    # The user's own certificate, key and certificate in one PEM file, as people keep them.
    made = generate_certificate(subject="CN=mine", out_dir=tmp_path / "mine", name="mine")
    pem = tmp_path / "mine.pem"
    pem.write_bytes(
        Path(made.files["key"].path).read_bytes() + Path(made.files["cert_pem"].path).read_bytes()
    )
    mine = RegistrationRequest(
        name="edw-case-cert", roles=("User.Read.All",), credential="certificate", certificate=str(pem)
    )
    uploaded = run(sb, tmp_path / "second", token, mine)
    assert uploaded.ok and uploaded.verified is True, uploaded.findings  # proven with the user's key
    keys = key_ids(sb, token, request)
    assert len(keys) == 2 and generated in keys
    assert (uploaded.certificate or {}).get("cert_path") == str(pem)
    # The journal names the uploaded key by its keyId: undo removes exactly that one.
    journal = Journal.load(tmp_path / "second" / "journal.json")
    assert undo(journal, token, UndoOptions(ca_file=sb.ca_file)).ok
    assert key_ids(sb, token, request) == [generated]
    rotated = run(
        sb,
        tmp_path / "third",
        token,
        RegistrationRequest(
            name="edw-case-cert", roles=("User.Read.All",), credential="certificate", rotate=True
        ),
    )
    assert rotated.ok and rotated.verified is True, rotated.findings
    new_key = next(e.key_id for e in rotated.created if e.kind == "key_credential")
    assert key_ids(sb, token, request) == [new_key]


def test_consent_granted_meanwhile_is_success_not_an_error(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    bare = RegistrationRequest(name="edw-case-already")
    assert run(sb, tmp_path / "first", token, bare).verified is True
    request = RegistrationRequest(name="edw-case-already", roles=("User.Read.All",))
    planned = plan_now(sb, token, request)
    assert {s.action: s.status for s in planned.steps}["grant admin consent"] == "todo"
    principal = str((planned.facts.service_principal or {})["id"])
    resource = planned.facts.resource or {}
    role = next(r for r in resource["appRoles"] if r["value"] == "User.Read.All")
    with graph(sb, token) as client:  # another admin grants it between plan and apply
        granted = client.post(
            f"/servicePrincipals/{resource['id']}/appRoleAssignedTo",
            json={"principalId": principal, "resourceId": resource["id"], "appRoleId": role["id"]},
        )
        assert granted.status_code == 201, granted.text
    events: list[ProgressEvent] = []
    result = apply(
        planned,
        token,
        options(sb, tmp_path / "second"),
        progress=events.append,
        check_stale=False,  # the stale check would refuse it first; this is the race after that check
    )
    assert result.findings == [] and result.ok
    assert not [e for e in result.created if e.kind == "app_role_assignment"]
    # Nothing this run could present (the secret is the first run's): not proven, and said how to prove it.
    assert result.verified is None and result.prove_with is not None
    assert f"--client-id {result.client_id}" in result.prove_with
    assert any(e.step == "verify" and e.status == "unproven" for e in events)
    consent = [e for e in events if e.step == "grant admin consent"]
    assert consent and consent[-1].status in ("done", "skipped")


def test_an_application_developer_registers_proves_and_undoes_and_is_told_who_must_consent(
    sb: Sandbox, tmp_path: Path
) -> None:
    token = admin(sb, "Application Developer")
    request = RegistrationRequest(name="edw-case-dev")  # no permission asked: nothing this role may not do
    assert all(s.status != "blocked" for s in plan_now(sb, token, request).steps)
    result = run(sb, tmp_path, token, request)
    assert result.verified is True  # the new secret gets a token
    assert [e.kind for e in result.created] == ["application", "service_principal", "password"]
    # doctor on the new app: a token without roles; the finding says an administrator must consent.
    assert [f.code for f in result.findings] == ["roles-missing"]
    again = run(sb, tmp_path / "again", token, request)
    assert again.created == [] and again.changed == []
    done = undo(Journal.load(tmp_path / "journal.json"), token, UndoOptions(ca_file=sb.ca_file, purge=True))
    assert done.ok and len(done.removed) == 3
    assert plan_now(sb, token, request).facts.app is None


def test_a_cloud_application_administrator_registers_an_own_api_consents_proves_and_undoes(
    sb: Sandbox, tmp_path: Path
) -> None:
    token = admin(sb, "Cloud Application Administrator")
    request = RegistrationRequest(
        name="edw-case-cloudadmin", roles=("Orders.Read.All",), resource="edw-case-orders-api"
    )
    steps = {s.action: s.status for s in plan_now(sb, token, request).steps}
    assert steps["grant admin consent"] == "todo"  # other APIs' app roles: this role may grant them
    result = run(sb, tmp_path, token, request)
    assert result.ok and result.verified is True, result.findings
    # An own API has no URL for doctor to call: the token and its roles are the proof.
    assert result.doctor is not None and result.doctor["verdict"] == "skipped"
    again = run(sb, tmp_path / "again", token, request)
    assert again.created == [] and again.changed == []
    done = undo(Journal.load(tmp_path / "journal.json"), token, UndoOptions(ca_file=sb.ca_file, purge=True))
    assert done.ok and len(done.removed) == len(result.created)
    assert plan_now(sb, token, request).facts.app is None


def test_the_plan_names_the_graph_request_of_each_step(sb: Sandbox, tmp_path: Path) -> None:
    token = admin(sb, GA)
    request = RegistrationRequest(name="edw-case-requests", roles=("User.Read.All",))
    before = {s.action: s for s in plan_now(sb, token, request).steps}
    assert before["create application"].request == (
        "PATCH /v1.0/applications(uniqueName='edw-case-requests') + Prefer: create-if-missing"
    )
    graph_sp = plan_now(sb, token, request).facts.resource or {}
    assert before["grant admin consent"].request == (
        f"POST /v1.0/servicePrincipals/{graph_sp['id']}/appRoleAssignedTo"
    )
    assert before["add client secret"].request.endswith("/addPassword")
    assert before["add client secret"].to_dict()["request"] == before["add client secret"].request
    assert run(sb, tmp_path, token, request).ok
    after = plan_now(sb, token, request)
    object_id = str((after.facts.app or {})["id"])
    steps = {s.action: s for s in after.steps}
    assert steps["add client secret"].request == f"POST /v1.0/applications/{object_id}/addPassword"
    app_id = str((after.facts.app or {})["appId"])
    assert steps["create service principal"].request == (
        f"PATCH /v1.0/servicePrincipals(appId='{app_id}') + Prefer: create-if-missing"
    )
