"""The ToDo API (ASP.NET JwtBearer behaviour), admin consent and run-time state changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import msal
from sandbox_tokens import secret_token as _token
from sandbox_tokens import todo_scope as _todo_scope

from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client, requests_session

GRAPH = "https://graph.microsoft.com/.default"


def test_todo_crud(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    h = {"Authorization": f"Bearer {_token(sandbox, sandbox_http, 'todo-daemon', _todo_scope(sandbox))}"}
    url = f"{sandbox.todo_base_url}/api/todolist"
    assert sandbox_http.get(url, headers=h).status_code == 200
    created = sandbox_http.post(url, json={"task": "Write the sandbox"}, headers=h)
    assert created.status_code == 201
    item = created.json()
    assert item["task"] == "Write the sandbox"
    assert item["owner"] == sandbox.app("todo-daemon").sp_object_id
    item_url = f"{url}/{item['id']}"
    assert sandbox_http.put(item_url, json={"task": "Ship it"}, headers=h).json()["task"] == "Ship it"
    assert sandbox_http.get(item_url, headers=h).json()["task"] == "Ship it"
    assert sandbox_http.delete(item_url, headers=h).status_code == 204
    assert sandbox_http.get(item_url, headers=h).status_code == 404
    assert sandbox_http.post(url, json={"nothing": 1}, headers=h).status_code == 400


def test_todo_reader_cannot_write(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    h = {
        "Authorization": f"Bearer {_token(sandbox, sandbox_http, 'todo-reader-daemon', _todo_scope(sandbox))}"
    }
    url = f"{sandbox.todo_base_url}/api/todolist"
    assert sandbox_http.get(url, headers=h).status_code == 200
    denied = sandbox_http.post(url, json={"task": "x"}, headers=h)
    assert denied.status_code == 403
    assert denied.content == b""


def test_todo_401s_like_jwt_bearer(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    url = f"{sandbox.todo_base_url}/api/todolist"
    none = sandbox_http.get(url)
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == "Bearer"
    graph_token = _token(sandbox, sandbox_http, "graph-daemon", GRAPH)
    wrong = sandbox_http.get(url, headers={"Authorization": f"Bearer {graph_token}"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == (
        'Bearer error="invalid_token", '
        "error_description=\"The audience 'https://graph.microsoft.com' is invalid\""
    )
    assert wrong.content == b""


def test_external_tenant_todo(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = _token(sandbox, sandbox_http, "ext-todo-daemon", _todo_scope(sandbox, "fabrikamext"))
    r = sandbox_http.get(
        f"{sandbox.todo_base_url}/api/todolist", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200
    assert isinstance(r.json(), list)


def test_admin_consent_page_grant_and_new_token(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    app = sb.app("unconsented-daemon")
    with httpx_client(sb.ca_file, timeout=10) as http:
        before = _token(sb, http, "unconsented-daemon", GRAPH)
        users = f"{sb.graph_base_url}/users"
        assert http.get(users, headers={"Authorization": f"Bearer {before}"}).status_code == 403
        page = http.get(f"{app.authority}/adminconsent", params={"client_id": app.client_id})
        assert page.status_code == 200
        assert "User.Read.All" in page.text
        assert "Unconsented Daemon" in page.text
        accepted = http.get(
            f"{app.authority}/v2.0/adminconsent",
            params={
                "client_id": app.client_id,
                "scope": GRAPH,
                "redirect_uri": "http://localhost:8400/done",
                "state": "xyz",
                "accept": "true",
            },
        )
        assert accepted.status_code == 302
        q = parse_qs(urlsplit(accepted.headers["location"]).query)
        assert q == {"admin_consent": ["True"], "tenant": [app.tenant_id], "scope": [GRAPH], "state": ["xyz"]}
        # The old token keeps its (missing) roles; a new one carries the grant.
        assert http.get(users, headers={"Authorization": f"Bearer {before}"}).status_code == 403
        after = _token(sb, http, "unconsented-daemon", GRAPH)
        assert http.get(users, headers={"Authorization": f"Bearer {after}"}).status_code == 200


def test_admin_consent_refused(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    app = sb.app("unconsented-daemon")
    with httpx_client(sb.ca_file, timeout=10) as http:
        r = http.post(
            f"{app.authority}/adminconsent",
            data={"client_id": app.client_id, "redirect_uri": "https://localhost/cb", "accept": "false"},
        )
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["location"]).query)
    assert q["error"] == ["access_denied"]
    assert (
        sb.state.roles_for(sb.state.find_app(app.client_id)[1], sb.state.tenants[app.tenant_id].apis()[0])
        == []
    )


def test_grant_consent_and_expire_secret_at_run_time(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    app = sb.app("unconsented-daemon")
    session = requests_session(sb.ca_file)

    def acquire() -> dict[str, Any]:
        cca = msal.ConfidentialClientApplication(
            app.client_id,
            client_credential=app.secret,
            authority=app.authority,
            http_client=session,
            instance_discovery=False,
        )
        result: dict[str, Any] = cca.acquire_token_for_client([GRAPH])
        return result

    first = acquire()
    assert "roles" not in jwt.decode(first["access_token"], options={"verify_signature": False})
    assert sb.state.grant_consent(app.client_id) == 1
    second = acquire()
    assert jwt.decode(second["access_token"], options={"verify_signature": False})["roles"] == [
        "User.Read.All"
    ]
    sb.state.expire_secret(app.client_id)
    assert acquire()["error_codes"] == [7000222]
    session.close()
