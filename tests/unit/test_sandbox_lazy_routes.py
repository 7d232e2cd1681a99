"""The sandbox's route table with lazy groups answers every request as the same table written out in full."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from wizard.sandbox import lazy_shapes
from wizard.sandbox.app import routes
from wizard.sandbox.lazy_routes import LazyRoutes
from wizard.sandbox.lazy_shapes_gen import render, shape
from wizard.sandbox.web.routing import BaseRoute, Match, Route

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
APP = "c0c0a000-0001-4000-a000-0000000000b0"


def _groups(table: list[BaseRoute]) -> list[LazyRoutes]:
    return [r for r in table if isinstance(r, LazyRoutes)]


def _written_out(table: list[BaseRoute]) -> list[BaseRoute]:
    """The same table with each lazy group replaced by its module's routes (importing them)."""
    return [inner for r in table for inner in (r.routes if isinstance(r, LazyRoutes) else [r])]


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


async def _handle(route: BaseRoute, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await route.handle(scope, receive, send)
    return sent


def _resolve(table: list[BaseRoute], scope: dict[str, Any]) -> tuple[object, ...]:
    """Which route the router hands the request to (the loop of wizard.sandbox.web.routing.Router) and, for a
    partial match, the 405 it answers and the route `scope["route"]` names once handled."""
    partial: tuple[BaseRoute, dict[str, Any]] | None = None
    for route in table:
        match, child = route.matches(dict(scope))
        if match is Match.FULL:
            return "full", child.get("route", route)  # a lazy group names the real route in its child scope
        if match is Match.PARTIAL and partial is None:
            partial = (route, child)
    if partial is None:
        return ("none",)
    route, child = partial
    handled = {**scope, "route": route, **child}  # what the router does before handing it over
    sent = asyncio.run(_handle(route, handled))
    return "partial", handled["route"], sent[0]["status"], sent[0]["headers"]


def _sample_paths(table: list[BaseRoute]) -> list[str]:
    """Every route's path with its parameters filled in, and near misses around each."""
    paths = {"/", "/nope", "/v1.0/users", "/v1.0/users/", "/api/todolist/", "/devicelogin/x", "/azure"}
    for route in table:
        if isinstance(route, Route):
            filled = re.sub(r"\{[^}:]+:path\}", "a/b", route.path)
            filled = re.sub(r"\{[^}]+\}", "0c0ffee0-0000-4000-8000-000000000001", filled)
            paths |= {filled, filled + "/", filled + "/extra", filled.rstrip("/").rsplit("/", 1)[0]}
            paths |= {filled + "\n", filled + "\n/"}  # a route's `$` matches before a final newline (%0A)
    return sorted(paths)


def test_the_shapes_are_generated_from_every_lazy_modules_routes() -> None:
    """A route added to (or changed in) a lazily loaded module without regenerating the shapes fails here."""
    groups = _groups(routes())
    assert len(groups) >= 10
    assert [g.module for g in groups if g.shapes is None] == []
    text = Path(lazy_shapes.__file__).read_text(encoding="utf-8")
    assert text == render(), "run: python -m wizard.sandbox.lazy_shapes_gen --write"
    for group in groups:  # and each shape reads back as its route's path and methods
        assert group.shapes is not None
        read = [(s.path, s.methods) for s in group.shapes]
        assert read == [(r.path, frozenset(r.methods or ())) for r in group.routes if isinstance(r, Route)]


class _AnyPath(Route):
    def matches(self, scope: dict[str, Any]) -> tuple[Match, dict[str, Any]]:
        return Match.FULL, {}


async def _endpoint(_request: object) -> Any:
    raise AssertionError("not called")


def test_only_a_plain_route_has_a_shape() -> None:
    """A Route subclass (or any other kind of route) may match other paths than its template: it cannot be
    foreseen."""
    assert shape(Route("/x/{y}", _endpoint, methods=["POST"])) == "POST /x/{y}"
    assert shape(Route("/x/{y:path}", _endpoint)) == "GET HEAD /x/{y:path}"
    with pytest.raises(TypeError, match="plain Route"):
        shape(_AnyPath("/x", _endpoint))
    with pytest.raises(TypeError, match="plain Route"):
        shape(LazyRoutes("wizard.sandbox.todo"))


@pytest.mark.parametrize("method", METHODS)
def test_the_lazy_table_routes_every_request_as_the_written_out_one(method: str) -> None:
    lazy = routes()
    eager = _written_out(lazy)  # the same Route objects, without the groups in between
    paths = _sample_paths(eager)
    assert {"/v1.0/applications", "/v1.0/applications/0c0ffee0-0000-4000-8000-000000000001"} < set(paths)
    for path in paths:
        scope = _scope(method, path)
        assert _resolve(lazy, scope) == _resolve(eager, scope), f"{method} {path}"


def test_a_partial_match_foreseen_from_the_shapes_answers_405_from_its_route() -> None:
    """`OPTIONS /v1.0/applications/{id}` is only a write route's path (Graph's catch-all takes the other
    methods): the router hands it to that group, which loads its module then and answers with its route."""
    table = routes()
    writes = next(g for g in _groups(table) if g.module == "wizard.sandbox.graph_write_apps")
    assert writes.foresee(_scope("OPTIONS", f"/v1.0/applications/{APP}")) is Match.PARTIAL
    assert not writes.loaded
    outcome = _resolve(table, _scope("OPTIONS", f"/v1.0/applications/{APP}"))
    assert outcome[:3] == ("partial", writes.routes[2], 405)
    allow = dict(outcome[3])[b"allow"]
    assert sorted(allow.split(b", ")) == [b"DELETE", b"PATCH"]


def test_doctors_requests_load_no_imitation() -> None:
    """doctor's discovery, token, `GET /v1.0/users` and app registration reads take no lazy group's route:
    the Graph writes' paths under /v1.0/applications only resemble them (PATCH, DELETE, POST there)."""
    table = routes()
    for method, path in [
        ("GET", "/7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001/v2.0/.well-known/openid-configuration"),
        ("POST", "/7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001/oauth2/v2.0/token"),
        ("GET", "/v1.0/users"),
        ("GET", "/v1.0/applications"),  # ?$filter=appId eq '...' (the query is not the path)
        ("GET", f"/v1.0/applications/{APP}"),  # a write route's path: PATCH and DELETE only
        ("GET", f"/v1.0/applications(appId='{APP}')"),
        ("GET", f"/v1.0/applications/{APP}/owners"),
    ]:
        assert _resolve(table, _scope(method, path))[0] == "full", path
    assert [g.module for g in _groups(table) if g.loaded] == []
    _resolve(table, _scope("GET", "/azure/keyvault/contoso-vault/secrets/db-password"))
    assert [g.module for g in _groups(table) if g.loaded] == ["wizard.sandbox.keyvault"]


def test_a_write_loads_its_module_and_reaches_its_route() -> None:
    table = routes()
    outcome = _resolve(table, _scope("PATCH", f"/v1.0/applications/{APP}"))
    writes = next(g for g in _groups(table) if g.module == "wizard.sandbox.graph_write_apps")
    assert outcome == ("full", writes.routes[2])
    assert [g.module for g in _groups(table) if g.loaded] == ["wizard.sandbox.graph_write_apps"]
