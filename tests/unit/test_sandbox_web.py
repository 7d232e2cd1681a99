"""The sandbox's ASGI toolkit (wizard.sandbox.web) answers as Starlette, which it replaced, answers.

The same route table is built twice, once from each, with endpoints that echo what they read of the
request (method, path and query parameters, headers, the URL, the client, the form or body); the same
requests go through both and the messages they send must be the same. Hypothesis makes up paths, queries
and forms; the cases written out are the ones the sandbox's endpoints depend on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.responses import HTMLResponse as SHTMLResponse
from starlette.responses import JSONResponse as SJSONResponse
from starlette.responses import RedirectResponse as SRedirectResponse
from starlette.responses import Response as SResponse
from starlette.routing import Route as SRoute

from wizard.sandbox.web.requests import ClientDisconnect, Request
from wizard.sandbox.web.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from wizard.sandbox.web.routing import Route, Router, compile_path

Kit = dict[str, Any]
OURS: Kit = {"Route": Route, "JSON": JSONResponse, "HTML": HTMLResponse, "Redirect": RedirectResponse}
THEIRS: Kit = {"Route": SRoute, "JSON": SJSONResponse, "HTML": SHTMLResponse, "Redirect": SRedirectResponse}
OURS["Response"], THEIRS["Response"] = Response, SResponse


def _endpoints(kit: Kit) -> dict[str, Callable[[Any], Any]]:
    async def echo(request: Any) -> Any:
        url = request.url
        return kit["JSON"](
            {
                "method": request.method,
                "path_params": request.path_params,
                "query": list(request.query_params.multi_items()),
                "query_get": {k: request.query_params.get(k) for k in request.query_params},
                "host": request.headers.get("HOST"),
                "x": request.headers.get("x-thing"),
                "has_x": "X-Thing" in request.headers,
                "url": [str(url), url.path, url.hostname, url.port],
                "client": list(request.client) if request.client else None,
                "state": request.app.state.marker,
            }
        )

    async def form(request: Any) -> Any:
        data = await request.form()
        return kit["JSON"]({"items": list(data.items()), "grant": data.get("grant_type")})

    async def body(request: Any) -> Any:
        raw = await request.body()
        again = await request.body()
        return kit["Response"](raw + b"|" + again, status_code=201, media_type="application/octet-stream")

    async def page(request: Any) -> Any:
        response = kit["HTML"]("<p>h\u00e9llo</p>", headers={"Cache-Control": "no-store"})
        response.headers["Retry-After"] = "3"
        response.headers["cache-control"] = "private"
        return response

    async def gone(request: Any) -> Any:
        target = request.query_params.get("to", "https://app.example/cb?x=1 2&y=\u00e9")
        return kit["Redirect"](target, status_code=302)

    async def empty(request: Any) -> Any:
        response = kit["Response"](status_code=204)
        response.status_code = 204
        return response

    async def boom(request: Any) -> Any:
        raise RuntimeError("an endpoint's bug")

    return {
        "echo": echo,
        "form": form,
        "body": body,
        "page": page,
        "gone": gone,
        "empty": empty,
        "boom": boom,
    }


def _table(kit: Kit) -> list[Any]:
    e, R = _endpoints(kit), kit["Route"]
    return [
        R("/", e["echo"]),
        R("/{tenant}/oauth2/v2.0/token", e["form"], methods=["GET", "POST"]),
        R("/{tenant}/v2.0/.well-known/openid-configuration", e["echo"]),
        R("/v1.0/applications/{id}", e["body"], methods=["PATCH", "DELETE"]),
        R("/v1.0/applications/{id}/owners", e["echo"]),
        R("/pages/{name}", e["page"], methods=["GET", "post"]),
        R("/go", e["gone"]),
        R("/empty", e["empty"], methods=["DELETE"]),
        R("/things/", e["echo"]),
        R("/boom", e["boom"]),
        R("/blob/{account}/{container}/{name:path}", e["echo"], methods=["GET", "PUT"]),
        R("/v1.0/{rest:path}", e["echo"], methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    ]


def _app(kit: Kit) -> Any:
    app: Any = Starlette(routes=_table(kit)) if kit is THEIRS else Router(_table(kit))
    app.state.marker = "sandbox"
    return app


APPS = {"ours": _app(OURS), "theirs": _app(THEIRS)}
#: What each run sent, kept when the app raises too.
SENT: list[list[dict[str, Any]]] = []


def _scope(method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "https",
        "method": method,
        "path": path,
        "raw_path": path.encode("utf-8"),
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "server": ("127.0.0.1", 8443),
        "client": ("127.0.0.1", 50123),
    }


def _run(app: Any, scope: dict[str, Any], chunks: list[bytes]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    pending = list(chunks) or [b""]

    async def receive() -> dict[str, Any]:
        if not pending:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": pending.pop(0), "more_body": bool(pending)}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    SENT.append(sent)
    asyncio.run(app(dict(scope), receive, send))
    for message in sent:  # Starlette's Allow lists a set's members in hash order: compare them sorted
        if message["type"] == "http.response.start":
            message["headers"] = [
                (k, b", ".join(sorted(v.split(b", "))) if k == b"allow" else v) for k, v in message["headers"]
            ]
    return sent


def _both(
    method: str,
    path: str,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    chunks: list[bytes] | None = None,
) -> list[dict[str, Any]]:
    head = headers if headers is not None else [(b"host", b"127.0.0.1:8443")]
    scope = _scope(method, path, query, head)
    ours, theirs = (_run(APPS[k], scope, chunks or []) for k in ("ours", "theirs"))
    assert ours == theirs, f"{method} {path}?{query!r}"
    assert ours, "the app sent nothing"
    return ours


FORM = [(b"host", b"login.example:443"), (b"content-type", b"application/x-www-form-urlencoded")]
TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("HEAD", "/", 200),  # GET brings HEAD
        ("POST", "/", 405),
        ("GET", f"/{TENANT}/v2.0/.well-known/openid-configuration", 200),
        ("GET", f"/{TENANT}/oauth2/v2.0/token", 200),
        ("PUT", f"/{TENANT}/oauth2/v2.0/token", 405),
        ("GET", f"/{TENANT}/oauth2/v2.0/token/", 307),  # the slash-less twin is a route
        ("GET", "/things", 307),  # and the slashed one
        ("GET", "/nothing/here", 404),
        ("GET", "/v1.0/applications/abc", 200),  # the write route's path; Graph's catch-all takes the GET
        ("OPTIONS", "/v1.0/applications/abc", 405),  # neither takes OPTIONS: the first partial answers
        ("PATCH", "/v1.0/applications/abc", 201),
        ("GET", "/v1.0/applications/abc/owners", 200),
        ("GET", "/blob/acct/box/a/b/c.txt", 200),
        ("GET", "/blob/acct/box/", 200),  # `path` takes an empty rest
        ("GET", "/pages/x", 200),
        ("POST", "/pages/x", 200),  # methods are upper-cased
        ("GET", "/go", 302),
        ("DELETE", "/empty", 204),
        ("GET", "/\n", 200),  # `$` matches before a final newline, as in Starlette's regexes
        ("GET", "/pages/x\n", 200),
        ("GET", "/pages/a?b#c", 200),  # escaped in request.url.path
    ],
)
def test_routing_answers_as_starlette(method: str, path: str, status: int) -> None:
    sent = _both(method, path, b"a=1&b=&a=2&c=%C3%A9+x", [(b"host", b"127.0.0.1:8443"), (b"x-thing", b"1")])
    assert sent[0]["status"] == status


def test_url_falls_back_to_the_servers_address_without_a_host_header() -> None:
    sent = _both("GET", "/", headers=[])
    assert b'"url":["https://127.0.0.1:8443/","/","127.0.0.1",8443]' in sent[1]["body"]


def test_forms_are_read_as_starlette_reads_them() -> None:
    body = urlencode({"grant_type": "client_credentials", "scope": "https://graph.microsoft.com/.default"})
    sent = _both(
        "POST", f"/{TENANT}/oauth2/v2.0/token", headers=FORM, chunks=[body[:10].encode(), body[10:].encode()]
    )
    assert b'"grant":"client_credentials"' in sent[1]["body"]
    # another content type has no form; a repeated field's last value is the one `get` gives
    _both(
        "POST",
        f"/{TENANT}/oauth2/v2.0/token",
        headers=[(b"content-type", b"application/json")],
        chunks=[b"{}"],
    )
    repeated = [(b"content-type", b"application/x-www-form-urlencoded; charset=utf-8")]
    sent = _both(
        "POST", f"/{TENANT}/oauth2/v2.0/token", headers=repeated, chunks=[b"grant_type=a&grant_type=b&x"]
    )
    assert b'"grant":"b"' in sent[1]["body"]


@pytest.mark.parametrize(
    "body",
    [
        b"a=1&&b=2",
        b"a=1&",
        b"&a",
        b"a=1;b=2",
        b"noeq&x=1",
        b"=v",
        b"a==b",
        b"a=%zz+1",
        b"a=\xe9&b=%C3%A9",
        b"",
        b"a=1&" * 999 + b"grant_type=x&",  # 1,000 fields and a trailing `&`
        b"a=1&" * 1001,  # too many: a 400 in plain text
        b"grant_type=" + b"x" * (1024 * 1024),  # a field of 1 MiB and 11 bytes: too long
        b"grant_type=" + b"x" * (1024 * 1024 - 11) + b"&a=1",  # one of 1 MiB: taken
    ],
)
def test_odd_and_oversized_forms_are_read_or_refused_as_starlette_does(body: bytes) -> None:
    _both("POST", f"/{TENANT}/oauth2/v2.0/token", headers=FORM, chunks=[body])


@pytest.mark.parametrize(
    "host",
    [
        b"[",
        b"[::1",
        b"[::1]:8443",
        b"[fe80::zz]",
        b"h:99999",
        b"h:00443",
        b"h:abc",
        b"a/b",
        b"a@b",
        b"x?y",
        b"EX.com",
    ],
)
def test_a_host_header_that_is_no_authority_gives_way_to_the_servers_address(host: bytes) -> None:
    _both("GET", "/", headers=[(b"host", host)])
    _both("GET", "/things", headers=[(b"host", host)])  # the trailing-slash twin's Location


def test_an_endpoints_exception_is_a_500_the_middleware_sees_then_raised() -> None:
    sent = {}
    for name, app in APPS.items():
        with pytest.raises(RuntimeError, match="an endpoint's bug"):
            _run(app, _scope("GET", "/boom", b"", [(b"host", b"h")]), [])
        sent[name] = SENT[-1]
    assert sent["ours"] == sent["theirs"]
    assert sent["ours"][0]["status"] == 500 and sent["ours"][1]["body"] == b"Internal Server Error"


def test_a_body_is_read_whole_once_and_kept() -> None:
    sent = _both("PATCH", "/v1.0/applications/x", chunks=[b"ab", b"", b"cd"])
    assert sent[1]["body"] == b"abcd|abcd"


def test_a_client_gone_before_the_body_ends_is_a_client_disconnect() -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    with pytest.raises(ClientDisconnect):
        asyncio.run(Request(_scope("POST", "/", b"", []), receive).body())


def test_path_templates_refuse_unknown_convertors_and_repeated_names() -> None:
    assert compile_path("/a/{b}/{c:path}").pattern == "^/a/(?P<b>[^/]+)/(?P<c>.*)$"
    with pytest.raises(ValueError, match="Unknown path convertor 'int'"):
        compile_path("/a/{b:int}")
    with pytest.raises(ValueError, match="Duplicated param name b"):
        compile_path("/a/{b}/{b}")


_segment = st.text(alphabet="abc{}.%-_\n/é?", min_size=0, max_size=12)
_pairs = st.lists(st.tuples(st.text("ab=&+% é", max_size=4), st.text("ab=&+% é;", max_size=4)), max_size=4)


# The same 300 requests on every run: CI never meets a new one.
@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    prefix=st.sampled_from(
        ["/", f"/{TENANT}/oauth2/v2.0/", "/v1.0/", "/v1.0/applications/", "/blob/a/", "/pages/"]
    ),
    segment=_segment,
    query=_pairs,
    form=_pairs,
)
def test_made_up_requests_get_the_same_answers(
    method: str, prefix: str, segment: str, query: list[tuple[str, str]], form: list[tuple[str, str]]
) -> None:
    raw_form = "&".join(f"{quote(k)}={quote(v)}" if k else v for k, v in form).encode("utf-8")
    _both(method, prefix + segment, "&".join(f"{k}={v}" for k, v in query).encode("utf-8"), FORM, [raw_form])
