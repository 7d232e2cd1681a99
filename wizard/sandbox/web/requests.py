"""`Request`: one HTTP request as an endpoint reads it, from the ASGI scope and its `receive`."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from wizard.sandbox.web.datastructures import URL, Address, Headers, MultiDict
from wizard.sandbox.web.types import Message, Receive, Scope

#: A form with more fields than this, or a field (name and value) longer than this, is a 400, as Starlette's
#: form parser answers.
MAX_FORM_FIELDS = 1000
MAX_FIELD_SIZE = 1024 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"


class ClientDisconnect(Exception):
    """The client went away before the request's body had all arrived."""


class HTTPError(Exception):
    """An answer in plain text the route gives instead of the endpoint's (a malformed form)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def parse_form(body: bytes) -> MultiDict:
    """An urlencoded body's fields as python-multipart reads them for Starlette: split at `&` (empty parts
    skipped), name and value at the first `=` (none: an empty value), `+` and %-escapes decoded."""
    fields: list[tuple[str, str]] = []
    for part in body.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        if len(name) + len(value) > MAX_FIELD_SIZE:
            raise HTTPError(400, f"Field exceeded maximum size of {MAX_FIELD_SIZE // 1024}KB.")
        if len(fields) == MAX_FORM_FIELDS:
            raise HTTPError(400, f"Too many fields. Maximum number of fields is {MAX_FORM_FIELDS}.")
        fields.append((unquote_plus(name.decode("latin-1")), unquote_plus(value.decode("latin-1"))))
    return MultiDict(fields)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class Request:
    """What an endpoint reads of its request; the body, once read, is kept for the next read."""

    def __init__(self, scope: Scope, receive: Receive = _no_body) -> None:
        self.scope = scope
        self._receive = receive
        self._body: bytes | None = None
        self._form: MultiDict | None = None

    @property
    def method(self) -> str:
        method: str = self.scope["method"]
        return method

    @property
    def app(self) -> Any:
        """The router serving the request (its `state` holds the sandbox's)."""
        return self.scope["app"]

    @cached_property
    def url(self) -> URL:
        return URL(self.scope)

    @cached_property
    def headers(self) -> Headers:
        return Headers(list(self.scope["headers"]))

    @cached_property
    def query_params(self) -> MultiDict:
        text = self.scope.get("query_string", b"").decode("latin-1")
        return MultiDict(parse_qsl(text, keep_blank_values=True))

    @property
    def path_params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.scope.get("path_params", {})
        return params

    @property
    def client(self) -> Address | None:
        peer = self.scope.get("client")
        return Address(*peer) if peer else None

    async def body(self) -> bytes:
        if self._body is None:
            chunks: list[bytes] = []
            while True:
                message = await self._receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnect()
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            self._body = b"".join(chunks)
        return self._body

    async def json(self) -> Any:
        return json.loads(await self.body())

    async def form(self) -> MultiDict:
        """An urlencoded body's fields (`+` and %-escapes decoded); any other content type has none."""
        if self._form is None:
            kind = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if kind != FORM_TYPE:
                self._form = MultiDict()
                return self._form
            self._form = parse_form(await self.body())
        return self._form
