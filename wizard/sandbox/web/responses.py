"""Responses an endpoint returns: bytes or text with a media type, JSON, HTML, plain text, a redirect."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from wizard.sandbox.web.datastructures import MutableHeaders
from wizard.sandbox.web.types import Receive, Scope, Send


class Response:
    """A whole answer. Content-Length is added (but for 1xx, 204 and 304), and the media type as
    Content-Type, with `; charset=utf-8` for text, unless the headers given have them."""

    media_type: str | None = None
    charset = "utf-8"

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.body = self.render(content)
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
        names = {k for k, _ in raw}
        if b"content-length" not in names and not (status_code < 200 or status_code in (204, 304)):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        kind = self.media_type
        if kind is not None and b"content-type" not in names:
            if kind.startswith("text/") and "charset=" not in kind.lower():
                kind += "; charset=" + self.charset
            raw.append((b"content-type", kind.encode("latin-1")))
        self.headers = MutableHeaders(raw)

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, (bytes, bytearray, memoryview)):
            return bytes(content)
        text: str = content
        return text.encode(self.charset)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.headers.raw})
        await send({"type": "http.response.body", "body": self.body})


class PlainTextResponse(Response):
    media_type = "text/plain"


class HTMLResponse(Response):
    media_type = "text/html"


class JSONResponse(Response):
    """`content` as compact JSON in UTF-8 (no NaN, non-ASCII kept)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
        return text.encode("utf-8")


class RedirectResponse(Response):
    """An empty answer sending the client to `url` (307 unless told)."""

    def __init__(self, url: str, status_code: int = 307, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(b"", status_code=status_code, headers=headers)
        self.headers["location"] = quote(str(url), safe=":/%#?=@[]!$&'()*+,;")
