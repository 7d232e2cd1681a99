"""Real msal against the sandbox tenant over HTTPS: its refusals and API answers feed the diagnosis engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import msal
import pytest
import requests

from wizard.cli.main import main
from wizard.diagnosis import diagnose
from wizard.live.token_keys import verify_token
from wizard.sandbox import Sandbox

GRAPH = ["https://graph.microsoft.com/.default"]


def _token(sb: Sandbox, session: requests.Session, name: str, scopes: list[str], **kw: Any) -> dict[str, Any]:
    app = sb.app(name)
    cca = msal.ConfidentialClientApplication(
        kw.pop("client_id", app.client_id),
        client_credential=kw.pop("credential", app.secret),
        authority=kw.pop("authority", app.authority),
        http_client=session,
        instance_discovery=False,
    )
    result: dict[str, Any] = cca.acquire_token_for_client(scopes)
    return result


def _todo_scope(sb: Sandbox, name: str) -> list[str]:
    tenant = next(t for t in sb.state.tenants.values() if t.spec.id == sb.app(name).tenant_id)
    api = tenant.api_by_name("todo-api")
    assert api is not None
    return [f"{api.app_id_uri}/.default"]


def _config(sb: Sandbox, name: str, scopes: list[str]) -> dict[str, Any]:
    app = sb.app(name)
    return {
        "authority": app.authority,
        "client_id": app.client_id,
        "credential_type": "secret",
        "scopes": scopes,
    }


@pytest.mark.parametrize(
    ("name", "scopes", "kw", "code"),
    [
        ("graph-daemon", GRAPH, {"credential": "wrong-secret"}, "secret-invalid"),
        ("expired-secret-daemon", GRAPH, {}, "secret-expired"),
        ("disabled-daemon", GRAPH, {}, "app-disabled"),
        ("no-sp-daemon", GRAPH, {}, "service-principal-missing"),
        (
            "unassigned-daemon",
            ["https://contoso.onmicrosoft.com/secured-api/.default"],
            {},
            "assignment-required",
        ),
        ("graph-daemon", ["User.Read"], {}, "scope-not-default"),
        ("graph-daemon", ["https://management.azure.com/.default"], {}, "resource-not-in-tenant"),
        ("graph-daemon", [*GRAPH, "https://management.azure.com/.default"], {}, "scope-multiple"),
        ("graph-daemon", [*GRAPH, "https://graph.microsoft.com/User.Read"], {}, "scope-multiple"),
        ("graph-daemon", GRAPH, {"client_id": "11111111-2222-3333-4444-555555555555"}, "app-not-in-tenant"),
    ],
)
def test_token_endpoint_refusals_are_named(
    sandbox: Sandbox,
    sandbox_session: requests.Session,
    name: str,
    scopes: list[str],
    kw: dict[str, Any],
    code: str,
) -> None:
    result = _token(sandbox, sandbox_session, name, scopes, **kw)
    assert "error" in result, result
    diagnosis = diagnose({"config": _config(sandbox, name, scopes), "token_error": result})
    assert diagnosis.codes[:1] == [code], diagnosis.codes
    assert diagnosis.verdict == "fail"
    secret = sandbox.app(name).secret
    assert secret is None or secret not in json.dumps(diagnosis.to_dict())


def test_non_guid_client_id_is_named_from_entras_answer_alone(
    sandbox: Sandbox, sandbox_session: requests.Session
) -> None:
    # Only the error, as `explain --error` gets it: no configuration to see the client ID in.
    result = _token(sandbox, sandbox_session, "graph-daemon", GRAPH, client_id="Enter_the_Client_Id_Here")
    assert result["error_codes"] == [700038], result
    diagnosis = diagnose({"token_error": result})
    assert diagnosis.codes[:1] == ["app-not-in-tenant"], diagnosis.codes


def _call(http: httpx.Client, method: str, url: str, token: str) -> dict[str, Any]:
    response = http.request(method, url, headers={"Authorization": f"Bearer {token}"}, json={"task": "x"})
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = response.text
    return {
        "request": f"{method} {url}",
        "status": response.status_code,
        "body": body,
        "www_authenticate": response.headers.get("WWW-Authenticate", ""),
    }


@pytest.mark.parametrize(
    ("name", "api", "method", "path", "code"),
    [
        ("graph-daemon", "graph", "GET", "/users", "ok"),
        ("unconsented-daemon", "graph", "GET", "/users", "roles-missing"),
        ("graph-daemon", "graph", "GET", "/me", "me-endpoint-app-token"),
        ("todo-reader-daemon", "todo", "POST", "/api/todolist", "permission-wrong"),
        ("todo-daemon", "todo", "POST", "/api/todolist", "ok"),
    ],
)
def test_api_answers_are_named(
    sandbox: Sandbox,
    sandbox_session: requests.Session,
    sandbox_http: httpx.Client,
    name: str,
    api: str,
    method: str,
    path: str,
    code: str,
) -> None:
    todo_scope = _todo_scope(sandbox, name) if api == "todo" else GRAPH
    result = _token(sandbox, sandbox_session, name, todo_scope)
    token = result["access_token"]
    base = sandbox.graph_base_url if api == "graph" else sandbox.todo_base_url
    evidence = {
        "config": _config(sandbox, name, todo_scope),
        "access_token": token,
        "api": _call(sandbox_http, method, base + path, token),
    }
    diagnosis = diagnose(evidence, strict=True)
    assert diagnosis.codes[:1] == [code], (diagnosis.codes, evidence["api"])
    assert token not in json.dumps(diagnosis.to_dict())


def test_decode_verify_against_the_sandbox_jwks(
    sandbox: Sandbox, sandbox_session: requests.Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scope = _todo_scope(sandbox, "todo-daemon")
    token = _token(sandbox, sandbox_session, "todo-daemon", scope)["access_token"]
    # The sandbox is not Entra: its issuer is trusted only when named (--issuer).
    issuer = f"{sandbox.app('todo-daemon').authority}/v2.0"
    result = verify_token(token, verify=sandbox.ca_file, issuer=issuer)
    assert result.verified, result
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert not verify_token(tampered, verify=sandbox.ca_file, issuer=issuer).verified
    argv = ["decode", token, "--verify", "--issuer", issuer, "--ca-file", sandbox.ca_file, "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["signature"]["verified"] is True
    assert data["summary"]["version"] == "2.0"


def test_graph_token_is_not_verified_but_explained(
    sandbox: Sandbox, sandbox_session: requests.Session
) -> None:
    token = _token(sandbox, sandbox_session, "graph-daemon", GRAPH)["access_token"]
    result = verify_token(token, verify=sandbox.ca_file)
    assert not result.verified
    assert "Graph" in result.reason
