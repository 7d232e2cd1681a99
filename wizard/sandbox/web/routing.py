"""`Route` and `Router`: which endpoint answers a request, matched by path template and method.

A template's regex is "^literal(?P<name>...)literal$" (`{name}` is `[^/]+`, `{name:path}` is `.*`), compiled
on the first path that could match it: one that starts with the text before the first parameter and ends
with the text after the last one (but for one final newline, before which `$` matches too). Most requests
pass most routes on that test alone, so a start compiles no regex it does not need.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from types import SimpleNamespace
from typing import Any

from wizard.sandbox.web.datastructures import URL
from wizard.sandbox.web.requests import HTTPError, Request
from wizard.sandbox.web.responses import PlainTextResponse, RedirectResponse, Response
from wizard.sandbox.web.types import Message, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]

_CONVERTORS = {"str": "[^/]+", "path": ".*"}


class Match(enum.Enum):
    NONE = 0
    PARTIAL = 1  # the path matches, the method does not
    FULL = 2


def _params(path: str) -> Iterator[tuple[int, int, str, str]]:
    """Each `{name}` or `{name:convertor}` of a template (names as Python's, in ASCII): start, end, name, kind.
    Other text in braces is literal, as in Starlette's templates."""
    at = 0
    while (start := path.find("{", at)) != -1 and (end := path.find("}", start)) != -1:
        name, colon, kind = path[start + 1 : end].partition(":")
        if _is_name(name) and (_is_name(kind) if colon else True):
            yield start, end + 1, name, kind or "str"
            at = end + 1
        else:
            at = start + 1


def _is_name(text: str) -> bool:
    return text.isascii() and text.isidentifier()


def compile_path(path: str) -> re.Pattern[str]:
    """The regex a path template matches by; an unknown convertor or a repeated name is a ValueError."""
    regex, seen, at = "^", set(), 0
    for start, end, name, kind in _params(path):
        if kind not in _CONVERTORS:
            raise ValueError(f"Unknown path convertor {kind!r} in {path}")
        if name in seen:
            raise ValueError(f"Duplicated param name {name} at path {path}")
        seen.add(name)
        regex += re.escape(path[at:start]) + f"(?P<{name}>{_CONVERTORS[kind]})"
        at = end
    return re.compile(regex + re.escape(path[at:]) + "$")


class PathTemplate:
    """A route's path template, matched against request paths."""

    __slots__ = ("_regex", "head", "path", "tail")

    def __init__(self, path: str) -> None:
        self.path = path
        self.head = path.split("{", 1)[0]
        self.tail = path[path.rfind("}") + 1 :]
        self._regex: re.Pattern[str] | None = None

    def match(self, path: str) -> dict[str, str] | None:
        """The path's parameters by name, or None when it does not match."""
        body = path[:-1] if path.endswith("\n") else path
        if not (path.startswith(self.head) and body.endswith(self.tail)):
            return None
        if self._regex is None:
            self._regex = compile_path(self.path)
        found = self._regex.match(path)
        return found.groupdict() if found is not None else None


def route_path(scope: Scope) -> str:
    """The request's path below the application's `root_path`."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root) :] if path[len(root)] == "/" else path


class BaseRoute:
    """What the router asks of each entry of its table."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """How the request matches, and what to add to its scope if it is handed over."""
        raise NotImplementedError

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class Route(BaseRoute):
    """`endpoint` answers `methods` (GET, and HEAD with it, unless told) on paths matching `path`."""

    def __init__(self, path: str, endpoint: Endpoint, *, methods: Collection[str] | None = None) -> None:
        if not path.startswith("/"):
            raise ValueError(f"a routed path starts with '/': {path!r}")
        self.path = path
        self.endpoint = endpoint
        self.name: str = getattr(endpoint, "__name__", type(endpoint).__name__)
        allowed = {m.upper() for m in (methods if methods is not None else ["GET"])}
        if "GET" in allowed:
            allowed.add("HEAD")
        self.methods = frozenset(allowed)
        self.template = PathTemplate(path)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        params = self.template.match(route_path(scope))
        if params is None:
            return Match.NONE, {}
        child = {"endpoint": self.endpoint, "path_params": {**scope.get("path_params", {}), **params}}
        return (Match.FULL if scope["method"] in self.methods else Match.PARTIAL), child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in self.methods:
            allow = {"Allow": ", ".join(sorted(self.methods))}
            response: Response = PlainTextResponse("Method Not Allowed", status_code=405, headers=allow)
        else:
            try:
                response = await self.endpoint(Request(scope, receive))
            except HTTPError as exc:
                response = PlainTextResponse(exc.detail, status_code=exc.status)
        await response(scope, receive, send)

    def __repr__(self) -> str:
        return f"Route(path={self.path!r}, name={self.name!r}, methods={sorted(self.methods)!r})"


class Router:
    """The ASGI application over a route table, in order; `state` is what endpoints share (`request.app`)."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = list(routes)
        self.state: Any = SimpleNamespace()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # no lifespan or websocket here
        scope["app"] = self
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self._route(scope, receive, sending)
        except Exception:
            # As Starlette's outermost middleware: a 500 the middleware around the app sees (the request
            # log records it), then the exception goes on to the server, which logs it.
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
            raise

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = (route, child)
        if partial is not None:  # the path is a route's, the method is not: its 405
            scope["route"] = partial[0]
            scope.update(partial[1])
            await partial[0].handle(scope, receive, send)
            return
        await self._slash_twin_or_404(scope, receive, send)

    async def _slash_twin_or_404(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A 307 to the path with (or without) its trailing slash when a route takes that one, else 404."""
        path = route_path(scope)
        if path != "/":
            twin = {**scope, "path": scope["path"].rstrip("/") if path.endswith("/") else scope["path"] + "/"}
            if any(route.matches(twin)[0] is not Match.NONE for route in self.routes):
                await RedirectResponse(str(URL(twin)))(scope, receive, send)
                return
        await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
