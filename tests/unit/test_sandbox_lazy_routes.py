"""The sandbox's route table with lazy groups answers every request as the same table written out in full."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import BaseRoute, Match, Route

from wizard.sandbox.app import routes
from wizard.sandbox.lazy_routes import LazyRoutes

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _groups(table: list[BaseRoute]) -> list[LazyRoutes]:
    return [r for r in table if isinstance(r, LazyRoutes)]


def _written_out(table: list[BaseRoute]) -> list[BaseRoute]:
    """The same table with each lazy group replaced by its module's routes (importing them)."""
    return [inner for r in table for inner in (r.routes if isinstance(r, LazyRoutes) else [r])]


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def _resolve(table: list[BaseRoute], scope: dict[str, Any]) -> tuple[str, object]:
    """Which route the router hands the request to, and why (Starlette's Router.app loop)."""
    partial: tuple[str, object] | None = None
    for route in table:
        match, child = route.matches(dict(scope))
        chosen = child.get("route", route)  # a lazy group names the real route in its child scope
        if match is Match.FULL:
            return "full", chosen
        if match is Match.PARTIAL and partial is None:
            partial = ("partial", chosen)
    return partial or ("none", None)


def _sample_paths(table: list[BaseRoute]) -> list[str]:
    """Every route's path with its parameters filled in, and near misses around each."""
    paths = {"/", "/nope", "/v1.0/users", "/v1.0/users/", "/api/todolist/", "/devicelogin/x", "/azure"}
    for route in table:
        if isinstance(route, Route):
            filled = re.sub(r"\{[^}:]+:path\}", "a/b", route.path)
            filled = re.sub(r"\{[^}]+\}", "0c0ffee0-0000-4000-8000-000000000001", filled)
            paths |= {filled, filled + "/", filled + "/extra", filled.rstrip("/").rsplit("/", 1)[0]}
    return sorted(paths)


def test_every_lazy_group_declares_the_prefixes_its_routes_live_under() -> None:
    """A request outside a group's prefixes is never matched against its routes: none may live elsewhere."""
    groups = _groups(routes())
    assert len(groups) >= 10
    for group in groups:
        for route in group.routes:
            assert isinstance(route, Route), f"{group.module}: {route!r}"
            literal = route.path.split("{", 1)[0]
            assert literal.startswith(group.prefixes), (
                f"{group.module}: {route.path} outside {group.prefixes}"
            )


@pytest.mark.parametrize("method", METHODS)
def test_the_lazy_table_routes_every_request_as_the_written_out_one(method: str) -> None:
    lazy = routes()
    eager = _written_out(lazy)  # the same Route objects, without the groups in between
    for path in _sample_paths(eager):
        scope = _scope(method, path)
        assert _resolve(lazy, scope) == _resolve(eager, scope), f"{method} {path}"


def test_a_graph_read_of_users_loads_no_imitation() -> None:
    """doctor's `GET /v1.0/users` (and discovery, the token) reach no lazy group's prefixes."""
    table = routes()
    for method, path in [
        ("GET", "/7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001/v2.0/.well-known/openid-configuration"),
        ("POST", "/7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001/oauth2/v2.0/token"),
        ("GET", "/v1.0/users"),
    ]:
        assert _resolve(table, _scope(method, path))[0] == "full"
    assert [g.module for g in _groups(table) if g.loaded] == []
    _resolve(table, _scope("GET", "/azure/keyvault/contoso-vault/secrets/db-password"))
    assert [g.module for g in _groups(table) if g.loaded] == ["wizard.sandbox.keyvault"]
