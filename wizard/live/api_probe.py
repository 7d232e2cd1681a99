"""Own web API probe over httpx: one call (a GET unless the profile says), or the ToDo create/read/update/delete sequence of the samples."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, cast

from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import TracingTransport
from wizard.live.results import ApiResult, TokenResult
from wizard.live.trace import Trace
from wizard.profile import Profile

if TYPE_CHECKING:
    import httpx

TODO_PATH = "api/todolist"


def _send(
    client: httpx.Client,
    transport: TracingTransport,
    method: str,
    url: str,
    token: TokenResult,
    body: dict[str, Any] | None = None,
    content: str | None = None,
) -> ApiResult:
    start = time.monotonic()
    headers = {"Authorization": f"Bearer {token.access_token.reveal()}", "Accept": "application/json"}
    headers.update(service_headers(token))
    if content is not None:
        headers["Content-Type"] = "application/json"
        client.request(method, url, headers=headers, content=content.encode())
    else:
        client.request(method, url, headers=headers, json=body)
    response = transport.last_response
    assert response is not None  # the transport raises when no answer came
    return ApiResult(
        method=method,
        url=url,
        status=response.status_code,
        headers=dict(response.headers),
        body=response.text,
        duration_ms=(time.monotonic() - start) * 1000,
    )


#: Azure Storage takes Entra tokens only with a recent `x-ms-version`; its SDKs always send one.
STORAGE_VERSION = "2025-01-05"


def service_headers(token: TokenResult) -> dict[str, str]:
    """Headers the service's own SDK would add, judged by the resource the token was asked for."""
    resource = token.scope.strip().lower().removesuffix("/.default").rstrip("/")
    if resource in {"https://storage.azure.com", "e406a681-f3d4-42a8-90b6-c2b029497af1"}:
        return {"x-ms-version": STORAGE_VERSION}
    return {}


def _client(transport: TracingTransport) -> httpx.Client:
    import httpx

    return httpx.Client(transport=cast("httpx.BaseTransport", transport), trust_env=False)


def _url(base: str, path: str | None) -> str:
    return base.rstrip("/") + ("/" + path.lstrip("/") if path else "")


def probe_api(
    profile: Profile,
    token: TokenResult,
    *,
    settings: HttpSettings,
    path: str | None = None,
    trace: Trace | None = None,
) -> ApiResult:
    """base_url + relative_path with the token: a GET, or the profile's own method and JSON body."""
    trace = trace or token.trace
    trace.add_secret(token.access_token.reveal())
    transport = TracingTransport(settings, trace, "api")
    method = (profile.api.method or "GET").upper()
    url = _url(profile.api_base_url, path or profile.api.relative_path)
    with _client(transport) as client:
        return _send(
            client, transport, method, url, token, content=profile.api.body if method != "GET" else None
        )


def _id_of(result: ApiResult) -> str | None:
    data = result.body_json()
    if isinstance(data, dict):
        for key in ("id", "Id", "ID"):
            if key in data:
                return str(data[key])
    return None


def crud_sequence(
    profile: Profile, token: TokenResult, *, settings: HttpSettings, trace: Trace | None = None
) -> list[ApiResult]:
    """POST, GET, POST, GET, DELETE, GET, PUT, GET, DELETE, GET against /api/todolist, as the
    External ID .NET daemon sample does; stops at the first refused call (its answer is the evidence)."""
    trace = trace or token.trace
    trace.add_secret(token.access_token.reveal())
    base = _url(profile.api_base_url, TODO_PATH)
    transport = TracingTransport(settings, trace, "api")
    results: list[ApiResult] = []
    with _client(transport) as client:

        def step(method: str, url: str, body: dict[str, Any] | None = None) -> ApiResult:
            result = _send(client, transport, method, url, token, body)
            results.append(result)
            return result

        first = step("POST", base, {"task": "Buy milk (daemon-wizard)"})
        if not first.ok:
            return results
        first_id = _id_of(first)
        if not step("GET", base).ok:
            return results
        second = step("POST", base, {"task": "Call the bank (daemon-wizard)"})
        second_id = _id_of(second)
        step("GET", base)
        if first_id:
            step("DELETE", f"{base}/{first_id}")
        step("GET", base)
        if second_id:
            step(
                "PUT",
                f"{base}/{second_id}",
                {"id": _jsonable(second_id), "task": "Call the bank at 9"},
            )
        step("GET", base)
        if second_id:
            step("DELETE", f"{base}/{second_id}")
        step("GET", base)
    return results


def _jsonable(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
