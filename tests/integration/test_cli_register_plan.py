"""`daemon-wizard register plan` on the sandbox: Graph read with the admin's token, role failures predicted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.delegated_helpers import (
    enter_code,
    finish,
    person,
    private_sandbox,
    public_client,
    start,
)
from wizard.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "plan")


def plan(sb: Sandbox, role: str | None, *args: str) -> tuple[int, dict[str, Any], str]:
    flags = [
        "--authority",
        sb.authority("contoso"),
        "--ca-file",
        sb.ca_file,
        "--client-id",
        public_client(sb),
    ]
    proc = start(["register", "plan", "--device-code", "--json", "--graph-url", sb.base_url, *flags, *args])
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert event["event"] == "device_code"
    assert 'id="done"' in enter_code(sb, event, person(sb, role))
    code, stdout, stderr = finish(proc)
    assert "Traceback" not in stderr
    return code, json.loads(stdout), stderr


def by_action(result: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in result["steps"] if s["action"] == action]


def test_application_administrator_cannot_grant_graph_permissions(sb: Sandbox) -> None:
    app_id = sb.app("unconsented-daemon").client_id
    code, result, stderr = plan(
        sb, "Application Administrator", "--app-id", app_id, "--role", "User.Read.All"
    )
    assert code == 1, stderr
    assert result["signed_in"]["roles"] == ["Application Administrator"]
    assert by_action(result, "create application")[0]["status"] == "done"
    assert by_action(result, "add application permission")[0]["status"] == "done"
    consent = by_action(result, "grant admin consent")[0]
    assert consent["status"] == "blocked"
    assert "Privileged Role Administrator or Global Administrator" in consent["reason"]
    assert consent["scope"] == "AppRoleAssignment.ReadWrite.All"
    tenant = {
        "id": sb.app("unconsented-daemon").tenant_id,
        "type": "AAD",
        "kind": "workforce",
        "subdomain": None,
    }
    assert result["tenant"] == tenant


def test_global_administrator_may_and_done_steps_are_done(sb: Sandbox) -> None:
    app_id = sb.app("graph-daemon").client_id
    code, result, stderr = plan(
        sb, "Global Administrator", "--app-id", app_id, "--role", "User.Read.All", "--role", "Mail.Send"
    )
    assert code == 0, stderr
    consent = {s["target"]: s["status"] for s in by_action(result, "grant admin consent")}
    assert consent == {"Microsoft Graph User.Read.All": "done", "Microsoft Graph Mail.Send": "todo"}
    added = {s["target"]: s["status"] for s in by_action(result, "add application permission")}
    assert added["Microsoft Graph Mail.Send"] == "todo"
    secret = by_action(result, "add client secret")[
        0
    ]  # the app has one: apply adds another only with --rotate
    assert secret["status"] == "done" and "--rotate" in secret["reason"]


def test_new_app_for_a_user_without_roles(sb: Sandbox) -> None:
    code, result, _ = plan(
        sb, None, "--name", "edw-new-daemon", "--role", "User.Read.All", "--role", "No.Such"
    )
    assert code == 1
    create = by_action(result, "create application")[0]
    assert create["status"] == "todo" and "Users can register applications" in create["reason"]
    assert result["app"] is None
    statuses = {s["target"]: s["status"] for s in by_action(result, "add application permission")}
    assert statuses["Microsoft Graph No.Such"] == "blocked"
