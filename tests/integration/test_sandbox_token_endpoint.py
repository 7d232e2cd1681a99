"""The token endpoint over plain httpx: request shapes, client assertions and Entra's exact errors."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import httpx
import pytest
from sandbox_tokens import client_assertion, post_assertion

from wizard.sandbox import Sandbox

GRAPH = "https://graph.microsoft.com/.default"


def _post(http: httpx.Client, url: str, **data: str) -> httpx.Response:
    return http.post(url, data={"grant_type": "client_credentials", **data})


def _assert_entra_error(r: httpx.Response, status: int, error: str, code: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    desc = body["error_description"]
    assert desc.startswith(f"AADSTS{code}: ")
    assert (
        f"\r\nTrace ID: {body['trace_id']}\r\nCorrelation ID: {body['correlation_id']}\r\nTimestamp: " in desc
    )
    assert body["error_uri"] == f"https://login.microsoftonline.com/error?code={code}"
    assert set(body) == {
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    }
    return body


def test_basic_auth_secret(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret
    r = sandbox_http.post(
        f"{app.authority}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "scope": GRAPH},
        auth=(app.client_id, app.secret),
    )
    assert r.status_code == 200
    assert r.json()["expires_in"] == r.json()["ext_expires_in"] == 3599
    assert r.headers["cache-control"] == "no-store, no-cache"


def test_correlation_id_echoes_client_request_id(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    app = sandbox.app("graph-daemon")
    cid = str(uuid.uuid4())
    r = sandbox_http.post(
        f"{app.authority}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": app.client_id, "scope": GRAPH},
        headers={"client-request-id": cid},
    )
    body = _assert_entra_error(r, 401, "invalid_client", 7000216)
    assert body["correlation_id"] == cid


@pytest.mark.parametrize(
    ("tenant", "status", "error", "code"),
    [
        ("common", 400, "invalid_request", 9001023),
        ("consumers", 400, "invalid_request", 9001023),
        ("not a tenant!", 400, "invalid_request", 900023),
        ("00000000-0000-0000-0000-00000000dead", 400, "invalid_tenant", 90002),
        ("nowhere.onmicrosoft.com", 400, "invalid_tenant", 90002),
    ],
)
def test_tenant_errors(
    sandbox: Sandbox, sandbox_http: httpx.Client, tenant: str, status: int, error: str, code: int
) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret
    r = _post(
        sandbox_http,
        f"{sandbox.base_url}/{tenant}/oauth2/v2.0/token",
        client_id=app.client_id,
        client_secret=app.secret,
        scope=GRAPH,
    )
    _assert_entra_error(r, status, error, code)


def test_request_shape_errors(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret
    url = f"{app.authority}/oauth2/v2.0/token"
    _assert_entra_error(
        _post(sandbox_http, url, client_id=app.client_id, client_secret=app.secret),
        400,
        "invalid_request",
        90014,
    )
    r = _post(
        sandbox_http,
        url,
        client_id=app.client_id,
        client_secret=app.secret,
        scope=GRAPH,
        resource="https://graph.microsoft.com",
    )
    _assert_entra_error(r, 400, "invalid_request", 901002)
    r = sandbox_http.post(url, data={"client_id": app.client_id, "scope": GRAPH})
    _assert_entra_error(r, 400, "invalid_request", 900144)
    r = _post(sandbox_http, url, client_id=app.client_id, client_secret=app.secret, scope="openid")
    body = _assert_entra_error(r, 400, "invalid_scope", 1002012)
    assert "The provided value for scope openid is not valid." in body["error_description"]
    r = _post(
        sandbox_http,
        url,
        client_id=app.client_id,
        client_secret=app.secret,
        scope="api://unknown-api/.default",
    )
    body = _assert_entra_error(r, 400, "invalid_resource", 500011)
    assert (
        "The resource principal named api://unknown-api was not found in the tenant named Contoso."
        in body["error_description"]
    )


def test_secret_id_pasted_instead_of_value(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    app = sandbox.app("graph-daemon")
    assert app.secret_id
    r = _post(
        sandbox_http,
        f"{app.authority}/oauth2/v2.0/token",
        client_id=app.client_id,
        client_secret=app.secret_id,
        scope=GRAPH,
    )
    body = _assert_entra_error(r, 401, "invalid_client", 7000215)
    assert "not the client secret ID" in body["error_description"]


def _assertion(sb: Sandbox, name: str, *, alg: str = "RS256", **claims: Any) -> str:
    return client_assertion(sb, name, alg=alg, **claims)


def _with_assertion(
    sb: Sandbox, http: httpx.Client, assertion: str, *, name: str = "cert-daemon"
) -> httpx.Response:
    return post_assertion(sb, http, assertion, name=name)


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_hand_made_assertions(sandbox: Sandbox, sandbox_http: httpx.Client, alg: str) -> None:
    r = _with_assertion(sandbox, sandbox_http, _assertion(sandbox, "cert-daemon", alg=alg))
    assert r.status_code == 200, r.text


def test_assertion_outside_time_window_is_700024(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    now = int(time.time())
    stale = _assertion(sandbox, "cert-daemon", nbf=now - 7200, exp=now - 3600)
    body = _assert_entra_error(_with_assertion(sandbox, sandbox_http, stale), 401, "invalid_client", 700024)
    assert "Client assertion is not within its valid time range." in body["error_description"]


def test_assertion_for_wrong_audience_is_refused(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    wrong = _assertion(
        sandbox, "cert-daemon", aud="https://login.microsoftonline.com/other/oauth2/v2.0/token"
    )
    r = _with_assertion(sandbox, sandbox_http, wrong)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"


def test_assertion_with_other_issuer_is_700021(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    other = _assertion(sandbox, "cert-daemon", iss="someone-else", sub="someone-else")
    _assert_entra_error(_with_assertion(sandbox, sandbox_http, other), 401, "invalid_client", 700021)


def test_assertion_signed_by_other_key_is_700027(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    good = _assertion(sandbox, "cert-daemon")
    head, body, _ = good.split(".")
    forged = f"{head}.{body}.{base64.urlsafe_b64encode(b'x' * 256).rstrip(b'=').decode()}"
    _assert_entra_error(_with_assertion(sandbox, sandbox_http, forged), 401, "invalid_client", 700027)
