"""`SandboxHandle`: the sandbox's typed public API, as the live checks, the CLI and the TUI use it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from wizard.cli.main import main
from wizard.errors import UsageError
from wizard.live.sandbox_profile import running_sandbox, sandbox_app_profile
from wizard.profile import ApiKind
from wizard.sandbox import Sandbox, SandboxHandle, handle_for


def test_every_app_of_the_scenario_is_listed(sandbox: Sandbox) -> None:
    handle = handle_for(sandbox)
    names = [a.name for a in handle.apps()]
    # Not only the working ones: expired-secret, disabled and no-service-principal apps too.
    assert {"graph-daemon", "expired-secret-daemon", "disabled-daemon", "no-sp-daemon"} <= set(names)
    assert len(names) == sum(len(t.apps) for t in sandbox.scenario.tenants)


def test_an_unknown_app_names_the_known_ones(sandbox: Sandbox) -> None:
    with pytest.raises(UsageError) as caught:
        handle_for(sandbox).app("no-such-daemon")
    assert "graph-daemon" in (caught.value.hint or "")


def test_own_api_and_profile(sandbox: Sandbox) -> None:
    handle = handle_for(sandbox)
    own = handle.own_api("todo-daemon")
    assert own is not None and own.resource and own.roles
    assert handle.own_api("graph-daemon") is None
    profile, _ = sandbox_app_profile(handle, "todo-daemon")
    assert profile.api.kind is ApiKind.OWN
    assert profile.api.resource == own.resource
    assert profile.authority_override == handle.authority(profile.tenant)


def test_the_registration_tells_delegated_from_application(sandbox: Sandbox) -> None:
    handle = handle_for(sandbox)
    types = {
        access["type"]
        for entry in handle.registration(handle.app("delegated-daemon").client_id)["requiredResourceAccess"]
        for access in entry["resourceAccess"]
    }
    assert types == {"Scope"}
    consented = handle.registration(handle.app("graph-daemon").client_id)
    assert all(c.get("secretText") is None for c in consented["passwordCredentials"])


def test_admin_actions_go_through_the_handle(make_sandbox: Callable[..., Sandbox]) -> None:
    handle = SandboxHandle(make_sandbox())
    client_id = handle.app("unconsented-daemon").client_id
    assert handle.grant_consent(client_id) > 0
    assert handle.grant_consent(client_id) == 0  # nothing new the second time


def test_running_sandbox_gives_the_admins_view_of_the_registration() -> None:
    with running_sandbox(None, "delegated-daemon") as sp:
        assert sp.registration is not None
        assert sp.registration.data["appId"] == sp.profile.client_id


def test_doctor_sandbox_names_the_delegated_permission_first(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor", "--sandbox", "--sandbox-app", "delegated-daemon", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["findings"][0]["code"] == "permission-delegated"
