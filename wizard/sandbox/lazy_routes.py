"""Route groups whose module is imported on the first request that could reach them.

A sandbox start used to import every imitation (Key Vault, ARM, SharePoint, Storage, the Graph writes,
sign-in pages, ...) to build its route table, although a `doctor --sandbox` run reaches four routes. A
`LazyRoutes` stands in the table where the module's `ROUTES` were, declaring the path prefixes those
routes live under: a request outside them cannot match any of them (tests/unit/test_sandbox_lazy_routes.py
checks every route's literal prefix against the declaration), and the first request inside loads the module
and is matched against its routes in their order. So the router answers exactly as with the routes inline:
same first full match, same first partial match (405), same `scope["route"]`.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send


class LazyRoutes(BaseRoute):
    """`module.ROUTES` (or `attr`), imported when a request's path starts with one of `prefixes`."""

    def __init__(self, module: str, *, prefixes: tuple[str, ...], attr: str = "ROUTES") -> None:
        self.module = module
        self.attr = attr
        self.prefixes = prefixes
        self._routes: tuple[BaseRoute, ...] | None = None

    @property
    def loaded(self) -> bool:
        return self._routes is not None

    @property
    def routes(self) -> Sequence[BaseRoute]:
        if self._routes is None:
            self._routes = tuple(getattr(importlib.import_module(self.module), self.attr))
        return self._routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket") and not get_route_path(scope).startswith(self.prefixes):
            return Match.NONE, {}
        partial: Scope | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            # The router sets scope["route"] to this group, then applies the child scope: the real route.
            if match is Match.FULL:
                return Match.FULL, {**child, "route": route}
            if match is Match.PARTIAL and partial is None:
                partial = {**child, "route": route}
        return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope["route"]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)

    def __repr__(self) -> str:
        return f"LazyRoutes({self.module!r}, prefixes={self.prefixes!r}, loaded={self.loaded})"


def lazy_endpoint(module: str, name: str) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint function `module.name`, imported on its first request (its route's path stays eager)."""

    async def endpoint(request: Request) -> Response:
        real: Callable[[Request], Awaitable[Response]] = getattr(importlib.import_module(module), name)
        return await real(request)

    endpoint.__name__ = endpoint.__qualname__ = name  # the route's name, as with the real function
    return endpoint
