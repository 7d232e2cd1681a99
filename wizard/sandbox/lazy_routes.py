"""Route groups whose module is imported on the first request that one of its routes would take.

A sandbox start used to import every imitation (Key Vault, ARM, SharePoint, Storage, the Graph writes,
sign-in pages, ...) to build its route table, although a `doctor --sandbox` run reaches four routes. A
`LazyRoutes` stands in the table where the module's `ROUTES` were, with each route's path template and
methods (wizard/sandbox/lazy_shapes.py, generated from the routes and checked against them by
tests/unit/test_sandbox_lazy_routes.py). From those it foresees what matching the routes would give, as
each `Route` decides it: NONE when no template's regex matches the path, PARTIAL when one does but none
with the request's method (a 405 unless a later route matches in full), FULL otherwise. Only FULL imports
the module to match against its routes in their order; a PARTIAL is resolved to its route if the router
hands the request to it. So the router answers exactly as with the routes inline: same first full match,
same first partial match (405 with that route's `Allow`), same `scope["route"]`; and a Graph read of
`/v1.0/applications...` that the write routes' paths merely resemble loads none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence

from wizard.sandbox.lazy_shapes import SHAPES
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response
from wizard.sandbox.web.routing import BaseRoute, Match, PathTemplate, route_path
from wizard.sandbox.web.types import Receive, Scope, Send


class RouteShape:
    """One route's path and methods from "METHODS PATH"."""

    __slots__ = ("methods", "path", "template")

    def __init__(self, shape: str) -> None:
        *methods, self.path = shape.split(" ")
        self.methods = frozenset(m for m in methods if m != "*")
        self.template = PathTemplate(self.path)  # its regex compiled when a path could match it

    def path_matches(self, path: str) -> bool:
        return self.template.match(path) is not None


class LazyRoutes(BaseRoute):
    """`module.ROUTES`, imported when a request would match one of them in full."""

    def __init__(self, module: str) -> None:
        self.module = module
        # A module missing from lazy_shapes.py (a test fails then) is imported on its first request, any path.
        known = SHAPES.get(module)
        self.shapes = tuple(RouteShape(s) for s in known) if known is not None else None
        self._routes: tuple[BaseRoute, ...] | None = None

    @property
    def loaded(self) -> bool:
        return self._routes is not None

    @property
    def routes(self) -> Sequence[BaseRoute]:
        if self._routes is None:
            self._routes = tuple(importlib.import_module(self.module).ROUTES)
        return self._routes

    def foresee(self, scope: Scope) -> Match | None:
        """What matching the routes would give, told from their shapes when it is NONE or PARTIAL; None when
        a route would match in full (or the shapes are unknown): only the routes themselves can tell then."""
        if self.shapes is None:
            return None
        if scope["type"] != "http":
            return Match.NONE  # a plain Route matches HTTP requests only
        path, method = route_path(scope), scope["method"]
        seen = Match.NONE
        for shape in self.shapes:
            if shape.path_matches(path):
                if not shape.methods or method in shape.methods:
                    return None
                seen = Match.PARTIAL
        return seen

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        foreseen = self.foresee(scope)
        if foreseen is None:
            return self._match(scope)
        # A PARTIAL's child scope stays empty: scope["route"] is this group until `handle` names the route.
        return foreseen, {}

    def _match(self, scope: Scope) -> tuple[Match, Scope]:
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
        if scope["route"] is self:  # a foreseen PARTIAL the router chose: now its route is looked up
            match, child = self._match(scope)
            if match is not Match.PARTIAL:
                raise RuntimeError(
                    f"{self.module}'s routes differ from wizard/sandbox/lazy_shapes.py: "
                    "run python -m wizard.sandbox.lazy_shapes_gen --write"
                )
            scope.update(child)
        route: BaseRoute = scope["route"]
        await route.handle(scope, receive, send)

    def __repr__(self) -> str:
        return f"LazyRoutes({self.module!r}, loaded={self.loaded})"


def lazy_endpoint(module: str, name: str) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint function `module.name`, imported on its first request (its route's path stays eager)."""

    async def endpoint(request: Request) -> Response:
        real: Callable[[Request], Awaitable[Response]] = getattr(importlib.import_module(module), name)
        return await real(request)

    endpoint.__name__ = endpoint.__qualname__ = name  # the route's name, as with the real function
    return endpoint
